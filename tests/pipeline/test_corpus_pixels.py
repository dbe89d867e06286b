"""The shared MJML corpus in headless Chromium: the build looks exactly like the compiler's own
output, at 600 and 375 px, pixel for pixel.

The compiler's output is mrml's, read through the MJML stage only (`compile_mjml`): its Rust
debug escaping undone and `alt=""` added, as mjml writes them. Raw mrml output is not a fair
reference: a `style` attribute written over several lines comes out as `\n letter-spacing:…`,
which a browser drops (ugg-royale's links and footer). What the later stages do (shielding,
inlining only `mj-style inline="inline"`, the guards, restoring) must add no pixel difference.
Both documents get the
same stand-in image for every `<img>` (there is no network, and a broken image without alt
draws an icon where one with mrml's missing alt draws nothing), and web fonts fail to load on
both sides alike.

A normal run takes a representative subset (the templates our stages once broke, every
corpus file with `mj-style inline`, and one per component family), about a third of the
corpus; SESTEMPLATES_CORPUS_ALL=1 takes all of it.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sestemplates.config import load_config
from sestemplates.pipeline.inline import ENGINES
from sestemplates.pipeline.mjml import compile_mjml
from sestemplates.pipeline.pipeline import build_template
from sestemplates.project import discover
from tests.needs import chromium, unavailable

pytestmark = pytest.mark.browser

CHROMEDRIVER = Path("/usr/bin/chromedriver")
WIDTHS = (600, 375)
SUBSET = {
    "mrml-compare/mj-accordion",
    "mrml-compare/mj-style",
    "email-templates/loyalty-client",
    "email-templates/austin",
    "email-templates/reactivation-email",
    "email-templates/referral-email",
    "email-templates/ticketshop",
    "email-templates/ugg-royale",
    "email-templates/worldly",
    "mrml-compare/mj-carousel",
    "mrml-compare/mj-social",
    "mrml-compare/mj-navbar",
    "mrml-compare/mj-hero",
    "mrml-template/air-astana",
}
# A 1×1 grey PNG standing in for every image.
STAND_IN = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCB"
    "d81ytgAAAABJRU5ErkJggg=="
)
_IMG_SRC_RE = re.compile(r"(<img\b[^>]*?\ssrc=)(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE)
# Counts the pixels that differ between two PNG data URLs, in the browser's own decoder.
DIFF_JS = """
var done = arguments[arguments.length - 1];
function load(src) { return new Promise(function (ok) {
  var img = new Image(); img.onload = function () { ok(img); }; img.src = src; }); }
Promise.all([load(arguments[0]), load(arguments[1])]).then(function (imgs) {
  var a = imgs[0], b = imgs[1];
  if (a.width !== b.width || a.height !== b.height) {
    done('size ' + a.width + 'x' + a.height + ' vs ' + b.width + 'x' + b.height); return; }
  function data(img) { var c = document.createElement('canvas'); c.width = img.width;
    c.height = img.height; var x = c.getContext('2d'); x.drawImage(img, 0, 0);
    return x.getImageData(0, 0, img.width, img.height).data; }
  var p = data(a), q = data(b), n = 0;
  for (var i = 0; i < p.length; i += 4) {
    if (p[i] !== q[i] || p[i+1] !== q[i+1] || p[i+2] !== q[i+2] || p[i+3] !== q[i+3]) n++; }
  done(n);
});
"""


def corpus(shared: Path) -> list[Path]:
    files = sorted(
        p for p in (shared / "mjml-corpus").glob("*/*.mjml") if p.parent.name != "include"
    )
    if os.environ.get("SESTEMPLATES_CORPUS_ALL"):
        return files
    return [p for p in files if f"{p.parent.name}/{p.stem}" in SUBSET]


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    binary = chromium()
    if not CHROMEDRIVER.exists():
        unavailable("chromium-driver not installed (apt-get install chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync",
        "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # web fonts fail at once, on both sides
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    web = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    web.set_script_timeout(60)
    try:
        yield web
    finally:
        web.quit()


def screenshot(web: Any, page: Path, width: int) -> str:
    """A PNG data URL of the whole page laid out `width` CSS pixels wide."""
    metrics = {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": False}
    web.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    web.get(page.as_uri())
    height = int(web.execute_script("return document.documentElement.scrollHeight"))
    web.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": height})
    shot = web.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    return "data:image/png;base64," + str(shot["data"])


def stand_in_images(html: str) -> str:
    return _IMG_SRC_RE.sub(lambda m: f'{m[1]}"{STAND_IN}"', html)


def built(root: Path, source: str, engine: str = "premailer") -> str:
    folder = root / "templates" / "t"
    folder.mkdir(parents=True, exist_ok=True)
    (root / "sestemplates.toml").write_text(f'[build]\ninliner = "{engine}"\n')
    (folder / "subject.txt").write_text("x\n", encoding="utf-8")
    # Some corpus files use `[[VAR]]` placeholders of their own: keep Jinja off them.
    (folder / "html.mjml").write_text("{% raw %}" + source + "{% endraw %}", encoding="utf-8")
    config = load_config(root)
    result = build_template(config, discover(config).templates[0])
    assert result.built is not None, [d.message for d in result.failures]
    return result.built.html


@pytest.mark.parametrize("engine", ENGINES)
def test_the_build_adds_no_pixel_difference_to_the_compiler(
    shared_dir: Path, driver: Any, tmp_path: Path, engine: str
) -> None:
    files = corpus(shared_dir)
    assert files, "no corpus files selected"
    differences: list[str] = []
    for path in files:
        source = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        compiler = tmp_path / "compiler.html"
        ours = tmp_path / "ours.html"
        compiler.write_text(stand_in_images(compile_mjml(source, file=path.name)), encoding="utf-8")
        page = built(tmp_path / "project", source, engine)
        ours.write_text(stand_in_images(page), encoding="utf-8")
        for width in WIDTHS:
            a, b = screenshot(driver, compiler, width), screenshot(driver, ours, width)
            if a == b:
                continue
            n = driver.execute_async_script(DIFF_JS, a, b)
            if n != 0:
                differences.append(f"{path.parent.name}/{path.stem} at {width}px: {n} pixels")
                (tmp_path / f"{path.stem}-{width}-compiler.png").write_bytes(
                    base64.b64decode(a.split(",", 1)[1])
                )
                (tmp_path / f"{path.stem}-{width}-ours.png").write_bytes(
                    base64.b64decode(b.split(",", 1)[1])
                )
    assert differences == [], f"screenshots kept in {tmp_path}"
