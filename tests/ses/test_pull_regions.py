"""pull with several regions: two aws-ses-v2-local servers on two loopback ports stand in for
us-east-1 and eu-west-1; every region is read, the first one's copy wins, differences are said."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import boto3
import pytest
from conftest import SesServer
from helpers import client_for, regional_config

from sestemplates.config import load_config
from sestemplates.errors import SesTemplatesError
from sestemplates.ses.client import Pacer, SesClient
from sestemplates.ses.pull_regions import pull_regions

pytestmark = pytest.mark.ses

CRLF_HTML = (
    "<!DOCTYPE html>\r\n<html><body>\r\n<!--[if mso]><table><tr><td><![endif]-->\r\n"
    "<table>{{#each items}}\r\n<tr><td style=\"color:#333\">{{title}}</td></tr>\r\n{{/each}}"
    "</table>\r\n<p>&copy; Grüße [[ not jinja ]] {% raw %}</p>\r\n</body></html>\r\n"
)
SAME = {
    "t-welcome": {"Subject": "Welcome, {{name}}", "Html": "<p>Hi {{name}}</p>", "Text": "Hi"},
    "t-receipt": {"Subject": "Receipt — {{name}}", "Html": CRLF_HTML},
    "t-plain": {"Subject": "Plain", "Text": "Only text, {{name}}.\r\n"},
}


def create(url: str, templates: dict[str, dict[str, str]]) -> None:
    client: Any = boto3.client("sesv2", endpoint_url=url, region_name="us-east-1")
    for name, content in templates.items():
        client.create_email_template(TemplateName=name, TemplateContent=content)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_identical_regions_pull_once_and_round_trip_in_both(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, ses: SesServer, second_ses: SesServer
):
    create(ses.url, SAME)
    create(second_ses.url, SAME)
    project = tmp_path / "p"
    regional_config(project, ses.url, second_ses.url)

    pulled = cli("-C", project, "pull")
    assert pulled.code == 0, pulled.err
    assert "wrote 3 template(s) into templates/ (0 replaced)" in pulled.out
    assert "warning" not in pulled.err
    for region in ("us-east-1", "eu-west-1"):  # both regions were read
        assert f"[{region}] [3/3] pull t-welcome" in pulled.err
    templates = project / "templates"
    assert sorted(p.name for p in templates.iterdir()) == ["plain", "receipt", "welcome"]
    assert (templates / "receipt" / "html.html").read_bytes() == CRLF_HTML.encode()

    assert cli("-C", project, "build").code == 0
    diff = cli("-C", project, "diff", "--exit-code")
    assert diff.code == 0, diff.out + diff.err
    assert diff.out.count("plan: create 0, update 0, unchanged 3") == 2
    assert "== us-east-1 (" in diff.out and "== eu-west-1 (" in diff.out


def test_divergent_and_missing_templates_warn_pull_the_primary_and_sync_equalises(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, ses: SesServer, second_ses: SesServer
):
    west_welcome = {**SAME["t-welcome"], "Html": "<p>Hallo {{name}}</p>"}
    create(ses.url, {"t-welcome": SAME["t-welcome"], "t-receipt": SAME["t-receipt"],
                     "t-east": SAME["t-plain"], "t-both": SAME["t-plain"]})
    create(second_ses.url, {"t-welcome": west_welcome, "t-west": SAME["t-plain"],
                            "t-both": {"Subject": "Other", "Text": "Other, {{name}}."},
                            "t-receipt": SAME["t-receipt"]})
    project = tmp_path / "p"
    regional_config(project, ses.url, second_ses.url)

    pulled = cli("-C", project, "pull")
    assert pulled.code == 0, pulled.err
    warnings = [line for line in pulled.err.splitlines() if line.startswith("warning")]
    assert warnings == [
        "warning: t-both differs between us-east-1 and eu-west-1 (subject, text): "
        "pulled us-east-1's; the next sync makes eu-west-1 equal",
        "warning: t-east missing in eu-west-1: the next sync creates it there",
        "warning: t-welcome differs between us-east-1 and eu-west-1 (html): "
        "pulled us-east-1's; the next sync makes eu-west-1 equal",
        "warning: t-west missing in us-east-1: pulled eu-west-1's; "
        "the next sync creates it there",
    ]
    templates = project / "templates"
    assert sorted(p.name for p in templates.iterdir()) == ["both", "east", "receipt", "welcome",
                                                            "west"]
    assert (templates / "welcome" / "html.html").read_text() == "<p>Hi {{name}}</p>"
    assert (templates / "both" / "subject.txt").read_text() == "Plain"
    assert (templates / "west" / "text.txt").read_bytes() == b"Only text, {{name}}.\r\n"

    synced = cli("-C", project, "sync")
    assert synced.code == 0, synced.err
    assert synced.out.splitlines() == [
        "us-east-1: created 1, updated 0, unchanged 4, deleted 0",
        "eu-west-1: created 1, updated 2, unchanged 2, deleted 0",
    ]
    east, west = ses.templates(), second_ses.templates()
    assert sorted(east) == sorted(west) == ["t-both", "t-east", "t-receipt", "t-welcome",
                                            "t-west"]
    for name in east:
        assert east[name]["TemplateContent"] == west[name]["TemplateContent"], name
    assert cli("-C", project, "diff", "--exit-code").code == 0


def test_an_unreachable_region_fails_the_pull_and_writes_nothing(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, ses: SesServer, second_ses: SesServer
):
    create(ses.url, SAME)
    create(second_ses.url, SAME)
    project = tmp_path / "p"
    regional_config(project, ses.url, second_ses.url, attempts=1)
    second_ses.stop()

    failed = cli("-C", project, "pull")
    assert failed.code == 1
    last = failed.err.splitlines()[-1]
    assert last.startswith("error: pull failed in 1 of 2 region(s) (eu-west-1), nothing written:"
                           " eu-west-1: ListEmailTemplates: cannot reach " + second_ses.url), last
    assert "Traceback" not in failed.err
    assert not (project / "templates").exists()

    (project / "templates").mkdir()  # named templates skip the listing: the reads fail too
    named = cli("-C", project, "pull", "welcome", "receipt")
    assert named.code == 1
    assert "pull failed in 1 of 2 region(s) (eu-west-1)" in named.err
    assert list((project / "templates").iterdir()) == []


def test_named_templates_missing_in_one_region_warn_and_in_all_fail(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, ses: SesServer, second_ses: SesServer
):
    create(ses.url, {"t-welcome": SAME["t-welcome"]})
    create(second_ses.url, {"t-plain": SAME["t-plain"]})
    project = tmp_path / "p"
    regional_config(project, ses.url, second_ses.url)

    nowhere = cli("-C", project, "pull", "welcome", "nope")
    assert nowhere.code == 1
    assert nowhere.err.splitlines()[-1] == (
        "error: no template t-nope in any region (us-east-1, eu-west-1)")
    assert not (project / "templates").exists()

    pulled = cli("-C", project, "pull", "welcome", "t-plain")
    assert pulled.code == 0, pulled.err
    assert "warning: t-welcome missing in eu-west-1: the next sync creates it there" in pulled.err
    assert ("warning: t-plain missing in us-east-1: pulled eu-west-1's; the next sync creates "
            "it there") in pulled.err
    assert sorted(tree(project / "templates")) == [
        "plain/samples/default.json", "plain/subject.txt", "plain/template.toml",
        "plain/text.txt", "welcome/html.html", "welcome/samples/default.json",
        "welcome/subject.txt", "welcome/template.toml", "welcome/text.txt",
    ]


def test_regions_are_read_concurrently_each_paced_by_its_own_client(
    tmp_path: Path, ses: SesServer, second_ses: SesServer
) -> None:
    create(ses.url, SAME)
    create(second_ses.url, SAME)
    project = tmp_path / "p"
    regional_config(project, ses.url, second_ses.url)
    # A clock that never moves: every call after a client's first waits its whole interval,
    # so each client's sleeps count the calls its own pacer spaced out.
    sleeps: dict[str, list[float]] = {"us-east-1": [], "eu-west-1": []}
    waiting = {region: threading.Event() for region in sleeps}
    overlapped: list[bool] = []

    def paced(region: str, other: str) -> SesClient:
        client = client_for(ses.url if region == "us-east-1" else second_ses.url)

        def sleep(seconds: float) -> None:
            sleeps[region].append(seconds)
            waiting[region].set()
            # Read one region after the other, this would time out on the first region.
            overlapped.append(waiting[other].wait(timeout=20))

        client.pacer = Pacer(0.5, clock=lambda: 0.0, sleep=sleep)
        return client

    regions = [("us-east-1", paced("us-east-1", "eu-west-1")),
               ("eu-west-1", paced("eu-west-1", "us-east-1"))]
    report = pull_regions(load_config(project), regions, [])
    assert sorted(report.created) == ["plain", "receipt", "welcome"]
    assert overlapped and all(overlapped)
    # One List and three Gets per region; the pacer spaces each operation on its own.
    assert sleeps == {"us-east-1": [0.5, 0.5], "eu-west-1": [0.5, 0.5]}


def test_a_failing_region_in_the_api_raises_naming_it(tmp_path: Path, ses: SesServer) -> None:
    project = tmp_path / "p"
    regional_config(project, ses.url, "http://127.0.0.1:9")
    regions = [("us-east-1", client_for(ses.url)),
               ("eu-west-1", client_for("http://127.0.0.1:9", max_attempts=1))]
    with pytest.raises(SesTemplatesError, match=r"\(eu-west-1\), nothing written"):
        pull_regions(load_config(project), regions, [])
