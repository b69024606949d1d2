import httpx

from tests.conftest import docker


def test_busybox_base_runs(busybox_image):
    out = docker("run", "--rm", "--network", "none", busybox_image, "cat", "/etc/passwd")
    assert b"app:x:10001" in out.stdout


def test_local_registry_answers_v2(registry):
    response = httpx.get(f"http://{registry}/v2/", timeout=5)
    assert response.status_code == 200
