"""Stage 8: write build/<TemplateName>.schema.json, the template's TemplateData contract.

Derived from the built parts with the same parser and analysis check uses (sestemplates.contract);
each property's description names the source file:line of the tags that use it. Written
atomically and only when changed, like the other outputs.
"""

from __future__ import annotations

import json
from typing import Any

from sestemplates.config import Config
from sestemplates.fsutil import write_atomic
from sestemplates.pipeline.model import BuiltTemplate
from sestemplates.pipeline.output import schema_path


def template_schema(config: Config, built: BuiltTemplate) -> dict[str, Any]:
    """The JSON Schema of one built template (raises HandlebarsError if a part won't parse)."""
    from sestemplates.checks.locate import Locator
    from sestemplates.contract import Site, derive, to_schema
    from sestemplates.handlebars import parse

    parts = {"subject": built.subject, "html": built.html, "text": built.text}
    programs = {part: parse(text) for part, text in parts.items() if text}
    locator = Locator(config, built)

    def where(site: Site) -> str:
        found = locator.locate(site.part, site.line, site.column, site.tag)
        return f"{found.file}:{found.line}" if found.line else found.file

    return to_schema(derive(programs), title=built.name, where=where)


def write_schema(config: Config, built: BuiltTemplate) -> bool:
    """Write the schema; True when the file changed. When a part does not parse (check
    reports why), the schema accepts no data at all: an application validating against it
    fails loudly instead of sending emails SES would reject."""
    from sestemplates.contract.schema import DIALECT
    from sestemplates.handlebars import HandlebarsError

    path = schema_path(config.build_dir, built.name)
    try:
        schema = template_schema(config, built)
    except HandlebarsError as exc:
        schema = {
            "$schema": DIALECT,
            "title": built.name,
            "description": f"no contract: the template's Handlebars does not parse ({exc})",
            "not": {},
        }
    data = (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True


def built_one(config: Config, name: str) -> BuiltTemplate:
    """Build (incrementally) one template by directory name or TemplateName."""
    from sestemplates.errors import SesTemplatesError
    from sestemplates.pipeline import build_project

    report = build_project(config, [name])
    if report.failures:
        raise SesTemplatesError(
            f"{name} does not build, so it has no contract; first: {report.failures[0].one_line()}"
        )
    return report.built[0]


def schema_text(config: Config, name: str) -> str:
    """`sestemplates schema NAME`: build/<TemplateName>.schema.json, as the build wrote it."""
    from sestemplates.errors import SesTemplatesError

    built = built_one(config, name)
    path = schema_path(config.build_dir, built.name)
    if not path.is_file():
        write_schema(config, built)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SesTemplatesError(
            f"cannot read the schema: {exc.strerror}", file=config.display(path)
        ) from None
