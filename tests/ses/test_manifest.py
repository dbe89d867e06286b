"""The state manifest through a proxy that enforces SES's 1 call/s per operation.

Counts are what the proxy saw reach the server, never times.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from conftest import SesServer
from faultproxy import FaultProxy
from helpers import client_for, content, write_template

from sestemplates.errors import SesTemplatesError
from sestemplates.ses.manifest import (
    ConcurrentSync,
    Delta,
    Entry,
    is_manifest_name,
    list_state,
    read_manifest,
    write_manifest,
)
from sestemplates.ses.plan import make_plan
from sestemplates.ses.records import Content
from sestemplates.ses.sync import SyncOptions, apply_plan

pytestmark = pytest.mark.ses

# Real SES pacing (1 s per operation) against a proxy that throttles like SES.
PACED_CONFIG = """\
prefix = "{prefix}"
region = "us-east-1"

[ses]
pace_seconds = {pace}
max_attempts = 8
"""


def write_many(root: Path, count: int, *, prefix: str = "t-", pace: float = 1) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "sestemplates.toml").write_text(
        PACED_CONFIG.format(prefix=prefix, pace=pace), encoding="utf-8"
    )
    for i in range(count):
        write_template(
            root, f"tpl{i:03}", subject=f"Subject {i} {{{{name}}}}",
            html=f"<html><body><p>Body {i} {{{{name}}}}</p></body></html>\n",
            text=f"Body {i} {{{{name}}}}\n", samples={"basic": {"name": "Ada"}},
        )
    return root


@pytest.fixture
def throttled(ses: SesServer) -> Iterator[FaultProxy]:
    proxy = FaultProxy(ses.url, throttle=1.0).start()
    try:
        yield proxy
    finally:
        proxy.stop()


def counts(proxy: FaultProxy, *, manifest: bool) -> dict[str, int]:
    ops = ("GetEmailTemplate", "CreateEmailTemplate", "UpdateEmailTemplate",
           "DeleteEmailTemplate")
    out = {op: len(proxy.calls(op, manifest=manifest)) for op in ops}
    return {op: n for op, n in out.items() if n}


def manifest_of(url: str, prefix: str = "t-"):  # type: ignore[no-untyped-def]
    client = client_for(url)
    return read_manifest(client, list_state(client, prefix))


def test_unchanged_repo_diff_reads_no_template_and_one_edit_costs_one_read_one_write(
    cli, tmp_path: Path, ses: SesServer, throttled: FaultProxy
) -> None:  # type: ignore[no-untyped-def]
    project = write_many(tmp_path / "p", 60)
    # The first sync goes straight to the server, unpaced: only the later calls are measured.
    config = project / "sestemplates.toml"
    config.write_text(config.read_text().replace("pace_seconds = 1", "pace_seconds = 0"))
    assert cli("-C", project, "--endpoint-url", ses.url, "sync").code == 0
    config.write_text(config.read_text().replace("pace_seconds = 0", "pace_seconds = 1"))
    assert len(ses.templates()) == 60
    [head] = [n for n in ses.all_templates() if is_manifest_name(n)]
    assert head == "t-__sestemplates_1"

    base = ("-C", project, "--endpoint-url", throttled.url)
    diff = cli(*base, "diff", "--exit-code")
    assert diff.code == 0, diff.out + diff.err
    assert diff.out.rstrip().endswith("plan: create 0, update 0, unchanged 60, delete-candidates 0")
    assert "__sestemplates" not in diff.out
    # One listing and one read of the manifest: no template read at all.
    assert counts(throttled, manifest=False) == {}
    assert counts(throttled, manifest=True) == {"GetEmailTemplate": 1}
    assert len(throttled.calls("ListEmailTemplates")) == 1

    throttled.log.clear()
    (project / "templates" / "tpl007" / "subject.txt").write_text("Changed {{name}}")
    # One edit: diff reads that one template (for its unified diff) and nothing else.
    edited = cli(*base, "diff")
    assert "~ update     t-tpl007 (subject)" in edited.out
    assert "-Subject 7 {{name}}\n+Changed {{name}}" in edited.out
    assert counts(throttled, manifest=False) == {"GetEmailTemplate": 1}
    assert [e.template for e in throttled.calls("GetEmailTemplate", manifest=False)] == [
        "t-tpl007"]

    throttled.log.clear()
    synced = cli(*base, "sync")
    assert synced.code == 0, synced.err
    assert synced.out.strip() == "created 0, updated 1, unchanged 59, deleted 0"
    # sync shows no diff, so it needs no read: the manifest vouches for what SES holds.
    assert counts(throttled, manifest=False) == {"UpdateEmailTemplate": 1}
    assert [e.template for e in throttled.calls("UpdateEmailTemplate")] == ["t-tpl007"]
    # The manifest: read once, the next version created, the replaced one deleted.
    assert counts(throttled, manifest=True) == {
        "GetEmailTemplate": 1, "CreateEmailTemplate": 1, "DeleteEmailTemplate": 1}
    assert len(throttled.calls("ListEmailTemplates")) == 1
    management = [e for e in throttled.forwarded() if e.operation != "SendEmail"]
    assert len(management) == 5  # issue 14's target for one changed template
    assert sorted(n for n in ses.all_templates() if is_manifest_name(n)) == ["t-__sestemplates_2"]
    manifest = manifest_of(ses.url)
    assert manifest is not None and manifest.version == 2
    stored = ses.templates()["t-tpl007"]["TemplateContent"]
    assert stored["Subject"] == "Changed {{name}}"
    assert manifest.entries["t-tpl007"].digest == Content.from_ses("t-tpl007", stored).digest()

    throttled.log.clear()
    again = cli(*base, "sync")
    assert again.out.strip() == "created 0, updated 0, unchanged 60, deleted 0"
    assert counts(throttled, manifest=False) == {}
    assert counts(throttled, manifest=True) == {"GetEmailTemplate": 1}


def test_refresh_names_a_template_edited_behind_the_projects_back(
    cli, tmp_path: Path, ses: SesServer, throttled: FaultProxy
) -> None:  # type: ignore[no-untyped-def]
    project = write_many(tmp_path / "p", 4)
    base = ("-C", project, "--endpoint-url", throttled.url)
    assert cli(*base, "sync").code == 0
    direct = boto3.client("sesv2", endpoint_url=ses.url, region_name="us-east-1")
    direct.update_email_template(
        TemplateName="t-tpl002", TemplateContent={"Subject": "hacked", "Text": "x"})

    # Edited in place: the cheap diff cannot see it (documented), --refresh reads and names it.
    cheap = cli(*base, "diff", "--exit-code")
    assert cheap.code == 0 and "drift" not in cheap.out
    refreshed = cli(*base, "diff", "--refresh", "--exit-code")
    assert refreshed.code == 1
    assert "! drift      t-tpl002: edited outside this project since the last sync" in (
        refreshed.out)
    assert "~ update     t-tpl002 (subject, html, text)" in refreshed.out
    assert refreshed.out.rstrip().endswith("delete-candidates 0, drift 1")
    assert len(throttled.calls("GetEmailTemplate", manifest=False)) == 4

    fixed = cli(*base, "sync", "--refresh")
    assert fixed.out.strip() == "created 0, updated 1, unchanged 3, deleted 0"
    assert "drift      t-tpl002: edited outside" in fixed.err
    assert ses.templates()["t-tpl002"]["TemplateContent"]["Subject"] == "Subject 2 {{name}}"
    clean = cli(*base, "diff", "--refresh", "--exit-code")
    assert clean.code == 0 and clean.out.rstrip().endswith("drift 0")

    # Deleted and re-created outside: the listing's creation time gives it away, no --refresh.
    direct.delete_email_template(TemplateName="t-tpl001")
    time.sleep(0.01)
    direct.create_email_template(
        TemplateName="t-tpl001", TemplateContent={"Subject": "Subject 1 {{name}}", "Text": "x"})
    throttled.log.clear()
    recreated = cli(*base, "diff")
    assert "! drift      t-tpl001: deleted and re-created outside this project" in recreated.out
    assert [e.template for e in throttled.calls("GetEmailTemplate", manifest=False)] == [
        "t-tpl001"]


def test_prune_never_deletes_a_foreign_template_under_the_prefix(
    cli, tmp_path: Path, ses: SesServer, throttled: FaultProxy
) -> None:  # type: ignore[no-untyped-def]
    project = write_many(tmp_path / "p", 3)
    base = ("-C", project, "--endpoint-url", throttled.url)
    assert cli(*base, "sync").code == 0
    direct = boto3.client("sesv2", endpoint_url=ses.url, region_name="us-east-1")
    direct.create_email_template(TemplateName="t-foreign", TemplateContent={"Subject": "f"})
    # Another project whose prefix starts with ours keeps its own manifest, untouched by us.
    other = write_many(tmp_path / "o", 1, prefix="t-x-", pace=0)
    assert cli("-C", other, "--endpoint-url", ses.url, "sync").code == 0
    import shutil

    shutil.rmtree(project / "templates" / "tpl001")

    diff = cli(*base, "diff")
    assert "- delete?    t-tpl001 (only with --prune)" in diff.out
    assert "not ours   t-foreign" in diff.out and "not ours   t-x-tpl000" in diff.out
    assert "__sestemplates" not in diff.out
    pruned = cli(*base, "sync", "--prune", "--yes")
    assert pruned.code == 0, pruned.err
    assert pruned.out.strip() == "created 0, updated 0, unchanged 2, deleted 1"
    assert "not pruned (under the prefix, but not created by this project): t-foreign" in (
        pruned.err)
    assert sorted(ses.templates()) == ["t-foreign", "t-tpl000", "t-tpl002", "t-x-tpl000"]
    deleted = [e.template for e in throttled.calls("DeleteEmailTemplate", manifest=False)]
    assert deleted == ["t-tpl001"]
    manifest = manifest_of(ses.url)
    assert manifest is not None and sorted(manifest.entries) == ["t-tpl000", "t-tpl002"]
    theirs = manifest_of(ses.url, "t-x-")
    assert theirs is not None and list(theirs.entries) == ["t-x-tpl000"]
    assert "t-x-__sestemplates_1" in ses.all_templates()
    # A template re-created by someone else after we deleted it is not ours either.
    direct.create_email_template(TemplateName="t-tpl001", TemplateContent={"Subject": "s"})
    again = cli(*base, "sync", "--prune", "--yes")
    assert again.out.strip().endswith("deleted 0") and "t-tpl001" in ses.templates()


def test_sigkill_between_template_write_and_manifest_write_converges(
    tmp_path: Path, ses: SesServer, throttled: FaultProxy
) -> None:
    project = write_many(tmp_path / "p", 3)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    base = [sys.executable, "-m", "sestemplates", "-C", str(project),
            "--endpoint-url", throttled.url]
    first = subprocess.run([*base, "sync"], env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    (project / "templates" / "tpl001" / "html.html").write_text("<p>New {{name}}</p>\n")

    # The proxy never answers the manifest's create: the sync has written the template and
    # is stuck in the manifest write when it is killed.
    def manifest_create(method: str, path: str) -> bool:
        return method == "POST" and path == "/v2/email/templates"

    throttled.body_match = b"__sestemplates_"
    throttled.inject(["hang"], manifest_create)
    process = subprocess.Popen([*base, "sync"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not any(e.outcome == "hang" for e in throttled.log):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the sync never reached the manifest write"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    assert "<p>New {{name}}</p>" in ses.templates()["t-tpl001"]["TemplateContent"]["Html"]
    stale = manifest_of(ses.url)
    assert stale is not None and stale.version == 1  # the killed run committed nothing

    throttled.body_match = None
    throttled.log.clear()
    second = subprocess.run([*base, "sync"], env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    # The manifest still vouches for the old content, so the template is written once more
    # (one call, as a read would have been); the manifest now says what SES holds.
    assert second.stdout.strip() == "created 0, updated 1, unchanged 2, deleted 0"
    assert counts(throttled, manifest=False) == {"UpdateEmailTemplate": 1}
    manifest = manifest_of(ses.url)
    assert manifest is not None and manifest.version == 2
    for name, stored in ses.templates().items():
        expected = Content.from_ses(name, stored["TemplateContent"]).digest()
        assert manifest.entries[name].digest == expected
    assert sorted(n for n in ses.all_templates() if is_manifest_name(n)) == ["t-__sestemplates_2"]
    throttled.log.clear()
    third = subprocess.run([*base, "diff", "--exit-code"], env=env, capture_output=True,
                           text=True, timeout=60)
    assert third.returncode == 0 and counts(throttled, manifest=False) == {}


def test_concurrent_syncs_merge_disjoint_changes_and_fail_clearly_on_the_same_template(
    ses: SesServer,
) -> None:
    one, two = client_for(ses.url), client_for(ses.url)
    plan = make_plan(one, [content("t-a"), content("t-b")], "t-")
    apply_plan(one, plan, SyncOptions(), echo=lambda _: None, confirm=lambda _: False)
    # Both plan from manifest version 1, then both write: the second one's claim of version 2
    # finds the first one's, re-reads, and merges (they changed different templates).
    first = make_plan(one, [content("t-a", "One")], "t-")
    second = make_plan(two, [content("t-b", "Two")], "t-")
    apply_plan(one, first, SyncOptions(), echo=lambda _: None, confirm=lambda _: False)
    result = apply_plan(two, second, SyncOptions(), echo=lambda _: None, confirm=lambda _: False)
    assert result.manifest is not None and result.manifest.version == 3
    manifest = manifest_of(ses.url)
    assert manifest is not None and manifest.version == 3
    assert manifest.entries["t-a"].digest == content("t-a", "One").digest()
    assert manifest.entries["t-b"].digest == content("t-b", "Two").digest()
    assert sorted(n for n in ses.all_templates() if is_manifest_name(n)) == ["t-__sestemplates_3"]

    # Both change t-a at once: the loser fails, naming it, rather than overwrite an entry.
    first = make_plan(one, [content("t-a", "Three")], "t-")
    second = make_plan(two, [content("t-a", "Four")], "t-")
    apply_plan(one, first, SyncOptions(), echo=lambda _: None, confirm=lambda _: False)
    with pytest.raises(ConcurrentSync) as info:
        apply_plan(two, second, SyncOptions(), echo=lambda _: None, confirm=lambda _: False)
    assert "another sync on prefix 't-' changed the same templates at the same time (t-a;" in (
        str(info.value))
    assert isinstance(info.value, SesTemplatesError)
    manifest = manifest_of(ses.url)
    assert manifest is not None
    assert manifest.entries["t-a"].digest == content("t-a", "Three").digest()


def test_a_large_manifest_is_sharded_and_read_with_one_call_per_shard(ses: SesServer) -> None:
    client = client_for(ses.url)
    # ~1.3 MB of entries (a data contract per template would look like this): 4 shards.
    entries = {
        f"t-{i:04}": Entry(f"{i:064x}", 1.5 + i, {"contract": "c" * 1000, "n": i})
        for i in range(1100)
    }
    written = write_manifest(client, list_state(client, "t-"), None, Delta(entries), prefix="t-")
    assert written is not None and written.shards == 4
    stored = ses.all_templates()
    assert all(len(stored[n]["TemplateContent"]["Text"]) < 500_000 for n in written.names())
    reader = client_for(ses.url)
    read = read_manifest(reader, list_state(reader, "t-"))
    assert read is not None and read.entries == entries and read.version == 1
    assert reader.calls["GetEmailTemplate"] == 4
    # The next version replaces all four shards.
    update = Delta({"t-0000": Entry("f" * 64, 1.5)}, frozenset({"t-0001"}))
    again = write_manifest(client, list_state(client, "t-"), read, update, prefix="t-")
    assert again is not None and again.version == 2
    assert sorted(n for n in ses.all_templates() if is_manifest_name(n)) == sorted(again.names())
    final = manifest_of(ses.url)
    assert final is not None and "t-0001" not in final.entries
    assert final.entries["t-0000"] == Entry("f" * 64, 1.5)
    assert final.entries["t-0002"].meta["n"] == 2


def test_no_manifest_behaves_as_before_and_the_first_sync_writes_one(
    cli, tmp_path: Path, ses: SesServer, throttled: FaultProxy
) -> None:  # type: ignore[no-untyped-def]
    project = write_many(tmp_path / "p", 3)
    client = client_for(ses.url)
    for name in ("t-tpl000", "t-tpl001"):  # synced earlier by other means
        client.call("CreateEmailTemplate", TemplateName=name, TemplateContent={"Subject": "x"})
    base = ("-C", project, "--endpoint-url", throttled.url)
    diff = cli(*base, "diff")
    assert "(no state manifest yet: every template was read (sync writes one))" in diff.out
    assert len(throttled.calls("GetEmailTemplate", manifest=False)) == 2
    assert cli(*base, "sync").out.strip() == "created 1, updated 2, unchanged 0, deleted 0"
    manifest = manifest_of(ses.url)
    assert manifest is not None and sorted(manifest.entries) == ["t-tpl000", "t-tpl001",
                                                                  "t-tpl002"]
    assert all(e.created is not None for e in manifest.entries.values())


def test_a_template_cannot_take_a_manifest_name(cli, tmp_path: Path, ses: SesServer) -> None:  # type: ignore[no-untyped-def]
    project = write_many(tmp_path / "p", 1, pace=0)
    write_template(project, "x__sestemplates_1", subject="s", html="<p>h</p>", text=None,
                   samples={})
    result = cli("-C", project, "--endpoint-url", ses.url, "sync")
    assert result.code == 2
    assert "template name 't-x__sestemplates_1' is reserved for sestemplates' state manifest" in (
        result.err)
    assert ses.all_templates() == {}


def test_pull_never_pulls_a_manifest(cli, tmp_path: Path, ses: SesServer) -> None:  # type: ignore[no-untyped-def]
    project = write_many(tmp_path / "p", 2, pace=0)
    assert cli("-C", project, "--endpoint-url", ses.url, "sync").code == 0
    assert any(is_manifest_name(n) for n in ses.all_templates())
    fresh = tmp_path / "fresh"
    (fresh / "templates").mkdir(parents=True)
    (fresh / "sestemplates.toml").write_text(PACED_CONFIG.format(prefix="t-", pace=0))
    pulled = cli("-C", fresh, "--endpoint-url", ses.url, "pull")
    assert pulled.code == 0, pulled.err
    assert sorted(p.name for p in (fresh / "templates").iterdir()) == ["tpl000", "tpl001"]


def test_other_records_ride_along_in_an_entrys_meta(ses: SesServer) -> None:
    # e.g. a data-contract fingerprint, so a later guard needs no extra reads.
    client = client_for(ses.url)
    plan = make_plan(client, [content("t-a"), content("t-b")], "t-")
    apply_plan(client, plan, SyncOptions(), echo=lambda _: None, confirm=lambda _: False,
               meta={"t-a": {"contract": "abc"}})
    assert dict(manifest_of(ses.url).entries["t-a"].meta) == {"contract": "abc"}
    # A later sync that says nothing about it keeps it, through an update too.
    plan = make_plan(client, [content("t-a", "New"), content("t-b")], "t-")
    apply_plan(client, plan, SyncOptions(), echo=lambda _: None, confirm=lambda _: False,
               meta={"t-b": {"contract": "def"}})
    entries = manifest_of(ses.url).entries
    assert dict(entries["t-a"].meta) == {"contract": "abc"}
    assert dict(entries["t-b"].meta) == {"contract": "def"}
    assert entries["t-a"].digest == content("t-a", "New").digest()


def test_an_unreadable_manifest_is_planned_without_and_replaced_by_the_next_sync(
    cli, tmp_path: Path, ses: SesServer
) -> None:  # type: ignore[no-untyped-def]
    project = write_many(tmp_path / "p", 2, pace=0)
    base = ("-C", project, "--endpoint-url", ses.url)
    assert cli(*base, "sync").code == 0
    direct = boto3.client("sesv2", endpoint_url=ses.url, region_name="us-east-1")
    direct.update_email_template(TemplateName="t-__sestemplates_1",
                                 TemplateContent={"Subject": "x", "Text": "not json"})
    diff = cli(*base, "diff", "--exit-code")
    assert diff.code == 0
    assert ("(state manifest t-__sestemplates_1 is not JSON; planned without it (the next sync "
            "rewrites it))") in diff.out
    synced = cli(*base, "sync")
    assert synced.code == 0, synced.err
    assert sorted(n for n in ses.all_templates() if is_manifest_name(n)) == ["t-__sestemplates_2"]
    manifest = manifest_of(ses.url)
    assert manifest is not None and sorted(manifest.entries) == ["t-tpl000", "t-tpl001"]
