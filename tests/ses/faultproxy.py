"""A loopback HTTP proxy that forwards to the local SES and injects faults on a schedule.

Faults are consumed one per matching request, in order:
- "429": throttled, with the error name SES uses;
- "ses:NAME" (e.g. "ses:MessageRejected", "ses:AccountSuspendedException"): the error exactly as
  real SES sends it — the model's HTTP status, an `x-amzn-ErrorType` header and a JSON body
  `{"message": ...}` (the local server only ever sends a status);
- a bare status ("400", "403", "404", "429-bare", "500", "503"): what local servers send;
- "413-html": a front end (nginx, a load balancer) refusing a body too large, with its HTML page;
- "drop": close the connection without an answer, after reading the request;
- "hang": read the request and never answer (until the proxy stops), to exercise read timeouts;
- "down": drop the connection and stop listening, so every later call is refused (an endpoint
  that dies mid-run); start(port) brings it back on the same port.
Every request is logged with its body and what happened to it. When the upstream is down the
proxy drops the connection, as a dead server would.

`throttle=1.0` makes it enforce SES's quota: each template operation (List, Get, Create,
Update, Delete, TestRender) at most once per interval, per proxy (one proxy = one region);
a call that comes sooner gets 429 TooManyRequestsException like SES, logged as "throttled".
`operation(entry)` names the sesv2 operation of a logged request, for counting calls.
A fault matcher that also needs the body (e.g. only the manifest's create) sets `body_match`.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

Matcher = Callable[[str, str], bool]
# (method, path, body) → new body, for responses that reach the client: a server that renders
# differently, without needing one.
Rewriter = Callable[[str, str, bytes], bytes]


def any_request(method: str, path: str) -> bool:
    return True


_TEMPLATE_PATH = re.compile(r"^/v2/email/templates(?:/(?P<name>[^/?]+))?(?P<render>/render)?")


def operation_of(method: str, path: str) -> str | None:
    """The sesv2 operation a request is (only the rate-limited template ones and SendEmail)."""
    if path.startswith("/v2/email/outbound-emails"):
        return "SendEmail"
    match = _TEMPLATE_PATH.match(path)
    if not match:
        return None
    if match["render"]:
        return "TestRenderEmailTemplate"
    if match["name"] is None:
        return {"GET": "ListEmailTemplates", "POST": "CreateEmailTemplate"}.get(method)
    return {"GET": "GetEmailTemplate", "PUT": "UpdateEmailTemplate",
            "DELETE": "DeleteEmailTemplate"}.get(method)


THROTTLED = frozenset({"ListEmailTemplates", "GetEmailTemplate", "CreateEmailTemplate",
                       "UpdateEmailTemplate", "DeleteEmailTemplate", "TestRenderEmailTemplate"})


def template_writes(method: str, path: str) -> bool:
    """Create/Update/Delete/TestRender: the calls the pacer spaces out."""
    return path.startswith("/v2/email/templates") and method in ("POST", "PUT", "DELETE")


# HTTP status of each SendEmail/template error in the sesv2 model (botocore's service JSON).
SES_ERROR_STATUS = {
    "AccountSuspendedException": 400,
    "AlreadyExistsException": 400,
    "BadRequestException": 400,
    "LimitExceededException": 400,
    "MailFromDomainNotVerifiedException": 400,
    "MessageRejected": 400,
    "NotFoundException": 404,
    "SendingPausedException": 400,
    "TooManyRequestsException": 429,
    # Answered by the AWS front end before SES itself: bad keys, missing IAM permission.
    "UnrecognizedClientException": 403,
    "AccessDeniedException": 403,
    "ExpiredTokenException": 403,
}
SES_ERROR_NAMESPACE = "http://internal.amazon.com/coral/com.amazonaws.sesv2/"


def ses_error(name: str, message: str = "") -> tuple[int, bytes, dict[str, str]]:
    """An error response shaped like real SES's: status, x-amzn-ErrorType, {"message": ...}."""
    status = SES_ERROR_STATUS[name]
    body = json.dumps({"message": message or f"{name} from the fault proxy"}).encode()
    headers = {
        "x-amzn-ErrorType": f"{name}:{SES_ERROR_NAMESPACE}",
        "x-amzn-RequestId": "00000000-0000-0000-0000-000000000000",
        "Content-Type": "application/json",
    }
    return status, body, headers


@dataclass
class Entry:
    method: str
    path: str
    outcome: str  # "forwarded <status>" or the injected fault
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    @property
    def operation(self) -> str | None:
        return operation_of(self.method, self.path)

    @property
    def template(self) -> str | None:
        """The TemplateName the request is about (from the path, or a create's body)."""
        match = _TEMPLATE_PATH.match(self.path)
        if match and match["name"]:
            return match["name"]
        if self.operation == "CreateEmailTemplate":
            name = self.json().get("TemplateName")
            return str(name) if name else None
        return None


