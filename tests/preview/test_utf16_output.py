"""A lone surrogate in rendered output (`lookup` indexes UTF-16 units, as handlebars.js does,
so `{{lookup name 0}}` of an emoji is half of it) is shown as U+FFFD, not a server error."""

from __future__ import annotations

import json
from typing import Any

from sestemplates.preview.state import Project


def test_half_an_emoji_is_shown_as_a_replacement_character(client: Any, project: Project) -> None:
    welcome = project.root / "templates/welcome"
    (welcome / "subject.txt").write_text("Hi [{{lookup name 0}}]\n")
    html = welcome / "html.mjml"
    html.write_text(html.read_text().replace("{{name}}", "[{{lookup name 1}}]", 1))
    sample = welcome / "samples/trial.json"
    data = json.loads(sample.read_text())
    data["name"] = "😀"
    sample.write_text(json.dumps(data))
    project.refresh()
    page = client.get("/t/welcome", params={"sample": "trial"})
    assert page.status_code == 200
    assert "Hi [\ufffd]" in page.text
    frame = client.get("/frame/welcome", params={"sample": "trial"})
    assert frame.status_code == 200
    assert "[\ufffd]" in frame.text
