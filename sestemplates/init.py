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

from sestemplates.errors import ConfigError
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
        lines.append("next: cd into it, run `sestemplates build`, `sestemplates check`, "
                     "`sestemplates preview`")
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

    Without `force` nothing is written when any destination file already exists, so a refused
    init never leaves a half-initialised repository.
    """
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"{directory} exists and is not a directory")
    files = skeleton_files()
    if not force:
        for rel in files:
            if (directory / rel).exists():
                raise ConfigError(
                    f"{directory / rel} already exists; not overwriting (use --force)"
                )
    written: list[PurePosixPath] = []
    for rel, content in files.items():
        write_atomic(directory / rel, content)
        written.append(rel)
    return InitResult(directory.resolve(), written)
