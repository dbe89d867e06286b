"""send in all three modes, every field checked in the local SES's /store."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from conftest import SesServer
from faultproxy import FaultProxy
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
    assert result.err == f"error: template t-welcome is not on {ses.url}; run sync first\n"
    # --force asks SES anyway, whose NotFound is reported by name.
    forced = cli("-C", project, "--endpoint-url", ses.url, "send", "welcome", "--force")
    assert forced.code == 1
    assert forced.err.startswith("error: SendEmail t-welcome: template t-welcome not found")
    assert "NotFound" in forced.err and forced.err.count("\n") == 1
    assert ses.emails() == []


def test_template_mode_checks_the_sample_against_the_version_on_ses(  # type: ignore[no-untyped-def]
    cli, project: Path, ses: SesServer
):
    base = ("-C", project, "--endpoint-url", ses.url)
    assert cli(*base, "sync").code == 0
    # The build no longer needs `product`, but SES still holds the version that does.
    directory = project / "templates" / "welcome"
    (directory / "html.html").write_text("<p>Hi {{name}}</p>\n")
    (directory / "text.txt").write_text("Hi {{name}}\n")
    (directory / "samples" / "basic.json").write_text('{"name": "Ada"}')
    stale = cli(*base, "send", "welcome")
    assert stale.code == 1
    assert "t-welcome (the older version on SES; run sync) html: attribute 'product'" in stale.err
    assert ses.emails() == []
    # Simple mode sends what the build renders: nothing is missing there.
    assert cli(*base, "send", "welcome", "--mode", "simple").code == 0
    assert cli(*base, "sync").code == 0
    assert cli(*base, "send", "welcome").code == 0
    assert [e["body"]["text"] for e in ses.emails()] == ["Hi Ada\n", "Hi Ada\n"]


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


# --- the examples' non-ASCII sample, binary attachments, every mode -------------------------

BINARY = bytes(range(256)) * 40 + b"\r\n\x00\r\n.\r\n"  # every byte, CRLF, a lone SMTP dot


@pytest.fixture
def examples(example_project: Path) -> Path:
    config = example_project / "sestemplates.toml"
    config.write_text(config.read_text() + "\n[ses]\npace_seconds = 0\n")
    (example_project / "blob.bin").write_bytes(BINARY)
    return example_project


@pytest.mark.parametrize("mode", ["template", "simple", "raw"])
def test_non_ascii_sample_and_binary_attachment_in_every_mode(  # type: ignore[no-untyped-def]
    cli, examples: Path, ses: SesServer, mode: str
):
    base = ("-C", examples, "--env", "staging", "--endpoint-url", ses.url)
    if mode == "template":
        assert cli(*base, "sync", "welcome").code == 0
    result = cli(
        *base, "send", "welcome", "--sample", "international", "--mode", mode,
        "--to", "to@example.com", "--cc", "cc@example.com", "--bcc", "bcc@example.com",
        "--reply-to", "reply@example.com", "--from", "from@example.com",
        "--attach", str(examples / "blob.bin"),
    )
    assert result.code == 0, result.err
    email = only_email(ses)
    assert email["messageId"] == result.out.strip()
    assert email["subject"] == "Welcome to Acme Cloud (staging), さくら 🌸!"
    for part in ("text", "html"):
        body = email["body"][part]
        assert "さくら 🌸" in body and "مخبز الشام · 東京支店 🍞" in body, part
        assert "{{" not in body
    assert email["from"] == "from@example.com"
    assert email["replyTo"] == ["reply@example.com"]
    assert email["destination"]["to"] == ["to@example.com"]
    assert email["destination"]["cc"] == ["cc@example.com"]
    # Raw: the store reads recipients from the MIME headers, where Bcc must not appear.
    assert email["destination"]["bcc"] == ([] if mode == "raw" else ["bcc@example.com"])
    [attachment] = email["attachments"]
    assert attachment["filename"] == "blob.bin"
    assert attachment["contentType"] == "application/octet-stream"
    assert base64.b64decode(attachment["content"]) == BINARY


@pytest.mark.parametrize(
    ("change", "attribute"),
    [
        (lambda d: d["workspace"].pop("name"), "workspace.name"),
        (lambda d: d.update(name=None), "name"),
        (lambda d: d.update(workspace=None), "workspace"),
    ],
    ids=["missing", "null", "null-object"],
)
@pytest.mark.parametrize("mode", ["template", "simple", "raw"])
def test_a_sample_missing_or_null_is_refused_naming_attribute_and_file(  # type: ignore[no-untyped-def]
    cli, examples: Path, ses: SesServer, mode: str, change, attribute: str
):
    base = ("-C", examples, "--endpoint-url", ses.url)
    assert cli(*base, "sync", "welcome").code == 0
    samples = examples / "templates" / "welcome" / "samples"
    data = json.loads((samples / "international.json").read_text(encoding="utf-8"))
    change(data)
    (samples / "broken.json").write_text(json.dumps(data), encoding="utf-8")
    result = cli(*base, "send", "welcome", "--sample", "broken", "--mode", mode)
    assert result.code == 1
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert f"attribute {attribute!r}" in result.err
    assert "templates/welcome/samples/broken.json" in result.err
    assert ses.emails() == []


# --- SendEmail errors as real SES sends them, and as local servers do ------------------------

def sends(method: str, path: str) -> bool:
    return path.startswith("/v2/email/outbound-emails")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ("AccountSuspendedException", "the SES account is suspended (HTTP 400 AccountSuspended)"),
        ("BadRequestException", "SES rejected the request (HTTP 400 BadRequest)"),
        ("LimitExceededException", "an SES limit was exceeded (HTTP 400 LimitExceeded)"),
        ("MailFromDomainNotVerifiedException",
         "the MAIL FROM domain is not verified (HTTP 400 MailFromDomainNotVerified)"),
        ("MessageRejected", "SES rejected the message (HTTP 400 MessageRejected)"),
        ("NotFoundException", "template t-welcome not found (HTTP 404 NotFound)"),
        ("SendingPausedException", "sending is paused (HTTP 400 SendingPaused)"),
    ],
)
def test_sendemail_errors_shaped_like_real_ses(  # type: ignore[no-untyped-def]
    cli, project: Path, ses: SesServer, proxy: FaultProxy, error: str, expected: str
):
    base = ("-C", project, "--endpoint-url", proxy.url)
    assert cli(*base, "sync").code == 0
    proxy.inject([f"ses:{error}"], sends)
    result = cli(*base, "send", "welcome")
    assert result.code == 1
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    message = result.err.strip()
    assert message.startswith("error: SendEmail t-welcome: ")
    hint, _, status = expected.partition(" (")
    assert hint in message and message.endswith(f"({status}")
    assert f"{error} from the fault proxy" in message  # SES's own message is kept
    assert len(proxy.requests("POST", "/v2/email/outbound-emails")) == 1  # not retried
    assert ses.emails() == []


def test_too_many_requests_is_retried_then_reported(  # type: ignore[no-untyped-def]
    cli, project: Path, ses: SesServer, proxy: FaultProxy
):
    base = ("-C", project, "--endpoint-url", proxy.url)
    assert cli(*base, "sync").code == 0
    config = project / "sestemplates.toml"
    config.write_text(config.read_text().replace("max_attempts = 6", "max_attempts = 3"))
    proxy.inject(["ses:TooManyRequestsException", "ses:TooManyRequestsException"], sends)
    sent = cli(*base, "send", "welcome")
    assert sent.code == 0, sent.err
    assert len(ses.emails()) == 1
    assert [e.outcome for e in proxy.requests("POST", "/v2/email/outbound-emails")] == [
        "ses:TooManyRequestsException", "ses:TooManyRequestsException", "forwarded 200"]

    proxy.inject(["ses:TooManyRequestsException"] * 3, sends)
    throttled = cli(*base, "send", "welcome")
    assert throttled.code == 1
    assert throttled.err.count("\n") == 1
    assert "SendEmail t-welcome: SES kept throttling the requests" in throttled.err
    assert "(HTTP 429 TooManyRequests); gave up after 3 attempts" in throttled.err
    assert len(ses.emails()) == 1


@pytest.mark.parametrize(
    ("status", "expected", "attempts"),
    [
        ("400", "SES rejected the request (HTTP 400 BadRequest)", 1),
        ("403", "access denied (check the IAM permissions of these credentials) "
                "(HTTP 403 AccessDenied)", 1),
        ("404", "template t-welcome not found", 1),
        ("429-bare", "SES kept throttling the requests (too many requests) "
                     "(HTTP 429 TooManyRequests); gave up after 2 attempts", 2),
        ("500", "SES kept failing with a server error (HTTP 500 ServerError); "
                "gave up after 2 attempts", 2),
        ("503", "SES kept failing with a server error (HTTP 503 ServerError); "
                "gave up after 2 attempts", 2),
    ],
)
def test_sendemail_errors_with_only_a_status(  # type: ignore[no-untyped-def]
    cli, project: Path, ses: SesServer, proxy: FaultProxy, status: str, expected: str,
    attempts: int,
):
    base = ("-C", project, "--endpoint-url", proxy.url)
    assert cli(*base, "sync").code == 0
    config = project / "sestemplates.toml"
    config.write_text(config.read_text().replace("max_attempts = 6", "max_attempts = 2"))
    proxy.inject([status] * 2, sends)
    result = cli(*base, "send", "welcome")
    assert result.code == 1
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert result.err.startswith("error: SendEmail t-welcome: ")
    assert expected in result.err
    assert len(proxy.requests("POST", "/v2/email/outbound-emails")) == attempts
    assert ses.emails() == []


# --- every option lands in the right SendEmail field (read from the proxy's request log) -------

OPTIONS = [
    "--to", "to@example.com", "--cc", "cc@example.com", "--bcc", "bcc@example.com",
    "--from", "from@example.com", "--reply-to", "r1@example.com", "--reply-to", "r2@example.com",
    "--configuration-set", "cs1", "--tag", "app=tests", "--tag", "team=mail",
    "--header", "X-Campaign: spring", "--list", "news:weekly",
    "--feedback-forwarding", "bounces@example.com",
    "--from-arn", "arn:aws:ses:us-east-1:123456789012:identity/example.com",
    "--feedback-forwarding-arn", "arn:aws:ses:us-east-1:123456789012:identity/bounces.example.com",
]


def sent_request(proxy: FaultProxy) -> dict:  # type: ignore[type-arg]
    [entry] = proxy.requests("POST", "/v2/email/outbound-emails")
    body: dict = entry.json()  # type: ignore[type-arg]
    return body


@pytest.mark.parametrize("mode", ["template", "simple", "raw"])
def test_every_option_maps_to_its_sendemail_field(  # type: ignore[no-untyped-def]
    cli, project: Path, ses: SesServer, proxy: FaultProxy, mode: str
):
    import email
    import email.policy

    base = ("-C", project, "--endpoint-url", proxy.url)
    assert cli(*base, "sync").code == 0
    result = cli(*base, "send", "welcome", "--mode", mode, *OPTIONS)
    assert result.code == 0, result.err
    request = sent_request(proxy)
    assert request["FromEmailAddress"] == "from@example.com"
    assert request["Destination"] == {
        "ToAddresses": ["to@example.com"],
        "CcAddresses": ["cc@example.com"],
        "BccAddresses": ["bcc@example.com"],
    }
    assert request["ReplyToAddresses"] == ["r1@example.com", "r2@example.com"]
    assert request["ConfigurationSetName"] == "cs1"
    assert request["EmailTags"] == [
        {"Name": "app", "Value": "tests"}, {"Name": "team", "Value": "mail"}]
    assert request["ListManagementOptions"] == {"ContactListName": "news", "TopicName": "weekly"}
    assert request["FeedbackForwardingEmailAddress"] == "bounces@example.com"
    assert request["FromEmailAddressIdentityArn"].endswith(":identity/example.com")
    assert request["FeedbackForwardingEmailAddressIdentityArn"].endswith(
        ":identity/bounces.example.com")
    content = request["Content"]
    assert list(content) == [{"template": "Template", "simple": "Simple", "raw": "Raw"}[mode]]
    header = {"Name": "X-Campaign", "Value": "spring"}
    if mode == "template":
        assert content["Template"]["TemplateName"] == "t-welcome"
        assert json.loads(content["Template"]["TemplateData"]) == {"name": "Ada", "product": "Acme"}
        assert content["Template"]["Headers"] == [header]
    elif mode == "simple":
        simple = content["Simple"]
        assert simple["Subject"] == {"Data": "Welcome, Ada!", "Charset": "UTF-8"}
        assert simple["Body"]["Text"]["Data"] == "Hi Ada, welcome to Acme.\n"
        assert simple["Headers"] == [header]
    else:
        mime = email.message_from_bytes(
            base64.b64decode(content["Raw"]["Data"]), policy=email.policy.default)
        assert mime["X-Campaign"] == "spring"
        assert mime["Subject"] == "Welcome, Ada!"
        assert mime["To"] == "to@example.com" and mime["Cc"] == "cc@example.com"
        assert mime["Reply-To"] == "r1@example.com, r2@example.com"
        assert mime["Bcc"] is None  # Bcc only in Destination
    # The local server accepted the same request.
    assert len(ses.emails()) == 1


def test_template_arn_replaces_the_name(  # type: ignore[no-untyped-def]
    cli, project: Path, ses: SesServer, proxy: FaultProxy
):
    base = ("-C", project, "--endpoint-url", proxy.url)
    assert cli(*base, "sync").code == 0
    arn = "arn:aws:ses:us-east-1:123456789012:template/t-welcome"
    assert cli(*base, "send", "welcome", "--template-arn", arn).code == 0
    template = sent_request(proxy)["Content"]["Template"]
    assert template["TemplateArn"] == arn and "TemplateName" not in template


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mode", "raw", "--header", "X-A: b\r\nBcc: hidden@example.com"],
         "header X-A has a line break in its value"),
        (["--mode", "simple", "--header", "X-A: b\nBcc: hidden@example.com"],
         "header X-A has a line break in its value"),
        (["--header", "Bad Name: x"], "header name 'Bad Name' is not valid"),
        (["--list", ":weekly"], "--list ':weekly' must look like CONTACT_LIST"),
        (["--list", "news:"], "--list 'news:' must look like CONTACT_LIST"),
        (["--to", ""], "--to '' is not an email address"),
        (["--to", "not an email"], "--to 'not an email' is not an email address"),
        (["--to", "a@example.com, b@example.com"], "is several addresses; repeat --to"),
        (["--reply-to", "nobody"], "--reply-to 'nobody' is not an email address"),
        (["--feedback-forwarding", "x"], "--feedback-forwarding 'x' is not an email address"),
        (["--attach", "."], "attachment . is not a file"),
    ],
)
def test_bad_send_options_are_refused_before_sending(  # type: ignore[no-untyped-def]
    cli, project: Path, ses: SesServer, args: list[str], message: str
):
    result = cli("-C", project, "--endpoint-url", ses.url, "send", "welcome", *args)
    assert result.code == 2
    assert result.err.count("\n") == 1 and message in result.err, result.err
    assert ses.emails() == []


def test_display_names_are_fine(cli, project: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    result = cli("-C", project, "--endpoint-url", ses.url, "send", "welcome", "--mode", "simple",
                 "--to", "Ada Lovelace <ada@example.com>",
                 "--from", '"Acme, Inc." <no-reply@example.com>')
    assert result.code == 0, result.err
    assert len(ses.emails()) == 1


@pytest.mark.parametrize("mode", ["template", "simple", "raw"])
def test_non_ascii_display_names_and_domains_are_encoded_for_ses(  # type: ignore[no-untyped-def]
    cli, project: Path, ses: SesServer, proxy: FaultProxy, mode: str
):
    import email
    import email.policy
    from email.header import decode_header, make_header

    base = ("-C", project, "--endpoint-url", proxy.url)
    assert cli(*base, "sync").code == 0
    result = cli(*base, "send", "welcome", "--mode", mode,
                 "--from", "Acme Café 🍰 <no-reply@example.com>",
                 "--to", "さくら <sakura@bücher.example>", "--reply-to", "help@example.com")
    assert result.code == 0, result.err
    request = sent_request(proxy)
    sender = request["FromEmailAddress"]
    assert sender.isascii() and sender.endswith(" <no-reply@example.com>")
    assert str(make_header(decode_header(sender))) == "Acme Café 🍰 <no-reply@example.com>"
    [to] = request["Destination"]["ToAddresses"]
    assert to.isascii() and to.endswith(" <sakura@xn--bcher-kva.example>")
    assert request["ReplyToAddresses"] == ["help@example.com"]  # ASCII stays as typed
    if mode == "raw":
        mime = email.message_from_bytes(
            base64.b64decode(request["Content"]["Raw"]["Data"]), policy=email.policy.default)
        assert mime["From"].addresses[0].display_name == "Acme Café 🍰"
        message_id = str(mime["Message-ID"])
        assert message_id.startswith("<") and message_id.endswith("@example.com>")
        assert message_id.count(">") == 1  # not the domain of "Name <a@example.com>" + ">"


def test_non_ascii_before_the_at_is_refused(cli, project: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    result = cli("-C", project, "--endpoint-url", ses.url, "send", "welcome", "--mode", "simple",
                 "--to", "jürgen@example.com")
    assert result.code == 2
    assert "--to 'jürgen@example.com': SES accepts only ASCII before the @" in result.err
    assert ses.emails() == []


def test_raw_mode_refuses_a_line_break_reaching_a_header(cli, project: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    base = ("-C", project, "--endpoint-url", ses.url)
    assert cli(*base, "sync").code == 0
    sample = project / "templates" / "welcome" / "samples" / "basic.json"
    sample.write_text(json.dumps({"name": "Ada\r\nBcc: hidden@example.com", "product": "A"}))
    result = cli(*base, "send", "welcome", "--mode", "raw")
    assert result.code == 1
    assert result.err.count("\n") == 1 and "Traceback" not in result.err, result.err
    assert result.err.startswith("error: --mode raw: the rendered Subject has a line break")
    assert ses.emails() == []


@pytest.mark.parametrize("mode", ["template", "simple", "raw"])
def test_attachments_over_the_40_mb_message_limit_are_refused_locally(  # type: ignore[no-untyped-def]
    cli, project: Path, ses: SesServer, mode: str
):
    base = ("-C", project, "--endpoint-url", ses.url)
    assert cli(*base, "sync").code == 0
    big = project / "big.bin"
    with big.open("wb") as fh:
        fh.truncate(31 * 1024 * 1024)  # 31 MB is 42.4 MB in base64 lines, as SES counts it
    result = cli(*base, "send", "welcome", "--mode", mode, "--attach", str(big))
    assert result.code == 2
    assert result.err.count("\n") == 1, result.err
    assert "attachments too large: 42.4 MB once encoded (largest:" in result.err
    assert "SES accepts at most 40.0 MB per message" in result.err
    assert ses.emails() == []


@pytest.mark.parametrize("size", [0, 1, 2, 3, 56, 57, 58, 1000, 123457])
def test_encoded_size_is_what_mime_sends(size: int) -> None:
    from sestemplates.ses.send import encoded_size

    data = bytes(range(256)) * (size // 256 + 1)
    assert encoded_size(size) == len(base64.encodebytes(data[:size]).replace(b"\n", b"\r\n"))
