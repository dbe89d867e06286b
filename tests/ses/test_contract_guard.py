"""The breaking-change guard against the real local SES: diff shows it, sync refuses it and
changes nothing, --allow-breaking (or the config) applies it, a guarded variable is safe."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SesServer
from faultproxy import FaultProxy, template_writes
from helpers import write_project

pytestmark = pytest.mark.ses

WELCOME = "<html><body><p>Hi {{name}}, welcome to {{product}}.</p>{extra}</body></html>\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project")


def set_html(project: Path, extra: str) -> None:
    path = project / "templates" / "welcome" / "html.html"
    path.write_text(WELCOME.replace("{extra}", extra), encoding="utf-8")


def writes(proxy: FaultProxy) -> int:
    return len([e for e in proxy.forwarded() if template_writes(e.method, e.path)])


def test_new_unguarded_variable_is_breaking_until_allowed(  # type: ignore[no-untyped-def]
    cli, project: Path, ses: SesServer, proxy: FaultProxy
) -> None:
    base = ("-C", project, "--endpoint-url", proxy.url)
    first = cli(*base, "sync")  # v1; new templates are never breaking
    assert first.code == 0, first.err
    v1 = ses.templates()["t-welcome"]["TemplateContent"]

    set_html(project, "<p>{{workspace.url}}</p>")
    diff = cli(*base, "diff")
    assert diff.code == 0, diff.err
    assert "contract t-welcome:" in diff.out
    assert (
        "! breaking: senders that omit `workspace` will have their emails dropped" in diff.out
    )
    assert "senders that omit `workspace.url` will have their emails dropped" in diff.out

    as_json = json.loads(cli(*base, "diff", "--format", "json").out)
    assert as_json["breaking"] is True
    assert as_json["plan"]["update"] == [{"name": "t-welcome", "parts": ["html"]}]
    (welcome,) = [c for c in as_json["contract"] if c["template"] == "t-welcome"]
    assert {c["path"] for c in welcome["changes"] if c["change"] == "breaking"} == {
        "workspace", "workspace.url"
    }

    before = writes(proxy)
    refused = cli(*base, "sync")
    assert refused.code == 1
    assert refused.err.count("\n") >= 1
    last = refused.err.strip().splitlines()[-1]
    assert last.startswith("error: refusing a breaking update (t-welcome: senders that omit")
    assert "`workspace.url`" in last and "nothing was changed" in last
    assert writes(proxy) == before  # not one write call reached SES
    assert ses.templates()["t-welcome"]["TemplateContent"] == v1

    allowed = cli(*base, "sync", "--allow-breaking")
    assert allowed.code == 0, allowed.err
    assert allowed.out.strip() == "created 0, updated 1, unchanged 1, deleted 0"
    assert "{{workspace.url}}" in ses.templates()["t-welcome"]["TemplateContent"]["Html"]


def test_guarded_variable_is_safe_and_removal_is_safe(  # type: ignore[no-untyped-def]
    cli, project: Path, ses: SesServer
) -> None:
    base = ("-C", project, "--endpoint-url", ses.url)
    assert cli(*base, "sync").code == 0
    set_html(project, "{{#if promo}}<p>{{promo}}</p>{{/if}}")
    diff = cli(*base, "diff")
    assert "safe: new optional `promo`" in diff.out and "breaking" not in diff.out
    synced = cli(*base, "sync")
    assert synced.code == 0, synced.err
    assert "{{#if promo}}" in ses.templates()["t-welcome"]["TemplateContent"]["Html"]

    # Dropping a variable (product) and the optional one is safe too.
    path = project / "templates" / "welcome"
    (path / "html.html").write_text("<html><body><p>Hi {{name}}.</p></body></html>\n")
    (path / "text.txt").write_text("Hi {{name}}.\n")
    diff = cli(*base, "diff").out
    assert "safe: `product` is no longer used" in diff and "safe: `promo` is no longer used" in diff
    assert cli(*base, "sync").code == 0


def test_config_allows_breaking_per_env(  # type: ignore[no-untyped-def]
    cli, project: Path, ses: SesServer
) -> None:
    config = project / "sestemplates.toml"
    config.write_text(
        config.read_text() + '\n[env.dev]\nprefix = "t-"\n[env.dev.sync]\nbreaking = "allow"\n'
    )
    base = ("-C", project, "--endpoint-url", ses.url)
    assert cli(*base, "sync").code == 0
    set_html(project, "<p>{{unsubscribe}}</p>")
    assert cli(*base, "sync").code == 1
    assert "{{unsubscribe}}" not in ses.templates()["t-welcome"]["TemplateContent"]["Html"]
    dev = cli(*base, "--env", "dev", "sync")
    assert dev.code == 0, dev.err
    assert "{{unsubscribe}}" in ses.templates()["t-welcome"]["TemplateContent"]["Html"]
