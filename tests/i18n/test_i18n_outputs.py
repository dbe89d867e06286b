"""Every locale's output as the outside world sees it: handlebars.js renders each locale ×
sample as our engine does, and screenshots take --locale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sestemplates.checks.samples import load_sample
from sestemplates.config import load_config
from sestemplates.pipeline import build_project
from tests.handlebars.hbsjs import HandlebarsJs, compare, node_or_skip
from tests.needs import chromium


def test_handlebars_js_renders_every_locale_and_sample(translated: Path) -> None:
    own = translated / "templates" / "order" / "samples" / "ar"
    own.mkdir()
    (own / "layla.json").write_text(
        json.dumps({"first_name": "ليلى", "order": {"id": "ب-٧"}, "vip": False, "items": []}),
        encoding="utf-8",
    )
    report = build_project(load_config(translated), [])
    assert report.failures == []
    assert sorted(b.name for b in report.built) == ["order-ar", "order-de", "order-en"]
    js = HandlebarsJs(node_or_skip())
    try:
        seen = 0
        for built in report.built:
            for sample in built.source.samples:
                data = load_sample(sample)
                for part in (built.subject, built.html, built.text):
                    assert compare(js, part, data) == "same", (built.name, sample.name)
                    seen += 1
        assert seen == 9  # en and de with the shared sample, ar with its own
        assert report.built[0].name == "order-ar"
        arabic = js.render(report.built[0].html, json.loads((own / "layla.json").read_text()),
                           strict=True)["output"]
        assert 'dir="rtl"' in arabic and "مرحباً ليلى، طلبك ب-٧ في الطريق إليك." in arabic
    finally:
        js.close()


@pytest.mark.browser
def test_screenshot_of_one_locale(example_project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    chromium()
    out = example_project / "shots"
    result = cli(
        "--project", example_project, "screenshot", "password-reset", "--locale", "ar",
        "--sample", "with-ip", "--width", "375", "--out", out,
    )
    assert result.code == 0, result.out + result.err
    assert [p.name for p in out.iterdir()] == ["password-reset-ar"]
    assert (out / "password-reset-ar" / "with-ip-375px.png").read_bytes()[:4] == b"\x89PNG"
