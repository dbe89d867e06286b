"""`{{@this}}` in one template used to raise IndexError in the analyser, and the preview then
answered 404 for every template. Now it is that template's syntax problem, shown at its line."""

from __future__ import annotations

from typing import Any

from sestemplates.preview.state import Project


def test_one_template_with_at_this_does_not_break_the_others(
    client: Any, project: Project
) -> None:
    html = project.root / "templates/welcome/html.mjml"
    html.write_text(html.read_text().replace("{{name}}", "{{@this}}", 1))
    project.refresh()
    page = client.get("/t/welcome")
    assert page.status_code == 200
    assert "names no data variable" in page.text and "html.mjml" in page.text
    for other in ("order-receipt", "password-reset"):
        response = client.get(f"/t/{other}")
        assert response.status_code == 200, other
        assert "names no data variable" not in response.text
        assert client.get(f"/frame/{other}").status_code == 200
    assert "names no data variable" in client.get("/").text
