"""HTML for the preview's own pages, from Jinja templates in page_templates/ (autoescaped).

These are the tool's pages, not the user's emails, so Jinja's default delimiters are fine here.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

if TYPE_CHECKING:
    from sestemplates.preview.app import Frame, IndexPage, PageExtras, TemplatePage
    from sestemplates.preview.lint_panel import SourceView
    from sestemplates.preview.send import SendOutcome


class Pages:
    """The page templates, loaded once per app."""

    def __init__(self) -> None:
        self._env = Environment(
            loader=PackageLoader("sestemplates.preview", "page_templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        # The CSRF token of the test-send form, new for every run (one Pages per app): a page
        # from an earlier run, or another site, cannot send.
        self.csrf = secrets.token_urlsafe(32)

    def index(self, page: IndexPage) -> str:
        return self._env.get_template("index.html").render(page=page)

    def template(self, page: TemplatePage, extras: PageExtras | None = None) -> str:
        return self._env.get_template("template.html").render(page=page, extras=extras)

    def source(self, view: SourceView, version: str) -> str:
        page = {"version": version, "fatal": None}
        return self._env.get_template("source.html").render(page=page, view=view)

    def send_result(self, outcome: SendOutcome, back: str, version: str) -> str:
        page = {"version": version, "fatal": None}
        return self._env.get_template("send_result.html").render(
            page=page, outcome=outcome, back=back
        )

    def frame_error(self, frame: Frame) -> str:
        return self._env.get_template("frame_error.html").render(frame=frame)

    def not_found(self, version: str, fatal: str | None) -> str:
        page = {"version": version, "fatal": fatal}
        return self._env.get_template("not_found.html").render(page=page)
