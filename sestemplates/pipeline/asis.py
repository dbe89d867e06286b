"""The as-is build (template.toml `as_is = true`): the parts go out exactly as written.

Templates adopted from SES (`pull`, `import`) hold final HTML: already inlined, with conditional
comments, entities, CRLF line endings and text that only looks like Jinja. Every HTML library
and Jinja itself would change some of those bytes, so none of them runs; only the Handlebars
syntax check does, and `check` still tests the tags against the samples.
"""

from __future__ import annotations

from pathlib import Path

from sestemplates.config import Config
from sestemplates.errors import SesTemplatesError
from sestemplates.fsutil import read_text, resolves_inside
from sestemplates.pipeline import syntax
from sestemplates.pipeline.model import BuiltTemplate
from sestemplates.pipeline.output import output_paths
from sestemplates.project import TemplateSource


def build_as_is(config: Config, source: TemplateSource) -> BuiltTemplate:
    subject = _read(config, source.subject)
    html = _read(config, source.html) if source.html.is_file() else ""
    text = _read(config, source.text) if source.text is not None else ""
    if not html and not text:
        raise SesTemplatesError(
            "the HTML part is empty and there is no text part", file=config.display(source.html)
        )
    for path, part in ((source.subject, subject), (source.html, html), (source.text, text)):
        if path is not None and part:
            syntax.check(part, path, [], config.display)
    return BuiltTemplate(
        name=source.name,
        source=source,
        subject=subject,
        html=html,
        text=text,
        json_path=output_paths(config.build_dir, source.name)[0],
        dependencies=(),
    )


def _read(config: Config, path: Path) -> str:
    if not resolves_inside(path, config.templates_dir):
        # As for Jinja's loader: a link out of templates/ would put any file into build/.
        raise SesTemplatesError(
            f"resolves to {path.resolve()}, outside the templates directory "
            f"{config.display(config.templates_dir)}/: refused",
            file=config.display(path),
        )
    try:
        return read_text(path, display=config.display(path), keep_bom=True)
    except OSError as exc:
        raise SesTemplatesError(f"cannot read: {exc.strerror}", file=config.display(path)) from None
