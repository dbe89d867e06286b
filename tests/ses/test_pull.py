"""pull against the real local SES: templates created out-of-band with boto3 come back
byte for byte, and `build` then `diff --exit-code` finds nothing to change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from conftest import SesServer
from faultproxy import FaultProxy
from helpers import client_for

from sestemplates.config import load_config
from sestemplates.errors import ConfigError
from sestemplates.ses.client import Pacer
from sestemplates.ses.pull import pull_templates

pytestmark = pytest.mark.ses

CRLF_PAGE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\r\n'
    '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:o="urn:schemas-microsoft-com:office:office">'
    "\r\n<head><!--[if gte mso 9]><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96"
    "</o:PixelsPerInch></o:OfficeDocumentSettings></xml><![endif]-->\r\n"
    "<style>td { color: #333 }</style></head>\r\n"
    '<body style="margin:0;padding:0">\r\n'
    '<!--[if mso]><table role="presentation" width="600"><tr><td><![endif]-->\r\n'
    '<table width="100%" cellpadding="0" style="border-collapse:collapse">\r\n'
    "<tr><th>Item</th><th>Price</th></tr>\r\n"
    "{{#each items}}\r\n"
    '<tr><td style="font-family:Arial,sans-serif;color:#333333">{{title}}</td>'
    '<td align="right">{{price}}&nbsp;&euro;</td></tr>\r\n'
    "{{/each}}\r\n"
    "</table>\r\n"
    "<!--[if mso]></td></tr></table><![endif]-->\r\n"
    "<!--[if !mso]><!--><p>Not Outlook</p><!--<![endif]-->\r\n"
    "<p>&copy; 2026 Acme &amp; Co &#8212; &lt;b&gt; Grüße, 日本語, 🎉</p>\r\n"
    "</body></html>\r\n"
)
TEMPLATES: dict[str, dict[str, str]] = {
    # Already inlined, CRLF, MSO conditional comments, entities, non-ASCII, each between rows.
    "adopt-receipt": {
        "Subject": "Your receipt, {{name}} — Grüße",
        "Html": CRLF_PAGE,
        "Text": "Hi {{name}},\r\n{{#each items}}- {{title}}: {{price}} €\r\n{{/each}}",
    },
    # Text that looks like Jinja to our build: [[ ]], {% %}, [# #], and {# (a Jinja comment).
    "adopt-jinjaish": {
        "Subject": "[[not jinja]] {% neither %} [# nor this #]",
        "Html": (
            "<!doctype html><html><body><p>[[ brand ]] {% if x %} [# note #] {# y #}</p>"
            '<a href="{{url}}" title="{{#if vip}}VIP{{else}}guest{{/if}}">{{{raw}}}</a>'
            "{{!-- a comment --}}</body></html>"
        ),
        "Text": "[[ brand ]] {% endif %}\n{{url}}   \n",
    },
    # Lowercase doctype-less fragment, sloppy HTML a parser would "fix", no Text part.
    "adopt-html-only": {
        "Subject": "  spaced subject  ",
        "Html": "<P>unclosed <B>bold<br><img src=x.png alt=x>\n<TABLE><TR><TD>{{name}}</TABLE>",
    },
    # No Html part at all.
    "adopt-text-only": {"Subject": "Plain {{name}}", "Text": "Only text, {{name}}.\n\n"},
    "adopt-legacy": {
        "Subject": "Legacy",
        "Html": (
            '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN">\n<html><body bgcolor="#ffffff">'
            '<font face="Arial">{{#with user}}{{first}} {{../greeting}}{{/with}}</font>'
            "</body></html>"
        ),
        "Text": "{{greeting}}",
    },
}


def boto(url: str) -> Any:
    return boto3.client(
        "sesv2", endpoint_url=url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )


def create(url: str, templates: dict[str, dict[str, str]]) -> None:
    client = boto(url)
    for name, content in templates.items():
        client.create_email_template(TemplateName=name, TemplateContent=content)


def empty_repo(root: Path, prefix: str = "adopt-") -> Path:
    root.mkdir(parents=True)
    (root / "sestemplates.toml").write_text(
        f'prefix = "{prefix}"\n\n[ses]\npace_seconds = 0\nmax_attempts = 1\n', encoding="utf-8"
    )
    return root


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_pull_build_diff_round_trip_byte_for_byte(cli, ses: SesServer, tmp_path: Path):  # type: ignore[no-untyped-def]
    create(ses.url, TEMPLATES)
    create(ses.url, {"other-x": {"Subject": "x", "Html": "<p>x</p>"}})  # outside the prefix
    repo = empty_repo(tmp_path / "repo")
    base = ("-C", repo, "--endpoint-url", ses.url)

    pulled = cli(*base, "pull")
    assert pulled.code == 0, pulled.err
    assert "wrote 5 template(s) into templates/ (0 replaced)" in pulled.out
    assert "[5/5] pull adopt-text-only" in pulled.err
    templates = repo / "templates"
    assert sorted(p.name for p in templates.iterdir()) == sorted(
        n.removeprefix("adopt-") for n in TEMPLATES
    )  # no staging directory left behind, nothing from outside the prefix
    receipt = templates / "receipt"
    assert (receipt / "html.html").read_bytes() == CRLF_PAGE.encode("utf-8")
    assert (receipt / "subject.txt").read_bytes() == "Your receipt, {{name}} — Grüße".encode()
    assert not (templates / "html-only" / "text.txt").exists()
    assert not (templates / "text-only" / "html.html").exists()
    assert "as_is = true" in (receipt / "template.toml").read_text()
    sample = json.loads((receipt / "samples" / "default.json").read_text(encoding="utf-8"))
    assert sample == {  # the data contract's scaffold, as `sestemplates sample` prints it
        "name": "name",
        "items": [
            {"title": "items[0].title", "price": "items[0].price"},
            {"title": "items[1].title", "price": "items[1].price"},
        ],
    }

    built = cli(*base, "build")
    assert built.code == 0, built.out + built.err
    for name, content in TEMPLATES.items():
        document = json.loads((repo / "build" / f"{name}.json").read_text(encoding="utf-8"))
        expected = {"Subject": "", "Html": "", "Text": ""} | content
        assert document["TemplateContent"] == expected, name
        assert document["TemplateContent"] == {
            "Subject": "", "Html": "", "Text": ""
        } | ses.templates()[name]["TemplateContent"]

    diff = cli(*base, "diff", "--exit-code")
    assert diff.code == 0, diff.out + diff.err
    assert "plan: create 0, update 0, unchanged 5, delete-candidates 0" in diff.out

    synced = cli(*base, "sync")
    assert synced.out.strip() == "created 0, updated 0, unchanged 5, deleted 0"

    # The scaffolded samples carry every variable the tags read: check passes.
    checked = cli(*base, "check")
    assert checked.code == 0, checked.out


def test_pull_refuses_existing_directories_and_force_replaces_keeping_samples(  # type: ignore[no-untyped-def]
    cli, ses: SesServer, tmp_path: Path
):
    create(ses.url, {n: TEMPLATES[n] for n in ("adopt-receipt", "adopt-legacy")})
    repo = empty_repo(tmp_path / "repo")
    base = ("-C", repo, "--endpoint-url", ses.url)
    assert cli(*base, "pull").code == 0
    own_sample = repo / "templates" / "legacy" / "samples" / "mine.json"
    own_sample.write_text('{"greeting": "Hi", "user": {"first": "Ada"}}', encoding="utf-8")
    before = files(repo / "templates")

    refused = cli(*base, "pull")
    assert refused.code == 2
    assert refused.err.count("\n") == 1
    assert "templates/legacy, templates/receipt already exist; pass --force" in refused.err
    assert files(repo / "templates") == before

    boto(ses.url).update_email_template(
        TemplateName="adopt-legacy",
        TemplateContent={"Subject": "Changed on SES", "Html": "<p>{{greeting}}</p>"},
    )
    forced = cli(*base, "pull", "legacy", "--force")
    assert forced.code == 0, forced.err
    assert "wrote 1 template(s) into templates/ (1 replaced)" in forced.out
    legacy = repo / "templates" / "legacy"
    assert (legacy / "subject.txt").read_text() == "Changed on SES"
    assert not (legacy / "text.txt").exists()  # SES no longer has a Text part
    assert own_sample.is_file()
    assert (legacy / "samples" / "default.json").is_file()
    assert files(repo / "templates" / "receipt") == {
        k.removeprefix("receipt/"): v for k, v in before.items() if k.startswith("receipt/")
    }
    assert cli(*base, "build").code == 0
    assert cli(*base, "diff", "--exit-code").code == 0


def test_pull_by_name_and_all_or_nothing(cli, ses: SesServer, tmp_path: Path):  # type: ignore[no-untyped-def]
    create(ses.url, {n: TEMPLATES[n] for n in ("adopt-receipt", "adopt-legacy")})
    repo = empty_repo(tmp_path / "repo")
    base = ("-C", repo, "--endpoint-url", ses.url)

    missing = cli(*base, "pull", "receipt", "adopt-legacy", "nope")
    assert missing.code == 1
    assert missing.err.splitlines()[-1] == f"error: no template adopt-nope on {ses.url}"
    assert "Traceback" not in missing.err
    assert not (repo / "templates").exists()  # the two fetched first were not written

    by_name = cli(*base, "pull", "receipt", "adopt-legacy")  # directory name or TemplateName
    assert by_name.code == 0, by_name.err
    assert sorted(p.name for p in (repo / "templates").iterdir()) == ["legacy", "receipt"]


def test_connection_lost_mid_pull_writes_nothing(cli, ses: SesServer, tmp_path: Path):  # type: ignore[no-untyped-def]
    create(ses.url, TEMPLATES)
    repo = empty_repo(tmp_path / "repo")
    (repo / "templates" / "_layouts").mkdir(parents=True)  # an existing project
    proxy = FaultProxy(ses.url).start()
    try:
        def get_template(method: str, path: str) -> bool:
            return method == "GET" and path.startswith("/v2/email/templates/")

        proxy.inject(["down"], get_template, every=3)
        failed = cli("-C", repo, "--endpoint-url", proxy.url, "pull")
    finally:
        proxy.stop()
    assert failed.code == 1
    last = failed.err.splitlines()[-1]
    assert last.startswith("error: GetEmailTemplate adopt-") and "cannot reach" in last
    assert failed.err.splitlines()[-2].startswith("[3/5] pull")
    assert [p.name for p in (repo / "templates").iterdir()] == ["_layouts"]


def test_empty_prefix_needs_names_or_all(cli, ses: SesServer, tmp_path: Path):  # type: ignore[no-untyped-def]
    create(ses.url, {"welcome": TEMPLATES["adopt-legacy"], "_shared": TEMPLATES["adopt-legacy"]})
    repo = empty_repo(tmp_path / "repo", prefix="")
    base = ("-C", repo, "--endpoint-url", ses.url)

    refused = cli(*base, "pull")
    assert refused.code == 2
    assert "the prefix is empty" in refused.err and "--all" in refused.err
    both = cli(*base, "pull", "welcome", "--all")
    assert both.code == 2 and "not both" in both.err

    layout_named = cli(*base, "pull", "_shared")
    assert layout_named.code == 1
    assert "template '_shared' would be directory '_shared'" in layout_named.err
    assert not (repo / "templates").exists()

    one = cli(*base, "pull", "welcome")
    assert one.code == 0, one.err
    assert cli(*base, "build").code == 0
    assert (repo / "build" / "welcome.json").is_file()


def test_pull_pages_through_every_template_and_paces_each_call(ses: SesServer, tmp_path: Path):
    templates = {
        f"adopt-t{i:02d}": {"Subject": f"S{i}", "Html": f"<p>{i} {{{{name}}}}</p>"}
        for i in range(23)
    }
    create(ses.url, templates)
    create(ses.url, {f"zz-{i}": {"Subject": "z", "Text": "z"} for i in range(4)})
    config = load_config(empty_repo(tmp_path / "repo"))
    client = client_for(ses.url)
    now = [0.0]
    slept: list[float] = []
    client.pacer = Pacer(1.0, clock=lambda: now[0], sleep=slept.append)

    report = pull_templates(config, client, [], page_size=5)

    assert sorted(report.created) == sorted(n.removeprefix("adopt-") for n in templates)
    assert client.calls == {"ListEmailTemplates": 6, "GetEmailTemplate": 23}  # 27 names / 5
    # The clock never moves, so every List and every Get after the first of its operation
    # waits a whole interval (SES's quota is per operation).
    assert slept == [1.0] * (6 - 1 + 23 - 1)
    built = (config.templates_dir / "t17" / "html.html").read_text(encoding="utf-8")
    assert built == "<p>17 {{name}}</p>"


def test_pull_names_need_no_listing(ses: SesServer, tmp_path: Path) -> None:
    create(ses.url, {"adopt-receipt": TEMPLATES["adopt-receipt"]})
    config = load_config(empty_repo(tmp_path / "repo"))
    client = client_for(ses.url)
    pull_templates(config, client, ["receipt"])
    assert client.calls == {"GetEmailTemplate": 1}
    with pytest.raises(ConfigError, match="already exist"):
        pull_templates(config, client, ["receipt"])


def test_nothing_under_the_prefix_writes_nothing(cli, ses: SesServer, tmp_path: Path):  # type: ignore[no-untyped-def]
    create(ses.url, {"adopt-": {"Subject": "s", "Text": "t"}, "x": {"Subject": "s", "Text": "t"}})
    repo = empty_repo(tmp_path / "repo", prefix="none-")
    result = cli("-C", repo, "--endpoint-url", ses.url, "pull")
    assert (result.code, result.out) == (0, "pull: no templates found, nothing written\n")
    assert not (repo / "templates").exists()
    prefix_only = cli("-C", empty_repo(tmp_path / "other"), "--endpoint-url", ses.url, "pull")
    assert prefix_only.code == 0
    assert "warning: skipped adopt-: template 'adopt-' is the prefix itself" in prefix_only.err
    assert prefix_only.out == "pull: no templates found, nothing written; skipped 1: adopt-\n"
    assert not (tmp_path / "other" / "templates").exists()


def test_throttled_list_and_get_are_retried(ses: SesServer, proxy: FaultProxy, tmp_path: Path):
    create(ses.url, {n: TEMPLATES[n] for n in ("adopt-receipt", "adopt-legacy")})
    # Every second GET is throttled once: the first Get of each template.
    proxy.inject(["429", "429"], lambda method, path: method == "GET", every=2)
    config = load_config(empty_repo(tmp_path / "repo"))
    client = client_for(proxy.url)

    report = pull_templates(config, client, [])

    assert sorted(report.created) == ["legacy", "receipt"]
    assert client.calls == {"ListEmailTemplates": 1, "GetEmailTemplate": 4}
    assert len([e for e in proxy.requests("GET") if not e.outcome.startswith("forwarded")]) == 2
    html = (config.templates_dir / "receipt" / "html.html").read_bytes()
    assert html == CRLF_PAGE.encode("utf-8")


def test_listed_names_without_a_usable_directory_are_skipped_with_a_warning(  # type: ignore[no-untyped-def]
    cli, ses: SesServer, tmp_path: Path
):
    # `_x` would be a layouts/partials directory and `adopt-` has no name left once the prefix
    # is removed: neither can be a template directory, but they must not stop the others.
    create(ses.url, {
        "adopt-_shared": TEMPLATES["adopt-legacy"],
        "adopt-": {"Subject": "s", "Text": "t"},
        "adopt-welcome": TEMPLATES["adopt-legacy"],
    })
    repo = empty_repo(tmp_path / "repo")
    base = ("-C", repo, "--endpoint-url", ses.url)

    pulled = cli(*base, "pull")
    assert pulled.code == 0, pulled.err
    warnings = [line for line in pulled.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2
    assert "adopt-" in warnings[0] and "prefix itself" in warnings[0]
    assert "adopt-_shared" in warnings[1] and "'_shared'" in warnings[1]
    assert "wrote 1 template(s)" in pulled.out
    assert "skipped 2: adopt-, adopt-_shared" in pulled.out
    assert sorted(p.name for p in (repo / "templates").iterdir()) == ["welcome"]
    assert cli(*base, "build").code == 0

    # Named explicitly, the same template is still an error: the user asked for it.
    named = cli(*base, "pull", "_shared")
    assert named.code == 1 and "would be directory '_shared'" in named.err


def test_all_with_an_empty_prefix_skips_underscore_names(  # type: ignore[no-untyped-def]
    cli, ses: SesServer, tmp_path: Path
):
    create(ses.url, {"welcome": TEMPLATES["adopt-legacy"], "_shared": TEMPLATES["adopt-legacy"]})
    repo = empty_repo(tmp_path / "repo", prefix="")
    pulled = cli("-C", repo, "--endpoint-url", ses.url, "pull", "--all")
    assert pulled.code == 0, pulled.err
    assert "warning: skipped _shared" in pulled.err
    assert sorted(p.name for p in (repo / "templates").iterdir()) == ["welcome"]
