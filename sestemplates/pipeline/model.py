"""The records the build hands to everything else (light: no stage imports)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sestemplates.diagnostics import Diagnostic
from sestemplates.errors import SesTemplatesError
from sestemplates.pipeline.output import read_json
from sestemplates.project import TemplateSource


class BuiltTemplate:
    """One built template: its three parts and where they were written.

    Built in this run, it holds its parts. Found up to date by the cache
    (`BuiltTemplate.stored`), it reads them from build/<TemplateName>.json the first time
    `subject`, `html` or `text` is used: a no-op `build` never parses 200 JSON files that
    nobody looks at, while `check`/`sync` get the same strings as before.

    A plain class rather than a dataclass only for that lazy read; it compares and prints
    like the frozen dataclass it replaces.
    """

    __slots__ = ("_parts", "dependencies", "json_path", "name", "source")

    def __init__(
        self,
        name: str,  # the SES TemplateName
        source: TemplateSource,
        subject: str,
        html: str,
        text: str,
        json_path: Path,  # build/<TemplateName>.json
        dependencies: tuple[Path, ...],  # every layout/partial/include file the template used
    ) -> None:
        self.name = name
        self.source = source
        self.json_path = json_path
        self.dependencies = dependencies
        self._parts: tuple[str, str, str] | None = (subject, html, text)

    @classmethod
    def stored(
        cls, name: str, source: TemplateSource, json_path: Path, dependencies: tuple[Path, ...]
    ) -> BuiltTemplate:
        """A template whose parts are read from `json_path` when first used."""
        built = cls(name, source, "", "", "", json_path, dependencies)
        built._parts = None
        return built

    def _load(self) -> tuple[str, str, str]:
        if self._parts is None:
            parts = read_json(self.json_path)
            if parts is None:
                # The build checked this file a moment ago: it was changed or removed since.
                raise SesTemplatesError(
                    "build output changed or unreadable: run 'sestemplates build' again",
                    file=str(self.json_path),
                )
            self._parts = parts
        return self._parts

    @property
    def subject(self) -> str:
        return self._load()[0]

    @property
    def html(self) -> str:
        return self._load()[1]

    @property
    def text(self) -> str:
        return self._load()[2]

    def _fields(self) -> tuple[object, ...]:
        return (self.name, self.source, *self._load(), self.json_path, self.dependencies)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BuiltTemplate):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash((self.name, self.json_path))

    def __repr__(self) -> str:
        loaded = "" if self._parts is not None else " (parts not read yet)"
        return f"BuiltTemplate(name={self.name!r}, json_path={self.json_path!r}{loaded})"


@dataclass(frozen=True)
class Result:
    """One template's build: built, or the reasons it failed."""

    source: TemplateSource
    built: BuiltTemplate | None
    failures: tuple[Diagnostic, ...]
    dependencies: tuple[Path, ...]
