"""What a test needs from the machine (node programs, Chromium, ...).

Missing locally: the test is skipped with the reason. Missing in CI (the CI variable is set):
the test fails, because CI must never pass by skipping.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

NODE_MODULES = Path(__file__).resolve().parent / "node" / "node_modules"


def unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def node_with(package: str) -> str:
    """The node binary, with tests/node/node_modules/<package> installed."""
    node = shutil.which("node")
    if node is None or not (NODE_MODULES / package).is_dir():
        unavailable(
            f"node or tests/node/node_modules/{package} missing (npm ci --prefix tests/node)"
        )
    return node


def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        unavailable("chromium not installed (apt-get install chromium)")
    return found


def without_permission_override(command: list[str]) -> list[str]:
    """`command` run so that file permissions apply to it.

    root reads and writes files whatever their mode (CAP_DAC_OVERRIDE), so `chmod 000` proves
    nothing there. As root the command runs under setpriv with the two overriding capabilities
    dropped: still root, but held to the permission bits like any owner.
    """
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        unavailable("running as root without setpriv (util-linux): permissions cannot apply")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]
