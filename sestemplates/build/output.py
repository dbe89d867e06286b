"""Stage 7: write build/<TemplateName>.json (CreateEmailTemplate input) plus .html and .txt.

The JSON is exactly what `aws sesv2 create-email-template --cli-input-json file://…` and
boto3's `create_email_template(**json)` accept. Files are written atomically and only when
their content changed, so an unchanged template keeps its files' mtimes.

A template that fails has its previous outputs removed: a stale build/ file must never be
mistaken for the current state of its source (e.g. by `sync`).
"""

from __future__ import annotations

import json
from pathlib import Path

from sestemplates.fsutil import write_atomic

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
        path.unlink(missing_ok=True)


def read_outputs(build_dir: Path, name: str) -> tuple[str, str, str] | None:
    """(subject, html, text) from the JSON, or None when absent or unreadable."""
    try:
        document = json.loads(output_paths(build_dir, name)[0].read_text(encoding="utf-8"))
        content = document["TemplateContent"]
        return str(content["Subject"]), str(content["Html"]), str(content["Text"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
