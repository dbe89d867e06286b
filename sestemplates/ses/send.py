"""SendEmail in three modes: template (SES renders), simple (we render), raw (we build the MIME).

The sample is rendered locally first in every mode: SES accepts a templated send whose data
lacks an attribute and then silently drops the email, so we refuse it here, naming the
attribute, unless --force.
"""

from __future__ import annotations

import json
import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, getaddresses, make_msgid, parseaddr
from pathlib import Path
from typing import Any, Literal

from sestemplates.config import SendDefaults
from sestemplates.errors import ConfigError, SesTemplatesError
from sestemplates.ses.client import SesClient
from sestemplates.ses.records import Content

Mode = Literal["template", "simple", "raw"]
MODES: tuple[Mode, ...] = ("template", "simple", "raw")
MAX_RECIPIENTS = 50  # SES's limit per SendEmail call, To + Cc + Bcc together
# SES's limit for one message, attachments included, counted as sent: base64 makes 3 bytes 4
# and adds a line break every 76 characters.
MAX_MESSAGE_BYTES = 40 * 1024 * 1024
# RFC 5322 field-name: printable ASCII except the colon.
HEADER_NAME_RE = re.compile(r"^[\x21-\x39\x3b-\x7e]+$")


@dataclass(frozen=True)
class SendOptions:
    """What the user asked for on the command line; None/empty means "use [send]"."""

    mode: Mode = "template"
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    from_address: str | None = None
    reply_to: tuple[str, ...] = ()
    configuration_set: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    list_management: str | None = None  # CONTACT_LIST[:TOPIC]
    feedback_forwarding: str | None = None
    from_arn: str | None = None
    feedback_forwarding_arn: str | None = None
    template_arn: str | None = None
    attachments: tuple[Path, ...] = ()
    force: bool = False

    def with_defaults(self, defaults: SendDefaults) -> SendOptions:
        return SendOptions(
            mode=self.mode,
            to=self.to or defaults.to,
            cc=self.cc or defaults.cc,
            bcc=self.bcc or defaults.bcc,
            from_address=self.from_address or defaults.from_address,
            reply_to=self.reply_to or defaults.reply_to,
            configuration_set=self.configuration_set or defaults.configuration_set,
            tags={**defaults.tags, **self.tags},
            headers={**defaults.headers, **self.headers},
            list_management=self.list_management,
            feedback_forwarding=self.feedback_forwarding,
            from_arn=self.from_arn,
            feedback_forwarding_arn=self.feedback_forwarding_arn,
            template_arn=self.template_arn,
            attachments=self.attachments,
            force=self.force,
        )


def parse_pairs(values: list[str], sep: str, what: str) -> dict[str, str]:
    """`NAME=VALUE` / `NAME:VALUE` options → dict; a malformed one is a usage error."""
    out: dict[str, str] = {}
    for value in values:
        name, found, rest = value.partition(sep)
        if not found or not name.strip():
            raise ConfigError(f"{what} {value!r} must look like NAME{sep}VALUE")
        out[name.strip()] = rest.strip() if sep == ":" else rest
    return out


def check_headers(headers: Mapping[str, str]) -> None:
    """Header names must be RFC 5322 field names and values single lines.

    A CR/LF in a value would start a new header (e.g. a hidden Bcc) in the raw message.
    """
    for name, value in headers.items():
        if not HEADER_NAME_RE.match(name):
            raise ConfigError(
                f"header name {name!r} is not valid (printable ASCII without spaces or ':')"
            )
        if "\r" in value or "\n" in value:
            raise ConfigError(f"header {name} has a line break in its value")


def check_address(address: str, role: str) -> None:
    """A plausible address ("a@b.c" or "Name <a@b.c>"); SES rejects the rest less clearly."""
    if len(getaddresses([address])) > 1:
        raise ConfigError(f"{role} {address!r} is several addresses; repeat {role} for each")
    _, addr = parseaddr(address)
    local, at, domain = addr.rpartition("@")
    if not at or not local or not domain or any(c.isspace() for c in addr):
        raise ConfigError(f"{role} {address!r} is not an email address")


def validate(options: SendOptions) -> None:
    recipients = len(options.to) + len(options.cc) + len(options.bcc)
    if recipients == 0:
        raise ConfigError("no recipients: pass --to (or set `to` in [send])")
    if recipients > MAX_RECIPIENTS:
        raise ConfigError(
            f"{recipients} recipients (To+Cc+Bcc); SES accepts at most {MAX_RECIPIENTS} per message"
        )
    if not options.from_address:
        raise ConfigError("no sender: pass --from (or set `from` in [send])")
    for role, addresses in (
        ("--to", options.to), ("--cc", options.cc), ("--bcc", options.bcc),
        ("--from", (options.from_address,)), ("--reply-to", options.reply_to),
        ("--feedback-forwarding", (options.feedback_forwarding or "",)),
    ):
        for address in addresses:
            if address or role != "--feedback-forwarding":
                check_address(address, role)
    if options.list_management is not None:
        contact_list, _, topic = options.list_management.partition(":")
        if not contact_list.strip() or (":" in options.list_management and not topic.strip()):
            raise ConfigError(
                f"--list {options.list_management!r} must look like CONTACT_LIST or "
                "CONTACT_LIST:TOPIC"
            )
    check_headers(options.headers)
    if options.template_arn and options.mode != "template":
        raise ConfigError("--template-arn only applies to --mode template")
    for path in options.attachments:
        if not path.exists():
            raise ConfigError(f"attachment {path} does not exist")
        if not path.is_file():
            raise ConfigError(f"attachment {path} is not a file")
    check_attachment_size(options.attachments)


