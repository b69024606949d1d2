"""Package analyzers, one module per package format (trivy's shape): each declares the paths it
wants and how much of each (``interface.Wants``), and collects packages from the merged tree.
``registry`` lists them all and compiles their path tests into the one check the layer pass
runs. See ``interface`` for the contract; ``analysis/packages.py`` runs them after the merge.
"""
