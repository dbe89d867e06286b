"""The preview's defences, over real HTTP: the Host check (DNS rebinding), the security headers
on every response, a deadline for half-sent requests, and the warning for a non-loopback bind."""

from __future__ import annotations

import http.client
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sestemplates.preview.app import create_app
from sestemplates.preview.guard import allowed_hosts
from sestemplates.preview.server import bind, exposure_warning, server_config
from sestemplates.preview.state import Project
from tests.preview.serving import Http, serving


def get(base: str, path: str, host: str | None) -> tuple[int, dict[str, str], str]:
    """GET with exactly the Host header given (None: none at all)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        conn.putrequest("GET", path, skip_host=True)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers, response.read().decode()
    finally:
        conn.close()


def port_of(client: Http) -> int:
    return urlsplit(client.base).port or 0


@pytest.mark.parametrize(
    "host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "127.0.0.1", "localhost",
             "[::1]", "LocalHost:{port}"]
)
def test_loopback_hosts_are_answered(client: Http, host: str) -> None:
    status, _, text = get(client.base, "/t/welcome", host.format(port=port_of(client)))
    assert status == 200 and "welcome" in text


@pytest.mark.parametrize(
    "host",
    ["attacker.example:{port}", "attacker.example", "127.0.0.1.attacker.example:{port}",
     "localhost.attacker.example", "127.0.0.2:{port}", "0.0.0.0:{port}", "[::2]:{port}",
     "localhost:{port}@attacker.example", "localhost:x", ""],
)
def test_any_other_host_is_refused_before_any_route(client: Http, host: str) -> None:
    for path in ("/", "/t/welcome", "/frame/welcome", "/sample/welcome/trial", "/version"):
        status, headers, text = get(client.base, path, host.format(port=port_of(client)))
        assert status == 421, (path, status)
        assert text.startswith("421 Misdirected Request: this preview answers only to Host")
        assert "DNS rebinding" in text and len(text.splitlines()) == 1
        assert "{{" not in text and "workspace" not in text  # nothing of the project leaks
        assert headers["x-content-type-options"] == "nosniff"


def test_a_missing_host_header_is_refused(client: Http) -> None:
    # HTTP/1.1 without Host is h11's 400; HTTP/1.0 may leave it out and reaches the check.
    with socket.create_connection(("127.0.0.1", port_of(client)), timeout=10) as sock:
        sock.sendall(b"GET /t/welcome HTTP/1.0\r\n\r\n")
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 421 "), reply[:100]


def test_the_bind_address_given_with_host_is_answered_too(project: Project) -> None:
    with serving(server_config(create_app(project), hosts=allowed_hosts("preview.test"))) as base:
        port = urlsplit(base).port
        assert get(base, "/", f"preview.test:{port}")[0] == 200
        assert get(base, "/", f"localhost:{port}")[0] == 200
        assert get(base, "/", f"other.test:{port}")[0] == 421
    assert allowed_hosts("::") >= {"[::]", "127.0.0.1", "localhost", "[::1]"}


def test_every_response_carries_nosniff_and_a_csp(client: Http) -> None:
    for path in ("/", "/t/welcome", "/sample/welcome/trial", "/version", "/nope",
                 "/t/nope", "/frame/welcome"):
        reply = client.get(path)
        assert reply.headers["x-content-type-options"] == "nosniff", path
        assert reply.headers["referrer-policy"] == "same-origin", path
        policy = reply.headers["content-security-policy"]
        assert "frame-ancestors 'self'" in policy and "base-uri 'none'" in policy, path


def test_pages_allow_their_inline_scripts_and_the_email_frame_allows_none(client: Http) -> None:
    page = client.get("/t/welcome")
    assert "<script>" in page.text  # live reload and frame fitting are inline scripts
    assert "script-src 'self' 'unsafe-inline'" in page.headers["content-security-policy"]
    frame = client.get("/frame/welcome")
    policy = dict(
        [*d.split(" ", 1), ""][:2]
        for d in (d.strip() for d in frame.headers["content-security-policy"].split(";"))
    )
    assert policy["script-src"] == "'none'" and policy["default-src"] == "'none'"
    assert policy["form-action"] == "'none'"


# ---- half-sent requests -------------------------------------------------------------------------


@pytest.fixture
def quick_timeout(project: Project) -> Iterator[str]:
    """The preview with a 1 s request deadline (the command's is 10 s)."""
    with serving(server_config(create_app(project), request_timeout=1.0)) as base:
        yield base


def _closed_within(sock: socket.socket, seconds: float) -> float | None:
    """Seconds until the server closed the connection, or None if it was still open."""
    start = time.monotonic()
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass  # a response (e.g. 400/408) may come first; the close is what counts
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return time.monotonic() - start


def test_a_half_sent_request_is_dropped(quick_timeout: str) -> None:
    port = urlsplit(quick_timeout).port
    with socket.create_connection(("127.0.0.1", port or 0), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        time.sleep(0.5)
        sock.sendall(b"a")  # trickling bytes does not extend the deadline
        closed = _closed_within(sock, 10)
    assert closed is not None and closed < 5


def test_a_silent_connection_and_a_stalled_second_request_are_dropped(quick_timeout: str) -> None:
    port = urlsplit(quick_timeout).port or 0
    with socket.create_connection(("127.0.0.1", port), timeout=5) as silent:
        assert _closed_within(silent, 10) is not None
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        time.sleep(0.3)
        sock.recv(65536)  # the first response: keep-alive goes on
        sock.sendall(b"GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
        assert _closed_within(sock, 10) is not None
    # The server is still serving everyone else.
    assert get(quick_timeout, "/version", "127.0.0.1")[0] == 200


def test_a_complete_request_is_not_cut_by_the_deadline(quick_timeout: str) -> None:
    # The live-reload stream outlives the deadline: only unfinished requests are dropped.
    port = urlsplit(quick_timeout).port or 0
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert _closed_within(sock, 2.5) is None


# ---- the command ------------------------------------------------------------------------------


def test_non_loopback_bind_warning() -> None:
    loopback = bind("127.0.0.1", 0)
    try:
        assert exposure_warning("127.0.0.1", loopback) is None
    finally:
        loopback.close()
    # An unbound socket reports the wildcard address, what --host 0.0.0.0 binds, without
    # the test listening on anything but loopback.
    with socket.socket() as wildcard:
        warning = exposure_warning("0.0.0.0", wildcard)
    assert warning is not None and warning.startswith("warning: --host 0.0.0.0 is not a loopback")
    assert "\n" not in warning


def test_the_preview_command_checks_host_and_does_not_warn_on_loopback(
    example_project: Path,
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "sestemplates", "--project", str(example_project), "preview",
         "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
    )
    try:
        assert proc.stdout is not None
        line = ""
        deadline = time.monotonic() + 120
        while "preview on" not in line and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "the preview exited"
        base = re.search(r"http://\S+/", line)
        assert base, line
        url = base[0].rstrip("/")
        port = urlsplit(url).port
        status, headers, _ = get(url, "/", f"127.0.0.1:{port}")
        assert status == 200 and headers["x-content-type-options"] == "nosniff"
        assert get(url, "/", f"rebound.example:{port}")[0] == 421
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
    assert "warning" not in err and "Traceback" not in err, err

