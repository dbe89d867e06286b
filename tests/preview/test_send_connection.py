"""The preview's test send goes where the CLI's global options say, as `sestemplates send` does:
`sestemplates --endpoint-url URL preview` must not fall back to the config's endpoint."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.preview.conftest import Http
from tests.preview.serving import stop_preview
from tests.preview.test_send_readiness import post, token_of

pytestmark = pytest.mark.ses


def _store(ses_url: str) -> Any:
    with urllib.request.urlopen(ses_url + "/store", timeout=10) as response:
        return json.loads(response.read())


def _serve(args: list[str], log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    from tests.ses.conftest import free_port

    port = free_port()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sestemplates", *args, "preview", "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"preview exited {proc.returncode}: {log_path.read_text()}")
        try:
            urllib.request.urlopen(url + "/version", timeout=2).close()
            return proc, url
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                stop_preview(proc)
                raise AssertionError("the preview did not start") from None
            time.sleep(0.1)


def test_the_test_send_uses_the_clis_connection_options(
    example_project: Path, tmp_path: Path, ses_url: str
) -> None:
    from tests.ses.conftest import free_port

    # The config points at a port nothing listens on; only the CLI option names the server.
    config = example_project / "sestemplates.toml"
    dead = f"http://127.0.0.1:{free_port()}"
    config.write_text(
        config.read_text().replace(
            'region = "eu-west-1"', f'region = "eu-west-1"\nendpoint_url = "{dead}"'
        )
    )
    args = ["--project", str(example_project), "--endpoint-url", ses_url,
            "--region", "us-east-1"]
    proc, url = _serve(args, tmp_path / "preview.log")
    try:
        http = Http(url)
        token = token_of(http.get("/t/welcome").text)
        status = post(
            http, "/send/welcome",
            f"csrf={token}&mode=simple&sample=trial&to=success%40simulator.amazonses.com",
        )
    finally:
        stop_preview(proc)
    assert status == 200, (tmp_path / "preview.log").read_text()
    emails = _store(ses_url)["emails"]
    assert len(emails) == 1 and "success@simulator.amazonses.com" in str(emails[0])
