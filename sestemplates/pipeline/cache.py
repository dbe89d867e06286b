"""Incremental builds: a content hash of every input of a template, in build/.sestemplates-cache.

Inputs: the template's own files (samples excluded: they don't affect the build), every
layout/partial/include file it loaded last time, the config file's raw bytes, the selected
env and the package version. A template whose key matches and whose outputs are still the
files this cache recorded is not rebuilt. This module imports nothing heavy, so a no-op build
never loads mjml/premailer/lxml.

Keys hash file contents, never trust timestamps: an edit that keeps a file's size and mtime
(a `git checkout` within the same second, `cp -p`, a tool restoring mtimes) is still seen.
Reading and hashing every input of a 200-template repository costs about 10 ms, so a
stat-only shortcut would save little and could miss such edits. Only the outputs are checked by
size and mtime: they are files this tool wrote, and any change to them (a hand edit, a merge)
makes the build read them again as before.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from sestemplates import __version__
from sestemplates.config import Config
from sestemplates.fsutil import resolves_inside, write_atomic
from sestemplates.i18n.paths import catalog_path
from sestemplates.pipeline.output import OutputStats
from sestemplates.project import SAMPLES_DIR, TemplateSource

# Not `*.json`: other tools glob build/*.json for templates.
CACHE_FILE = ".sestemplates-cache"
_FORMAT = 2


@dataclass(frozen=True)
class Entry:
    key: str
    dependencies: tuple[Path, ...]
    # The output files as last written (or verified) by the build; None: unknown, read them.
    outputs: OutputStats | None = None


@dataclass
class Cache:
    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    dirty: bool = False

    @classmethod
    def load(cls, config: Config) -> Cache:
        path = config.build_dir / CACHE_FILE
        cache = cls(path)
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
            if data.get("format") != _FORMAT:
                return cache
            for name, entry in data["templates"].items():
                recorded = entry["dependencies"]
                if not all(_contained(config, d) for d in recorded):
                    continue  # built before reading outside templates/ was refused: rebuild
                deps = tuple(config.templates_dir / d for d in recorded)
                outputs = entry.get("outputs")
                stats = _stats(outputs) if outputs is not None else None
                cache.entries[name] = Entry(str(entry["key"]), deps, stats)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls(path)  # no or unreadable cache: everything is rebuilt
        return cache

    def get(self, name: str) -> Entry | None:
        return self.entries.get(name)

    def put(self, name: str, entry: Entry) -> None:
        if self.entries.get(name) != entry:
            self.entries[name] = entry
            self.dirty = True

    def drop(self, name: str) -> None:
        if self.entries.pop(name, None) is not None:
            self.dirty = True

    def save(self, config: Config) -> None:
        if not self.dirty:
            return
        templates: dict[str, dict[str, object]] = {}
        for name, entry in sorted(self.entries.items()):
            record: dict[str, object] = {
                "key": entry.key,
                "dependencies": [_relative(config, d) for d in entry.dependencies],
            }
            if entry.outputs is not None:
                record["outputs"] = [list(s) for s in entry.outputs]
            templates[name] = record
        data = {"format": _FORMAT, "templates": templates}
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")
        self.dirty = False


def _stats(raw: object) -> OutputStats:
    """The recorded output stats; a malformed record raises TypeError/ValueError (no cache)."""
    if not isinstance(raw, list) or len(raw) != 3:
        raise ValueError("outputs")
    pairs = [(int(size), int(mtime)) for size, mtime in raw]
    return pairs[0], pairs[1], pairs[2]


def _contained(config: Config, recorded: str) -> bool:
    """A recorded dependency inside templates/ is stored relative to it, without `..`; others
    (absolute: templates/ itself may be reached through a link) are resolved and checked."""
    if os.path.isabs(recorded) or ".." in recorded.split("/"):
        return resolves_inside(config.templates_dir / recorded, config.templates_dir)
    return True


def _relative(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.templates_dir).as_posix()
    except ValueError:
        return str(path)


def template_files(source: TemplateSource) -> list[Path]:
    """The template's own files, samples left out, in a stable order."""
    return [source.directory / rel for rel in _own_files(str(source.directory), "")]


