"""The preview app over real HTTP (uvicorn on 127.0.0.1) with a copy of the examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sestemplates.preview.state import Project

MISSING_NAME = "Attribute 'name' is not present in the rendering data."


def examples(root: Path) -> dict[str, list[Path]]:
    return {
        d.name: sorted((d / "samples").glob("*.json"))
        for d in sorted((root / "templates").iterdir())
        if d.is_dir() and not d.name.startswith(("_", "."))
    }


def test_index_lists_every_template_and_sample(client: Any, project: Project) -> None:
    response = client.get("/")
    assert response.status_code == 200
    found = examples(project.root)
    assert found, "the examples are missing"
    for name, samples in found.items():
        assert f'href="/t/{name}"' in response.text
        for sample in samples:
            assert f"?sample={sample.stem}" in response.text


def test_index_shows_check_status(client: Any, project: Project) -> None:
    sample = project.root / "templates/welcome/samples/trial.json"
    data = json.loads(sample.read_text())
    del data["name"]
    sample.write_text(json.dumps(data))
    project.refresh()
    row = client.get("/").text.split('data-template="welcome"')[1].split("</tr>")[0]
    assert "3 errors" in row
    # The problems themselves, not just a count: the first few, then a link to the rest.
    assert row.count(MISSING_NAME.replace("'", "&#39;")) == 3
    assert "templates/welcome/subject.txt:1:" in row


def test_every_example_and_sample_renders_without_error(
    client: Any, project: Project
) -> None:
    for name, samples in examples(project.root).items():
        for sample in samples:
            page = client.get(f"/t/{name}", params={"sample": sample.stem})
            assert page.status_code == 200
            assert 'class="part-error"' not in page.text, (name, sample.name)
            assert 'id="fatal"' not in page.text
            frame = client.get(f"/frame/{name}", params={"sample": sample.stem})
            assert frame.status_code == 200
            assert "render-error" not in frame.text, (name, sample.name, frame.text[:500])
            assert frame.text.lstrip().lower().startswith("<!doctype html")


def test_template_page_shows_the_samples_values(client: Any, project: Project) -> None:
    data = json.loads((project.root / "templates/welcome/samples/trial.json").read_text())
    page = client.get("/t/welcome", params={"sample": "trial"})
    assert page.status_code == 200
    text = page.text
    assert f"Welcome to Acme Cloud, {data['name']}!" in text  # the rendered subject
    assert 'id="text"' in text  # the text part
    assert 'id="raw-html"' in text and "{{" in text  # the built HTML, tags intact
    assert 'id="sample-json"' in text and data["user_id"] in text
    assert 'width: 600px' in text and 'width: 375px' in text  # desktop and mobile frames
    # No scripts in the email frame (no allow-scripts); its links may open a new tab.
    assert 'sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"' in text
    frame = client.get("/frame/welcome", params={"sample": "trial"})
    assert data["workspace"]["url"] in frame.text
    assert "{{" not in frame.text
    assert "script-src 'none'" in frame.headers["content-security-policy"]


def test_template_page_lists_variables_with_their_places(client: Any) -> None:
    page = client.get("/t/welcome").text
    table = page.split('id="variables"')[1].split("</table>")[0]
    assert "<code>workspace.url</code>" in table
    # Places are in the source files, not the built output.
    assert "<code>templates/welcome/html.mjml:" in table
    assert "<code>templates/welcome/subject.txt:1:" in table


def test_missing_attribute_shows_the_ses_message(client: Any, project: Project) -> None:
    sample = project.root / "templates/welcome/samples/trial.json"
    data = json.loads(sample.read_text())
    del data["name"]
    sample.write_text(json.dumps(data))
    project.refresh()
    page = client.get("/t/welcome", params={"sample": "trial"}).text
    assert MISSING_NAME.replace("'", "&#39;") in page  # subject error, autoescaped
    frame = client.get("/frame/welcome", params={"sample": "trial"}).text
    assert MISSING_NAME.replace("'", "&#39;") in frame
    assert "render-error" in frame


def test_broken_sample_shows_the_error_naming_the_file(
    client: Any, project: Project
) -> None:
    (project.root / "templates/welcome/samples/trial.json").write_text('{"name": ')
    project.refresh()
    page = client.get("/t/welcome", params={"sample": "trial"})
    assert page.status_code == 200
    assert "templates/welcome/samples/trial.json:1" in page.text
    assert "invalid JSON" in page.text
    frame = client.get("/frame/welcome", params={"sample": "trial"}).text
    assert "The sample cannot be read." in frame


def test_build_error_shows_and_recovers(client: Any, project: Project) -> None:
    html = project.root / "templates/welcome/html.mjml"
    good = html.read_text()
    html.write_text(good.replace("{% endblock %}", "{% endblok %}", 1))
    project.refresh()
    page = client.get("/t/welcome").text
    assert 'class="error"' in page and "html.mjml" in page
    # Not "no variables": the variables are unknown until it builds.
    assert "No Handlebars variables" not in page and "Not built: see the problems above" in page
    assert "This template did not build." in client.get("/frame/welcome").text
    assert "build failed" in client.get("/").text

    html.write_text(good)
    project.refresh()
    assert "This template did not build." not in client.get("/frame/welcome").text
    assert "build failed" not in client.get("/").text


def test_config_error_shows_on_every_page_and_recovers(
    client: Any, project: Project
) -> None:
    config = project.root / "sestemplates.toml"
    good = config.read_text()
    config.write_text(good + "\n[vars\n")
    project.refresh()
    index = client.get("/")
    assert index.status_code == 200
    assert 'id="fatal"' in index.text and "sestemplates.toml" in index.text
    assert "this page reloads by itself" in index.text  # not an empty list of templates
    page = client.get("/t/welcome")  # no config, no templates: 404, but one that reloads
    assert page.status_code == 404
    assert 'id="fatal"' in page.text and "EventSource" in page.text
    config.write_text(good)
    project.refresh()
    assert 'id="fatal"' not in client.get("/").text
    assert client.get("/t/welcome").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/t/..%2F..%2Fsestemplates.toml",
        "/t/../../etc/passwd",
        "/t/_layouts",
        "/t/welcome?sample=../../../sestemplates.toml",
        "/t/welcome?sample=..%2F..%2Fsubject.txt",
        "/frame/..%2F..%2F..%2Fetc%2Fpasswd",
        "/frame/welcome?sample=/etc/passwd",
        "/sample/welcome/..%2F..%2F..%2Fsestemplates.toml",
        "/sample/welcome/..",
        "/templates/welcome/subject.txt",
        "/sestemplates.toml",
        "/static/../sestemplates.toml",
        "/t/nope",
        "/t/%2e%2e",
        "/t/%2e%2e%2f%2e%2e%2fsestemplates.toml",
        "/t/%252e%252e%252fsestemplates.toml",
        "/t/..%5c..%5csestemplates.toml",
        "/t/welcome%2f..%2f..%2fsestemplates.toml",
        "/sample/welcome/%2e%2e%2fsubject.txt",
        "/sample/welcome/%2Fetc%2Fpasswd",
        "/sample/welcome/..%5c..%5c..%5csestemplates.toml",
        "/sample/welcome/C:%5cWindows%5cwin.ini",
        "/frame/welcome?sample=%252e%252e%252fsubject.txt",
        "/frame/welcome?sample=..%5Csamples%5Ctrial",
    ],
)
def test_only_project_content_is_served(client: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert "[vars]" not in response.text and "root:" not in response.text


def test_sample_json_route(client: Any, project: Project) -> None:
    data = json.loads((project.root / "templates/welcome/samples/trial.json").read_text())
    assert client.get("/sample/welcome/trial").json() == data


def test_symlinks_leading_out_of_templates_are_not_served(
    client: Any, project: Project, tmp_path: Path
) -> None:
    secret = tmp_path / "outside" / "secret.json"
    secret.parent.mkdir()
    secret.write_text('{"name": "TOP-SECRET"}')
    evil = secret.parent / "evil"
    evil.mkdir()
    (evil / "subject.txt").write_text("TOP-SECRET subject\n")
    (evil / "html.html").write_text("<p>TOP-SECRET html</p>\n")
    templates = project.root / "templates"
    (templates / "welcome/samples/leak.json").symlink_to(secret)
    (templates / "evil").symlink_to(evil, target_is_directory=True)
    half = templates / "half"
    half.mkdir()
    (half / "subject.txt").write_text("inside\n")
    (half / "html.html").symlink_to(evil / "html.html")
    project.refresh()
    for url in (
        "/sample/welcome/leak",
        "/t/welcome?sample=leak",
        "/frame/welcome?sample=leak",
        "/t/evil",
        "/frame/evil",
        "/t/half",
        "/frame/half",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "TOP-SECRET" not in response.text, url
    page = client.get("/t/welcome").text
    assert "TOP-SECRET" not in page
    index = client.get("/").text
    # Discovery refuses the linked sample for every command; the preview shows that error.
    leak = "templates/welcome/samples/leak.json: error: resolves to"
    assert leak in page or leak in index
    assert "templates/evil: warning: leads outside templates/" in index
    assert "templates/half/html.html: warning: leads outside templates/" in index
    assert "TOP-SECRET" not in index


def test_a_symlink_that_stays_inside_templates_is_served(
    client: Any, project: Project
) -> None:
    samples = project.root / "templates/welcome/samples"
    (samples / "alias.json").symlink_to(samples / "trial.json")
    project.refresh()
    assert client.get("/t/welcome", params={"sample": "alias"}).status_code == 200
    assert client.get("/sample/welcome/alias").status_code == 200


def test_a_broken_template_is_listed_once_under_project_problems(example_project: Path) -> None:
    from sestemplates.preview.app import create_app
    from sestemplates.preview.server import server_config
    from tests.preview.serving import Http, serving

    broken = example_project / "templates" / "half-done"
    broken.mkdir()
    (broken / "subject.txt").write_text("Hi {{name}}")
    previewed = Project(example_project, None)
    previewed.refresh()
    with serving(server_config(create_app(previewed))) as base:
        page = Http(base).get("/")
    assert page.status_code == 200
    assert page.text.count("missing html.mjml or html.html") == 1, page.text
