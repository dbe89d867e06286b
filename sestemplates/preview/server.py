"""Start and stop the preview server (uvicorn) for a project."""

from __future__ import annotations

import socket
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn

from sestemplates.errors import ConfigError
from sestemplates.preview.app import create_app
from sestemplates.preview.state import Project

if TYPE_CHECKING:
    from sestemplates.ses.commands import Connection

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8025


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
    connection: Connection | None = None,
) -> None:
    """Build, then serve the preview until Ctrl-C (or SIGTERM); rebuilds on every change.
    `connection`: the CLI's --region/--profile/--endpoint-url, for the page's test send."""
    if not root.is_dir():  # nothing could ever appear to watch: unlike a broken config, fatal
        raise ConfigError(f"project directory {root} does not exist")
    project = Project(root, env, connection)
    sock = bind(host, port)
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
            uvicorn.Config(
                app,
                log_level="warning",
                lifespan="on",
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
