"""Fixtures for the preview tests: a writable copy of the examples, and the app served by a real
uvicorn on a free 127.0.0.1 port (in a thread), queried over real HTTP with urllib."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sestemplates.preview.app import create_app
from sestemplates.preview.server import server_config
from sestemplates.preview.state import Project
from tests.conftest import REPO
from tests.preview.serving import Http, serving


@pytest.fixture
def project(example_project: Path) -> Project:
    previewed = Project(example_project, None)
    previewed.refresh()
    return previewed


@pytest.fixture
def client(project: Project) -> Iterator[Http]:
    with serving(server_config(create_app(project))) as base:
        yield Http(base)


@pytest.fixture
def ses_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """The URL of a local SES server (aws-ses-v2-local), with the AWS environment pointed at
    nothing real; the preview's test send goes there."""
    sys.path.insert(0, str(REPO / "tests" / "ses"))  # conftest imports faultproxy by name
    from tests.ses.conftest import start_ses_server

    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "SESTEMPLATES_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    server = start_ses_server()
    try:
        yield server.url
    finally:
        server.stop()
