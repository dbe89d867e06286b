"""The static dependency scan (sestemplates.project.dependency_map / file_references)."""

from __future__ import annotations

from pathlib import Path

from sestemplates.config import load_config
from sestemplates.project import dependency_map


def test_every_jinja_reference_form_is_a_dependency(tmp_path: Path) -> None:
    t = tmp_path / "templates"
    (t / "_p").mkdir(parents=True)
    for name in ("layout", "a", "b", "c", "macros", "d", "unused"):
        (t / "_p" / f"{name}.mjml").write_text(f"<!-- {name} -->\n")
    (t / "_p" / "d.mjml").write_text('{%+ include "_p/c.mjml" %}\n')  # transitive
    (t / "one").mkdir()
    (t / "one" / "subject.txt").write_text("s\n")
    (t / "one" / "html.mjml").write_text(
        '{%- extends "_p/layout.mjml" -%}\n'
        "{% include ['_p/a.mjml', \"_p/b.mjml\"] ignore missing %}\n"
        "{% from '_p/macros.mjml' import button with context %}\n"
        '{%\n  include "_p/d.mjml"\n%}\n'
    )
    deps = dependency_map(load_config(tmp_path))["one"]
    names = sorted(p.stem for p in deps)
    assert names == ["a", "b", "c", "d", "layout", "macros"]
