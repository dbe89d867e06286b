"""Template directories for templates that already exist elsewhere (SES, JSON files).

Shared by `pull` (ses/pull.py) and `import` (importers.py): the name rule, the refusal to
overwrite, the writer that stages every directory in a hidden temp directory and moves them in
only once all were written, and the sample scaffold. No I/O beyond the templates directory.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from sestemplates.config import TEMPLATE_NAME_RE, Config
from sestemplates.errors import ConfigError, SesTemplatesError
from sestemplates.fsutil import write_atomic
from sestemplates.project import HTML_PLAIN, SAMPLES_DIR, SUBJECT_FILE, TEXT_FILE
from sestemplates.template_settings import AS_IS_TEXT, SETTINGS_FILE

DEFAULT_SAMPLE = "default.json"


@dataclass(frozen=True)
class Adopted:
    """One template's parts exactly as SES (or the file) holds them; "" = the part is absent."""

    dir_name: str
    subject: str
    html: str
    text: str


@dataclass
class AdoptReport:
    created: list[str] = field(default_factory=list)  # directory names
    replaced: list[str] = field(default_factory=list)

    def format(self, config: Config, source: str) -> str:
        where = config.display(config.templates_dir)
        total = len(self.created) + len(self.replaced)
        if not total:
            return f"{source}: no templates found, nothing written"
        line = f"{source}: wrote {total} template(s) into {where}/ ({len(self.replaced)} replaced)"
        return line + "; each is as_is (template.toml), with samples/default.json scaffolded"


def dir_name_for(config: Config, template_name: str) -> str:
    """The directory for an SES TemplateName: the name without the project's prefix."""
    name = template_name.removeprefix(config.prefix) if config.prefix else template_name
    if not TEMPLATE_NAME_RE.match(template_name):
        raise SesTemplatesError(f"invalid TemplateName {template_name!r}")
    if not name:
        raise SesTemplatesError(
            f"template {template_name!r} is the prefix itself: no directory name is left"
        )
    if name.startswith(("_", ".")):
        raise SesTemplatesError(
            f"template {template_name!r} would be directory {name!r}, and directories starting "
            "with _ are layouts/partials, not templates; rename it on SES first"
        )
    return name


def check_targets(config: Config, dir_names: Sequence[str], *, force: bool) -> None:
    """Without --force, an existing directory is never touched: say which (exit 2)."""
    if force:
        return
    paths = [config.templates_dir / name for name in dir_names]
    taken = [config.display(path) for path in paths if os.path.lexists(path)]
    if taken:
        more = f" and {len(taken) - 3} more" if len(taken) > 3 else ""
        raise ConfigError(
            f"{', '.join(taken[:3])}{more} already exist{'s' if len(taken) == 1 else ''}; "
            "pass --force to replace "
            "(their samples/ are kept)"
        )


class Staging:
    """Writes template directories into templates/.adopt-*/ and moves them in on commit().

    Leaving the `with` block without commit() (an error, an interrupt) removes everything
    staged: a failed pull or import writes nothing."""

    def __init__(self, config: Config, *, force: bool) -> None:
        self.config = config
        self.force = force
        self.staged: list[str] = []
        self._names: set[str] = set()  # the same, for a quick `in` on 20,000 templates
        self._made_templates_dir = False
        self._dir: Path | None = None

    def __enter__(self) -> Staging:
        templates = self.config.templates_dir
        self._made_templates_dir = not templates.exists()
        templates.mkdir(parents=True, exist_ok=True)
        # Inside templates/ (one file system, so moves are renames); hidden from discovery.
        self._dir = Path(tempfile.mkdtemp(prefix=".adopt-", dir=templates))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
        templates = self.config.templates_dir
        if self._made_templates_dir and not any(templates.iterdir()):
            templates.rmdir()

    def add(self, adopted: Adopted) -> None:
        assert self._dir is not None, "use Staging in a with block"
        if adopted.dir_name in self._names:
            raise SesTemplatesError(f"template {adopted.dir_name!r} is given twice")
        self._names.add(adopted.dir_name)
        directory = self._dir / adopted.dir_name
        directory.mkdir()
        # Bytes as they are: write_atomic encodes without newline translation (CRLF stays).
        write_atomic(directory / SETTINGS_FILE, AS_IS_TEXT)
        write_atomic(directory / SUBJECT_FILE, adopted.subject)
        if adopted.html:
            write_atomic(directory / HTML_PLAIN, adopted.html)
        if adopted.text:
            write_atomic(directory / TEXT_FILE, adopted.text)
        sample = scaffold_sample([adopted.subject, adopted.html, adopted.text])
        sample_text = json.dumps(sample, indent=2, ensure_ascii=False) + "\n"
        write_atomic(directory / SAMPLES_DIR / DEFAULT_SAMPLE, sample_text)
        self.staged.append(adopted.dir_name)

    def commit(self) -> AdoptReport:
        """Move every staged directory into templates/; --force replaces existing ones but
        keeps their samples/ (a scaffolded default.json only fills a gap)."""
        assert self._dir is not None
        check_targets(self.config, self.staged, force=self.force)  # nothing appeared meanwhile
        report = AdoptReport()
        for name in self.staged:
            staged = self._dir / name
            target = self.config.templates_dir / name
            if not os.path.lexists(target):
                os.rename(staged, target)
                report.created.append(name)
                continue
            old_samples = target / SAMPLES_DIR
            if old_samples.is_dir():
                shutil.copytree(old_samples, staged / SAMPLES_DIR, dirs_exist_ok=True)
            trash = self._dir / f".old-{name}"
            os.rename(target, trash)
            os.rename(staged, target)
            report.replaced.append(name)
        return report