def encoded_size(size: int) -> int:
    """Bytes of `size` bytes in base64 with 76-character lines (CRLF), as MIME sends them."""
    chars = -(-size // 3) * 4
    return chars + -(-chars // 76) * 2


def check_attachment_size(paths: tuple[Path, ...]) -> None:
    """Refuse before reading or sending what SES would reject for its 40 MB message limit."""
    sizes = {path: path.stat().st_size for path in paths}
    total = sum(encoded_size(size) for size in sizes.values())
    if total > MAX_MESSAGE_BYTES:
        largest = max(sizes, key=lambda p: sizes[p])
        raise ConfigError(
            f"attachments too large: {_mb(total)} once encoded (largest: {largest}, "
            f"{_mb(sizes[largest])}); SES accepts at most {_mb(MAX_MESSAGE_BYTES)} per message"
        )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def ses_address(address: str, role: str) -> str:
    """The address as SES accepts it: a non-ASCII display name as an RFC 2047 encoded word,
    a non-ASCII domain in punycode. SES rejects raw UTF-8 in addresses (no SMTPUTF8)."""
    if address.isascii():
        return address
    name, addr = parseaddr(address)
    local, _, domain = addr.rpartition("@")
    if not local.isascii():
        raise ConfigError(f"{role} {address!r}: SES accepts only ASCII before the @")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ConfigError(f"{role} {address!r}: the domain is not a valid name") from None
    return formataddr((name, f"{local}@{domain}"), charset="utf-8")


def encode_addresses(options: SendOptions) -> SendOptions:
    def many(values: tuple[str, ...], role: str) -> tuple[str, ...]:
        return tuple(ses_address(v, role) for v in values)

    def one(value: str | None, role: str) -> str | None:
        return ses_address(value, role) if value else value

    return replace(
        options,
        to=many(options.to, "--to"),
        cc=many(options.cc, "--cc"),
        bcc=many(options.bcc, "--bcc"),
        reply_to=many(options.reply_to, "--reply-to"),
        from_address=one(options.from_address, "--from"),
        feedback_forwarding=one(options.feedback_forwarding, "--feedback-forwarding"),
    )


def check_sample(
    content: Content, data: dict[str, Any], sample: str, *, version: str = ""
) -> dict[str, str]:
    """Render every part locally; a missing attribute refuses the send, naming it."""
    from sestemplates.handlebars import RenderError, render

    rendered: dict[str, str] = {}
    for part in ("subject", "html", "text"):
        source = content.part(part)
        if not source:
            rendered[part] = ""
            continue
        try:
            rendered[part] = render(source, data)
        except RenderError as exc:
            attribute = getattr(exc, "attribute", None)
            what = f"attribute {attribute!r}" if attribute else "data"
            raise SesTemplatesError(
                f"{content.name}{version} {part}: {what} missing or unusable in sample {sample} "
                f"({exc}); SES would accept the send and silently drop the email "
                "(use --force to send anyway)"
            ) from None
    return rendered


def build_request(
    content: Content,
    data: dict[str, Any],
    rendered: dict[str, str] | None,
    options: SendOptions,
) -> dict[str, Any]:
    """The SendEmail parameters for one message (options already merged with defaults)."""
    request: dict[str, Any] = {
        "FromEmailAddress": options.from_address,
        "Destination": _destination(options),
    }
    if options.reply_to:
        request["ReplyToAddresses"] = list(options.reply_to)
    if options.configuration_set:
        request["ConfigurationSetName"] = options.configuration_set
    if options.tags:
        request["EmailTags"] = [{"Name": k, "Value": v} for k, v in options.tags.items()]
    if options.list_management:
        contact_list, _, topic = options.list_management.partition(":")
        lmo = {"ContactListName": contact_list}
        if topic:
            lmo["TopicName"] = topic
        request["ListManagementOptions"] = lmo
    if options.feedback_forwarding:
        request["FeedbackForwardingEmailAddress"] = options.feedback_forwarding
    if options.feedback_forwarding_arn:
        request["FeedbackForwardingEmailAddressIdentityArn"] = options.feedback_forwarding_arn
    if options.from_arn:
        request["FromEmailAddressIdentityArn"] = options.from_arn

    headers = [{"Name": k, "Value": v} for k, v in options.headers.items()]
    if options.mode == "template":
        template: dict[str, Any] = {"TemplateData": json.dumps(data)}
        if options.template_arn:
            template["TemplateArn"] = options.template_arn
        else:
            template["TemplateName"] = content.name
        if headers:
            template["Headers"] = headers
        if options.attachments:
            template["Attachments"] = [_attachment(p) for p in options.attachments]
        request["Content"] = {"Template": template}
        return request
    if rendered is None:
        raise SesTemplatesError(
            f"{content.name}: --mode {options.mode} needs a sample that renders locally"
        )
    if options.mode == "simple":
        body: dict[str, Any] = {}
        if rendered["text"]:
            body["Text"] = {"Data": rendered["text"], "Charset": "UTF-8"}
        if rendered["html"]:
            body["Html"] = {"Data": rendered["html"], "Charset": "UTF-8"}
        simple: dict[str, Any] = {
            "Subject": {"Data": rendered["subject"], "Charset": "UTF-8"},
            "Body": body,
        }
        if headers:
            simple["Headers"] = headers
        if options.attachments:
            simple["Attachments"] = [_attachment(p) for p in options.attachments]
        request["Content"] = {"Simple": simple}
        return request
    request["Content"] = {"Raw": {"Data": raw_message(rendered, options)}}
    return request


def raw_message(rendered: dict[str, str], options: SendOptions) -> bytes:
    """multipart/mixed( multipart/alternative(text, html), attachments... ) as SMTP bytes.

    Bcc stays out of the headers (it would reveal the Bcc list to every recipient); SES takes
    it from Destination.
    """
    message = EmailMessage()
    _set_header(message, "Subject", rendered["subject"], "the rendered Subject")
    _set_header(message, "From", options.from_address or "", "--from")
    if options.to:
        _set_header(message, "To", ", ".join(options.to), "--to")
    if options.cc:
        _set_header(message, "Cc", ", ".join(options.cc), "--cc")
    if options.reply_to:
        _set_header(message, "Reply-To", ", ".join(options.reply_to), "--reply-to")
    # The sender's domain, also when From has a display name ("Acme <no-reply@acme.com>").
    domain = parseaddr(options.from_address or "")[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    for name, value in options.headers.items():
        message[name] = value
    text, html = rendered["text"], rendered["html"]
    if text:
        message.set_content(text, charset="utf-8")
        if html:
            message.add_alternative(html, subtype="html", charset="utf-8")
    else:
        message.set_content(html, subtype="html", charset="utf-8")
    for path in options.attachments:
        maintype, subtype = _mime_type(path).split("/", 1)
        message.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
        )
    raw = message.as_bytes(policy=SMTP)
    if len(raw) > MAX_MESSAGE_BYTES:
        raise ConfigError(
            f"the raw message is {_mb(len(raw))}; SES accepts at most "
            f"{_mb(MAX_MESSAGE_BYTES)} per message"
        )
    return raw


def _set_header(message: EmailMessage, name: str, value: str, source: str) -> None:
    """A CR or LF would end the header and start another one (a hidden Bcc, say): refused,
    naming where the value came from."""
    if "\r" in value or "\n" in value:
        raise SesTemplatesError(
            f"--mode raw: {source} has a line break, which would end the {name} header and "
            f"start another: {value!r}; remove it (in the sample data, for the Subject)"
        )
    message[name] = value


def send_email(
    client: SesClient,
    content: Content,
    data: dict[str, Any],
    options: SendOptions,
    *,
    sample: str,
) -> dict[str, Any]:
    """Check locally, then SendEmail; returns the response (MessageId, ResponseMetadata)."""
    validate(options)
    options = encode_addresses(options)
    rendered: dict[str, str] | None
    try:
        rendered = check_sample(content, data, sample)
        if options.mode == "template" and not options.template_arn:
            _check_remote(client, content, data, sample)
    except SesTemplatesError:
        if not options.force or options.mode != "template":
            raise
        rendered = None
    return client.call("SendEmail", **build_request(content, data, rendered, options))


def _check_remote(client: SesClient, content: Content, data: dict[str, Any], sample: str) -> None:
    """SES renders the template it holds, which may not be the build: check that one too."""
    from sestemplates.ses.plan import get_remote

    remote = get_remote(client, content.name)
    if remote is None:
        raise SesTemplatesError(
            f"template {content.name} is not on {client.where}; run sync first"
        )
    if remote != content:
        check_sample(remote, data, sample, version=" (the older version on SES; run sync)")


def _destination(options: SendOptions) -> dict[str, list[str]]:
    destination = {"ToAddresses": list(options.to)}
    if options.cc:
        destination["CcAddresses"] = list(options.cc)
    if options.bcc:
        destination["BccAddresses"] = list(options.bcc)
    return destination


def _mime_type(path: Path) -> str:
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def _attachment(path: Path) -> dict[str, Any]:
    return {
        "RawContent": path.read_bytes(),
        "FileName": path.name,
        "ContentType": _mime_type(path),
        "ContentDisposition": "ATTACHMENT",
    }
