"""diff and sync through the real CLI against the local SES."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SesServer
from faultproxy import FaultProxy, template_writes
from helpers import write_project

from sestemplates.config import load_config
from sestemplates.project import discover
from sestemplates.ses.manifest import is_manifest_name

pytestmark = pytest.mark.ses


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project")


def writes(proxy: FaultProxy) -> int:
    """Writes to user templates (the state manifest's own writes left out)."""
    return len([e for e in proxy.forwarded() if template_writes(e.method, e.path)
                and not is_manifest_name(e.template or "")])


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


def test_acceptance_sequence_on_the_examples_with_env_staging(  # type: ignore[no-untyped-def]
    cli, example_project: Path, ses: SesServer, proxy: FaultProxy
):
    """Sync twice → no writes; edit one → one update; remove one + --prune → one delete."""
    import boto3

    config = example_project / "sestemplates.toml"
    config.write_text(config.read_text() + "\n[ses]\npace_seconds = 0\n")
    # One name per template, and per locale of the localised ones (no prefix without --env).
    names = sorted(t.name for t in discover(load_config(example_project)).templates)
    base = ("-C", example_project, "--env", "staging", "--endpoint-url", proxy.url)

    def requests(method: str) -> int:
        """Requests about user templates (the state manifest's own calls left out)."""
        return len([e for e in proxy.requests(method, "/v2/email/templates")
                    if not is_manifest_name(e.template or "")])

    first = cli(*base, "sync")
    assert first.code == 0, first.err
    assert first.out.strip() == f"created {len(names)}, updated 0, unchanged 0, deleted 0"
    assert sorted(ses.templates()) == [f"staging-{n}" for n in names]

    # Foreign templates made directly with boto3: another prefix, and a near-miss of ours.
    direct = boto3.client("sesv2", endpoint_url=ses.url, region_name="us-east-1")
    for foreign in ("prod-welcome", "stagingwelcome"):
        direct.create_email_template(
            TemplateName=foreign, TemplateContent={"Subject": "s", "Text": "t"})

    writes = (requests("POST"), requests("PUT"), requests("DELETE"))
    second = cli(*base, "sync", "--prune", "--yes")
    assert second.code == 0, second.err
    assert second.out.strip() == f"created 0, updated 0, unchanged {len(names)}, deleted 0"
    assert (requests("POST"), requests("PUT"), requests("DELETE")) == writes

    subject = example_project / "templates" / "welcome" / "subject.txt"
    subject.write_text(subject.read_text().replace("Welcome to", "Hello from"))
    third = cli(*base, "sync")
    assert third.out.strip() == f"created 0, updated 1, unchanged {len(names) - 1}, deleted 0"
    assert (requests("POST"), requests("PUT"), requests("DELETE")) == (
        writes[0], writes[1] + 1, writes[2])
    assert [e.path for e in proxy.requests("PUT")] == ["/v2/email/templates/staging-welcome"]
    # The near-miss and the other prefix are not the project's: listed as such, never pruned.
    stored = ses.templates()["staging-welcome"]["TemplateContent"]["Subject"]
    assert stored.startswith("Hello from Acme Cloud (staging)")

    shutil.rmtree(example_project / "templates" / "order-receipt")
    fourth = cli(*base, "sync", "--prune", "--yes")
    assert fourth.code == 0, fourth.err
    assert fourth.out.strip() == f"created 0, updated 0, unchanged {len(names) - 1}, deleted 1"
    assert [e.path for e in proxy.requests("DELETE")
            if not is_manifest_name(e.template or "")] == [
        "/v2/email/templates/staging-order-receipt"]
    kept = [f"staging-{n}" for n in names if n != "order-receipt"]
    assert sorted(ses.templates()) == sorted([*kept, "prod-welcome", "stagingwelcome"])


def test_sync_cut_off_midway_then_rerun_converges(  # type: ignore[no-untyped-def]
    cli, project: Path, ses: SesServer, proxy: FaultProxy
):
    """The endpoint goes away after the first create (connection refused from then on)."""
    config = project / "sestemplates.toml"
    config.write_text(config.read_text().replace("max_attempts = 6", "max_attempts = 2"))
    port = int(proxy.url.rsplit(":", 1)[1])
    creates = {"n": 0}

    def second_create_kills_the_endpoint(method: str, path: str) -> bool:
        if method == "POST" and path == "/v2/email/templates":
            creates["n"] += 1
            return creates["n"] == 2
        return False

    proxy.inject(["down"], second_create_kills_the_endpoint)
    cut = cli("-C", project, "--endpoint-url", proxy.url, "sync")
    assert cut.code == 1
    assert cut.err.count("\n") == 3  # two progress lines and the error
    message = cut.err.splitlines()[-1]
    assert message.startswith("error: sync stopped at create t-welcome: CreateEmailTemplate "
                              f"t-welcome: cannot reach {proxy.url}, 2 attempts")
    assert "| done: create t-receipt | not done: create t-welcome | re-run sync" in message
    assert sorted(ses.templates()) == ["t-receipt"]

    proxy.start(port)
    again = cli("-C", project, "--endpoint-url", proxy.url, "sync")
    assert again.code == 0, again.err
    assert again.out.strip() == "created 1, updated 0, unchanged 1, deleted 0"
    assert sorted(ses.templates()) == ["t-receipt", "t-welcome"]


def _foreign(ses: SesServer, *names: str) -> None:
    """Templates another team owns, created straight on the server."""
    import boto3

    client = boto3.client("sesv2", endpoint_url=ses.url, region_name="us-east-1")
    for name in names:
        client.create_email_template(
            TemplateName=name, TemplateContent={"Subject": "x", "Text": "x"}
        )


def test_prune_refuses_a_prefix_without_a_separator(cli, tmp_path: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    project = write_project(tmp_path / "p", prefix="shop")
    base = ("-C", project, "--endpoint-url", ses.url)
    assert cli(*base, "sync").code == 0
    _foreign(ses, "shopping-foo", "shop2-x")
    shutil.rmtree(project / "templates" / "receipt")

    refused = cli(*base, "sync", "--prune", "--yes")
    assert refused.code == 2
    assert refused.err.count("\n") == 1 and "Traceback" not in refused.err
    assert "refusing --prune: the prefix 'shop' does not end in '-' or '_'" in refused.err
    refused_all = cli(*base, "sync", "--prune-all", "--yes")
    assert refused_all.code == 2 and "refusing --prune" in refused_all.err
    assert sorted(ses.templates()) == ["shop2-x", "shopping-foo", "shopreceipt", "shopwelcome"]

    shown = cli(*base, "diff", "--exit-code")
    assert shown.code == 0, shown.out
    assert "delete?" not in shown.out
    assert "(delete candidates not computed: the prefix 'shop' does not end in" in shown.out
    assert cli(*base, "diff", "--prune").code == 2


def test_diff_exit_code_ignores_deletions_sync_would_not_make(cli, tmp_path: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    project = write_project(tmp_path / "p", prefix="shop-")
    base = ("-C", project, "--endpoint-url", ses.url)
    assert cli(*base, "sync").code == 0
    _foreign(ses, "shopping-foo", "shop2-x")
    shutil.rmtree(project / "templates" / "receipt")

    only_deletes = cli(*base, "diff", "--exit-code")
    assert only_deletes.code == 0, only_deletes.out
    assert "- delete?    shop-receipt (only with --prune)" in only_deletes.out
    assert "shopping-foo" not in only_deletes.out and "shop2-x" not in only_deletes.out
    assert "not changes for --exit-code: sync deletes them only with --prune" in only_deletes.out
    counted = cli(*base, "diff", "--exit-code", "--prune")
    assert counted.code == 1 and "not changes for --exit-code" not in counted.out

    pruned = cli(*base, "sync", "--prune", "--yes")
    assert pruned.code == 0, pruned.err
    assert sorted(ses.templates()) == ["shop-welcome", "shop2-x", "shopping-foo"]
