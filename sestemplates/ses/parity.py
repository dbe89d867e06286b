"""Remote render parity: SES's TestRenderEmailTemplate against the local engine's render.

Only transport artefacts are normalised away: MIME transfer encoding and charsets (decoded by
the stdlib parser), CRLF line endings and trailing newlines. Everything else that differs is a
real difference between what the repo previews and what SES sends.
"""

from __future__ import annotations

import email
import email.policy
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sestemplates.diagnostics import Diagnostic
from sestemplates.errors import SesTemplatesError
from sestemplates.ses.client import SesClient, SesError
from sestemplates.ses.plan import get_remote
from sestemplates.ses.records import PARTS, Content, Target

Echo = Callable[[str], None]


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str

    def part(self, part: str) -> str:
        value: str = getattr(self, part)
        return value


def parse_rendered(mime: str) -> Rendered:
    """Subject and decoded text/html bodies of the MIME message SES returns."""
    message = email.message_from_string(mime, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    bodies = {"text/plain": "", "text/html": ""}
    for part in message.walk():
        kind = part.get_content_type()
        if kind in bodies and not part.is_multipart() and not bodies[kind]:
            assert isinstance(part, EmailMessage)
            content = part.get_content()
            bodies[kind] = content if isinstance(content, str) else content.decode("utf-8")
    return Rendered(
        subject=str(message.get("Subject", "")),
        html=bodies["text/html"],
        text=bodies["text/plain"],
    )


def normalise(value: str) -> str:
    return value.replace("\r\n", "\n").rstrip("\n")


def render_local(content: Content, data: dict[str, Any]) -> Rendered:
    """The local engine's render of all three parts (raises the engine's RenderError)."""
    from sestemplates.handlebars import render

    return Rendered(
        subject=render(content.subject, data),
        html=render(content.html, data) if content.html else "",
        text=render(content.text, data) if content.text else "",
    )


def load_sample(path: Path) -> dict[str, Any]:
    from sestemplates.checks.samples import load_sample as checker_load_sample

    return checker_load_sample(path)


def first_difference(local: str, remote: str) -> tuple[int, int, str, str]:
    """1-based line and column of the first difference, with a short excerpt of each side."""
    local_lines, remote_lines = local.split("\n"), remote.split("\n")
    for number, (a, b) in enumerate(zip(local_lines, remote_lines, strict=False), start=1):
        if a != b:
            pairs = enumerate(zip(a, b, strict=False))
            col = next((i for i, (x, y) in pairs if x != y), min(len(a), len(b)))
            return number, col + 1, a[max(0, col - 20): col + 40], b[max(0, col - 20): col + 40]
    number = min(len(local_lines), len(remote_lines)) + 1
    extra_local = "\n".join(local_lines[number - 1:])[:60]
    extra_remote = "\n".join(remote_lines[number - 1:])[:60]
    return number, 1, extra_local, extra_remote


def compare(
    target: Target, sample: str, local: Rendered, remote: Rendered
) -> list[Diagnostic]:
    problems = []
    for part in PARTS:
        a, b = normalise(local.part(part)), normalise(remote.part(part))
        if a == b:
            continue
        line, col, mine, theirs = first_difference(a, b)
        problems.append(
            Diagnostic(
                target.content.name,
                sample,
                None,
                None,
                "error",
                "parity-mismatch",
                f"{part} differs from SES's render at line {line}, column {col}: "
                f"local {mine!r} vs SES {theirs!r}",
            )
        )
    return problems


def check_parity(
    client: SesClient, targets: Sequence[Target], *, display: Callable[[Path], str], echo: Echo
) -> list[Diagnostic]:
    """Every template × sample rendered by SES and locally; differences as Diagnostics."""
    from sestemplates.handlebars import RenderError

    diagnostics: list[Diagnostic] = []
    for target in targets:
        name = target.content.name
        remote_content = get_remote(client, name)
        if remote_content is None:
            diagnostics.append(_problem(target, None, "parity-missing",
                                        f"template {name} is not on SES; run sync first"))
            continue
        if remote_content != target.content:
            diagnostics.append(_problem(target, None, "parity-stale",
                                        f"SES holds an older version of {name}; run sync first"))
            continue
        for path in target.samples:
            sample = display(path)
            echo(f"parity {name} × {path.name}")
            try:
                data = load_sample(path)
            except SesTemplatesError as exc:
                diagnostics.append(_problem(target, sample, "parity-sample", exc.message))
                continue
            local: Rendered | None = None
            local_error = remote_error = None
            try:
                local = render_local(target.content, data)
            except RenderError as exc:
                local_error = str(exc)
            try:
                response = client.call(
                    "TestRenderEmailTemplate", TemplateName=name, TemplateData=json.dumps(data)
                )
            except SesError as exc:
                if exc.code in ("BadRequest", "InvalidRenderingParameter"):
                    remote_error = exc.message
                else:
                    raise
            if local_error or remote_error:
                diagnostics.append(_render_failure(target, sample, local_error, remote_error))
                continue
            assert local is not None
            remote = parse_rendered(str(response.get("RenderedTemplate", "")))
            diagnostics.extend(compare(target, sample, local, remote))
    return diagnostics


def _render_failure(
    target: Target, sample: str, local_error: str | None, remote_error: str | None
) -> Diagnostic:
    if local_error and remote_error:
        message = f"sample does not render (SES: {remote_error}; local: {local_error})"
        code = "parity-render-error"
    elif remote_error:
        message = f"SES refused to render a sample the local engine renders: {remote_error}"
        code = "parity-mismatch"
    else:
        message = f"the local engine refused a sample SES renders: {local_error}"
        code = "parity-mismatch"
    return Diagnostic(target.content.name, sample, None, None, "error", code, message)


def _problem(target: Target, file: str | None, code: str, message: str) -> Diagnostic:
    return Diagnostic(
        target.content.name, file or target.source_file, None, None, "error", code, message
    )
