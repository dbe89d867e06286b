from __future__ import annotations

import json
import os
import pickle
import sys
from pathlib import Path

import pytest

from sestemplates.config import load_config
from sestemplates.errors import SesTemplatesError
from sestemplates.pipeline import build_project, dependents
from sestemplates.pipeline.cache import CACHE_FILE, InputHasher, input_key, template_files
from sestemplates.project import discover


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
        "from sestemplates.pipeline import build_project\n"
        "from pathlib import Path\n"
        "from sestemplates.config import load_config\n"
        f"r = build_project(load_config(Path({str(build_repo)!r})), [])\n"
        "assert r.written == 0 and not r.failures, r\n"
        "heavy = {'mjml', 'premailer', 'lxml', 'cssutils', 'jinja2', 'multiprocessing',\n"
        "         'concurrent.futures'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_noop_reads_the_same_parts_it_wrote(build_repo: Path) -> None:
    config = load_config(build_repo)
    first = {b.name: b for b in build_project(config, []).built}
    again = build_project(config, [])
    assert again.written == 0
    for built in again.built:
        doc = json.loads(built.json_path.read_text(encoding="utf-8"))["TemplateContent"]
        assert (built.subject, built.html, built.text) == (doc["Subject"], doc["Html"], doc["Text"])
        assert built.html == built.json_path.with_suffix(".html").read_text(encoding="utf-8")
        assert built == first[built.name]
        assert built.source == first[built.name].source
        assert built.dependencies == first[built.name].dependencies


def test_stored_parts_that_vanished_are_one_error_naming_the_file(build_repo: Path) -> None:
    config = load_config(build_repo)
    build_project(config, [])
    stored = build_project(config, ["plain"]).built[0]
    stored.json_path.write_text("{", encoding="utf-8")
    with pytest.raises(SesTemplatesError, match=r"plain\.json: build output changed"):
        _ = stored.html


def same_size_same_mtime_edit(path: Path, old: str, new: str) -> None:
    """Change `path`'s content but not its size or mtime (as `cp -p` or a fast checkout can)."""
    assert len(old) == len(new)
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_a_template_file_edit_is_seen_even_with_the_old_size_and_mtime(build_repo: Path) -> None:
    config = load_config(build_repo)
    build_project(config, [])
    same_size_same_mtime_edit(build_repo / "templates" / "plain" / "subject.txt", "Hello", "Hallo")
    report = build_project(config, [])
    assert (report.written, report.unchanged) == (1, 2)
    doc = json.loads((config.build_dir / "plain.json").read_text(encoding="utf-8"))
    assert doc["TemplateContent"]["Subject"] == "Hallo {{name}}"


def test_a_shared_partial_edit_is_seen_with_the_old_size_and_mtime(build_repo: Path) -> None:
    config = load_config(build_repo)
    build_project(config, [])
    footer = build_repo / "templates" / "_partials" / "footer.mjml"
    same_size_same_mtime_edit(footer, "Unsubscribe", "Opt-outNow!")
    report = build_project(config, [])
    assert (report.written, report.failures) == (1, [])
    assert "Opt-outNow!" in (config.build_dir / "receipt.html").read_text(encoding="utf-8")


def test_the_file_list_of_a_template_directory_is_an_input(build_repo: Path) -> None:
    config = load_config(build_repo)
    build_project(config, [])
    section = build_repo / "templates" / "incl" / "parts" / "section.mjml"
    moved = section.parent / "deeper" / "section.mjml"
    moved.parent.mkdir()
    section.rename(moved)  # html.mjml still includes parts/section.mjml: now a build error
    report = build_project(config, [])
    assert [d.template for d in report.failures] == ["incl"]
    assert not (config.build_dir / "incl.json").exists()


def test_samples_are_not_inputs(build_repo: Path) -> None:
    config = load_config(build_repo)
    build_project(config, [])
    cache = (config.build_dir / CACHE_FILE).read_bytes()
    sample = next((build_repo / "templates" / "receipt" / "samples").glob("*.json"))
    sample.write_text(sample.read_text() + "\n")
    report = build_project(config, [])
    assert (report.written, report.unchanged) == (0, 3)
    assert (config.build_dir / CACHE_FILE).read_bytes() == cache


def test_broken_or_missing_outputs_are_rebuilt(build_repo: Path) -> None:
    config = load_config(build_repo)
    build_project(config, [])
    good = (config.build_dir / "plain.json").read_bytes()
    (config.build_dir / "plain.json").write_text("<<<<<<< HEAD\n")  # e.g. a merge conflict
    (config.build_dir / "receipt.txt").unlink()
    report = build_project(config, [])
    assert (report.written, report.unchanged, report.failures) == (2, 1, [])
    assert (config.build_dir / "plain.json").read_bytes() == good
    assert (config.build_dir / "receipt.txt").is_file()


def test_touched_outputs_are_read_once_and_kept(build_repo: Path) -> None:
    config = load_config(build_repo)
    build_project(config, [])
    json_path = config.build_dir / "plain.json"
    content = json_path.read_bytes()
    os.utime(json_path, ns=(1_000_000_000, 1_000_000_000))  # same content, other mtime
    report = build_project(config, [])
    assert (report.written, report.unchanged) == (0, 3)
    assert json_path.read_bytes() == content and json_path.stat().st_mtime_ns == 1_000_000_000
    assert report.built[1].html == (config.build_dir / "plain.html").read_text()
    # The cache now knows these files: a later no-op writes nothing at all.
    before = mtimes(config.build_dir)
    assert build_project(config, []).written == 0
    assert mtimes(config.build_dir) == before


def test_an_old_cache_format_rebuilds_without_rewriting_outputs(build_repo: Path) -> None:
    config = load_config(build_repo)
    build_project(config, [])
    outputs = {n: t for n, t in mtimes(config.build_dir).items() if n != CACHE_FILE}
    cache = config.build_dir / CACHE_FILE
    cache.write_text(json.dumps({"format": 1, "templates": {}}))
    report = build_project(config, [])
    assert (report.written, report.unchanged) == (0, 3)
    assert {n: t for n, t in mtimes(config.build_dir).items() if n != CACHE_FILE} == outputs
    assert json.loads(cache.read_text())["format"] != 1


def test_input_keys_hash_each_shared_file_once_per_run(build_repo: Path) -> None:
    config = load_config(build_repo)
    build_project(config, [])
    sources = {s.dir_name: s for s in discover(config).templates}
    layout = (build_repo / "templates" / "_layouts" / "base.mjml").resolve()
    hasher = InputHasher(config)
    key = hasher.key(sources["receipt"], (layout,))
    assert key == input_key(config, sources["receipt"], [layout, layout])
    assert key != hasher.key(sources["plain"], (layout,))
    assert key != input_key(config, sources["receipt"], ())
    assert [p.relative_to(sources["incl"].directory).as_posix()
            for p in template_files(sources["incl"])] == ["html.mjml", "subject.txt",
                                                          "parts/section.mjml"]
    assert all(p.parent.name != "samples" for p in template_files(sources["receipt"]))


def test_built_templates_cross_process_boundaries(build_repo: Path) -> None:
    config = load_config(build_repo)
    build_project(config, [])
    stored = build_project(config, []).built
    copies = [pickle.loads(pickle.dumps(b)) for b in stored]
    assert copies == stored
    assert [c.text for c in copies] == [b.text for b in stored]
