"""The Celery app and its tasks; the worker process runs them (Procfile worker)."""
import os

from celery import Celery

celery_app = Celery(
    "mailqueue",
    broker=os.environ.get("CELERY_BROKER_URL", "amqp://guest:guest@localhost:5672//"),
)


def render(recipient: str, subject: str) -> str:
    sender = os.environ.get("MAIL_FROM", "noreply@example.com")
    return f"From: {sender}\nTo: {recipient}\nSubject: {subject}\n"


@celery_app.task
def send_mail(recipient: str, subject: str) -> str:
    message = render(recipient, subject)
    print(message)
    return message
