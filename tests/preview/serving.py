"""Serving the preview app for tests: uvicorn with the preview's own settings on a free
127.0.0.1 port (in a thread), and a small urllib client.

A plain module, imported as `tests.preview.serving`: `from conftest import ...` would pick
whichever conftest.py pytest loaded last when several test directories run together.
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn

from sestemplates.preview.server import bind


@dataclass(frozen=True)
class Reply:
    status_code: int
    headers: dict[str, str]  # lower-case names
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


@dataclass(frozen=True)
class Http:
    base: str  # http://127.0.0.1:PORT

    def get(self, path: str, params: dict[str, str] | None = None) -> Reply:
        # The path goes out as written: no dot-segment normalisation, %2F stays %2F.
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                return Reply(response.status, _headers(response), response.read().decode())
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, _headers(exc), exc.read().decode())


def _headers(response: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items()}



@contextmanager
def serving(config: uvicorn.Config) -> Iterator[str]:
    """Serve `config` (as the preview command does) on a free 127.0.0.1 port in a thread;
    yields the base URL and always stops the server."""
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def stop_preview(proc: subprocess.Popen[bytes]) -> None:
    """Stop a `sestemplates preview` subprocess as Ctrl-C does; kill it if it hangs."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
