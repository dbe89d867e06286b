"""Start and stop the preview server (uvicorn) for a project."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import webbrowser
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import h11
import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

from sestemplates.errors import ConfigError
from sestemplates.preview.app import create_app
from sestemplates.preview.guard import LOOPBACK_HOSTS, Guard, allowed_hosts
from sestemplates.preview.state import Project

if TYPE_CHECKING:
    from sestemplates.ses.commands import Connection

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8025
# Seconds a client has to send a whole request (head and body) once it connects or its last
# response is done. A browser sends a request at once; only a stalled or hostile client waits.
REQUEST_TIMEOUT = 10.0


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for every request.

    uvicorn times out an idle keep-alive connection only until its first byte, and never a
    new connection: a client that sends half a request (slowloris) would hold its connection,
    and with enough of them the server, forever.
    """

    request_timeout = REQUEST_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._deadline: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._await_request()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):
            self._request_received()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY):
            self._await_request()

    def connection_lost(self, exc: Exception | None) -> None:
        self._request_received()
        super().connection_lost(exc)

    def _await_request(self) -> None:
        if self._deadline is None and not self.transport.is_closing():
            self._deadline = self.loop.call_later(self.request_timeout, self._timed_out)

    def _request_received(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _timed_out(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def bounded_protocol(request_timeout: float) -> type[H11Protocol]:
    return type(
        "BoundedH11Protocol", (BoundedH11Protocol,), {"request_timeout": request_timeout}
    )


def server_config(
    app: ASGIApp,
    *,
    hosts: Iterable[str] = LOOPBACK_HOSTS,
    request_timeout: float = REQUEST_TIMEOUT,
    **options: Any,
) -> uvicorn.Config:
    """The uvicorn settings of every preview server: the Host check and security headers
    around the app, and a deadline for half-sent requests."""
    return uvicorn.Config(
        Guard(app, hosts),
        http=bounded_protocol(request_timeout),
        log_level="warning",
        lifespan="on",
        **options,
    )


def exposure_warning(host: str, sock: socket.socket) -> str | None:
    """One line when the socket is bound to an address other machines can reach."""
    address = str(sock.getsockname()[0]).split("%")[0]
    try:
        if ipaddress.ip_address(address).is_loopback:
            return None
    except ValueError:
        pass
    return (
        f"warning: --host {host} is not a loopback address ({address}): anyone who can reach "
        "this machine can read the templates and samples through the preview"
    )


def bind(host: str, port: int) -> socket.socket:
    """Bind the listening socket ourselves so a busy port is one clear error, not a log line."""
    if not 0 <= port <= 65535:  # the OS would silently wrap 70000 to 4464
        raise ConfigError(f"--port {port}: must be between 0 (any free port) and 65535")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ConfigError(f"cannot resolve --host {host!r}: {exc.strerror}") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def run_preview(
    root: Path,
    env: str | None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    open_browser: bool = False,
    announce: Callable[[str], None] = lambda line: None,
    warn: Callable[[str], None] = lambda line: None,
    connection: Connection | None = None,
) -> None:
    """Build, then serve the preview until Ctrl-C (or SIGTERM); rebuilds on every change.
    `connection`: the CLI's --region/--profile/--endpoint-url, for the page's test send."""
    if not root.is_dir():  # nothing could ever appear to watch: unlike a broken config, fatal
        raise ConfigError(f"project directory {root} does not exist")
    project = Project(root, env, connection)
    sock = bind(host, port)
    exposed = exposure_warning(host, sock)
    if exposed:
        warn(exposed)
    try:
        announce("building…")
        snapshot = project.refresh()
        if snapshot.fatal:
            announce(f"warning: {snapshot.fatal}")
        shown_host = f"[{host}]" if ":" in host else host
        url = f"http://{shown_host}:{sock.getsockname()[1]}/"

        def started() -> None:
            announce(f"preview on {url} (Ctrl-C to stop)")
            if open_browser:
                webbrowser.open(url)

        server: uvicorn.Server | None = None
        app = create_app(
            project,
            watch=True,
            should_stop=lambda: server is not None and server.should_exit,
            on_startup=started,
        )
        server = uvicorn.Server(
            server_config(
                app,
                hosts=allowed_hosts(host),
                # Open event streams end on their own when should_exit is set; this bounds it.
                timeout_graceful_shutdown=2,
            )
        )
        try:
            server.run(sockets=[sock])
        except KeyboardInterrupt:
            # uvicorn re-raises Ctrl-C after a clean shutdown; typer turns it into exit 130.
            announce("preview stopped")
            raise
    finally:
        sock.close()
