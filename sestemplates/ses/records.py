"""The template shape the SES layer works on, independent of how it was built."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

PARTS = ("subject", "html", "text")


class BuiltLike(Protocol):
    """What sync/diff/parity/send need from a built template (BuiltTemplate satisfies it)."""

    @property
    def name(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def html(self) -> str: ...
    @property
    def text(self) -> str | None: ...


@dataclass(frozen=True)
class Content:
    """One template's three parts; a missing part is the empty string."""

    name: str
    subject: str
    html: str
    text: str

    @classmethod
    def of(cls, built: BuiltLike) -> Content:
        return cls(built.name, built.subject or "", built.html or "", built.text or "")

    @classmethod
    def from_ses(cls, name: str, content: dict[str, Any]) -> Content:
        return cls(
            name,
            str(content.get("Subject") or ""),
            str(content.get("Html") or ""),
            str(content.get("Text") or ""),
        )

    def part(self, part: str) -> str:
        value: str = getattr(self, part)
        return value

    def digest(self) -> str:
        """sha256 of the three parts: what the state manifest records per template."""
        import hashlib
        import json

        raw = json.dumps([self.subject, self.html, self.text], ensure_ascii=False)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def to_ses(self) -> dict[str, str]:
        """TemplateContent for Create/UpdateEmailTemplate; empty parts are left out."""
        out = {"Subject": self.subject}
        if self.html:
            out["Html"] = self.html
        if self.text:
            out["Text"] = self.text
        return out


@dataclass(frozen=True)
class Target:
    """A template to work on remotely, with its sample files (for parity, send, smoke)."""

    content: Content
    samples: tuple[Path, ...] = ()
    source_file: str | None = None  # the template directory as users see it
