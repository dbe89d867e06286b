"""smoke end to end on a copy of the example templates, against the local SES."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SesServer

pytestmark = pytest.mark.ses


@pytest.fixture
def examples(example_project: Path) -> Path:
    config = example_project / "sestemplates.toml"
    config.write_text(config.read_text() + "\n[ses]\npace_seconds = 0\n")
    return example_project


def test_smoke_passes_on_the_examples(cli, examples: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    result = cli("-C", examples, "--endpoint-url", ses.url, "smoke")
    assert result.code == 0, result.out + result.err
    names = sorted(p.name for p in (examples / "templates").iterdir()
                   if p.is_dir() and not p.name.startswith("_"))
    assert sorted(ses.templates()) == names
    emails = ses.emails()
    assert len(emails) == len(names)
    assert all(e["destination"]["to"] == ["success@simulator.amazonses.com"] for e in emails)
    assert all(e["from"] == "sender@example.com" for e in emails)
    lines = result.out.splitlines()
    assert lines[0].split() == ["template", "check", "build", "sync", "parity", "send"]
    assert lines[-1] == f"smoke passed: {len(names)} template(s)"
    # Second run: nothing to sync, everything still passes.
    again = cli("-C", examples, "--endpoint-url", ses.url, "smoke", "--to", "x@example.com")
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
    row = next(line for line in result.out.splitlines() if line.startswith("welcome "))
    assert "failed" in row or "error" in row or "problem" in row
    assert "smoke FAILED (1 template(s))" in result.out
    # The healthy templates were still sent.
    assert len(ses.emails()) == len(
        [p for p in (examples / "templates").iterdir()
         if p.is_dir() and not p.name.startswith("_")]) - 1


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
