from rest_framework.test import APITestCase


class NotesApiTests(APITestCase):
    def test_health(self):
        r = self.client.get("/api/health/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json(), {"status": "ok"})

    def test_create_and_list(self):
        r = self.client.post("/api/notes/", {"title": "hi", "body": "there"}, format="json")
        self.assertEqual(r.status_code, 201)
        r = self.client.get("/api/notes/")
        self.assertEqual(r.json()[0]["title"], "hi")
