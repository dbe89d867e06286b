"""diff and sync through the real CLI against the local SES."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SesServer
from faultproxy import FaultProxy, template_writes
from helpers import write_project

pytestmark = pytest.mark.ses


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project")


def writes(proxy: FaultProxy) -> int:
    return len([e for e in proxy.forwarded() if template_writes(e.method, e.path)])


def test_sync_twice_then_edit_then_prune(cli, project: Path, ses: SesServer, proxy: FaultProxy):  # type: ignore[no-untyped-def]
    base = ("-C", project, "--endpoint-url", proxy.url)
    first = cli(*base, "sync")
    assert first.code == 0, first.err
    assert first.out.strip() == "created 2, updated 0, unchanged 0, deleted 0"
    assert "[2/2] create t-welcome" in first.err
    assert sorted(ses.templates()) == ["t-receipt", "t-welcome"]

    before = writes(proxy)
    second = cli(*base, "sync")
    assert second.out.strip() == "created 0, updated 0, unchanged 2, deleted 0"
    assert writes(proxy) == before

    (project / "templates" / "welcome" / "subject.txt").write_text("Hello again, {{name}}!")
    third = cli(*base, "sync")
    assert third.out.strip() == "created 0, updated 1, unchanged 1, deleted 0"
    assert writes(proxy) == before + 1
    stored = ses.templates()["t-welcome"]["TemplateContent"]
    assert stored["Subject"] == "Hello again, {{name}}!"

    # A foreign template (outside the prefix) must survive the prune.
    other = write_project(project.parent / "other", prefix="x-")
    assert cli("-C", other, "--endpoint-url", ses.url, "sync").code == 0
    shutil.rmtree(project / "templates" / "receipt")
    refused = cli(*base, "sync", "--prune")
    assert refused.code == 2
    assert "pass --yes" in refused.err and refused.err.count("\n") == 1
    assert "t-receipt" in ses.templates()
    pruned = cli(*base, "sync", "--prune", "--yes")
    assert pruned.code == 0, pruned.err
    assert pruned.out.strip() == "created 0, updated 0, unchanged 1, deleted 1"
    assert sorted(ses.templates()) == ["t-welcome", "x-receipt", "x-welcome"]


def test_diff_output_and_exit_code(cli, project: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    base = ("-C", project, "--endpoint-url", ses.url)
    fresh = cli(*base, "diff", "--exit-code")
    assert fresh.code == 1
    assert "+ create     t-receipt" in fresh.out and "+ create     t-welcome" in fresh.out
    assert cli(*base, "sync").code == 0
    clean = cli(*base, "diff", "--exit-code")
    assert clean.code == 0, clean.out
    assert clean.out.strip().endswith("plan: create 0, update 0, unchanged 2, delete-candidates 0")

    (project / "templates" / "welcome" / "text.txt").write_text("Hi {{name}}!\n")
    changed = cli(*base, "diff", "--exit-code")
    assert changed.code == 1
    assert "~ update     t-welcome (text)" in changed.out
    assert "-Hi {{name}}, welcome to {{product}}.\n+Hi {{name}}!" in changed.out
    assert cli(*base, "diff").code == 0  # without --exit-code a diff is not a failure


def test_dry_run_changes_nothing(cli, project: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    result = cli("-C", project, "--endpoint-url", ses.url, "sync", "--dry-run")
    assert result.code == 0
    assert result.out.strip() == "dry run, would have: created 2, updated 0, unchanged 0, deleted 0"
    assert ses.templates() == {}


def test_empty_prefix_prune_refuses_without_prune_all(cli, tmp_path: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    project = write_project(tmp_path / "p", prefix="")
    base = ("-C", project, "--endpoint-url", ses.url)
    assert cli(*base, "sync").code == 0
    other = write_project(tmp_path / "o", prefix="foreign-")
    assert cli("-C", other, "--endpoint-url", ses.url, "sync").code == 0
    refused = cli(*base, "sync", "--prune", "--yes")
    assert refused.code == 2 and "--prune-all" in refused.err
    assert len(ses.templates()) == 4


def test_killed_server_gives_one_line_then_new_server_converges(  # type: ignore[no-untyped-def]
    cli, project: Path, aws_env: None
):
    from conftest import start_ses_server

    config = project / "sestemplates.toml"
    config.write_text(config.read_text().replace("max_attempts = 6", "max_attempts = 2"))
    server = start_ses_server()
    try:
        assert cli("-C", project, "--endpoint-url", server.url, "sync").code == 0
    finally:
        server.stop()
    (project / "templates" / "welcome" / "subject.txt").write_text("Changed {{name}}")
    dead = cli("-C", project, "--endpoint-url", server.url, "sync")
    assert dead.code == 1
    assert dead.err.startswith("error: ListEmailTemplates: cannot reach http://127.0.0.1:")
    assert dead.err.count("\n") == 1 and "Traceback" not in dead.err

    fresh = start_ses_server()
    try:
        again = cli("-C", project, "--endpoint-url", fresh.url, "sync")
        assert again.code == 0, again.err
        assert again.out.strip() == "created 2, updated 0, unchanged 0, deleted 0"
        assert fresh.templates()["t-welcome"]["TemplateContent"]["Subject"] == "Changed {{name}}"
    finally:
        fresh.stop()


def test_endpoint_from_env_table(cli, tmp_path: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    project = write_project(tmp_path / "p")
    config = project / "sestemplates.toml"
    config.write_text(
        config.read_text() + f'\n[env.local]\nprefix = "loc-"\nendpoint_url = "{ses.url}"\n'
    )
    result = cli("-C", project, "--env", "local", "sync")
    assert result.code == 0, result.err
    assert sorted(ses.templates()) == ["loc-receipt", "loc-welcome"]
