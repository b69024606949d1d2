from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for

from app.db import get_db

bp = Blueprint("main", __name__)


@bp.route("/", methods=["GET", "POST"])
def index():
    db = get_db()
    if request.method == "POST":
        db.execute("INSERT INTO post (body) VALUES (?)", (request.form["body"],))
        db.commit()
        return redirect(url_for("main.index"))
    limit = current_app.config["POSTS_PER_PAGE"]
    posts = db.execute("SELECT body FROM post ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return render_template("index.html", posts=posts)


@bp.route("/healthz")
def healthz():
    return jsonify(status="ok")
