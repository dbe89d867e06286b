"""Which templates a list of changed files (from pre-commit) affects."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sestemplates.config import Config


def affected_templates(config: Config, paths: list[Path]) -> list[str] | None:
    """Template directory names the changed `paths` (relative to the cwd) affect.

    None means every template: the config file changed (prefix, vars and envs feed every
    template). A file under a shared `_*`/`.*` directory affects the templates that use it;
    a file under templates/<name>/ (or a bare <name> that is no path here) affects that
    template; anything else affects nothing.
    """
    templates_dir = config.templates_dir.resolve()
    config_file = config.config_file.resolve() if config.config_file else None
    names: set[str] = set()
    for raw in paths:
        path = raw.resolve()
        if path == config_file or _is_catalog(config, path):
            return None
        if not path.exists() and len(raw.parts) == 1 and (templates_dir / raw).is_dir():
            # `sestemplates check welcome`: a template's directory name, not a path.
            path = templates_dir / raw
        try:
            rel = path.relative_to(templates_dir)
        except ValueError:
            continue
        if not rel.parts:
            return None  # the templates directory itself
        top = rel.parts[0]
        if len(rel.parts) == 1 and not path.is_dir():
            continue  # a loose file such as templates/README.md belongs to no template
        if top.startswith(("_", ".")):
            from sestemplates.pipeline import dependents

            names |= dependents(config, path)
        else:
            names.add(top)
    return sorted(names)


def _is_catalog(config: Config, path: Path) -> bool:
    """A gettext catalog: its locale's outputs of every localised template."""
    if not config.i18n.locales or path.suffix not in (".po", ".pot"):
        return False
    from sestemplates.i18n.paths import catalogs_dir

    return catalogs_dir(config).resolve() in path.parents
