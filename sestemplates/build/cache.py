"""Incremental builds: a content hash of every input of a template, in build/.sestemplates-cache.

Inputs: the template's own files (samples excluded: they don't affect the build), every
layout/partial/include file it loaded last time, the config file's raw bytes, the selected
env and the package version. A template whose key matches and whose outputs exist is not
rebuilt. This module imports nothing heavy, so a no-op build never loads mjml/premailer/lxml.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from sestemplates import __version__
from sestemplates.config import Config
from sestemplates.fsutil import write_atomic
from sestemplates.project import SAMPLES_DIR, TemplateSource

# Not `*.json`: other tools glob build/*.json for templates.
CACHE_FILE = ".sestemplates-cache"
_FORMAT = 1


@dataclass(frozen=True)
class Entry:
    key: str
    dependencies: tuple[Path, ...]


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
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != _FORMAT:
                return cache
            for name, entry in data["templates"].items():
                deps = tuple(config.templates_dir / d for d in entry["dependencies"])
                cache.entries[name] = Entry(str(entry["key"]), deps)
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
        data = {
            "format": _FORMAT,
            "templates": {
                name: {
                    "key": entry.key,
                    "dependencies": [_relative(config, d) for d in entry.dependencies],
                }
                for name, entry in sorted(self.entries.items())
            },
        }
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")
        self.dirty = False


def _relative(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.templates_dir).as_posix()
    except ValueError:
        return str(path)


def template_files(source: TemplateSource) -> list[Path]:
    """The template's own files, samples left out, in a stable order."""
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(source.directory):
        if Path(dirpath) == source.directory and SAMPLES_DIR in dirnames:
            dirnames.remove(SAMPLES_DIR)
        dirnames.sort()
        files.extend(Path(dirpath) / f for f in sorted(filenames))
    return files


def input_key(
    config: Config, source: TemplateSource, dependencies: tuple[Path, ...] | list[Path]
) -> str:
    digest = hashlib.sha256()
    digest.update(f"sestemplates {__version__}\0env {config.env}\0{source.name}\0".encode())
    digest.update(config.raw)
    for path in [*template_files(source), *sorted(set(dependencies))]:
        digest.update(b"\0" + _relative(config, path).encode() + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"missing")
    return digest.hexdigest()