def _own_files(directory: str, prefix: str) -> list[str]:
    """Paths relative to the template directory (`prefix` + name) of every file under
    `directory`, samples/ at the top left out: a directory's files (sorted), then each
    subdirectory's. Like os.walk: links to directories are not entered, unreadable
    directories are skipped."""
    files: list[str] = []
    subdirs: list[str] = []
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if not is_dir:
                    files.append(entry.name)
                elif not (prefix == "" and entry.name == SAMPLES_DIR) and not entry.is_symlink():
                    subdirs.append(entry.name)
    except OSError:
        return []
    found = [prefix + name for name in sorted(files)]
    for name in sorted(subdirs):
        found += _own_files(os.path.join(directory, name), f"{prefix}{name}/")
    return found


class InputHasher:
    """Input keys for one build run. Each file is read and hashed at most once per run:
    templates share their layouts and partials."""

    def __init__(self, config: Config) -> None:
        self.config = config
        # The inliner engine changes the output, whichever way it was chosen.
        base = f"sestemplates {__version__}\0env {config.env}\0inliner {config.inliner}\0"
        self._base = hashlib.sha256(base.encode())
        self._digests: dict[str, bytes] = {}  # file path → sha256 of its content
        self._names: dict[Path, str] = {}  # dependency → its name relative to templates/

    def key(self, source: TemplateSource, dependencies: tuple[Path, ...] | list[Path]) -> str:
        digest = self._base.copy()
        digest.update(f"{source.name}\0".encode())
        digest.update(self.config.raw)
        directory = str(source.directory)
        own = [
            (f"{source.dir_name}/{rel}", os.path.join(directory, rel))
            for rel in _own_files(directory, "")
        ]
        shared = [(self._name(path), str(path)) for path in sorted(set(dependencies))]
        for name, path in own + shared:
            digest.update(b"\0" + name.encode() + b"\0")
            digest.update(self._digest(path))
        if source.locale is not None:
            # One locale's catalog is an input of that locale's outputs only. It lives in the
            # project's locales/, outside templates/, so it is keyed here rather than recorded
            # as a dependency (the cache distrusts dependencies outside templates/).
            digest.update(b"\0catalog\0" + self._catalog_digest(source.locale))
        return digest.hexdigest()

    def _catalog_digest(self, locale: str) -> bytes:
        catalog = catalog_path(self.config, locale)
        path = str(catalog)
        found = self._digests.get(path)
        if found is None and not resolves_inside(catalog, self.config.root):
            found = self._digests[path] = b"outside"  # the build refuses it, never reads it
        if found is None:
            found = self._digests[path] = _file_digest(path)
        return found

    def _name(self, path: Path) -> str:
        name = self._names.get(path)
        if name is None:
            name = self._names[path] = _relative(self.config, path)
        return name

    def _digest(self, path: str) -> bytes:
        found = self._digests.get(path)
        # A link in a template directory that leads out of templates/ is never read: the
        # build refuses it, so its content cannot matter to the key.
        if (
            found is None
            and os.path.islink(path)
            and not resolves_inside(Path(path), self.config.templates_dir)
        ):
            found = self._digests[path] = b"outside"
        if found is None:
            found = self._digests[path] = _file_digest(path)
        return found


def _file_digest(path: str) -> bytes:
    """The SHA-256 of the file's bytes; b"missing" when it cannot be read."""
    try:
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).digest()
    except OSError:
        return b"missing"


def input_key(
    config: Config, source: TemplateSource, dependencies: tuple[Path, ...] | list[Path]
) -> str:
    """The content key of one template's inputs (InputHasher.key, for a single template)."""
    return InputHasher(config).key(source, dependencies)
