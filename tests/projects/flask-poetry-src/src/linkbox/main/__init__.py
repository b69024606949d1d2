from flask import Blueprint, current_app, render_template

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    return render_template("index.html", links=current_app.config["LINKS"])
