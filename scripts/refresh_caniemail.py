"""Refresh the caniemail snapshot in sestemplates/lint/data/ (by hand, never at run time).

    python scripts/refresh_caniemail.py [VERSION]

Fetches the npm package `caniemail` (MIT) with `npm pack`, and writes a trimmed snapshot:
per feature only what the lint matches on (element, attribute, CSS property/value/function/
unit/at-rule, derived from caniemail's titles as its own JS checks do) and, per client, the
support of its newest tested version when that is not full support. The licence notice is
copied next to it. Features the lint cannot match on a source (selectors, image formats, AMP,
comments…) are left out.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

DEFAULT_VERSION = "2.0.2"
DATA_DIR = Path(__file__).resolve().parent.parent / "sestemplates" / "lint" / "data"

# Titles that are not a plain name: caniemail's JS package keeps the same kind of table.
CSS_TITLES: dict[str, dict[str, Any]] = {
    "block-size & inline-size": {"kind": "property", "names": ["block-size", "inline-size"]},
    "color-scheme CSS property": {"kind": "property", "names": ["color-scheme"]},
    "font shorthand": {"kind": "property", "names": ["font"]},
    "!important keyword": {"kind": "important", "names": ["!important"]},
    "CSS Variables (Custom Properties)": {"kind": "function", "names": ["var"]},
    "CSS calc() function": {"kind": "function", "names": ["calc"]},
    "lch(), oklch(), lab(), oklab()": {
        "kind": "function", "names": ["lch", "oklch", "lab", "oklab"]
    },
    "left, right, top, bottom": {"kind": "property", "names": ["left", "right", "top", "bottom"]},
    "fit-content, min-content, max-content": {
        "kind": "keyword", "names": ["fit-content", "min-content", "max-content"]
    },
    "system-ui, ui-serif, ui-sans-serif, ui-rounded, ui-monospace": {
        "kind": "keyword",
        "names": ["system-ui", "ui-serif", "ui-sans-serif", "ui-rounded", "ui-monospace"],
    },
    "gap, column-gap, row-gap": {"kind": "property", "names": ["gap", "column-gap", "row-gap"]},
    "% unit": {"kind": "unit", "names": ["%"]},
    "lang()": {"kind": "pseudo", "names": ["lang"]},
}
# Titles whose keywords list the longhands they cover.
CSS_KEYWORD_LONGHANDS = {"border", "margin", "inset", "overflow"}
HTML_TITLES: dict[str, dict[str, Any]] = {
    "<h1> to <h6> elements": {"kind": "element", "names": ["h1", "h2", "h3", "h4", "h5", "h6"]},
    "<ul>, <ol> and <dl>": {"kind": "element", "names": ["ul", "ol", "dl"]},
    "srcset and sizes attributes": {"kind": "attribute", "names": ["srcset", "sizes"]},
    "<base>": {"kind": "element", "names": ["base"]},
    "address": {"kind": "element", "names": ["address"]},
    "Embedded <svg> image": {"kind": "element", "names": ["svg"]},
    "Image maps": {"kind": "element", "names": ["map", "area"]},
    "HTML5 semantics": {
        "kind": "element",
        "names": [
            "article", "aside", "details", "figcaption", "figure", "footer", "header", "main",
            "mark", "nav", "section", "summary", "time",
        ],
    },
}


def matcher(feature: dict[str, Any]) -> dict[str, Any] | None:
    """What a source must contain to use the feature; None when the lint does not look."""
    title: str = feature["title"].strip()
    if feature["category"] == "css":
        if title in CSS_TITLES:
            return CSS_TITLES[title]
        if m := re.fullmatch(r"([a-z-]+)\s*:\s*([a-z-]+)", title):
            return {"kind": "value", "names": [m[1]], "value": m[2]}
        if m := re.fullmatch(r"@([a-z-]+)", title):
            return {"kind": "at-rule", "names": [m[1]]}
        if title.startswith("@media ("):
            return {"kind": "media-feature", "names": re.findall(r"\(([-a-z]+)\)", title)}
        if m := re.fullmatch(r"([a-z-]+)\(\)", title):
            return {"kind": "function", "names": [m[1]]}
        if m := re.fullmatch(r"([a-z]+) unit", title):
            return {"kind": "unit", "names": [m[1]]}
        if m := re.fullmatch(r"::?([a-z-]+)(\(\))?", title):
            return {"kind": "pseudo", "names": [m[1]]}
        if m := re.fullmatch(r"([a-z-]+)( property)?", title):
            names = [m[1]]
            if m[1] in CSS_KEYWORD_LONGHANDS and feature.get("keywords"):
                names += [k.strip() for k in feature["keywords"].split(",") if k.strip()]
            return {"kind": "property", "names": sorted(set(names))}
        if feature["slug"].startswith(("css-border-", "css-margin-", "css-padding-")) and (
            feature.get("keywords")
        ):
            names = [k.strip() for k in feature["keywords"].split(",") if "-" in k]
            return {"kind": "property", "names": names}
        return None
    if feature["category"] == "html":
        if title in HTML_TITLES:
            return HTML_TITLES[title]
        if m := re.fullmatch(r'<([a-z0-9]+) type="([a-z]+)"> element', title):
            return {"kind": "element-type", "names": [m[1]], "value": m[2]}
        if m := re.fullmatch(r"<([a-z0-9]+)> element", title):
            if m[1] in ("body", "style"):
                return None  # written by every document and by the build itself
            return {"kind": "element", "names": [m[1]]}
        if m := re.fullmatch(r"([a-z-]+) attribute", title):
            return {"kind": "attribute", "names": [m[1]]}
    return None


def latest(stats: dict[str, str]) -> str:
    # caniemail's own rule: the newest tested version (sorted keys) decides.
    return stats[sorted(stats)[-1]]


def trim(raw: dict[str, Any], version: str) -> dict[str, Any]:
    nice = raw["nicenames"]
    clients: dict[str, str] = {}
    features = []
    for feature in raw["data"]:
        match = matcher(feature)
        if match is None:
            continue
        support: dict[str, str] = {}
        for family, platforms in feature["stats"].items():
            for platform, stats in platforms.items():
                client = f"{family}.{platform}"
                clients[client] = (
                    f"{nice['family'].get(family, family)} "
                    f"{nice['platform'].get(platform, platform)}"
                )
                status = latest(stats).strip()
                if status[:1] in ("a", "n"):
                    support[client] = status
        if not support:
            continue  # fully supported everywhere: nothing to warn about
        features.append(
            {
                "slug": feature["slug"],
                "title": feature["title"].strip(),
                "url": feature["url"],
                **match,
                # Only the status letter: check reads this file on every commit.
                "support": {c: status[0] for c, status in support.items()},
            }
        )
    return {
        "package": "caniemail",
        "version": version,
        "last_update_date": raw.get("last_update_date"),
        "licence": "MIT, see LICENSE-caniemail.txt",
        "clients": dict(sorted(clients.items())),
        "features": features,
    }


def main(version: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", f"caniemail@{version}", "--pack-destination", tmp],
            check=True, capture_output=True,
        )
        tarball = next(Path(tmp).glob("caniemail-*.tgz"))
        with tarfile.open(tarball) as tar:
            raw = json.load(tar.extractfile("package/data/caniemail.json"))  # type: ignore[arg-type]
            licence = tar.extractfile("package/LICENSE").read().decode()  # type: ignore[union-attr]
    snapshot = trim(raw, version)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    (DATA_DIR / "caniemail.json").write_text(
        json.dumps(snapshot, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    (DATA_DIR / "LICENSE-caniemail.txt").write_text(
        "The data in caniemail.json is derived from the npm package caniemail "
        f"{version} (https://www.caniemail.com, https://github.com/shellscape/caniemail).\n\n"
        + licence,
        encoding="utf-8",
    )
    print(f"caniemail {version}: {len(snapshot['features'])} features, "
          f"{len(snapshot['clients'])} clients")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_VERSION)
