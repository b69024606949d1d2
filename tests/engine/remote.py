"""A second Docker engine for the remote-engine tests: dockerd on a loopback TCP port with mutual
TLS (a CA, a server and a client certificate made with openssl here), its own data root, exec
root and managed containerd, so the machine's engine is never touched.

Only loopback: the engine listens on 127.0.0.1 and nowhere else (no unix socket of its own).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DOCKERD = shutil.which("dockerd") or "/usr/sbin/dockerd"
CLIENT = "/usr/bin/docker"
START_SECONDS = 60


@dataclass
class RemoteEngine:
    host: str  # tcp://127.0.0.1:PORT
    certs: Path  # ca.pem, cert.pem, key.pem: what DOCKER_CERT_PATH names
    root: Path
    process: subprocess.Popen[bytes]

    def env(self) -> dict[str, str]:
        """What a user sets to point the docker CLI (and us) at this engine."""
        return {
            "DOCKER_HOST": self.host,
            "DOCKER_TLS_VERIFY": "1",
            "DOCKER_CERT_PATH": str(self.certs),
        }

    def docker(self, *args: str, input: bytes | None = None, check: bool = True
               ) -> subprocess.CompletedProcess[bytes]:  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
        env.update(self.env())
        env["DOCKER_BUILDKIT"] = "1"
        return subprocess.run([CLIENT, *args], input=input, env=env, capture_output=True,
                              check=check, timeout=300)  # fmt: skip

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # The data root holds overlay mounts while the engine runs; it has stopped now.
        subprocess.run(["umount", "-R", str(self.root / "data")], capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certificates(folder: Path) -> tuple[Path, Path]:
    """(server folder, client folder), each with ca.pem, cert.pem and key.pem."""
    folder.mkdir(parents=True, exist_ok=True)
    _openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=imagetailor test CA",
        "-keyout",
        "ca-key.pem",
        "-out",
        "ca.pem",
        cwd=folder,
    )
    for name, usage, san in (
        ("server", "serverAuth", "subjectAltName=IP:127.0.0.1"),
        ("client", "clientAuth", ""),
    ):
        _openssl(
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            f"/CN={name}",
            "-keyout",
            f"{name}-key.pem",
            "-out",
            f"{name}.csr",
            cwd=folder,
        )
        extensions = folder / f"{name}.ext"
        extensions.write_text(f"extendedKeyUsage={usage}\n" + (san + "\n" if san else ""))
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                 "-CAcreateserial", "-days", "2", "-extfile", extensions.name,
                 "-out", f"{name}-cert.pem", cwd=folder)  # fmt: skip
    result = []
    for name in ("server", "client"):
        target = folder / name
        target.mkdir()
        shutil.copy(folder / "ca.pem", target / "ca.pem")
        shutil.copy(folder / f"{name}-cert.pem", target / "cert.pem")
        shutil.copy(folder / f"{name}-key.pem", target / "key.pem")
        result.append(target)
    return result[0], result[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_remote_engine() -> RemoteEngine:
    """Start the engine and wait until it answers over TLS (about 3 s here)."""
    # A short root: containerd's sockets live under the exec root, and a unix socket's path
    # may be at most 108 bytes.
    root = Path(tempfile.mkdtemp(prefix="itd-", dir="/tmp"))
    server, client = make_certificates(root / "tls")
    port = _free_port()
    host = f"tcp://127.0.0.1:{port}"
    log = open(root / "dockerd.log", "wb")  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen(
        [DOCKERD, "--host", host, "--tlsverify", "--tlscacert", str(server / "ca.pem"),
         "--tlscert", str(server / "cert.pem"), "--tlskey", str(server / "key.pem"),
         "--data-root", str(root / "data"), "--exec-root", str(root / "exec"),
         "--pidfile", str(root / "dockerd.pid"), "--bridge=none", "--iptables=false",
         "--ip-masq=false"],
        stdout=log, stderr=log, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    engine = RemoteEngine(host, client, root, process)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if engine.docker("version", "--format", "{{.Server.Version}}", check=False).returncode == 0:
            return engine
        time.sleep(0.5)
    tail = (root / "dockerd.log").read_text(errors="replace")[-800:]
    engine.stop()
    raise RuntimeError(f"the second dockerd did not start: {tail}")
