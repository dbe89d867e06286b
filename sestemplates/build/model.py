"""The records the build hands to everything else (light: no stage imports)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sestemplates.diagnostics import Diagnostic
from sestemplates.project import TemplateSource


@dataclass(frozen=True)
class BuiltTemplate:
    name: str  # the SES TemplateName
    source: TemplateSource
    subject: str
    html: str
    text: str
    json_path: Path  # build/<TemplateName>.json
    dependencies: tuple[Path, ...]  # every layout/partial/include file the template used


@dataclass(frozen=True)
class Result:
    """One template's build: built, or the reasons it failed."""

    source: TemplateSource
    built: BuiltTemplate | None
    failures: tuple[Diagnostic, ...]
    dependencies: tuple[Path, ...]
