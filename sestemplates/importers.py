"""`sestemplates import FILE...`: SES template JSON as teams keep it → template directories.

Accepted shapes (and a JSON array of any of them):
  v1 CreateTemplate input   {"Template": {"TemplateName", "SubjectPart", "HtmlPart", "TextPart"}}
  the bare v1 object        {"TemplateName", "SubjectPart", "HtmlPart", "TextPart"}
  v2 CreateEmailTemplate    {"TemplateName", "TemplateContent": {"Subject", "Html", "Text"}}
Unknown keys are errors, not ignored: `"HTMLPart"` must not silently drop the HTML.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

from sestemplates.adopt import Adopted, AdoptReport, Staging, check_targets, dir_name_for
from sestemplates.config import Config
from sestemplates.errors import SesTemplatesError
from sestemplates.fsutil import read_text

_V1 = {"SubjectPart": "Subject", "HtmlPart": "Html", "TextPart": "Text"}
_V2 = ("Subject", "Html", "Text")
_SHAPES = (
    'expected {"Template": {...}}, an object with TemplateName and SubjectPart/HtmlPart/TextPart, '
    "one with TemplateName and TemplateContent, or a list of these"
)


@dataclass(frozen=True)
class _Found:
    template_name: str
    parts: dict[str, str]  # Subject/Html/Text as in the file ("" when absent)
    where: str  # "file" or "file: item 3", for messages


def import_files(config: Config, files: list[Path], *, force: bool = False) -> AdoptReport:
    """Read every file first (all or nothing), then write one directory per template."""
    found: list[_Found] = []
    for path in files:
        found += read_templates(path, config.display(path))
    seen: dict[str, str] = {}
    adopted: list[Adopted] = []
    for item in found:
        try:
            dir_name = dir_name_for(config, item.template_name)
        except SesTemplatesError as exc:
            raise SesTemplatesError(f"{item.where}: {exc.message}") from None
        if dir_name in seen:
            raise SesTemplatesError(
                f"{item.where}: template {item.template_name!r} is also in {seen[dir_name]}"
            )
        seen[dir_name] = item.where
        parts = item.parts
        adopted.append(Adopted(dir_name, parts["Subject"], parts["Html"], parts["Text"]))
    check_targets(config, [a.dir_name for a in adopted], force=force)
    with Staging(config, force=force) as staging:
        for one in adopted:
            staging.add(one)
        return staging.commit()


def read_templates(path: Path, display: str) -> list[_Found]:
    """The templates in one file; any problem is one SesTemplatesError naming the file."""
    try:
        text = read_text(path, display=display)
    except OSError as exc:
        raise SesTemplatesError(f"cannot read: {exc.strerror}", file=display) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SesTemplatesError(
            f"invalid JSON: {exc.msg}", file=display, line=exc.lineno, column=exc.colno
        ) from None
    if isinstance(document, list):
        if not document:
            raise SesTemplatesError("an empty list: no templates to import", file=display)
        return [_one(item, f"{display}: item {i}") for i, item in enumerate(document, 1)]
    return [_one(document, display)]


def _one(value: Any, where: str) -> _Found:
    if not isinstance(value, dict):
        raise SesTemplatesError(f"{where}: a JSON {_json_type(value)}; {_SHAPES}")
    if "Template" in value:
        _keys(value, ("Template",), "", where)
        inner = value["Template"]
        if not isinstance(inner, dict) or "TemplateContent" in inner or "Template" in inner:
            _fail(where, "Template must be an object with TemplateName, SubjectPart, HtmlPart…")
        return replace(_one(inner, f"{where}: Template"), where=where)
    if "TemplateContent" in value:
        _keys(value, ("TemplateName", "TemplateContent"), "", where)
        content = value["TemplateContent"]
        if not isinstance(content, dict):
            _fail(where, "TemplateContent must be an object")
        _keys(content, _V2, "TemplateContent", where)
        parts = {key: _string(content, key, f"TemplateContent.{key}", where) for key in _V2}
        empty = "TemplateContent has neither Html nor Text"
        return _found(_name(value, where), parts, where, empty)
    if "TemplateName" in value:
        _keys(value, ("TemplateName", *_V1), "", where)
        parts = {v2: _string(value, v1, v1, where) for v1, v2 in _V1.items()}
        return _found(_name(value, where), parts, where, "neither HtmlPart nor TextPart")
    _fail(where, f"no TemplateName; {_SHAPES}")


def _found(name: str, parts: dict[str, str], where: str, empty: str) -> _Found:
    if not parts["Html"] and not parts["Text"]:
        _fail(where, f"{name}: {empty}")
    return _Found(name, parts, where)


def _fail(where: str, message: str) -> NoReturn:
    raise SesTemplatesError(f"{where}: {message}")


def _keys(table: dict[str, Any], allowed: tuple[str, ...], section: str, where: str) -> None:
    unknown = [k for k in table if k not in allowed]
    if unknown:
        inside = f" in {section}" if section else ""
        _fail(where, f"unknown key {unknown[0]!r}{inside} (expected {', '.join(allowed)})")


def _name(table: dict[str, Any], where: str) -> str:
    name = table.get("TemplateName")
    if not isinstance(name, str) or not name:
        _fail(where, "TemplateName must be a non-empty string")
    return str(name)


def _string(table: dict[str, Any], key: str, shown: str, where: str) -> str:
    value = table.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        _fail(where, f"{shown} must be a string, not a JSON {_json_type(value)}")
    return str(value)


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")
