"""Source-level checks of the example templates in templates/ (no build pipeline needed)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sestemplates.config import TEMPLATE_NAME_RE, load_config

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
TEMPLATE_DIRS = sorted(
    p for p in TEMPLATES.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))
)


def test_there_are_at_least_five_examples() -> None:
    assert len(TEMPLATE_DIRS) >= 5


@pytest.mark.parametrize("directory", TEMPLATE_DIRS, ids=lambda p: p.name)
def test_template_has_subject_one_html_part_and_samples(directory: Path) -> None:
    subject = (directory / "subject.txt").read_text(encoding="utf-8")
    assert len(subject.strip().splitlines()) == 1, "subject.txt must be one line"
    html = [name for name in ("html.mjml", "html.html") if (directory / name).is_file()]
    assert len(html) == 1, f"exactly one of html.mjml/html.html, found {html}"
    assert len(list((directory / "samples").glob("*.json"))) >= 2


@pytest.mark.parametrize("directory", TEMPLATE_DIRS, ids=lambda p: p.name)
def test_samples_are_json_objects_without_nulls(directory: Path) -> None:
    def no_nulls(value: object, where: str) -> None:
        assert value is not None, f"null at {where}"
        if isinstance(value, dict):
            for key, item in value.items():
                no_nulls(item, f"{where}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                no_nulls(item, f"{where}[{i}]")

    for sample in sorted((directory / "samples").glob("*.json")):
        data = json.loads(sample.read_text(encoding="utf-8"))
        assert isinstance(data, dict), f"{sample.name} must hold a JSON object"
        no_nulls(data, sample.name)


def test_names_are_valid_ses_template_names_in_every_env() -> None:
    config = load_config(REPO)
    prefixes = {config.prefix} | {env.prefix for env in config.envs.values()}
    assert len(config.envs) >= 2  # staging and production
    for prefix in prefixes:
        for directory in TEMPLATE_DIRS:
            assert TEMPLATE_NAME_RE.match(prefix + directory.name), prefix + directory.name


def test_samples_cover_emoji_cjk_and_rtl_text() -> None:
    text = "".join(
        p.read_text(encoding="utf-8") for p in TEMPLATES.glob("*/samples/*.json")
    )
    assert re.search(r"[\U0001F300-\U0001FAFF]", text), "no emoji"
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text), "no CJK"
    assert re.search(r"[\u0590-\u05ff\u0600-\u06ff]", text), "no Hebrew/Arabic"