@dataclass
class FaultProxy:
    upstream: str
    faults: deque[str] = field(default_factory=deque)
    matcher: Matcher = any_request
    every: int = 1  # inject into every Nth matching request, let the others through
    seen: int = 0
    rewrite: Rewriter | None = None
    # Faults only for requests whose body contains this (with the matcher).
    body_match: bytes | None = None
    # Seconds each throttled operation must wait after the last one it let through (None: off).
    throttle: float | None = None
    last_call: dict[str, float] = field(default_factory=dict)
    log: list[Entry] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    thread: threading.Thread | None = None
    # Set on stop(): releases the handlers of "hang" faults.
    stopping: threading.Event = field(default_factory=threading.Event)
    # Set by a "down" fault: requests accepted while the server shuts down are dropped too.
    down: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def inject(self, faults: list[str], matcher: Matcher = any_request, every: int = 1) -> None:
        with self.lock:
            self.faults.extend(faults)
            self.matcher = matcher
            self.every = every
            self.seen = 0

    def next_fault(self, method: str, path: str, body: bytes = b"") -> str | None:
        with self.lock:
            if not self.faults or not self.matcher(method, path):
                return None
            if self.body_match is not None and self.body_match not in body:
                return None
            self.seen += 1
            return self.faults.popleft() if self.seen % self.every == 0 else None

    def throttled(self, method: str, path: str) -> bool:
        """SES's quota: True when this operation already went through less than `throttle` ago."""
        operation = operation_of(method, path)
        if self.throttle is None or operation not in THROTTLED:
            return False
        with self.lock:
            now = time.monotonic()
            last = self.last_call.get(operation)
            if last is not None and now - last < self.throttle:
                return True
            self.last_call[operation] = now
            return False

    def calls(self, operation: str, *, manifest: bool | None = None) -> list[Entry]:
        """Forwarded requests of one sesv2 operation; manifest=False/True: only user/manifest
        templates (by the reserved name), None: both."""
        from sestemplates.ses.manifest import is_manifest_name

        out = []
        for entry in self.forwarded():
            if entry.operation != operation:
                continue
            name = entry.template
            if manifest is not None and (name is not None and is_manifest_name(name)) != manifest:
                continue
            out.append(entry)
        return out

    def record(
        self, method: str, path: str, outcome: str, body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> None:
        with self.lock:
            self.log.append(Entry(method, path, outcome, body, dict(headers or {})))

    def forwarded(self, method: str | None = None, path_prefix: str = "") -> list[Entry]:
        """Requests that reached the server (optionally one method, under a path)."""
        with self.lock:
            return [
                e for e in self.log
                if e.outcome.startswith("forwarded")
                and (method is None or e.method == method)
                and e.path.startswith(path_prefix)
            ]

    def requests(self, method: str | None = None, path_prefix: str = "") -> list[Entry]:
        """Every logged request, whatever happened to it (optionally filtered)."""
        with self.lock:
            return [
                e for e in self.log
                if (method is None or e.method == method) and e.path.startswith(path_prefix)
            ]

    def start(self, port: int = 0) -> FaultProxy:
        """Listen on 127.0.0.1:port (0: a free port; a port again: restart after stop())."""
        proxy = self
        self.stopping.clear()
        self.down.clear()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output clean

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                fault = "drop" if proxy.down.is_set() else proxy.next_fault(
                    self.command, self.path, body
                )
                if fault is None and proxy.throttled(self.command, self.path):
                    fault = "throttled"
                headers = dict(self.headers.items())
                if fault is not None:
                    proxy.record(self.command, self.path, fault, body, headers)
                    self._fault(fault)
                    return
                target = urlsplit(proxy.upstream)
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                    conn.request(self.command, self.path, body=body, headers=headers)
                    answer = conn.getresponse()
                    payload = answer.read()
                except OSError:
                    proxy.record(self.command, self.path, "upstream down", body, headers)
                    self._fault("drop")  # what the client of a dead server sees
                    return
                finally:
                    conn.close()
                proxy.record(self.command, self.path, f"forwarded {answer.status}", body, headers)
                if proxy.rewrite is not None:
                    payload = proxy.rewrite(self.command, self.path, payload)
                skip = {"transfer-encoding", "connection", "content-length", "keep-alive"}
                skip |= {"date", "server"}  # BaseHTTPRequestHandler sends its own
                self._send(
                    answer.status,
                    payload,
                    {k: v for k, v in answer.getheaders() if k.lower() not in skip},
                )

            def _fault(self, fault: str) -> None:
                if fault == "down":
                    proxy.down.set()
                    # stop() waits for the serving loop, so not from this handler's thread.
                    threading.Thread(target=proxy.stop, daemon=True).start()
                    fault = "drop"
                if fault == "hang":
                    proxy.stopping.wait()
                    fault = "drop"
                if fault == "drop":
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if fault.startswith("ses:"):
                    self._send(*ses_error(fault.removeprefix("ses:")))
                elif fault in ("429", "throttled"):
                    self._send(
                        429,
                        b'{"message":"Too Many Requests"}',
                        {"x-amzn-ErrorType": "TooManyRequestsException",
                         "Content-Type": "application/json"},
                    )
                elif fault == "413-html":
                    page = (b"<html><head><title>413 Request Entity Too Large</title></head>"
                            b"<body><center><h1>413 Request Entity Too Large</h1></center>"
                            b"<hr><center>nginx</center></body></html>\r\n")
                    self._send(413, page, {"Content-Type": "text/html"})
                elif fault == "429-bare":
                    self._send(429, b"{}", {"Content-Type": "application/json"})
                else:
                    self._send(int(fault), b"{}", {"Content-Type": "application/json"})

            def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        # HTTPServer sets SO_REUSEADDR, so a stopped proxy can start again on its port at once.
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=10)
