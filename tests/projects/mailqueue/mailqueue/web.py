"""The web process: accepts mail requests and queues them for the worker."""
from flask import Flask, jsonify, request

from mailqueue.tasks import send_mail

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return "ok"


@app.post("/mail")
def queue_mail():
    payload = request.get_json(force=True)
    result = send_mail.delay(payload["to"], payload.get("subject", "(no subject)"))
    return jsonify(id=result.id), 202
