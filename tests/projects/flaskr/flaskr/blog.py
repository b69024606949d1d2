from flask import Blueprint, current_app, render_template

bp = Blueprint("blog", __name__)

POSTS = [
    {"title": "First post", "body": "Written with the application factory."},
    {"title": "Second post", "body": "Blueprints keep views together."},
]


@bp.route("/")
def index():
    return render_template("index.html", title=current_app.config["BLOG_TITLE"], posts=POSTS)
