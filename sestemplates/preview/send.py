""""Send a test" from the preview page: the same path as `sestemplates send` (build, the local
sample check, the check of the template SES holds, SendEmail), with SES's errors as text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sestemplates.errors import SesTemplatesError

if TYPE_CHECKING:
    from sestemplates.config import Config
    from sestemplates.ses.commands import Connection

SEND_MODES = ("template", "simple")  # template: SES renders what sync stored; simple: local


@dataclass(frozen=True)
class SendOutcome:
    ok: bool
    message: str  # the MessageId and recipients, or the error


def can_send(config: Config | None) -> bool:
    """A test send needs a sender from [send]; recipients may be typed in the page."""
    return config is not None and bool(config.send.from_address)


def send_test(
    config: Config,
    name: str,
    sample: str | None,
    to: str,
    mode: str,
    connection: Connection | None = None,
) -> SendOutcome:
    """`connection`: the CLI's --region/--profile/--endpoint-url, as `send` gets them."""
    from sestemplates.ses import commands
    from sestemplates.ses.send import SendOptions

    if mode not in SEND_MODES:
        return SendOutcome(False, f"unknown mode {mode!r} (use {' or '.join(SEND_MODES)})")
    recipients = tuple(a.strip() for a in to.split(",") if a.strip())
    options = SendOptions(mode=mode, to=recipients)  # type: ignore[arg-type]
    try:
        response = commands.send(
            config, connection or commands.Connection(), name, sample, options
        )
    except SesTemplatesError as exc:
        return SendOutcome(False, str(exc))
    sent_to = ", ".join(recipients or config.send.to)
    return SendOutcome(True, f"sent to {sent_to}: MessageId {response.get('MessageId', '?')}")
