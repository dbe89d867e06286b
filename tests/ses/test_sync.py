"""plan + sync against the real local SES: create, update, no-op, prune, convergence."""

from __future__ import annotations

import pytest
from conftest import SesServer
from faultproxy import FaultProxy, template_writes
from helpers import client_for, content

from sestemplates.errors import ConfigError, SesTemplatesError
from sestemplates.ses.plan import format_plan, make_plan
from sestemplates.ses.sync import SyncOptions, apply_plan

pytestmark = pytest.mark.ses


def sync(url: str, local: list, prefix: str = "t-", **options: bool):  # type: ignore[no-untyped-def]
    client = client_for(url)
    plan = make_plan(client, local, prefix, prune_all=options.get("prune_all", False))
    lines: list[str] = []
    result = apply_plan(client, plan, SyncOptions(**options), echo=lines.append,
                        confirm=lambda _: False)
    return result, client, lines


def test_create_then_noop_then_one_update(ses: SesServer, proxy: FaultProxy) -> None:
    local = [content("t-a"), content("t-b"), content("t-c")]
    first, _, lines = sync(proxy.url, local)
    assert sorted(first.created) == ["t-a", "t-b", "t-c"]
    assert lines[-1] == "[3/3] create t-c"
    assert ses.templates()["t-b"]["TemplateContent"]["Html"] == "<p>Hello {{name}}</p>"

    writes_before = len([e for e in proxy.forwarded() if template_writes(e.method, e.path)])
    second, client, _ = sync(proxy.url, local)
    writes_after = len([e for e in proxy.forwarded() if template_writes(e.method, e.path)])
    assert second.summary() == "created 0, updated 0, unchanged 3, deleted 0"
    assert writes_after == writes_before  # an unchanged repo costs no write call
    assert "CreateEmailTemplate" not in client.calls and "UpdateEmailTemplate" not in client.calls

    local[1] = content("t-b", "Bonjour")
    third, client, _ = sync(proxy.url, local)
    assert (third.created, third.updated, len(third.unchanged)) == ([], ["t-b"], 2)
    assert client.calls.get("UpdateEmailTemplate") == 1
    assert ses.templates()["t-b"]["TemplateContent"]["Subject"] == "Bonjour {{name}}"


def test_diff_shows_changed_parts(ses: SesServer) -> None:
    sync(ses.url, [content("t-a")])
    plan = make_plan(client_for(ses.url), [content("t-a", "Bye"), content("t-new")], "t-")
    text = format_plan(plan)
    assert "+ create     t-new" in text
    assert "~ update     t-a (subject, html, text)" in text
    assert "-<p>Hello {{name}}</p>\n+<p>Bye {{name}}</p>" in text
    assert "--- ses/t-a/html" in text and "+++ build/t-a/html" in text
    assert text.endswith("plan: create 1, update 1, unchanged 0, delete-candidates 0")


def test_prune_deletes_only_inside_the_prefix(ses: SesServer) -> None:
    sync(ses.url, [content("t-a"), content("t-gone")])
    sync(ses.url, [content("other-x")], prefix="other-")  # a foreign template
    result, client, _ = sync(ses.url, [content("t-a")], prune=True, yes=True)
    assert result.deleted == ["t-gone"]
    # t-gone, then the manifest version the new one replaced.
    assert client.calls.get("DeleteEmailTemplate") == 2
    assert sorted(ses.templates()) == ["other-x", "t-a"]


def test_prune_without_yes_and_without_tty_refuses(ses: SesServer) -> None:
    sync(ses.url, [content("t-a"), content("t-gone")])
    with pytest.raises(ConfigError, match="without confirmation: no terminal; pass --yes"):
        sync(ses.url, [content("t-a")], prune=True)
    assert "t-gone" in ses.templates()


def test_prune_with_empty_prefix_needs_prune_all(ses: SesServer) -> None:
    sync(ses.url, [content("a"), content("foreign")], prefix="")
    with pytest.raises(ConfigError, match="--prune-all"):
        sync(ses.url, [content("a")], prefix="", prune=True, yes=True)
    assert sorted(ses.templates()) == ["a", "foreign"]
    result, _, _ = sync(ses.url, [content("a")], prefix="", prune=True, yes=True, prune_all=True)
    assert result.deleted == ["foreign"]


def test_dry_run_writes_nothing(ses: SesServer) -> None:
    result, client, lines = sync(ses.url, [content("t-a")], dry_run=True)
    assert result.created == ["t-a"] and lines == ["[1/1] would create t-a"]
    assert "CreateEmailTemplate" not in client.calls
    assert ses.templates() == {}


