"""The order-receipt example laid out by real Chromium at 375 px and 600 px: the line-items
table keeps its columns, so the header and every row agree (a mobile rule that stacked the
item cells but not the header cells once put quantity and price on lines of their own)."""

from __future__ import annotations

import json
import subprocess
from html import escape
from pathlib import Path
from typing import Any

import pytest

from sestemplates import handlebars
from sestemplates.config import load_config
from sestemplates.pipeline import build_project
from tests.needs import chromium

# Media queries inside an iframe follow the iframe's width (a headless window cannot be made
# narrower than 500 px); the script reports, per row of the items table, each cell's box.
PAGE = """<!doctype html><html><body style="margin:0">
<iframe id="email" style="border:0;width:{width}px;height:3000px" srcdoc="{srcdoc}"></iframe>
<script>addEventListener('load', function () {{
  var doc = document.getElementById('email').contentDocument;
  var th = Array.prototype.find.call(doc.querySelectorAll('th'),
    function (c) {{ return c.textContent.trim() === 'Item'; }});
  var rows = Array.prototype.map.call(th.closest('table').rows, function (row) {{
    return Array.prototype.map.call(row.cells, function (c) {{
      var r = c.getBoundingClientRect();
      return [Math.round(r.left), Math.round(r.top), Math.round(r.right), c.colSpan];
    }});
  }});
  document.body.setAttribute('data-rows', JSON.stringify(rows));
}});</script></body></html>
"""


def _chromium() -> str:
    return chromium()


def _rows(chromium: str, html: str, width: int, work: Path) -> list[list[list[int]]]:
    page = work / f"measure-{width}.html"
    page.write_text(PAGE.format(width=width, srcdoc=escape(html, quote=True)), encoding="utf-8")
    dom = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            f"--user-data-dir={work / 'profile'}",
            "--window-size=800,600",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        stdin=subprocess.DEVNULL,
    ).stdout
    start = dom.index("data-rows=") + len("data-rows=") + 1
    end = dom.index('"', start)
    rows: list[list[list[int]]] = json.loads(dom[start:end].replace("&quot;", '"'))
    return rows


@pytest.mark.parametrize("width", [375, 600])
def test_receipt_rows_and_header_share_columns(
    example_project: Path, tmp_path: Path, width: int
) -> None:
    chromium = _chromium()
    config = load_config(example_project)
    report = build_project(config, ["order-receipt"])
    assert report.failures == []
    built = report.built[0]
    for sample in built.source.samples:
        data: dict[str, Any] = json.loads(sample.read_text(encoding="utf-8"))
        rows = _rows(chromium, handlebars.render(built.html, data), width, tmp_path)
        header, items = rows[0], rows[1 : 1 + len(data["items"])]
        assert len(header) == 3
        for row in rows:
            assert len({top for _, top, _, _ in row}) == 1, (sample.name, width, row)
            assert row[-1][2] == header[-1][2], (sample.name, width, row)  # same right edge
        for row in items:
            # Each item row is the header's three columns, left edges aligned.
            assert [cell[0] for cell in row] == [cell[0] for cell in header], (sample.name, row)
