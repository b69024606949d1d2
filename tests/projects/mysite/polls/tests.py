import datetime

from django.test import TestCase
from django.utils import timezone

from .models import Question


class PollViewTests(TestCase):
    def test_index_without_questions(self):
        res = self.client.get("/polls/")
        self.assertEqual(res.status_code, 200)
        self.assertContains(res, "no polls yet")

    def test_index_lists_question(self):
        Question.objects.create(question_text="What's new?", pub_date=timezone.now())
        self.assertContains(self.client.get("/polls/"), "What's new?")

    def test_healthz(self):
        self.assertEqual(self.client.get("/healthz").json(), {"status": "ok"})

    def test_str(self):
        q = Question(question_text="Q?", pub_date=timezone.now() - datetime.timedelta(days=1))
        self.assertEqual(str(q), "Q?")