def test_sync_converges_through_throttling_errors_and_drops(
    ses: SesServer, proxy: FaultProxy
) -> None:
    local = [content(f"t-{i}") for i in range(8)]
    # Faults on every second request: each call meets at most one, in a varied order.
    proxy.inject(["429", "500", "drop", "429-bare", "503", "drop"], every=2)
    result, _client, _ = sync(proxy.url, local)
    assert len(result.created) == 8
    assert sorted(ses.templates()) == [f"t-{i}" for i in range(8)]
    injected = [e.outcome for e in proxy.log if not e.outcome.startswith("forwarded")]
    assert injected == ["429", "500", "drop", "429-bare", "503", "drop"]
    # A second run finds everything in place.
    again, _, _ = sync(proxy.url, local)
    assert again.summary() == "created 0, updated 0, unchanged 8, deleted 0"


def test_lost_create_response_still_converges(ses: SesServer, proxy: FaultProxy) -> None:
    # The create reaches SES, the answer is lost: the retry sees AlreadyExists and updates.
    proxy.inject(["500"], template_writes)
    result, _, _ = sync(proxy.url, [content("t-a")])
    assert result.created == ["t-a"]


def test_failure_midway_reports_done_and_not_done_then_rerun_converges(
    ses: SesServer, proxy: FaultProxy
) -> None:
    local = [content("t-a"), content("t-b"), content("t-c")]
    client = client_for(proxy.url, max_attempts=2)
    plan = make_plan(client, local, "t-")
    # t-a is created, then t-b's create fails on both attempts.
    calls = {"n": 0}

    def fail_second_write(method: str, path: str) -> bool:
        if template_writes(method, path):
            calls["n"] += 1
            return calls["n"] >= 2
        return False

    proxy.inject(["500", "500"], fail_second_write)
    with pytest.raises(SesTemplatesError) as info:
        apply_plan(client, plan, SyncOptions(), echo=lambda _: None, confirm=lambda _: False)
    message = str(info.value)
    assert "sync stopped at create t-b" in message
    assert "done: create t-a" in message
    assert "not done: create t-b, create t-c" in message
    assert "\n" not in message
    assert sorted(ses.templates()) == ["t-a"]
    result, _, _ = sync(proxy.url, local)
    assert sorted(result.created) == ["t-b", "t-c"] and result.unchanged == ["t-a"]


def test_listing_follows_pages(ses: SesServer) -> None:
    from sestemplates.ses.plan import list_remote

    client = client_for(ses.url)
    for i in range(105):  # more than one page of 100
        client.call("CreateEmailTemplate", TemplateName=f"p-{i:03}",
                    TemplateContent={"Subject": "s"})
    assert sorted(list_remote(client)) == [f"p-{i:03}" for i in range(105)]
    assert client.calls["ListEmailTemplates"] == 2


def test_real_ses_error_shapes_on_template_writes(ses: SesServer, proxy: FaultProxy) -> None:
    # A create that SES answers with AlreadyExistsException (as real SES shapes it) converges
    # through an update; LimitExceeded (too many templates) stops the sync, naming it.
    def creates(method: str, path: str) -> bool:
        return method == "POST" and path == "/v2/email/templates"

    client = client_for(proxy.url)
    plan = make_plan(client, [content("t-a"), content("t-b")], "t-")
    # Someone else creates t-a between our plan and our create.
    client.call("CreateEmailTemplate", TemplateName="t-a", TemplateContent={"Subject": "old"})
    proxy.inject(["ses:AlreadyExistsException"], creates)
    result = apply_plan(client, plan, SyncOptions(), echo=lambda _: None,
                        confirm=lambda _: False)
    assert result.created == ["t-a", "t-b"]
    assert client.calls["UpdateEmailTemplate"] == 1
    assert ses.templates()["t-a"]["TemplateContent"]["Subject"] == "Hello {{name}}"

    proxy.inject(["ses:LimitExceededException"], creates)
    with pytest.raises(SesTemplatesError) as info:
        sync(proxy.url, [content("t-a"), content("t-b"), content("t-c")])
    message = str(info.value)
    assert message.startswith("sync stopped at create t-c: CreateEmailTemplate t-c: an SES limit")
    assert "(HTTP 400 LimitExceeded)" in message and "re-run sync to finish" in message
    assert "t-c" not in ses.templates()
