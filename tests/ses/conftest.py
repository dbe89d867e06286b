"""The real local SES (aws-ses-v2-local, pinned in tests/node) and a fault-injecting proxy."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from faultproxy import FaultProxy

from tests.needs import unavailable

REPO = Path(__file__).resolve().parents[2]
SES_CLI = REPO / "tests" / "node" / "node_modules" / "aws-ses-v2-local" / "dist" / "cli.js"

pytestmark = pytest.mark.ses


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class SesServer:
    """One aws-ses-v2-local process on a loopback port."""

    url: str
    process: subprocess.Popen[bytes]

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def store(self) -> dict[str, Any]:
        data: dict[str, Any] = self.get("/store")
        return data

    def emails(self) -> list[dict[str, Any]]:
        emails: list[dict[str, Any]] = self.store()["emails"]
        return emails

    def templates(self) -> dict[str, Any]:
        """The user templates in the store (state manifests left out, as users see it)."""
        from sestemplates.ses.manifest import is_manifest_name

        return {k: v for k, v in self.all_templates().items() if not is_manifest_name(k)}

    def all_templates(self) -> dict[str, Any]:
        templates: dict[str, Any] = self.store()["templates"]
        return templates

    def clear(self) -> None:
        request = urllib.request.Request(self.url + "/clear-store", method="POST")
        urllib.request.urlopen(request, timeout=10).close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def node_available() -> None:
    if SES_CLI.is_file():
        return
    unavailable(f"aws-ses-v2-local not installed ({SES_CLI}); run: npm ci --prefix tests/node")


def start_ses_server(port: int | None = None) -> SesServer:
    """A new server (on `port`, e.g. to restart one that was killed, or a free one)."""
    node_available()
    port = port or free_port()
    process = subprocess.Popen(
        ["node", str(SES_CLI), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = SesServer(f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"aws-ses-v2-local exited with {process.returncode}")
        try:
            urllib.request.urlopen(server.url + "/health-check", timeout=1).close()
            return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("aws-ses-v2-local did not answer within 30 s")


@pytest.fixture(scope="session")
def ses_server() -> Iterator[SesServer]:
    server = start_ses_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials and region; nothing from the developer's ~/.aws leaks in."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("SESTEMPLATES_ENV", raising=False)


@pytest.fixture
def ses(ses_server: SesServer, aws_env: None) -> SesServer:
    """The shared server with an empty store (templates and emails) for this test."""
    ses_server.clear()
    return ses_server


@pytest.fixture
def second_ses(aws_env: None) -> Iterator[SesServer]:
    """Another server of its own, standing in for a second region (stopped after the test)."""
    server = start_ses_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def proxy(ses: SesServer) -> Iterator[FaultProxy]:
    fault_proxy = FaultProxy(ses.url).start()
    try:
        yield fault_proxy
    finally:
        fault_proxy.stop()
