"""The preview's lint panel: the send-readiness warnings of one template × sample, each linked
to a read-only view of its source file at the line.

Source files are addressed by their index in the template's own list of sources (its Html
file, then the layouts/partials it used), never by a path from the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sestemplates.checks.samples import Sample
    from sestemplates.preview.state import Snapshot


@dataclass(frozen=True)
class LintRow:
    code: str
    message: str
    where: str  # file:line as shown
    href: str | None  # the source view at the line, when the file is one of the sources


@dataclass(frozen=True)
class SourceView:
    display: str
    lines: list[str]


def _sources(snapshot: Snapshot, dir_name: str) -> list[Path]:
    from sestemplates.lint import source_files

    built = snapshot.built.get(dir_name)
    return source_files(built) if built is not None else []


def lint_rows(snapshot: Snapshot, dir_name: str, sample: Path | None) -> list[LintRow]:
    """The lint of the template rendered with that one sample (links) and of its sources."""
    from urllib.parse import quote

    from sestemplates.checks.samples import load_samples
    from sestemplates.errors import format_location
    from sestemplates.lint import lint_template

    built = snapshot.built.get(dir_name)
    config = snapshot.config
    if built is None or config is None:
        return []
    samples: list[Sample] = []
    if sample is not None:
        samples, _ = load_samples((sample,), {sample: config.display(sample)}, built.name)
    shown = {config.display(p): i for i, p in enumerate(_sources(snapshot, dir_name))}
    rows = []
    found = lint_template(config, built, samples)
    for d in sorted(found, key=lambda d: (d.file or "", d.line or 0)):
        index = shown.get(d.file or "")
        href = None
        if index is not None:
            href = f"/source/{quote(dir_name)}/{index}" + (f"#L{d.line}" if d.line else "")
        where = format_location(d.file, d.line, d.column).removesuffix(": ")
        rows.append(LintRow(d.code, d.message, where, href))
    return rows


def source_view(snapshot: Snapshot, dir_name: str, index: int) -> SourceView | None:
    sources = _sources(snapshot, dir_name)
    config = snapshot.config
    if config is None or not 0 <= index < len(sources):
        return None
    path = sources[index]
    boundary = config.templates_dir.resolve()
    if boundary not in path.resolve().parents:
        return None  # only files inside the templates directory are served
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return SourceView(config.display(path), text.splitlines())
