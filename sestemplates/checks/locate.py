"""Map a Handlebars tag in a built part back to the source file and line it came from.

The build (Jinja layouts, MJML, inlining) moves tags around but keeps each tag byte-for-byte
(the build's tag guard proves it), so the exact tag text can be searched for in the sources:
first the template's own file for that part, then the layouts/partials it used. When a tag
text occurs several times, the k-th occurrence in the built part is taken to be the k-th in the
first source file that holds exactly as many (otherwise the closest one in the first file that
holds it at all). A tag found nowhere (made by a Jinja expression, say) is reported in the
built part, with a note saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sestemplates.config import Config
    from sestemplates.pipeline import BuiltTemplate

PARTS = ("subject", "html", "text")
PART_TITLES = {"subject": "Subject", "html": "Html", "text": "Text"}


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None
    column: int | None
    note: str = ""  # set when the location is in the built output, not a source file


def offset_of(text: str, line: int, column: int) -> int:
    """Offset of a 1-based line/column in text (clamped to the text)."""
    offset = 0
    for _ in range(line - 1):
        nl = text.find("\n", offset)
        if nl < 0:
            return len(text)
        offset = nl + 1
    return min(offset + max(column - 1, 0), len(text))


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def tag_at(text: str, offset: int) -> str | None:
    """The whole `{{…}}` tag starting at offset (`{{{…}}}` and `{{!-- … --}}` included)."""
    if not text.startswith("{{", offset):
        return None
    if text.startswith("{{!--", offset):
        end = text.find("--}}", offset)
        return None if end < 0 else text[offset : end + 4]
    closer = "}}}" if text.startswith("{{{", offset) else "}}"
    end = text.find(closer, offset + 2)
    return None if end < 0 else text[offset : end + len(closer)]


def _occurrences(text: str, tag: str) -> list[int]:
    hits, start = [], text.find(tag)
    while start >= 0:
        hits.append(start)
        start = text.find(tag, start + 1)
    return hits


@dataclass
class Locator:
    """Locates tags of one built template; caches the source files it reads."""

    config: Config
    built: BuiltTemplate
    _texts: dict[Path, str] = field(default_factory=dict)

    def part_text(self, part: str) -> str:
        text = getattr(self.built, part)
        assert isinstance(text, str)
        return text

    def candidates(self, part: str) -> list[Path]:
        source = self.built.source
        own = {
            "subject": source.subject,
            "html": source.html,
            # A derived text part comes from the HTML source.
            "text": source.text or source.html,
        }[part]
        rest = [p for p in (source.subject, source.html, source.text) if p and p != own]
        return [own, *self.built.dependencies, *rest]

    def _read(self, path: Path) -> str:
        if path not in self._texts:
            try:
                self._texts[path] = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                self._texts[path] = ""
        return self._texts[path]

    def locate(self, part: str, line: int | None, column: int | None, tag: str | None) -> Location:
        """Source location of the tag at line/column of the built part."""
        built = self.part_text(part)
        offset = offset_of(built, line or 1, column or 1)
        exact = tag_at(built, offset)
        wanted = exact or (tag if tag and tag.startswith("{{") else None)
        if wanted:
            nth = built.count(wanted, 0, offset) if exact else 0
            total = max(built.count(wanted), 1)
            found = self._find(part, wanted, nth, total)
            if found:
                return found
            if part == "text" and self.built.source.text is None:
                # A derived Text part's tags come from the built Html: report them there, so
                # the one problem is not reported twice.
                hits = _occurrences(self.built.html, wanted)
                if hits:
                    html_line, html_col = line_col(self.built.html, hits[min(nth, len(hits) - 1)])
                    return self.built_location("html", html_line, html_col)
        return self.built_location(part, line, column)

    def _find(self, part: str, tag: str, nth: int, total: int) -> Location | None:
        holders: list[tuple[Path, list[int]]] = []
        for path in self.candidates(part):
            hits = _occurrences(self._read(path), tag)
            if hits:
                holders.append((path, hits))
        if not holders:
            return None
        path, hits = next(((p, h) for p, h in holders if len(h) == total), holders[0])
        line, col = line_col(self._read(path), hits[min(nth, len(hits) - 1)])
        return Location(self.config.display(path), line, col)

    def built_location(self, part: str, line: int | None, column: int | None) -> Location:
        """A position in the built output (build/<Name>.html/.txt, or the .json for Subject)."""
        json_path = self.built.json_path
        path = {"html": json_path.with_suffix(".html"), "text": json_path.with_suffix(".txt")}.get(
            part, json_path
        )
        if not path.is_file():
            path = json_path
        note = f" (in the built {PART_TITLES[part]} part; the tag is not in the sources as is)"
        if path == json_path:
            # A line/column inside one JSON string value would point nowhere useful.
            where = f" at {line}:{column}" if line else ""
            note = f" (in the built {PART_TITLES[part]} part{where}; the tag is not in the sources)"
            return Location(self.config.display(path), None, None, note)
        return Location(self.config.display(path), line, column, note)
