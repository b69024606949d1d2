from django.test import SimpleTestCase


class BookListTests(SimpleTestCase):
    def test_all_books(self):
        res = self.client.get("/")
        self.assertEqual(res.status_code, 200)
        self.assertEqual(len(res.json()["books"]), 2)

    def test_since_filter(self):
        res = self.client.get("/?since=1990")
        self.assertEqual([b["year"] for b in res.json()["books"]], [1999])
