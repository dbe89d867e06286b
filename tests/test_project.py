from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sestemplates.config import load_config
from sestemplates.errors import ConfigError
from sestemplates.project import discover, find_template, select
from tests.conftest import CliResult


def make(root: Path, name: str, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / "templates" / name / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_discovers_templates_and_skips_shared_dirs(tmp_path: Path) -> None:
    make(tmp_path, "welcome", {"subject.txt": "Hi", "html.mjml": "<mjml/>", "samples/b.json": "{}",
                               "samples/a.json": "{}"})
    make(tmp_path, "plain", {"subject.txt": "Hi", "html.html": "<p/>", "text.txt": "x"})
    make(tmp_path, "_layouts", {"base.mjml": "<mjml/>"})
    found = discover(load_config(tmp_path))
    assert [t.dir_name for t in found.templates] == ["plain", "welcome"]
    assert found.problems == []
    welcome = found.templates[1]
    assert welcome.is_mjml and welcome.text is None
    assert [p.name for p in welcome.samples] == ["a.json", "b.json"]
    assert welcome.sample("b") == welcome.samples[1]
    assert found.templates[0].text is not None


def test_broken_directories_become_problems(tmp_path: Path) -> None:
    make(tmp_path, "no-subject", {"html.html": "<p/>"})
    make(tmp_path, "no-html", {"subject.txt": "x"})
    make(tmp_path, "both", {"subject.txt": "x", "html.html": "", "html.mjml": ""})
    make(tmp_path, "bad name", {"subject.txt": "x", "html.html": ""})
    make(tmp_path, "good", {"subject.txt": "x", "html.html": ""})
    found = discover(load_config(tmp_path))
    assert [t.name for t in found.templates] == ["good"]
    by_template = {p.template: p for p in found.problems}
    assert set(by_template) == {"no-subject", "no-html", "both", "bad name"}
    assert "missing subject.txt" in by_template["no-subject"].message
    assert by_template["bad name"].code == "template-name"
    assert by_template["bad name"].file == "templates/bad name"


def test_prefix_counts_towards_the_64_character_limit(tmp_path: Path) -> None:
    (tmp_path / "sestemplates.toml").write_text(f'prefix = "{"p" * 60}-"\n')
    make(tmp_path, "ab", {"subject.txt": "x", "html.html": ""})  # 63 characters: fine
    make(tmp_path, "abcd", {"subject.txt": "x", "html.html": ""})  # 65: too long
    found = discover(load_config(tmp_path))
    assert [t.name for t in found.templates] == ["p" * 60 + "-ab"]
    assert [p.template for p in found.problems] == ["p" * 60 + "-abcd"]


def test_select_by_dir_or_template_name(tmp_path: Path) -> None:
    (tmp_path / "sestemplates.toml").write_text('prefix = "x-"\n')
    make(tmp_path, "a", {"subject.txt": "x", "html.html": ""})
    make(tmp_path, "b", {"subject.txt": "x", "html.html": ""})
    found = discover(load_config(tmp_path))
    assert [t.name for t in select(found, ["x-b"]).templates] == ["x-b"]
    assert find_template(found, "a").name == "x-a"
    with pytest.raises(ConfigError, match="no template named 'c'"):
        select(found, ["c"])


def test_missing_templates_dir_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="templates directory templates does not exist"):
        discover(load_config(tmp_path))


def test_discovery_follows_links_and_lists_samples_like_a_glob(tmp_path: Path) -> None:
    make(tmp_path, "real", {"subject.txt": "x", "html.html": "", "samples/.hidden.json": "{}",
                            "samples/a.json": "{}", "samples/notes.md": "", "samples/b.JSON": ""})
    (tmp_path / "templates" / "real" / "samples" / "dir.json").mkdir()
    (tmp_path / "elsewhere").mkdir()
    make(tmp_path, "../elsewhere/linked", {"subject.txt": "x", "html.mjml": ""})
    (tmp_path / "templates" / "linked").symlink_to(tmp_path / "elsewhere" / "linked")
    make(tmp_path, "dir-subject", {"subject.txt/x": "", "html.html": ""})
    (tmp_path / "templates" / "loose.txt").write_text("not a template")
    found = discover(load_config(tmp_path))
    assert [t.dir_name for t in found.templates] == ["linked", "real"]
    assert found.templates[0].is_mjml
    real = found.templates[1]
    # `samples/*.json` files: hidden ones too, case-sensitive; a directory is not a sample.
    assert [p.name for p in real.samples] == [".hidden.json", "a.json"]
    assert real.text is None and real.html == tmp_path / "templates" / "real" / "html.html"
    assert [(p.template, p.message) for p in found.problems] == [
        ("dir-subject", "missing subject.txt")
    ]


def test_selecting_a_template_does_not_pick_up_a_broken_one_with_a_similar_name(
    tmp_path: Path,
) -> None:
    (tmp_path / "sestemplates.toml").write_text('prefix = "x-"\n')
    make(tmp_path, "plain", {"subject.txt": "x", "html.html": ""})
    make(tmp_path, "bad-plain", {"html.html": ""})  # no subject: broken
    found = discover(load_config(tmp_path))
    chosen = select(found, ["plain"])
    assert [t.name for t in chosen.templates] == ["x-plain"]
    assert chosen.problems == []
    # The broken one is found by its directory name and by its TemplateName, exactly.
    for name in ("bad-plain", "x-bad-plain"):
        broken = select(found, [name])
        assert broken.templates == []
        assert [p.template for p in broken.problems] == ["x-bad-plain"]
    with pytest.raises(ConfigError, match="no template named 'plain2'"):
        select(found, ["plain2"])


def test_a_directory_named_like_a_sample_is_not_a_sample(tmp_path: Path) -> None:
    make(tmp_path, "t", {"subject.txt": "x", "html.html": "", "samples/real.json": "{}"})
    (tmp_path / "templates" / "t" / "samples" / "odd.json").mkdir()
    [template] = discover(load_config(tmp_path)).templates
    assert [p.name for p in template.samples] == ["real.json"]


def test_a_sample_linking_outside_the_templates_directory_is_refused_not_read(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    make(tmp_path, "t", {"subject.txt": "Hi {{name}}", "html.html": "<p>{{name}}</p>",
                         "text.txt": "{{name}}", "samples/ok.json": '{"name": "Ann"}'})
    secret = tmp_path / "secret.json"
    secret.write_text('{"name": "AKIA-SECRET"}', encoding="utf-8")
    (tmp_path / "templates" / "t" / "samples" / "leak.json").symlink_to(secret)
    found = discover(load_config(tmp_path))
    assert [p.name for p in found.templates[0].samples] == ["ok.json"]
    assert [(p.file, p.code) for p in found.problems] == [
        ("templates/t/samples/leak.json", "invalid-sample")
    ]
    checked = cli("-C", tmp_path, "check")
    assert checked.code == 1
    assert "templates/t/samples/leak.json" in checked.out + checked.err
    assert "outside the templates directory" in checked.out + checked.err
    rendered = cli("-C", tmp_path, "render", "t", "--sample", "leak", "--part", "text")
    assert rendered.code != 0 and "AKIA-SECRET" not in rendered.out + rendered.err
