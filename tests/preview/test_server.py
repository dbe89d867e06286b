"""Server start-up errors are one clear line, and the default bind is loopback only."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from sestemplates.errors import ConfigError
from sestemplates.preview.server import DEFAULT_HOST, bind, run_preview


def test_default_host_is_loopback() -> None:
    assert DEFAULT_HOST == "127.0.0.1"


def test_busy_port_is_a_config_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError, match=f"cannot listen on 127.0.0.1:{port}"):
            bind("127.0.0.1", port)


def test_bind_listens_on_loopback() -> None:
    sock = bind("127.0.0.1", 0)
    try:
        host, port = sock.getsockname()[:2]
        assert host == "127.0.0.1" and port > 0
    finally:
        sock.close()


@pytest.mark.parametrize("port", [-1, 65536, 70000])
def test_a_port_out_of_range_is_refused_not_wrapped(port: int) -> None:
    with pytest.raises(ConfigError, match=f"--port {port}: must be between 0"):
        bind("127.0.0.1", port)


def test_a_missing_project_directory_stops_at_once(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(ConfigError, match=f"project directory {missing} does not exist"):
        run_preview(missing, None, port=0)
