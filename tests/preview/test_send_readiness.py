"""Preview additions over real HTTP: lint panel, source view, dark frames, test-send guards."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

from sestemplates.preview.state import Project
from tests.preview.conftest import Http

DARK_RULE = "@media (prefers-color-scheme: dark) { body { background-color: #111111 !important; } }"


def post(http: Http, path: str, body: str, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(
        http.base + path, data=body.encode(), method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def token_of(page: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    assert m, "the page has no CSRF token"
    return m.group(1)


def test_lint_panel_links_each_warning_to_its_source_line(
    example_project: Path, project: Project, client: Http
) -> None:
    html = example_project / "templates/welcome/html.mjml"
    html.write_text(html.read_text().replace(
        "<mj-text mj-class=\"muted\">",
        '<mj-image src="https://assets.example.com/x.png" />\n    <mj-text mj-class="muted">', 1,
    ))
    project.refresh()
    line = html.read_text().splitlines().index(
        '    <mj-image src="https://assets.example.com/x.png" />') + 1
    page = client.get("/t/welcome").text
    panel = page.split('id="lint-panel"')[1].split("</ul>")[0]
    assert "img-alt" in panel and f'href="/source/welcome/0#L{line}"' in panel
    source = client.get("/source/welcome/0")
    assert source.status_code == 200 and f'id="L{line}"' in source.text
    assert client.get("/source/welcome/99").status_code == 404
    assert client.get("/source/welcome/-1").status_code == 404


def test_clean_examples_show_an_empty_panel(client: Http) -> None:
    assert 'id="lint-clean"' in client.get("/t/order-receipt").text


def test_dark_frame_applies_the_templates_own_dark_rules(
    example_project: Path, project: Project, client: Http
) -> None:
    base = example_project / "templates/_layouts/base.mjml"
    base.write_text(base.read_text().replace("</mj-style>", DARK_RULE + "\n    </mj-style>", 1))
    project.refresh()
    plain = client.get("/frame/welcome").text
    dark = client.get("/frame/welcome/dark")
    assert "prefers-color-scheme: dark" in plain
    assert dark.status_code == 200 and "prefers-color-scheme" not in dark.text
    assert "(min-width: 0px)" in dark.text
    assert dark.headers["content-security-policy"] == "script-src 'none'"
    invert = client.get("/frame/welcome/invert").text
    assert "forced-inversion-approximation" in invert
    assert client.get("/frame/welcome/sepia").status_code == 404


def test_test_send_is_post_only_and_needs_the_runs_token(client: Http) -> None:
    page = client.get("/t/welcome").text
    token = token_of(page)
    assert client.get("/send/welcome").status_code == 405
    assert post(client, "/send/welcome", "to=a%40b.example&mode=simple") == 403
    assert post(client, "/send/welcome", "csrf=wrong&mode=simple") == 403
    assert post(
        client, "/send/welcome", f"csrf={token}&mode=simple",
        {"Origin": "http://evil.example"},
    ) == 403
    assert post(client, "/send/welcome", f"csrf={token}", {"Content-Type": "text/plain"}) == 415


def test_the_token_changes_with_every_run(project: Project) -> None:
    from sestemplates.preview.pages import Pages

    assert Pages().csrf != Pages().csrf


def test_a_bad_lint_table_still_serves_the_page(
    example_project: Path, project: Project, client: Http
) -> None:
    config = example_project / "sestemplates.toml"
    config.write_text(config.read_text().replace("[lint]\n", '[lint]\nignore = ["nope"]\n'))
    project.refresh()
    page = client.get("/t/welcome")
    assert page.status_code == 200
    assert "unknown lint code" in page.text
