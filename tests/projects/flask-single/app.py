import os

from flask import Flask, jsonify, render_template

app = Flask(__name__)
app.config["GREETING"] = os.environ.get("GREETING", "Hello from flask-single")


@app.get("/")
def index():
    return render_template("index.html", greeting=app.config["GREETING"])


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@app.get("/add/<int:a>/<int:b>")
def add(a, b):
    return jsonify(result=a + b)


if __name__ == "__main__":
    # Development server only; production uses gunicorn (see Procfile).
    app.run(debug=True)
