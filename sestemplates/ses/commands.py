"""The functions cli.py calls for diff, sync, parity and send (smoke lives in smoke.py).

They turn a Config plus command-line options into built templates, a client and a call to the
logic modules, and return what the command prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sestemplates.config import Config
from sestemplates.diagnostics import Diagnostic
from sestemplates.errors import ConfigError, SesTemplatesError
from sestemplates.ses.client import SesClient, make_client
from sestemplates.ses.records import Content, Target
from sestemplates.ses.send import SendOptions
from sestemplates.ses.sync import SyncOptions

Echo = Callable[[str], None]


@dataclass(frozen=True)
class Connection:
    """The global --region/--profile/--endpoint-url options (None: use the config)."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None

    def client(self, config: Config) -> SesClient:
        return make_client(
            config, region=self.region, profile=self.profile, endpoint_url=self.endpoint_url
        )


def build_targets(config: Config, names: list[str]) -> list[Target]:
    """Build (incrementally) and return the templates to work on; a failed build stops here."""
    from sestemplates.pipeline import build_project

    report = build_project(config, names)
    if report.failures:
        first = report.failures[0].one_line()
        raise SesTemplatesError(
            f"{len(report.failures)} build error(s), nothing sent to SES; first: {first}"
        )
    return [
        Target(
            Content.of(built),
            tuple(built.source.samples),
            config.display(built.source.directory),
        )
        for built in report.built
    ]


@dataclass(frozen=True)
class DiffOutcome:
    text: str
    has_changes: bool


def diff(
    config: Config,
    connection: Connection,
    names: list[str],
    *,
    prune_all: bool = False,
    locale: str | None = None,
) -> DiffOutcome:
    from sestemplates.project import localise
    from sestemplates.ses.plan import format_plan, make_plan

    names = localise(config, names, locale)
    targets = build_targets(config, names)
    client = connection.client(config)
    plan = make_plan(client, [t.content for t in targets], config.prefix, prune_all=prune_all)
    if names:
        plan.deletes = []  # a partial selection says nothing about what was deleted
    return DiffOutcome(format_plan(plan), plan.has_changes)


def sync(
    config: Config,
    connection: Connection,
    names: list[str],
    options: SyncOptions,
    *,
    echo: Echo,
    confirm: Callable[[list[str]], bool],
    locale: str | None = None,
) -> str:
    """Apply the plan; returns the summary line."""
    from sestemplates.project import localise
    from sestemplates.ses.plan import format_plan, make_plan
    from sestemplates.ses.sync import apply_plan

    if locale is not None and options.prune:
        # One locale is a partial selection: the others would look deleted.
        raise ConfigError("--prune needs the whole project; don't pass --locale")
    names = localise(config, names, locale)
    if names and options.prune:
        raise ConfigError("--prune needs the whole project; don't name templates")
    targets = build_targets(config, names)
    client = connection.client(config)
    plan = make_plan(
        client, [t.content for t in targets], config.prefix, prune_all=options.prune_all
    )
    if options.dry_run:
        echo(format_plan(plan))
    result = apply_plan(client, plan, options, echo=echo, confirm=confirm)
    prefix = "dry run, would have: " if options.dry_run else ""
    return prefix + result.summary()


def parity(
    config: Config,
    connection: Connection,
    names: list[str],
    *,
    echo: Echo,
    locale: str | None = None,
) -> list[Diagnostic]:
    from sestemplates.project import localise
    from sestemplates.ses.parity import check_parity

    targets = build_targets(config, localise(config, names, locale))
    return check_parity(connection.client(config), targets, display=config.display, echo=echo)


def resolve_sample(target: Target, sample: str | None) -> tuple[Path | None, str]:
    """--sample as a sample name of the template or a file path; default: its first sample."""
    if sample is None:
        if not target.samples:
            return None, "(no sample: empty TemplateData)"
        return target.samples[0], str(target.samples[0])
    for path in target.samples:
        if sample in (path.name, path.stem):
            return path, str(path)
    path = Path(sample)
    if path.is_file():
        return path, str(path)
    known = ", ".join(p.stem for p in target.samples) or "none"
    raise ConfigError(f"no sample {sample!r} for {target.content.name} (samples: {known})")


def send(
    config: Config,
    connection: Connection,
    name: str,
    sample: str | None,
    options: SendOptions,
    locale: str | None = None,
) -> dict[str, Any]:
    from sestemplates.checks.samples import load_sample
    from sestemplates.project import default_locale_name, localise
    from sestemplates.ses.send import send_email, validate

    merged = options.with_defaults(config.send)
    validate(merged)  # before building: a usage error should not wait for the build
    name = default_locale_name(config, localise(config, [name], locale)[0])
    targets = build_targets(config, [name])
    if not targets:
        raise ConfigError(f"no template named {name!r}")
    target = targets[0]
    path, shown = resolve_sample(target, sample)
    data = load_sample(path, display=config.display(path)) if path else {}
    if path:
        shown = config.display(path)
    return send_email(connection.client(config), target.content, data, merged, sample=shown)
