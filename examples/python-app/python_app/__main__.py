from python_app.server import main

raise SystemExit(main())
