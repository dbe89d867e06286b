"""Fixtures for the preview tests: a writable copy of the examples, and the app served by a real
uvicorn on a free 127.0.0.1 port (in a thread), queried over real HTTP with urllib."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sestemplates.preview.app import create_app
from sestemplates.preview.server import server_config
from sestemplates.preview.state import Project
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