def scaffold_sample(parts: Iterable[str]) -> dict[str, Any]:
    """TemplateData with every variable the parts read: a placeholder string for a value,
    `true` for a condition, a one-item list for `#each`, an object for `#with`.

    A stand-in until the data-contract module provides the scaffold; parts that do not parse
    are skipped (the build reports them)."""
    from sestemplates.handlebars import HandlebarsError, parse

    root: dict[str, Any] = {}
    for part in parts:
        try:
            program = parse(part)
        except HandlebarsError:
            continue
        _walk(program, [root], {})
    return root


def _walk(program: Any, stack: list[dict[str, Any]], params: dict[str, dict[str, Any]]) -> None:
    from sestemplates.handlebars.ast import BlockStatement, MustacheStatement, helper_name

    for stmt in program.body:
        if isinstance(stmt, MustacheStatement):
            if not stmt.params:
                _put(stmt.path, stack, params, "value")
            elif helper_name(stmt.path) == "lookup" and len(stmt.params) == 2:
                _lookup(stmt.params[0], stmt.params[1], stack, params)
        elif isinstance(stmt, BlockStatement) and not stmt.decorator:
            name = helper_name(stmt.path)
            helper = name in ("if", "unless", "each", "with") and stmt.params
            target = stmt.params[0] if helper else stmt.path
            kind = {"if": "flag", "unless": "flag", "each": "list"}.get(name or "", "object")
            if not helper and stmt.inverted:
                kind = "flag"
            inner = _put(target, stack, params, kind)
            if stmt.program is not None:
                if inner is None:
                    _walk(stmt.program, stack, params)
                else:
                    named = dict.fromkeys(stmt.program.block_params[:1], inner)
                    _walk(stmt.program, [*stack, inner], {**params, **named})
            if stmt.inverse is not None:
                _walk(stmt.inverse, stack, params)


def _lookup(
    obj: Any, key: Any, stack: list[dict[str, Any]], params: dict[str, dict[str, Any]]
) -> None:
    """`{{lookup obj key}}`: `key` a placeholder string, `obj` an object holding that key."""
    from sestemplates.handlebars.ast import PathExpression, StringLiteral

    if isinstance(key, StringLiteral):
        name = key.value
    elif isinstance(key, PathExpression) and key.parts and not key.data:
        _put(key, stack, params, "value")
        name = key.original
    else:
        return
    target = _put(obj, stack, params, "object")
    if target is not None:
        target.setdefault(name, name)


def _put(
    path: Any, stack: list[dict[str, Any]], params: dict[str, dict[str, Any]], kind: str
) -> dict[str, Any] | None:
    """Record one use; returns the object a `list`/`object` use makes the new context."""
    from sestemplates.handlebars.ast import PathExpression

    if not isinstance(path, PathExpression):
        return None
    parts = list(path.parts)
    if path.data:
        if parts[:1] != ["root"] or len(parts) < 2:
            return None  # @index, @key, @first...
        base, parts = stack[0], parts[1:]
    elif not path.depth and not path.scoped and parts and parts[0] in params:
        base, parts = params[parts[0]], parts[1:]
    elif path.depth < len(stack):
        base = stack[-1 - path.depth]
    else:
        return None
    if not parts:
        return base if kind == "object" else None
    node = base
    for key in parts[:-1]:
        node = _object_at(node, key)
    last, existing = parts[-1], node.get(parts[-1])
    if kind == "list":
        if isinstance(existing, list) and existing and isinstance(existing[0], dict):
            return existing[0]
        item: dict[str, Any] = existing if isinstance(existing, dict) else {}
        node[last] = [item]
        return item
    if kind == "object":
        return _object_at(node, last)
    if kind == "flag":
        node.setdefault(last, True)
    elif existing is None or existing is True:
        node[last] = path.original
    return None


def _object_at(node: dict[str, Any], key: str) -> dict[str, Any]:
    child = node.get(key)
    if isinstance(child, list) and child and isinstance(child[0], dict):
        found: dict[str, Any] = child[0]
        return found
    if not isinstance(child, dict):
        child = node[key] = {}
    return child
