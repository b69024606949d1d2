def test_health(client):
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.get_json() == {"status": "ok"}


def test_index_lists_links(client):
    assert b"https://a.example/" in client.get("/").data


def test_links(client):
    assert client.get("/api/links").get_json() == ["https://a.example/"]
