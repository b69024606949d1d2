from flask import Blueprint, current_app, jsonify

bp = Blueprint("api", __name__)


@bp.get("/health")
def health():
    return jsonify(status="ok")


@bp.get("/links")
def links():
    return jsonify(current_app.config["LINKS"])
