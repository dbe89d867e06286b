"""The functions cli.py calls for diff, sync, parity and send (smoke lives in smoke.py).

They turn a Config plus command-line options into built templates, a client and a call to the
logic modules, and return what the command prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sestemplates.config import Config
from sestemplates.diagnostics import Diagnostic
from sestemplates.errors import ConfigError, SesTemplatesError
from sestemplates.ses.client import SesClient, make_client
from sestemplates.ses.records import Content, Target
from sestemplates.ses.send import SendOptions
from sestemplates.ses.sync import SyncOptions

if TYPE_CHECKING:
    from sestemplates.ses.plan import Plan

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
    refuse_reserved_names(config, [b.name for b in report.built])
    return [
        Target(
            Content.of(built),
            tuple(built.source.samples),
            config.display(built.source.directory),
        )
        for built in report.built
    ]


def refuse_reserved_names(config: Config, names: list[str]) -> None:
    """A template must not take a name of the state manifest (of any prefix)."""
    from sestemplates.ses.manifest import MARKER, is_manifest_name

    for name in names:
        if is_manifest_name(name):
            raise ConfigError(
                f"template name {name!r} is reserved for sestemplates' state manifest "
                f"(names containing {MARKER!r} followed by a number); rename its directory in "
                f"{config.display(config.templates_dir)}"
            )


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
    refresh: bool = False,
) -> DiffOutcome:
    from sestemplates.ses.plan import format_plan

    targets = build_targets(config, names)
    client = connection.client(config)
    plan = plan_for(client, config, targets, names, prune_all=prune_all, refresh=refresh)
    return DiffOutcome(format_plan(plan), plan.has_changes)


def plan_for(
    client: SesClient,
    config: Config,
    targets: list[Target],
    names: list[str],
    *,
    prune_all: bool = False,
    refresh: bool = False,
) -> Plan:
    from sestemplates.ses.plan import make_plan

    plan = make_plan(
        client, [t.content for t in targets], config.prefix, prune_all=prune_all, refresh=refresh
    )
    if names:
        # A partial selection says nothing about what was deleted.
        plan.deletes, plan.not_owned = [], []
    return plan


def sync(
    config: Config,
    connection: Connection,
    names: list[str],
    options: SyncOptions,
    *,
    echo: Echo,
    confirm: Callable[[list[str]], bool],
) -> str:
    """Apply the plan; returns the summary line."""
    from sestemplates.ses.plan import format_drift, format_plan
    from sestemplates.ses.sync import apply_plan

    if names and options.prune:
        raise ConfigError("--prune needs the whole project; don't name templates")
    targets = build_targets(config, names)
    client = connection.client(config)
    plan = plan_for(
        client, config, targets, names, prune_all=options.prune_all, refresh=options.refresh
    )
    if options.dry_run:
        echo(format_plan(plan))
    else:
        for line in format_drift(plan):
            echo(line)
    if options.prune and plan.not_owned:
        echo(f"not pruned (under the prefix, but not created by this project): "
             f"{', '.join(plan.not_owned)}")
    result = apply_plan(client, plan, options, echo=echo, confirm=confirm)
    prefix = "dry run, would have: " if options.dry_run else ""
    return prefix + result.summary()


def parity(
    config: Config, connection: Connection, names: list[str], *, echo: Echo
) -> list[Diagnostic]:
    from sestemplates.ses.parity import check_parity

    targets = build_targets(config, names)
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
) -> dict[str, Any]:
    from sestemplates.checks.samples import load_sample
    from sestemplates.ses.send import send_email, validate

    merged = options.with_defaults(config.send)
    validate(merged)  # before building: a usage error should not wait for the build
    targets = build_targets(config, [name])
    if not targets:
        raise ConfigError(f"no template named {name!r}")
    target = targets[0]
    path, shown = resolve_sample(target, sample)
    data = load_sample(path, display=config.display(path)) if path else {}
    if path:
        shown = config.display(path)
    return send_email(connection.client(config), target.content, data, merged, sample=shown)
