"""parity: TestRenderEmailTemplate vs the local engine, and the MIME parsing under it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SesServer
from faultproxy import FaultProxy
from helpers import write_project

from sestemplates.ses.parity import normalise, parse_rendered

pytestmark = pytest.mark.ses


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project")


def test_parse_rendered_decodes_transport() -> None:
    mime = (
        "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_Ada?=\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/alternative; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
        "SGFsbG8gw7wK\r\n"
        "--b\r\nContent-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        "<p>long =E2=82=AC line=\r\n continues</p>\r\n"
        "--b--\r\n"
    )
    rendered = parse_rendered(mime)
    assert rendered.subject == "Grüße Ada"
    assert normalise(rendered.text) == "Hallo ü"
    assert normalise(rendered.html) == "<p>long € line continues</p>"


def test_parity_clean(cli, project: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    base = ("-C", project, "--endpoint-url", ses.url)
    assert cli(*base, "sync").code == 0
    result = cli(*base, "parity")
    assert result.code == 0, result.out + result.err
    assert result.out.strip() == "parity: SES renders every sample the same"
    assert "parity t-receipt × one.json" in result.err


def test_parity_catches_a_difference(cli, project: Path, ses: SesServer, proxy: FaultProxy):  # type: ignore[no-untyped-def]
    base = ("-C", project, "--endpoint-url", proxy.url)
    assert cli(*base, "sync").code == 0

    def differently(method: str, path: str, body: bytes) -> bytes:
        # A renderer that HTML-escapes values: what a non-SES engine would do to "€".
        if not path.endswith("/render"):
            return body
        data = json.loads(body)
        data["RenderedTemplate"] = data["RenderedTemplate"].replace("Pen", "P&amp;en")
        return json.dumps(data).encode()

    proxy.rewrite = differently
    result = cli(*base, "parity")
    assert result.code == 1
    assert "t-receipt" in result.out
    assert "html differs from SES's render at line" in result.out
    assert "[parity-mismatch]" in result.out
    assert "t-welcome" not in result.out


def test_parity_before_sync_and_after_an_edit(cli, project: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    base = ("-C", project, "--endpoint-url", ses.url)
    missing = cli(*base, "parity")
    assert missing.code == 1 and "[parity-missing]" in missing.out and "run sync" in missing.out
    assert cli(*base, "sync").code == 0
    (project / "templates" / "welcome" / "subject.txt").write_text("Hey {{name}}")
    stale = cli(*base, "parity")
    assert stale.code == 1 and "[parity-stale]" in stale.out
    assert "t-receipt" not in stale.out


def test_parity_reports_a_sample_neither_side_renders(cli, project: Path, ses: SesServer):  # type: ignore[no-untyped-def]
    base = ("-C", project, "--endpoint-url", ses.url)
    assert cli(*base, "sync").code == 0
    (project / "templates" / "welcome" / "samples" / "broken.json").write_text('{"name": "A"}')
    result = cli(*base, "parity", "welcome")
    assert result.code == 1
    assert "[parity-render-error]" in result.out and "product" in result.out


def _raw_parts(mime: bytes) -> dict[str, bytes]:
    """Subject and the 7bit text/html bodies of SES's render, byte for byte: a body ends where
    the CRLF that belongs to the next boundary delimiter starts."""
    head, _, _ = mime.partition(b"\r\n\r\n")
    subject = next(
        line for line in head.split(b"\r\n") if line.startswith(b"Subject: ")
    ).removeprefix(b"Subject: ")
    parts = {"subject": subject}
    for chunk in mime.split(b"\r\n----")[1:]:
        headers, _, body = chunk.partition(b"\r\n\r\n")
        if not body:  # the closing delimiter
            continue
        assert b"Content-Transfer-Encoding: 7bit" in headers  # ASCII data: no encoding to undo
        if b"text/plain" in headers:
            parts["text"] = body
        elif b"text/html" in headers:
            parts["html"] = body
    return parts


def test_render_part_prints_exactly_what_ses_renders(tmp_path: Path, ses: SesServer) -> None:
    import subprocess
    import sys

    import boto3

    root = tmp_path / "exact"
    write_project(root)
    # Text ending in two newlines, HTML with none: `render --part` must add or drop nothing.
    (root / "templates" / "welcome" / "text.txt").write_text("Hi {{name}}\n\n", encoding="utf-8")
    (root / "templates" / "welcome" / "html.html").write_text("<p>Hi {{name}}</p>")
    data = {"name": "Ada", "product": "Acme"}
    (root / "templates" / "welcome" / "samples" / "basic.json").write_text(json.dumps(data))

    def sestemplates(*args: str) -> bytes:
        result = subprocess.run(
            [sys.executable, "-m", "sestemplates", "-C", str(root), *args],
            capture_output=True, timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    sestemplates("--endpoint-url", ses.url, "sync", "t-welcome")
    client = boto3.client("sesv2", endpoint_url=ses.url, region_name="us-east-1")
    rendered = client.test_render_email_template(
        TemplateName="t-welcome", TemplateData=json.dumps(data)
    )["RenderedTemplate"]
    remote = _raw_parts(rendered.encode("utf-8"))
    assert remote["text"] == b"Hi Ada\n\n"  # SES keeps the part's own line ends
    for part in ("subject", "html", "text"):
        assert sestemplates("render", "welcome", "--part", part) == remote[part], part
