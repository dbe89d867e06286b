"""`sestemplates sample NAME [--write FILE]`: TemplateData that satisfies the template's
contract, with every path it uses, two items per list and placeholders that name their path."""

from __future__ import annotations

import json
from pathlib import Path

from sestemplates.config import Config
from sestemplates.errors import ConfigError
from sestemplates.fsutil import write_atomic
from sestemplates.project import SAMPLES_DIR


def sample_text(config: Config, name: str) -> tuple[str, Path]:
    """The scaffold as JSON text, and the template's samples/ directory."""
    from sestemplates.contract import derive, scaffold
    from sestemplates.errors import SesTemplatesError
    from sestemplates.handlebars import HandlebarsError, parse
    from sestemplates.pipeline.schema import built_one

    built = built_one(config, name)
    parts = {"subject": built.subject, "html": built.html, "text": built.text}
    try:
        contract = derive({part: parse(text) for part, text in parts.items() if text})
    except HandlebarsError as exc:
        raise SesTemplatesError(
            f"{built.name} has a Handlebars error, so no contract: {exc} (run 'sestemplates check')"
        ) from None
    text = json.dumps(scaffold(contract), indent=2, ensure_ascii=False) + "\n"
    return text, built.source.directory / SAMPLES_DIR


def sample_command(config: Config, name: str, write: str | None) -> str:
    """What the command prints: the JSON, or (with --write) where it was saved."""
    text, samples_dir = sample_text(config, name)
    if write is None:
        return text.rstrip("\n")
    file_name = Path(write).name
    if Path(write).name != write or not file_name.endswith(".json"):
        raise ConfigError(
            f"--write takes a file name ending in .json, saved under {config.display(samples_dir)}/"
            f", not {write!r}"
        )
    target = samples_dir / file_name
    if target.exists():
        raise ConfigError(f"refusing to overwrite {config.display(target)}")
    samples_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text)
    return f"wrote {config.display(target)}"
