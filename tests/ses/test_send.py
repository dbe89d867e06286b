"""send in all three modes, every field checked in the local SES's /store."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from conftest import SesServer
from helpers import write_project

pytestmark = pytest.mark.ses

PDF = b"%PDF-1.4\n% tiny test file\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "project")
    (root / "invoice.pdf").write_bytes(PDF)
    (root / "notes.txt").write_text("plain notes ü\n", encoding="utf-8")
    return root


def common(project: Path) -> list[str]:
    return [
        "--to", "to1@example.com", "--to", "to2@example.com",
        "--cc", "cc@example.com", "--bcc", "bcc@example.com",
        "--from", "sender@example.com", "--reply-to", "reply@example.com",
        "--header", "X-Campaign: spring", "--tag", "app=tests",
        "--configuration-set", "cs1",
        "--attach", str(project / "invoice.pdf"), "--attach", str(project / "notes.txt"),
    ]


def only_email(ses: SesServer) -> dict:  # type: ignore[type-arg]
    emails = ses.emails()
    assert len(emails) == 1, emails
    return emails[0]


def check_attachments(email: dict) -> None:  # type: ignore[type-arg]
    attachments = {a["filename"]: a for a in email["attachments"]}
    assert sorted(attachments) == ["invoice.pdf", "notes.txt"]
    assert attachments["invoice.pdf"]["contentType"] == "application/pdf"
    assert base64.b64decode(attachments["invoice.pdf"]["content"]) == PDF
    assert attachments["notes.txt"]["contentType"].startswith("text/plain")
    assert base64.b64decode(attachments["notes.txt"]["content"]).decode() == "plain notes ü\n"


@pytest.mark.parametrize("mode", ["template", "simple"])
def test_send_template_and_simple(cli, project: Path, ses: SesServer, mode: str):  # type: ignore[no-untyped-def]
    base = ("-C", project, "--endpoint-url", ses.url)
    assert cli(*base, "sync").code == 0
    result = cli(*base, "send", "welcome", "--mode", mode, *common(project))
    assert result.code == 0, result.err
    email = only_email(ses)
    assert result.out.strip() == email["messageId"]
    assert email["from"] == "sender@example.com"
    assert email["subject"] == "Welcome, Ada!"
    assert email["body"]["text"] == "Hi Ada, welcome to Acme.\n"
    assert "<p>Hi Ada, welcome to Acme.</p>" in email["body"]["html"]
    assert email["destination"] == {
        "to": ["to1@example.com", "to2@example.com"],
        "cc": ["cc@example.com"],
        "bcc": ["bcc@example.com"],
    }
    assert email["replyTo"] == ["reply@example.com"]
    assert {"name": "X-Campaign", "value": "spring"} in email["headers"]
    check_attachments(email)


def test_send_raw(cli, project: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    base = ("-C", project, "--endpoint-url", ses.url)
    result = cli(*base, "send", "receipt", "--mode", "raw", "--sample", "one", *common(project))
    assert result.code == 0, result.err
    email = only_email(ses)
    assert email["from"] == "sender@example.com"
    assert email["subject"] == "Receipt A1"
    assert email["body"]["text"].strip() == "Order A1: total 9.00 €"
    assert "<li>Pen: 9.00</li>" in email["body"]["html"]
    assert "Total 9.00 €" in email["body"]["html"]
    assert email["destination"]["to"] == ["to1@example.com, to2@example.com"]
    assert email["destination"]["cc"] == ["cc@example.com"]
    # Bcc travels in Destination only, never in a header every recipient can read.
    assert email["destination"]["bcc"] == []
    assert email["replyTo"] == ["reply@example.com"]
    check_attachments(email)


def test_json_prints_the_response(cli, project: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    result = cli("-C", project, "--endpoint-url", ses.url, "send", "welcome", "--mode", "simple",
                 "--json")
    assert result.code == 0, result.err
    response = json.loads(result.out)
    assert response["MessageId"] == only_email(ses)["messageId"]
    # Defaults from [send]: from and to.
    assert only_email(ses)["destination"]["to"] == ["success@simulator.amazonses.com"]


def test_more_than_50_recipients_refused_locally(cli, project: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    many = [arg for i in range(40) for arg in ("--to", f"u{i}@example.com")]
    many += [arg for i in range(11) for arg in ("--bcc", f"b{i}@example.com")]
    result = cli("-C", project, "--endpoint-url", ses.url, "send", "welcome", *many)
    assert result.code == 2
    assert "51 recipients" in result.err and "at most 50" in result.err
    assert ses.emails() == []
    exactly = many[:-2]
    ok = cli("-C", project, "--endpoint-url", ses.url, "send", "welcome", "--mode", "simple",
             *exactly)
    assert ok.code == 0, ok.err


@pytest.mark.parametrize("mode", ["template", "simple", "raw"])
def test_sample_missing_a_variable_is_refused(cli, project: Path, ses: SesServer, mode: str):  # type: ignore[no-untyped-def]
    base = ("-C", project, "--endpoint-url", ses.url)
    assert cli(*base, "sync").code == 0
    broken = project / "templates" / "welcome" / "samples" / "broken.json"
    broken.write_text('{"name": "Ada"}')
    result = cli(*base, "send", "welcome", "--sample", "broken", "--mode", mode)
    assert result.code == 1
    assert "'product'" in result.err and "--force" in result.err
    assert result.err.count("\n") == 1
    assert ses.emails() == []


def test_force_sends_anyway_in_template_mode(cli, project: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    base = ("-C", project, "--endpoint-url", ses.url)
    assert cli(*base, "sync").code == 0
    (project / "templates" / "welcome" / "samples" / "broken.json").write_text('{"name": "Ada"}')
    result = cli(*base, "send", "welcome", "--sample", "broken", "--force")
    assert result.code == 0, result.err
    assert only_email(ses)["body"]["text"] == "Hi Ada, welcome to .\n"


def test_unsynced_template_is_a_clean_not_found(cli, project: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    result = cli("-C", project, "--endpoint-url", ses.url, "send", "welcome")
    assert result.code == 1
    assert result.err.startswith("error: SendEmail t-welcome: template t-welcome not found")
    assert "NotFound" in result.err and result.err.count("\n") == 1


def test_bad_tag_and_mode_are_usage_errors(cli, project: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    base = ("-C", project, "--endpoint-url", ses.url)
    assert cli(*base, "send", "welcome", "--tag", "novalue").code == 2
    assert cli(*base, "send", "welcome", "--mode", "fancy").code == 2
    assert cli(*base, "send", "welcome", "--mode", "raw", "--template-arn", "arn:x").code == 2
    assert ses.emails() == []


def test_every_sendemail_field_reaches_the_request(cli, project: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    from sestemplates.ses.records import Content
    from sestemplates.ses.send import SendOptions, build_request

    options = SendOptions(
        to=("a@example.com",), from_address="s@example.com", configuration_set="cs",
        tags={"app": "t"}, headers={"X-A": "1"}, list_management="news:weekly",
        feedback_forwarding="fb@example.com", from_arn="arn:aws:ses:us-east-1:1:identity/x",
        feedback_forwarding_arn="arn:aws:ses:us-east-1:1:identity/y",
    )
    request = build_request(Content("t-w", "S", "<p>H</p>", "T"), {"k": 1}, None, options)
    assert request["ListManagementOptions"] == {"ContactListName": "news", "TopicName": "weekly"}
    assert request["FeedbackForwardingEmailAddress"] == "fb@example.com"
    assert request["FeedbackForwardingEmailAddressIdentityArn"].endswith("identity/y")
    assert request["FromEmailAddressIdentityArn"].endswith("identity/x")
    assert request["EmailTags"] == [{"Name": "app", "Value": "t"}]
    assert request["ConfigurationSetName"] == "cs"
    assert request["Content"]["Template"] == {
        "TemplateName": "t-w",
        "TemplateData": '{"k": 1}',
        "Headers": [{"Name": "X-A", "Value": "1"}],
    }

    # The same options through the CLI pass the server's request validation.
    base = ("-C", project, "--endpoint-url", ses.url)
    assert cli(*base, "sync").code == 0
    result = cli(
        *base, "send", "welcome", "--list", "news:weekly", "--feedback-forwarding",
        "fb@example.com", "--from-arn", "arn:aws:ses:us-east-1:1:identity/x",
        "--feedback-forwarding-arn", "arn:aws:ses:us-east-1:1:identity/y",
        "--configuration-set", "cs", "--tag", "app=t",
    )
    assert result.code == 0, result.err
    assert len(ses.emails()) == 1


def test_send_by_template_arn(cli, project: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    base = ("-C", project, "--endpoint-url", ses.url)
    assert cli(*base, "sync").code == 0
    arn = "arn:aws:ses:us-east-1:123456789012:template/t-receipt"
    result = cli(*base, "send", "receipt", "--template-arn", arn)
    assert result.code == 0, result.err
    assert ses.emails()[0]["subject"] == "Receipt A1"
