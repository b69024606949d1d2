import os

from flask import Flask


def create_app(test_config=None):
    """Application factory: `flask --app flaskr run`."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY", "dev"),
        BLOG_TITLE=os.environ.get("BLOG_TITLE", "Flaskr"),
    )

    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)

    os.makedirs(app.instance_path, exist_ok=True)

    from . import blog

    app.register_blueprint(blog.bp)
    app.add_url_rule("/", endpoint="index")

    @app.route("/hello")
    def hello():
        return "Hello, World!"

    return app
