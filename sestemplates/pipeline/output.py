"""Stage 7: write build/<TemplateName>.json (CreateEmailTemplate input) plus .html and .txt.

The JSON is exactly what `aws sesv2 create-email-template --cli-input-json file://…` and
boto3's `create_email_template(**json)` accept. Files are written atomically and only when
their content changed, so an unchanged template keeps its files' mtimes.

A template that fails has its previous outputs removed: a stale build/ file must never be
mistaken for the current state of its source (e.g. by `sync`).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from sestemplates.fsutil import remove_file, write_atomic

SUFFIXES = (".json", ".html", ".txt")


def output_paths(build_dir: Path, name: str) -> tuple[Path, Path, Path]:
    return (build_dir / f"{name}.json", build_dir / f"{name}.html", build_dir / f"{name}.txt")


def template_json(name: str, subject: str, html: str, text: str) -> str:
    document = {
        "TemplateName": name,
        "TemplateContent": {"Subject": subject, "Html": html, "Text": text},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_outputs(build_dir: Path, name: str, subject: str, html: str, text: str) -> bool:
    """Write the three files; True when any of them changed."""
    json_path, html_path, text_path = output_paths(build_dir, name)
    changed = False
    for path, content in (
        (json_path, template_json(name, subject, html, text)),
        (html_path, html),
        (text_path, text),
    ):
        data = content.encode("utf-8")
        try:
            if path.read_bytes() == data:
                continue
        except OSError:
            pass
        write_atomic(path, data)
        changed = True
    return changed


def remove_outputs(build_dir: Path, name: str) -> None:
    for path in output_paths(build_dir, name):
        remove_file(path)


def read_outputs(build_dir: Path, name: str) -> tuple[str, str, str] | None:
    """(subject, html, text) from the JSON, or None when absent or unreadable."""
    return read_json(output_paths(build_dir, name)[0])


def read_json(json_path: Path) -> tuple[str, str, str] | None:
    """(subject, html, text) from a build/<TemplateName>.json, or None when absent or unreadable."""
    try:
        with open(json_path, encoding="utf-8") as fh:
            document = json.load(fh)
        content = document["TemplateContent"]
        return str(content["Subject"]), str(content["Html"]), str(content["Text"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


# (size, st_mtime_ns) of the .json, .html and .txt files, in that order.
OutputStats = tuple[tuple[int, int], tuple[int, int], tuple[int, int]]


def output_stats(build_dir: Path, name: str) -> OutputStats | None:
    """What the three output files look like on disk, or None when one is not a regular file.

    The cache records this after writing, so a later run can tell that the files are still the
    ones it wrote without reading them (string paths: this runs for every template of a no-op
    build)."""
    base = os.path.join(build_dir, name)
    found: list[tuple[int, int]] = []
    for suffix in SUFFIXES:
        try:
            st = os.stat(base + suffix)
        except (OSError, ValueError):
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        found.append((st.st_size, st.st_mtime_ns))
    return found[0], found[1], found[2]
