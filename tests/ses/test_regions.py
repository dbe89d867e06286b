"""Several regions: two aws-ses-v2-local servers on two loopback ports stand in for two regions."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SesServer, start_ses_server
from faultproxy import FaultProxy, template_writes
from helpers import regional_config, write_project

from sestemplates.config import load_config
from sestemplates.ses.manifest import is_manifest_name

pytestmark = pytest.mark.ses


def user_writes(proxy: FaultProxy) -> int:
    return len([e for e in proxy.forwarded() if template_writes(e.method, e.path)
                and not is_manifest_name(e.template or "")])


@pytest.fixture
def west_proxy(second_ses: SesServer) -> Iterator[FaultProxy]:
    proxy = FaultProxy(second_ses.url).start()
    try:
        yield proxy
    finally:
        proxy.stop()


def test_config_regions_and_endpoints_top_level_and_per_env(tmp_path: Path) -> None:
    (tmp_path / "sestemplates.toml").write_text(
        'regions = ["us-east-1", "eu-west-1"]\n'
        '[endpoints]\n"us-east-1" = "http://127.0.0.1:1"\n'
        '[env.prod]\nregions = ["eu-west-1"]\n'
        '[env.prod.endpoints]\n"eu-west-1" = "http://127.0.0.1:2"\n'
    )
    top = load_config(tmp_path)
    assert top.regions == ("us-east-1", "eu-west-1")
    assert dict(top.endpoints) == {"us-east-1": "http://127.0.0.1:1"}
    prod = load_config(tmp_path, "prod")
    assert prod.regions == ("eu-west-1",)
    assert dict(prod.endpoints) == {"us-east-1": "http://127.0.0.1:1",
                                    "eu-west-1": "http://127.0.0.1:2"}


def test_bad_regions_config_is_one_line_naming_the_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = write_project(tmp_path / "p")
    config = project / "sestemplates.toml"
    config.write_text('regions = "us-east-1"\n' + config.read_text())
    result = cli("-C", project, "diff")
    assert result.code == 2
    assert result.err.strip() == (
        'error: sestemplates.toml: regions must be a list of region names, e.g. ["us-east-1"]')


def test_sync_an_edit_to_both_regions_then_nothing_to_do(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, ses: SesServer, second_ses: SesServer, proxy: FaultProxy,
    west_proxy: FaultProxy,
):
    project = write_project(tmp_path / "p")
    regional_config(project, proxy.url, west_proxy.url)
    first = cli("-C", project, "sync")
    assert first.code == 0, first.err
    assert first.out.splitlines() == [
        "us-east-1: created 2, updated 0, unchanged 0, deleted 0",
        "eu-west-1: created 2, updated 0, unchanged 0, deleted 0",
    ]
    assert "[eu-west-1] [2/2] create t-welcome" in first.err
    for server in (ses, second_ses):
        assert sorted(server.templates()) == ["t-receipt", "t-welcome"]
        assert [n for n in server.all_templates() if is_manifest_name(n)] == [
            "t-__sestemplates_1"]  # each region keeps its own manifest

    (project / "templates" / "welcome" / "subject.txt").write_text("Hello again, {{name}}!")
    diff = cli("-C", project, "diff", "--exit-code")
    assert diff.code == 1
    assert f"== us-east-1 ({proxy.url}) ==\n~ update     t-welcome (subject)" in diff.out
    assert f"== eu-west-1 ({west_proxy.url}) ==\n~ update     t-welcome (subject)" in diff.out

    dry = cli("-C", project, "sync", "--dry-run")
    assert dry.out.splitlines() == [
        f"{region}: dry run, would have: created 0, updated 1, unchanged 1, deleted 0"
        for region in ("us-east-1", "eu-west-1")
    ]
    assert "[us-east-1] ~ update     t-welcome (subject)" in dry.err
    assert "[eu-west-1] ~ update     t-welcome (subject)" in dry.err

    second = cli("-C", project, "sync")
    assert second.out.splitlines() == [
        "us-east-1: created 0, updated 1, unchanged 1, deleted 0",
        "eu-west-1: created 0, updated 1, unchanged 1, deleted 0",
    ]
    for server in (ses, second_ses):
        stored = server.templates()["t-welcome"]["TemplateContent"]["Subject"]
        assert stored == "Hello again, {{name}}!"
    before = (user_writes(proxy), user_writes(west_proxy))
    third = cli("-C", project, "sync")
    assert third.code == 0
    assert all(line.endswith("created 0, updated 0, unchanged 2, deleted 0")
               for line in third.out.splitlines())
    assert (user_writes(proxy), user_writes(west_proxy)) == before

    # Deletions in every region are asked about once, before any region writes.
    import shutil

    shutil.rmtree(project / "templates" / "receipt")
    refused = cli("-C", project, "sync", "--prune")
    assert refused.code == 2
    assert ("refusing to delete 2 template(s) (us-east-1:t-receipt, eu-west-1:t-receipt) "
            "without confirmation: no terminal; pass --yes") in refused.err
    assert "t-receipt" in ses.templates() and "t-receipt" in second_ses.templates()
    pruned = cli("-C", project, "sync", "--prune", "--yes")
    assert pruned.out.splitlines() == [
        f"{region}: created 0, updated 0, unchanged 1, deleted 1"
        for region in ("us-east-1", "eu-west-1")
    ]
    assert sorted(ses.templates()) == sorted(second_ses.templates()) == ["t-welcome"]

    # --region picks one region: only its store changes.
    (project / "templates" / "welcome" / "subject.txt").write_text("Only west, {{name}}!")
    west_only = cli("-C", project, "--region", "eu-west-1", "sync")
    assert west_only.code == 0, west_only.err
    assert west_only.out.strip() == "created 0, updated 1, unchanged 0, deleted 0"
    assert second_ses.templates()["t-welcome"]["TemplateContent"]["Subject"].startswith("Only")
    assert ses.templates()["t-welcome"]["TemplateContent"]["Subject"].startswith("Hello again")


def test_one_region_dies_mid_sync_the_other_completes_and_a_rerun_converges(
    tmp_path: Path, ses: SesServer, second_ses: SesServer
) -> None:
    project = write_project(tmp_path / "p")
    for i in range(6):
        directory = project / "templates" / f"extra{i}"
        directory.mkdir()
        (directory / "subject.txt").write_text(f"Extra {i}")
        (directory / "html.html").write_text(f"<p>Extra {i}</p>\n")
    regional_config(project, ses.url, second_ses.url, pace=0.3, attempts=2)
    command = [sys.executable, "-m", "sestemplates", "-C", str(project), "sync"]
    process = subprocess.Popen(command, env=dict(os.environ), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while len(second_ses.templates()) < 2:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.02)
        second_ses.process.kill()  # the eu-west-1 "region" dies half-way through its sync
        second_ses.process.wait(timeout=10)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
        process.wait(timeout=10)
    assert process.returncode == 1, out + err
    lines = out.splitlines()
    assert lines[0] == "us-east-1: created 8, updated 0, unchanged 0, deleted 0"
    assert lines[1].startswith("eu-west-1: FAILED: sync stopped at create ")
    assert "| done: create " in lines[1] and "| not done: create " in lines[1]
    assert lines[2] == ("sync failed in 1 of 2 region(s) (eu-west-1); the others are done; "
                        "re-run sync to finish")
    assert "Traceback" not in out + err
    assert len(ses.templates()) == 8

    port = int(second_ses.url.rsplit(":", 1)[1])
    restarted = start_ses_server(port)
    second_ses.process = restarted.process  # the fixture stops whichever process runs now
    again = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [
        "us-east-1: created 0, updated 0, unchanged 8, deleted 0",
        "eu-west-1: created 8, updated 0, unchanged 0, deleted 0",
    ]
    assert sorted(second_ses.templates()) == sorted(ses.templates())
    third = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert third.stdout.splitlines() == [
        f"{region}: created 0, updated 0, unchanged 8, deleted 0"
        for region in ("us-east-1", "eu-west-1")
    ]


def test_parity_and_smoke_per_region_and_an_unreachable_region_in_diff(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, ses: SesServer, second_ses: SesServer
):
    project = write_project(tmp_path / "p")
    regional_config(project, ses.url, second_ses.url)
    smoke = cli("-C", project, "smoke")
    assert smoke.code == 0, smoke.out + smoke.err
    assert "== us-east-1 ==" in smoke.out and "== eu-west-1 ==" in smoke.out
    assert smoke.out.rstrip().endswith("smoke passed in 2 region(s)")
    assert len(ses.emails()) == 2 and len(second_ses.emails()) == 2
    parity = cli("-C", project, "parity")
    assert parity.code == 0, parity.out + parity.err
    assert "[eu-west-1] parity t-welcome × basic.json" in parity.err

    regional_config(project, ses.url, "http://127.0.0.1:9", attempts=1)
    diff = cli("-C", project, "diff")
    assert diff.code == 1
    assert "== us-east-1 (" in diff.out and "plan: create 0, update 0, unchanged 2" in diff.out
    assert "eu-west-1: FAILED: ListEmailTemplates: cannot reach http://127.0.0.1:9" in diff.out
    assert diff.err.strip() == "error: diff failed in region(s) eu-west-1"
    both = cli("-C", project, "--endpoint-url", ses.url, "diff")
    assert both.code == 2 and "give each its URL in [endpoints], or pick one with --region" in (
        both.err)


def test_pull_reads_every_region_or_the_one_region_names(cli, tmp_path: Path, ses: SesServer,  # type: ignore[no-untyped-def]
                                            second_ses: SesServer):
    import boto3

    west = boto3.client("sesv2", endpoint_url=second_ses.url, region_name="eu-west-1")
    west.create_email_template(TemplateName="t-only-west",
                               TemplateContent={"Subject": "Hi {{name}}", "Text": "x"})
    project = tmp_path / "p"
    (project / "templates").mkdir(parents=True)
    regional_config(project, ses.url, second_ses.url)
    east_only = cli("-C", project, "--region", "us-east-1", "pull")  # us-east-1 holds nothing
    assert east_only.out.strip() == "pull: no templates found, nothing written"
    assert "eu-west-1" not in east_only.err  # --region reads that region only
    assert not (project / "templates" / "only-west").exists()
    pulled = cli("-C", project, "--region", "eu-west-1", "pull")
    assert pulled.code == 0, pulled.err
    assert (project / "templates" / "only-west" / "subject.txt").read_text() == "Hi {{name}}"
