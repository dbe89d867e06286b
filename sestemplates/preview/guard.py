"""What every preview response goes through: the Host check and the security headers.

A web page the user visits can point a name it controls at 127.0.0.1 (DNS rebinding) and then
read the preview, templates and samples included, as its own origin. The browser still sends
that name as Host, so the preview answers only the loopback names, and the address it was
told to bind with --host.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")

# The preview's own pages: their inline scripts (live reload, frame fitting) run; nothing from
# elsewhere does, and no other site may frame them.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src * data:; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
)
# The email itself: shown as it is (remote images, fonts and stylesheets load as in a mail
# client), but no script runs and no form submits, whatever the template contains.
FRAME_POLICY = (
    "default-src 'none'; script-src 'none'; style-src * 'unsafe-inline'; img-src * data:; "
    "font-src * data:; media-src * data:; frame-ancestors 'self'; base-uri 'none'; "
    "form-action 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Remote images in an email would otherwise learn the preview URL (template and sample).
    # Not no-referrer: that also makes the browser send `Origin: null` with the page's own
    # form posts (test send), which the preview must tell apart from a cross-site post.
    "Referrer-Policy": "same-origin",
}


def host_name(bind: str) -> str:
    """How a browser writes the bind address in its Host header (IPv6 in brackets)."""
    bind = bind.strip().lower()
    return f"[{bind}]" if ":" in bind and not bind.startswith("[") else bind


def allowed_hosts(bind: str | None = None) -> frozenset[str]:
    """The loopback names, plus the --host the preview was started with."""
    hosts = set(LOOPBACK_HOSTS)
    if bind:
        hosts.add(host_name(bind))
    return frozenset(hosts)


def host_of(header: str) -> str:
    """The host part of a Host header, without the port: `[::1]:8025` → `[::1]`."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        host, rest = (header[: end + 1], header[end + 1 :]) if end != -1 else (header, "")
    else:
        host, colon, port = header.rpartition(":")
        host, rest = (host, colon + port) if colon else (header, "")
    if rest and not (rest.startswith(":") and rest[1:].isdigit()):
        return header  # not host[:port]: matches no allowed name
    return host


class Guard:
    """ASGI middleware around the whole app, so that every response, errors included, carries
    the headers, and no request with a foreign Host reaches a route."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str] = LOOPBACK_HOSTS) -> None:
        self.app = app
        self.hosts = frozenset(hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
        if host_of(raw) not in self.hosts:
            await _refuse(send, raw)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                _secure(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_secured)


def _secure(headers: MutableHeaders) -> None:
    headers.setdefault("Content-Security-Policy", PAGE_POLICY)  # the frame sets its own
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value


async def _refuse(send: Send, host: str) -> None:
    shown = host.encode("ascii", "backslashreplace").decode("ascii")[:100] or "(none)"
    body = (
        f"421 Misdirected Request: this preview answers only to Host "
        f"{', '.join(LOOPBACK_HOSTS)} (or its --host); Host {shown} refused, "
        "as DNS rebinding protection\n"
    ).encode()
    headers = MutableHeaders()
    headers["Content-Type"] = "text/plain; charset=utf-8"
    headers["Content-Length"] = str(len(body))
    headers["Connection"] = "close"
    _secure(headers)
    await send({"type": "http.response.start", "status": 421, "headers": headers.raw})
    await send({"type": "http.response.body", "body": body})
