"""`sestemplates init`: lay out a new template repository from the packaged skeleton.

The skeleton lives in `sestemplates/init_skeleton/`. Dotfiles are stored there as `dot-<name>`
(`dot-gitignore`, `dot-github/...`) because package-data globs and some packaging tools skip
hidden files; they are renamed back when written.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path, PurePosixPath

from sestemplates.errors import ConfigError, SesTemplatesError
from sestemplates.fsutil import write_atomic

SKELETON = "init_skeleton"
DOT_PREFIX = "dot-"


@dataclass(frozen=True)
class InitResult:
    root: Path
    written: list[PurePosixPath]  # relative to root, in the order written

    def format(self) -> str:
        lines = [f"created {len(self.written)} files in {self.root}:"]
        lines += [f"  {path}" for path in self.written]
        lines += [
            "next:",
            f"  cd {self.root}",
            "  sestemplates build && sestemplates check && sestemplates preview",
            "  replace YOUR-ORG in .pre-commit-config.yaml and .github/workflows/templates.yml"
            " with where sestemplates lives, then: pre-commit install",
        ]
        return "\n".join(lines)


def skeleton_files() -> dict[PurePosixPath, bytes]:
    """Every skeleton file by its destination path (dotfiles renamed back)."""
    files: dict[PurePosixPath, bytes] = {}
    root = resources.files("sestemplates").joinpath(SKELETON)

    def walk(node: Traversable, parts: tuple[str, ...]) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.name == "__pycache__":
                continue
            name = child.name
            if name.startswith(DOT_PREFIX):
                name = "." + name.removeprefix(DOT_PREFIX)
            if child.is_dir():
                walk(child, (*parts, name))
            else:
                files[PurePosixPath(*parts, name)] = child.read_bytes()

    walk(root, ())
    return files


def init_project(directory: Path, *, force: bool = False) -> InitResult:
    """Write the skeleton into `directory` (created if needed).

    Every destination is checked before anything is written, so a refused init never leaves a
    half-initialised repository. Without `force`, any existing destination file refuses.
    """
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"{directory} exists and is not a directory")
    files = skeleton_files()
    for rel in files:
        _check_blocked(directory, rel)
    if not force:
        existing = [rel for rel in files if (directory / rel).exists()]
        if existing:
            more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
            raise ConfigError(
                f"{directory / existing[0]} already exists{more}; not overwriting (use --force)"
            )
    written: list[PurePosixPath] = []
    for rel, content in files.items():
        try:
            write_atomic(directory / rel, content)
        except OSError as exc:
            message = f"cannot write: {exc.strerror}"
            raise SesTemplatesError(message, file=str(directory / rel)) from None
        written.append(rel)
    return InitResult(directory.resolve(), written)


def _check_blocked(directory: Path, rel: PurePosixPath) -> None:
    """A file where init needs a directory, or a directory where it writes a file, is an error
    even with --force: init never deletes anything."""
    path = directory
    for part in rel.parts[:-1]:
        path = path / part
        if path.exists() and not path.is_dir():
            raise ConfigError(f"{path} is a file, but init needs a directory there")
    if (directory / rel).is_dir():
        raise ConfigError(f"{directory / rel} is a directory, but init writes a file there")
