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
    skipped: list[str] = field(default_factory=list)  # TemplateNames that cannot be directories

    def format(self, config: Config, source: str) -> str:
        where = config.display(config.templates_dir)
        total = len(self.created) + len(self.replaced)
        skipped = ""
        if self.skipped:
            skipped = f"; skipped {len(self.skipped)}: {', '.join(self.skipped)}"
        if not total:
            return f"{source}: no templates found, nothing written{skipped}"
        line = f"{source}: wrote {total} template(s) into {where}/ ({len(self.replaced)} replaced)"
        return line + "; each is as_is (template.toml), with samples/default.json scaffolded" + (
            skipped
        )


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
    built_name = config.template_name(name)
    if not TEMPLATE_NAME_RE.match(built_name):
        # An imported name without the prefix gains it at build: it must still fit SES.
        raise SesTemplatesError(
            f"template {template_name!r} would be TemplateName {built_name!r} with the prefix; "
            "SES needs 1-64 characters of A-Z a-z 0-9 _ -"
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
        if os.path.lexists(templates) and not templates.is_dir():
            raise ConfigError(f"{self.config.display(templates)} is not a directory")
        try:
            templates.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"cannot create {self.config.display(templates)}: {exc.strerror}"
            ) from None
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
    """The data contract's scaffold (what `sestemplates sample` prints) of the parts: every
    path, two items per list, placeholders naming their path. Parts that do not parse are
    left out (the build reports them)."""
    from sestemplates.contract import contract_of, scaffold
    from sestemplates.handlebars import HandlebarsError

    texts = {f"part{i}": text for i, text in enumerate(parts)}
    try:
        contract = contract_of(texts)
    except HandlebarsError:
        contract = contract_of({key: text for key, text in texts.items() if _parses(text)})
    return scaffold(contract)


def _parses(text: str) -> bool:
    from sestemplates.handlebars import HandlebarsError, parse

    try:
        parse(text)
    except HandlebarsError:
        return False
    return True
