from __future__ import annotations

import sys
from pathlib import Path

from sestemplates.build import build_project, dependents
from sestemplates.config import load_config


def mtimes(build_dir: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in sorted(build_dir.iterdir())}


def test_noop_rebuild_rewrites_nothing(build_repo: Path) -> None:
    config = load_config(build_repo)
    first = build_project(config, [])
    assert first.failures == [] and first.written == 3
    before = mtimes(config.build_dir)
    again = build_project(config, [])
    assert (again.written, again.unchanged, again.failures) == (0, 3, [])
    assert [b.name for b in again.built] == ["incl", "plain", "receipt"]
    assert again.built[2].html == first.built[2].html
    assert mtimes(config.build_dir) == before


def test_layout_edit_rebuilds_exactly_its_dependents(build_repo: Path) -> None:
    config = load_config(build_repo)
    build_project(config, [])
    layout = build_repo / "templates" / "_layouts" / "base.mjml"
    assert dependents(config, layout) == {"receipt"}
    partial = build_repo / "templates" / "incl" / "parts" / "section.mjml"
    assert dependents(config, partial) == set()  # inside the template's own directory
    layout.write_text(
        layout.read_text().replace("<mj-body>", '<mj-body background-color="#fafafa">')
    )
    report = build_project(config, [])
    assert (report.written, report.unchanged) == (1, 2)
    assert "#fafafa" in (config.build_dir / "receipt.html").read_text()


def test_config_and_env_are_inputs(build_repo: Path) -> None:
    build_project(load_config(build_repo), [])
    toml = build_repo / "sestemplates.toml"
    toml.write_text(toml.read_text().replace("Fixture Co", "Other Co"))
    report = build_project(load_config(build_repo), [])
    assert report.written == 1  # only receipt uses [[ brand ]] in what it outputs
    assert build_project(load_config(build_repo), []).written == 0
    staging = build_project(load_config(build_repo, "staging"), [])
    assert staging.written == 3 and (build_repo / "build" / "stg-receipt.json").is_file()


def test_noop_build_does_not_import_the_html_stages(build_repo: Path) -> None:
    import subprocess

    build_project(load_config(build_repo), [])
    code = (
        "import sys\n"
        "from sestemplates.build import build_project\n"
        "from pathlib import Path\n"
        "from sestemplates.config import load_config\n"
        f"r = build_project(load_config(Path({str(build_repo)!r})), [])\n"
        "assert r.written == 0 and not r.failures, r\n"
        "heavy = {'mjml', 'premailer', 'lxml', 'cssutils', 'jinja2'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
