"""smoke end to end on a copy of the example templates, against the local SES."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SesServer

from sestemplates.config import load_config
from sestemplates.project import discover

pytestmark = pytest.mark.ses


@pytest.fixture
def examples(example_project: Path) -> Path:
    config = example_project / "sestemplates.toml"
    config.write_text(config.read_text() + "\n[ses]\npace_seconds = 0\n")
    return example_project


def test_smoke_passes_on_the_examples(cli, examples: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    result = cli("-C", examples, "--endpoint-url", ses.url, "smoke")
    assert result.code == 0, result.out + result.err
    sources = {t.name: t for t in discover(load_config(examples)).templates}
    names = sorted(sources)  # one per template, and per locale of the localised ones
    assert sorted(ses.templates()) == names
    emails = ses.emails()
    assert len(emails) == len(names)
    assert all(e["destination"]["to"] == ["success@simulator.amazonses.com"] for e in emails)
    assert all(e["from"] == "sender@example.com" for e in emails)
    lines = result.out.splitlines()
    assert lines[0].split() == ["template", "check", "build", "sync", "parity", "send"]
    assert lines[-1] == f"smoke passed: {len(names)} template(s)"
    # One row per template, in name order, every cell right.
    message_ids = {e["subject"]: e["messageId"] for e in emails}
    assert len(message_ids) == len(names)
    rows = [line.split() for line in lines[1:-1]]
    assert [r[0] for r in rows] == names
    for name, row in zip(names, rows, strict=True):
        samples = len(sources[name].samples)
        assert row[1:6] == ["ok", "ok", "created", "ok", f"({samples})"], row
        assert row[6:7] == ["sent"] and row[7] in message_ids.values()
    # Second run: nothing to sync, everything still passes (--all: every template is sent).
    again = cli("-C", examples, "--endpoint-url", ses.url, "smoke", "--all",
                "--to", "x@example.com")
    assert again.code == 0, again.out
    assert "unchanged" in again.out
    assert ses.emails()[-1]["destination"]["to"] == ["x@example.com"]


def test_smoke_fails_on_a_broken_sample(cli, examples: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    samples = sorted((examples / "templates" / "welcome" / "samples").glob("*.json"))
    data = json.loads(samples[0].read_text())
    data.clear()
    samples[0].write_text(json.dumps(data))
    result = cli("-C", examples, "--endpoint-url", ses.url, "smoke")
    assert result.code == 1
    names = sorted(t.name for t in discover(load_config(examples)).templates)
    rows = {line.split()[0]: line.split() for line in result.out.splitlines()[1:len(names) + 1]}
    assert sorted(rows) == names
    welcome = rows.pop("welcome")
    # The first sample is broken: check counts its problems, parity and send fail.
    assert welcome[2:5] == ["error(s)", "ok", "created"] and int(welcome[1]) > 0
    assert welcome[5:] == ["1", "problem(s)", "failed"]
    assert all(r[1:4] == ["ok", "ok", "created"] and r[6] == "sent" for r in rows.values())
    assert f"smoke FAILED: 1 of {len(names)} template(s) failed, 1 error(s)" in result.out
    assert "error: welcome subject: attribute 'name' missing or unusable in sample " in result.out
    # The healthy templates were still sent.
    assert len(ses.emails()) == len(names) - 1


def test_smoke_against_a_dead_endpoint_is_one_line_per_problem(cli, examples: Path, aws_env: None):  # type: ignore[no-untyped-def]
    config = examples / "sestemplates.toml"
    config.write_text(config.read_text() + "max_attempts = 1\n")
    result = cli("-C", examples, "--endpoint-url", "http://127.0.0.1:9", "smoke")
    assert result.code == 1
    assert "cannot reach http://127.0.0.1:9" in result.out
    assert "Traceback" not in result.out + result.err


def test_smoke_without_a_sender_says_so_once(cli, examples: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    config = examples / "sestemplates.toml"
    config.write_text(config.read_text().replace('from = "sender@example.com"\n', ""))
    result = cli("-C", examples, "--endpoint-url", ses.url, "smoke")
    assert result.code == 1
    assert result.out.count("no sender: pass --from") == 1
    assert ses.emails() == []


def test_smoke_with_no_templates_fails(cli, tmp_path: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    from helpers import CONFIG

    (tmp_path / "templates").mkdir()
    (tmp_path / "sestemplates.toml").write_text(CONFIG.format(prefix="t-"))
    result = cli("-C", tmp_path, "--endpoint-url", ses.url, "smoke")
    assert result.code == 1
    assert "error: no templates found in templates; nothing was tested" in result.out
    assert "smoke FAILED" in result.out


def test_smoke_row_of_a_template_that_does_not_build(cli, examples: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    (examples / "templates" / "welcome" / "subject.txt").write_text("Hi {{#if x}} unclosed")
    result = cli("-C", examples, "--endpoint-url", ses.url, "smoke")
    assert result.code == 1
    row = next(line.split() for line in result.out.splitlines() if line.startswith("welcome "))
    # check ran and found it, build failed, nothing later was attempted for it.
    assert int(row[1]) > 0 and row[2:] == ["error(s)", "failed", "-", "-", "-"]
    assert "welcome" not in ses.templates()
    assert "smoke FAILED: 1 of" in result.out


def test_smoke_with_a_bad_endpoint_or_profile_is_a_usage_error(cli, examples: Path, aws_env: None):  # type: ignore[no-untyped-def]
    bad = cli("-C", examples, "smoke", "--endpoint-url", "localhost:8005")
    assert bad.code == 2 and bad.out == ""
    assert bad.err.startswith("error: invalid SES endpoint 'localhost:8005' (from --endpoint-url)")
    profile = cli("-C", examples, "--profile", "nope", "smoke")
    assert profile.code == 2 and profile.out == ""
    assert "unknown AWS profile 'nope' (from --profile)" in profile.err


def test_smoke_renders_and_sends_only_what_changed_since_it_last_passed(  # type: ignore[no-untyped-def]
    cli, examples: Path, ses: SesServer
):
    # One per template, and per locale of the localised ones.
    names = sorted(t.name for t in discover(load_config(examples)).templates)
    base = ("-C", examples, "--endpoint-url", ses.url, "smoke")
    assert cli(*base).code == 0
    sent = len(ses.emails())
    assert sent == len(names)

    again = cli(*base)
    assert again.code == 0, again.out
    assert len(ses.emails()) == sent  # nothing rendered or sent again
    rows = {line.split()[0]: line.split() for line in again.out.splitlines()[1:len(names) + 1]}
    assert all(r[3:] == ["unchanged", "skipped", "skipped"] for r in rows.values()), rows
    assert (f"skipped parity and send for {len(names)} template(s) unchanged (content and "
            "samples) since their last passing smoke run (--all tests them too): "
            + ", ".join(names)) in again.out
    assert again.out.rstrip().endswith(f"smoke passed: {len(names)} template(s)")

    # A changed sample is a change too; a named template is tested even when unchanged.
    sample = sorted((examples / "templates" / "welcome" / "samples").glob("*.json"))[0]
    sample.write_text(sample.read_text().replace("{", '{"extra": 1, ', 1))
    third = cli(*base, names[0] if names[0] != "welcome" else names[1])
    assert third.code == 0, third.out
    tested = {line.split()[0] for line in third.out.splitlines()[1:len(names) + 1]
              if "sent" in line}
    assert tested == {"welcome", names[0] if names[0] != "welcome" else names[1]}
    assert len(ses.emails()) == sent + 2

    # A failing template is not recorded as passed: the next run, unchanged, fails again
    # instead of skipping it.
    sample.write_text("{}")
    assert cli(*base).code == 1
    repeat = cli(*base)
    assert repeat.code == 1
    assert "smoke FAILED: 1 of" in repeat.out
    assert "skipped parity and send for" in repeat.out and "welcome" in [
        line.split()[0] for line in repeat.out.splitlines() if " failed" in line]
