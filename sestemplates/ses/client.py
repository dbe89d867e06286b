"""The boto3 sesv2 client: settings precedence, our retry loop, pacing and error mapping.

botocore's own retries are switched off so that there is exactly one retry policy (ours), which
also covers connection drops and servers that answer with a bare HTTP status.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import boto3
import botocore.exceptions as bexc
from botocore.config import Config as BotoConfig

from sestemplates.config import Config
from sestemplates.errors import ConfigError, SesTemplatesError

if TYPE_CHECKING:
    from mypy_boto3_sesv2.client import SESV2Client

# Calls SES limits to about one per second each, per account and region: reads too (a diff
# of many templates that does not pace its reads is throttled into long backoffs).
PACED_OPERATIONS = frozenset(
    {
        "ListEmailTemplates",
        "GetEmailTemplate",
        "CreateEmailTemplate",
        "UpdateEmailTemplate",
        "DeleteEmailTemplate",
        "TestRenderEmailTemplate",
    }
)
THROTTLING_CODES = frozenset(
    {"TooManyRequests", "TooManyRequestsException", "Throttling", "ThrottlingException"}
)
# Error names SES uses, without the "Exception" suffix, → what the user should know.
ERROR_HINTS = {
    "AccountSuspended": "the SES account is suspended and cannot send",
    "AlreadyExists": "already exists",
    "BadRequest": "SES rejected the request",
    "LimitExceeded": "an SES limit was exceeded (templates per account, size or sending quota)",
    "MailFromDomainNotVerified": "the MAIL FROM domain is not verified",
    "MessageRejected": "SES rejected the message (unverified sender or recipient in the sandbox?)",
    "NotFound": "not found",
    "SendingPaused": "sending is paused for this account or configuration set",
    "TooManyRequests": "SES kept throttling the requests (too many requests)",
    "ServerError": "SES kept failing with a server error",
    "AccessDenied": "access denied (check the IAM permissions of these credentials)",
    "UnrecognizedClient": "the AWS credentials are not valid",
    "InvalidClientTokenId": "the AWS credentials are not valid",
    "ExpiredToken": "the AWS credentials have expired",
    "RequestTooLarge": (
        "the request is too large for the endpoint (SES takes at most 40 MB per message, "
        "attachments included, and 500 KB per template)"
    ),
}
# Servers that send only a status (aws-ses-v2-local does) still get a meaningful name.
STATUS_CODES = {
    400: "BadRequest",
    403: "AccessDenied",
    404: "NotFound",
    409: "AlreadyExists",
    413: "RequestTooLarge",
    429: "TooManyRequests",
}


@dataclass(frozen=True)
class ClientSettings:
    region: str | None
    profile: str | None
    endpoint_url: str | None
    pace_seconds: float
    max_attempts: int
    # First backoff delay; doubles per attempt, with jitter, up to max_backoff.
    base_backoff: float = 0.25
    max_backoff: float = 20.0
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    # Where profile and endpoint_url came from, for error messages ("--profile", a file...).
    profile_from: str = "AWS_PROFILE"
    endpoint_from: str = "AWS_ENDPOINT_URL_SESV2 or AWS_ENDPOINT_URL"


def settings_for(
    config: Config,
    *,
    region: str | None = None,
    profile: str | None = None,
    endpoint_url: str | None = None,
    endpoint_from: str = "--endpoint-url",
) -> ClientSettings:
    """CLI options win over the config ([env.X] is already folded into config by load_config).

    Then AWS_REGION (botocore itself reads only AWS_DEFAULT_REGION); whatever is still None is
    left to boto3's standard chain (AWS_DEFAULT_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_SESV2,
    ~/.aws/config ...). An endpoint given here is checked now, naming where it came from.
    """
    in_config = config.config_file.name if config.config_file else "the config"
    if config.env:
        in_config += f" [env.{config.env}]"
    given_from, endpoint_from = endpoint_from, "AWS_ENDPOINT_URL_SESV2 or AWS_ENDPOINT_URL"
    if endpoint_url is not None:
        endpoint_from = given_from
    elif config.endpoint_url is not None:
        endpoint_url, endpoint_from = config.endpoint_url, f"endpoint_url in {in_config}"
    if endpoint_url is not None:
        check_endpoint(endpoint_url, endpoint_from)
    return ClientSettings(
        region=region or config.region or os.environ.get("AWS_REGION") or None,
        profile=profile or config.profile,
        endpoint_url=endpoint_url,
        pace_seconds=config.ses.pace_seconds,
        max_attempts=max(1, config.ses.max_attempts),
        # 0 would make botocore's sockets non-blocking; keep a floor.
        connect_timeout=max(0.1, config.ses.connect_timeout),
        read_timeout=max(0.1, config.ses.read_timeout),
        profile_from="--profile" if profile else (
            f"profile in {in_config}" if config.profile else "AWS_PROFILE"
        ),
        endpoint_from=endpoint_from,
    )


def check_endpoint(url: str, source: str) -> None:
    """An endpoint botocore can use: http(s)://host[:port][/path]; a usage error otherwise.

    botocore would report some of these late and obscurely ("Not supported URL scheme",
    a ValueError from deep inside urllib3), and an empty string would silently mean real AWS.
    """
    from urllib.parse import urlsplit

    problem = None
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError when out of range or not a number
    except ValueError as exc:
        problem = str(exc)
    else:
        if parts.scheme not in ("http", "https"):
            problem = "it must start with http:// or https://"
        elif not parts.hostname:
            problem = "it has no host"
        elif port == 0:
            problem = "port 0"
    if problem:
        raise ConfigError(
            f"invalid SES endpoint {url!r} (from {source}): {problem}; "
            "expected e.g. http://127.0.0.1:8005"
        )


class SesError(SesTemplatesError):
    """An SES call failed; `code` is the error name without the Exception suffix."""

    def __init__(self, message: str, *, code: str, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


@dataclass
class Pacer:
    """Spaces out calls to at least `interval` seconds apart (per client, not global)."""

    interval: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _last: float | None = field(default=None, init=False)

    def wait(self) -> None:
        if self.interval <= 0:
            return
        now = self.clock()
        if self._last is not None and now - self._last < self.interval:
            self.sleep(self.interval - (now - self._last))
        self._last = self.clock()

    def done(self) -> None:
        """Count the interval from the end of a call: its request reached the server before
        this, so the next one arrives at least `interval` later, whatever the latency (the
        first call of a connection is slower; counted from its start, SES throttles the next)."""
        if self.interval > 0:
            self._last = self.clock()


class SesClient:
    """One sesv2 client with retries, pacing and one-line errors. Counts the calls it makes.

    One client talks to one region; SES's quota is per operation, so each paced operation has
    its own Pacer (copies of `pacer`, which tests may replace to control the clock).
    """

    def __init__(self, settings: ClientSettings) -> None:
        self.settings = settings
        self.pacer = Pacer(settings.pace_seconds)
        self.pacers: dict[str, Pacer] = {}
        self.calls: dict[str, int] = {}
        self._random = random.Random()
        self._client = _make_boto_client(settings)

    @property
    def where(self) -> str:
        return self.settings.endpoint_url or f"SES ({self._client.meta.region_name})"

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """Call a sesv2 operation by its API name, retrying throttling, 5xx and lost connections."""
        method = getattr(self._client, _snake(operation))
        attempts = self.settings.max_attempts
        for attempt in range(1, attempts + 1):
            if operation in PACED_OPERATIONS:
                self.pacer_for(operation).wait()
            self.calls[operation] = self.calls.get(operation, 0) + 1
            try:
                response: dict[str, Any] = method(**params)
                return response
            except bexc.ClientError as exc:
                error = _client_error(operation, exc, params)
                if not _retryable(error):
                    raise error from None
                if attempt == attempts:
                    raise SesError(
                        f"{error.message}; gave up after {attempts} attempts",
                        code=error.code, status=error.status,
                    ) from None
            except (bexc.NoCredentialsError, bexc.PartialCredentialsError) as exc:
                raise SesError(
                    f"{operation}: no AWS credentials found ({exc}); set AWS_PROFILE or "
                    "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
                    code="NoCredentials",
                ) from None
            except bexc.NoRegionError:
                raise SesError(
                    f"{operation}: no AWS region configured; use --region, `region` in the "
                    "config or AWS_REGION",
                    code="NoRegion",
                ) from None
            except bexc.ProfileNotFound as exc:
                raise _profile_error(self.settings, exc) from None
            except (bexc.EndpointConnectionError, bexc.ConnectionClosedError,
                    bexc.ReadTimeoutError, bexc.ConnectTimeoutError) as exc:
                if attempt == attempts:
                    problem = (
                        f"no answer from {self.where} within {self.settings.read_timeout:g} s "
                        "(ses.read_timeout)"
                        if isinstance(exc, bexc.ReadTimeoutError)
                        else f"cannot reach {self.where}"
                    )
                    raise SesError(
                        f"{_what(operation, params)}: {problem}, {attempts} attempts "
                        f"({_first_line(exc)})",
                        code="ConnectionError",
                    ) from None
            except bexc.BotoCoreError as exc:
                raise SesError(f"{operation}: {_first_line(exc)}", code="BotoCoreError") from None
            finally:
                if operation in PACED_OPERATIONS:
                    self.pacer_for(operation).done()
            self._backoff(attempt)
        raise AssertionError("unreachable")  # the loop always returns or raises

    def pacer_for(self, operation: str) -> Pacer:
        pacer = self.pacers.get(operation)
        if pacer is None or pacer.clock is not self.pacer.clock:
            pacer = self.pacers[operation] = replace(self.pacer)
        return pacer

    def _backoff(self, attempt: int) -> None:
        # "Equal jitter": half fixed, half random, so concurrent clients spread out.
        delay = min(self.settings.max_backoff, self.settings.base_backoff * 2 ** (attempt - 1))
        time.sleep(delay / 2 + self._random.uniform(0, delay / 2))


def _snake(operation: str) -> str:
    out = []
    for i, ch in enumerate(operation):
        if ch.isupper() and i:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _profile_error(settings: ClientSettings, exc: bexc.ProfileNotFound) -> ConfigError:
    profile = exc.kwargs.get("profile") or settings.profile
    return ConfigError(
        f"unknown AWS profile {profile!r} (from {settings.profile_from}): not in "
        f"{os.environ.get('AWS_CONFIG_FILE') or '~/.aws/config'} or "
        f"{os.environ.get('AWS_SHARED_CREDENTIALS_FILE') or '~/.aws/credentials'}"
    )


def _make_boto_client(settings: ClientSettings) -> SESV2Client:
    try:
        session = boto3.session.Session(profile_name=settings.profile)
    except bexc.ProfileNotFound as exc:
        raise _profile_error(settings, exc) from None
    boto_config = BotoConfig(
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
    )
    try:
        client = session.client(
            "sesv2",
            region_name=settings.region,
            endpoint_url=settings.endpoint_url,
            config=boto_config,
        )
    except bexc.NoRegionError:
        raise SesError(
            "no AWS region configured; use --region, `region` in the config or AWS_REGION",
            code="NoRegion",
        ) from None
    except bexc.ProfileNotFound as exc:  # a profile named by AWS_PROFILE is looked up here
        raise _profile_error(settings, exc) from None
    except ValueError as exc:  # e.g. a malformed AWS_ENDPOINT_URL (ours are checked earlier)
        raise ConfigError(f"invalid SES endpoint (from {settings.endpoint_from}): {exc}") from None
    client.meta.events.register("after-call.sesv2", _name_error_from_body)
    return client


def _name_error_from_body(http_response: Any, parsed: dict[str, Any], **_: Any) -> None:
    """Local servers put the error name in `type` and details in `detail`; keep both."""
    error = parsed.get("Error")
    if not error or not error.get("Code", "").isdigit():
        return
    try:
        body = json.loads(http_response.content or b"{}")
    except (ValueError, TypeError):
        return
    if not isinstance(body, dict):
        return
    if isinstance(body.get("type"), str):
        error["Code"] = body["type"]
    if isinstance(body.get("detail"), str):
        error["Message"] = f"{error.get('Message') or ''}: {body['detail']}".lstrip(": ")


def _error_name(exc: bexc.ClientError) -> tuple[str, int | None]:
    error = exc.response.get("Error", {})
    raw = str(error.get("Code") or "")
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if raw.isdigit() or not raw:
        status = status or (int(raw) if raw else None)
        name = STATUS_CODES.get(status or 0, "ServerError" if (status or 0) >= 500 else "Error")
        message = str(error.get("Message") or "")
        if name == "BadRequest" and "already exists" in message.lower():
            name = "AlreadyExists"
        return name, status
    name = raw.split("#")[-1].split(":")[0]
    return (name.removesuffix("Exception") or name), status


def _subject(operation: str, params: dict[str, Any]) -> str | None:
    """The template a call is about, if any."""
    template = params.get("Content", {}).get("Template", {}) if operation == "SendEmail" else {}
    subject = params.get("TemplateName") or template.get("TemplateName") or template.get(
        "TemplateArn"
    )
    return str(subject) if subject else None


def _what(operation: str, params: dict[str, Any]) -> str:
    subject = _subject(operation, params)
    return f"{operation} {subject}" if subject else operation


def _client_error(operation: str, exc: bexc.ClientError, params: dict[str, Any]) -> SesError:
    code, status = _error_name(exc)
    message = str(exc.response.get("Error", {}).get("Message") or "").strip()
    if message.startswith("<") and code == "RequestTooLarge":
        # A front end (load balancer, proxy) refused the body before SES saw it: its page says
        # nothing the status does not.
        message = ""
    elif message.startswith("<"):
        # Not an SES answer at all: a web server or proxy's error page.
        message = "the endpoint answered with an HTML page, not SES JSON (is it an SES endpoint?)"
    elif len(message) > 300:
        message = message[:300] + "…"
    subject = _subject(operation, params)
    what = _what(operation, params)
    hint = ERROR_HINTS.get(code, "")
    if code in ("NotFound", "AlreadyExists") and subject:
        hint = f"template {subject} {hint}"
        if operation == "SendEmail":
            # SendEmail's NotFound may also be about a configuration set or contact list.
            hint = f"{hint} (or the configuration set/contact list the request names)"
    parts = [p for p in (hint, message) if p]
    detail = " — ".join(dict.fromkeys(parts)) or "request failed"
    status_text = f"HTTP {status} " if status else ""
    line = f"{what}: {detail} ({status_text}{code})".replace("\n", " ")
    return SesError(line, code=code, status=status)


def _retryable(error: SesError) -> bool:
    return error.code in THROTTLING_CODES or error.status == 429 or (error.status or 0) >= 500


def make_client(
    config: Config,
    *,
    region: str | None = None,
    profile: str | None = None,
    endpoint_url: str | None = None,
    endpoint_from: str = "--endpoint-url",
) -> SesClient:
    settings = settings_for(
        config, region=region, profile=profile, endpoint_url=endpoint_url,
        endpoint_from=endpoint_from,
    )
    return SesClient(settings)
