"""The preview never shows a file from outside templates/ pulled in by an include.

The template directory and its parts are inside templates/ (what `confine` checks); the
partial its Jinja includes, or the file its mj-include names, leads out. The build refuses it,
so the preview shows the build error, never the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sestemplates.preview.state import Project

SECRET = "TOP-SECRET-CONTENT"


@pytest.mark.parametrize(
    "reference",
    [
        '{% include "_partials/leak.mjml" %}',
        '<mj-include path="../../../outside/secret.mjml" />',
        '<mj-include path="../_partials/leak.mjml" />',
    ],
)
def test_an_include_leading_out_of_templates_shows_an_error_not_the_file(
    client: Any, project: Project, tmp_path: Path, reference: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.mjml"
    secret.write_text(f"<mj-section><mj-column><mj-text>{SECRET}</mj-text></mj-column></mj-section>")
    templates = project.root / "templates"
    (templates / "_partials" / "leak.mjml").symlink_to(secret)
    # The examples' project sits in tmp_path/project: three levels up from welcome/ is tmp_path.
    assert (templates / "welcome" / "../../../outside/secret.mjml").resolve() == secret
    html = templates / "welcome" / "html.mjml"
    content = html.read_text().replace("{% block content %}", "{% block content %}" + reference, 1)
    html.write_text(content)
    project.refresh()
    for url in ("/", "/t/welcome", "/frame/welcome", "/t/welcome?sample=trial"):
        response = client.get(url)
        assert SECRET not in response.text, url
    page = client.get("/t/welcome").text
    assert "outside the templates directory" in page
    assert "This template did not build." in client.get("/frame/welcome").text
