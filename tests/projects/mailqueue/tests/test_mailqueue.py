from mailqueue.tasks import render, send_mail
from mailqueue.web import app


def test_healthz():
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.data == b"ok"


def test_render_names_recipient(monkeypatch):
    monkeypatch.setenv("MAIL_FROM", "desk@example.com")
    assert render("a@example.com", "hi").startswith("From: desk@example.com\nTo: a@example.com")


def test_task_runs_eagerly():
    assert "Subject: hello" in send_mail.apply(args=("b@example.com", "hello")).get()
