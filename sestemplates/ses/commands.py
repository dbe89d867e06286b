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
from sestemplates.errors import ConfigError, SesTemplatesError, format_location
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
    endpoint_from: str = "--endpoint-url"

    def client(self, config: Config) -> SesClient:
        return make_client(
            config, region=self.region, profile=self.profile, endpoint_url=self.endpoint_url,
            endpoint_from=self.endpoint_from,
        )

    def regional(self, config: Config) -> list[Connection]:
        """One connection per region to work on (see regions.py); [self] for one region."""
        from sestemplates.ses.regions import regional_connections

        return regional_connections(config, self)


def build_targets(config: Config, names: list[str]) -> list[Target]:
    """Build (incrementally) and return the templates to work on; a failed build stops here."""
    from sestemplates.pipeline import build_project

    report = build_project(config, names)
    if report.failures:
        failure = report.failures[0]
        first = format_location(failure.file, failure.line, failure.column) + failure.message
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
    failed: tuple[str, ...] = ()  # regions that could not be compared


@dataclass(frozen=True)
class SyncOutcome:
    text: str
    ok: bool = True  # False: some region failed (the text says which and what was done)


DIFF_FORMATS = ("text", "json")


def diff(
    config: Config,
    connection: Connection,
    names: list[str],
    *,
    prune_all: bool = False,
    refresh: bool = False,
    prune: bool = False,
    fmt: str = "text",
    locale: str | None = None,
) -> DiffOutcome:
    """The plan (and what each change does to the TemplateData contract) as text or JSON;
    `has_changes` is what sync would change (deletions only with --prune)."""
    import json

    from sestemplates.project import localise
    from sestemplates.ses.plan import prune_scope_problem
    from sestemplates.ses.regions import clients_for, failure_line, header, run_regions

    if fmt not in DIFF_FORMATS:
        raise ConfigError(f"unknown format {fmt!r} (use one of: {', '.join(DIFF_FORMATS)})")
    problem = prune_scope_problem(config.prefix, prune_all)
    if prune and problem:
        raise ConfigError(f"refusing --prune: {problem}")
    names = localise(config, names, locale)
    targets = build_targets(config, names)
    connections = connection.regional(config)
    if len(connections) == 1:
        client = connections[0].client(config)
        plan = plan_for(client, config, targets, names, prune_all=prune_all, refresh=refresh)
        if fmt == "json":
            text = json.dumps(_diff_document(plan, prune), indent=2)
        else:
            text = _diff_text(plan, prune)
        return DiffOutcome(text, _would_change(plan, prune))
    clients = clients_for(config, connections)
    outcomes = run_regions(
        [(c.region or "", client) for c, client in zip(connections, clients, strict=True)],
        lambda _, client: plan_for(
            client, config, targets, names, prune_all=prune_all, refresh=refresh
        ),
    )
    if fmt == "json":
        text = json.dumps({"regions": [
            {"region": o.region, **_diff_document(o.value, prune)} if o.value is not None
            else {"region": o.region, "error": failure_line(o)}
            for o in outcomes
        ]}, indent=2)
    else:
        text = "\n\n".join(
            header(o) + "\n"
            + (_diff_text(o.value, prune) if o.value is not None else failure_line(o))
            for o in outcomes
        )
    return DiffOutcome(
        text,
        any(_would_change(o.value, prune) for o in outcomes if o.value is not None),
        tuple(o.region for o in outcomes if not o.ok),
    )


def _diff_text(plan: Plan, prune: bool) -> str:
    from sestemplates.ses.plan import contract_changes, format_plan

    text = format_plan(plan)
    contracts = contract_changes(plan)
    if contracts:
        text += "\n\n" + "\n".join(d.format() for d in contracts)
    if plan.deletes and not prune:
        text += (
            "\n(delete candidates are not changes for --exit-code: sync deletes them only with "
            "--prune; pass diff --prune to count them)"
        )
    return text


def _diff_document(plan: Plan, prune: bool) -> dict[str, Any]:
    from sestemplates.ses.plan import contract_changes, plan_json

    contracts = contract_changes(plan)
    return {
        "plan": plan_json(plan),
        "contract": [d.as_json() for d in contracts],
        "breaking": any(d.breaking for d in contracts),
        "changes": _would_change(plan, prune),
    }


def _would_change(plan: Plan, prune: bool) -> bool:
    return plan.has_writes or (prune and bool(plan.deletes))


def plan_for(
    client: SesClient,
    config: Config,
    targets: list[Target],
    names: list[str],
    *,
    prune_all: bool = False,
    refresh: bool = False,
    read_changed: bool = True,
    vouch_meta: str | None = None,
) -> Plan:
    from sestemplates.ses.plan import make_plan

    plan = make_plan(
        client, [t.content for t in targets], config.prefix, prune_all=prune_all,
        refresh=refresh, read_changed=read_changed, vouch_meta=vouch_meta,
    )
    if names:
        # A partial selection says nothing about what was deleted.
        plan.deletes, plan.not_owned = [], []
    return plan


def _guarded(config: Config, options: SyncOptions) -> bool:
    return not (options.allow_breaking or config.sync_breaking == "allow")


def refuse_breaking(config: Config, options: SyncOptions, plans: list[Plan], echo: Echo) -> None:
    """Stop before any write (in any region) when an update would make senders' current data
    invalid."""
    from sestemplates.ses.plan import contract_changes

    contracts = [d for plan in plans for d in contract_changes(plan)]
    breaking = [d for d in contracts if d.breaking]
    for found in breaking if not options.dry_run else ():  # a dry run printed them with its plan
        echo(found.format())
    if not breaking or not _guarded(config, options):
        return
    details = "; ".join(
        f"{d.template}: " + ", ".join(c.sentence().removeprefix("breaking: ") for c in d.breaking)
        for d in breaking
    )
    raise SesTemplatesError(
        f"refusing a breaking update ({details}); nothing was changed on SES. Update the "
        "senders first, then pass --allow-breaking (or set [sync] breaking = \"allow\")"
    )


def sync(
    config: Config,
    connection: Connection,
    names: list[str],
    options: SyncOptions,
    *,
    echo: Echo,
    confirm: Callable[[list[str]], bool],
    locale: str | None = None,
) -> SyncOutcome:
    """Apply the plan (in every region at once); returns the summary."""
    from sestemplates.project import localise

    if locale is not None and options.prune:
        # One locale is a partial selection: the others would look deleted.
        raise ConfigError("--prune needs the whole project; don't pass --locale")
    names = localise(config, names, locale)
    if names and options.prune:
        raise ConfigError("--prune needs the whole project; don't name templates")
    targets = build_targets(config, names)
    connections = connection.regional(config)
    if len(connections) > 1:
        return _sync_regions(config, connections, targets, names, options, echo=echo,
                             confirm=confirm)
    client = connections[0].client(config)
    plan = plan_for(
        client, config, targets, names, prune_all=options.prune_all, refresh=options.refresh,
        **_reads(config, options),
    )
    return SyncOutcome(
        _apply(config, client, plan, options, echo=echo, confirm=confirm, guard=True)
    )


def _apply(
    config: Config, client: SesClient, plan: Plan, options: SyncOptions, *, echo: Echo,
    confirm: Callable[[list[str]], bool], guard: bool,
) -> str:
    """`guard`: refuse a breaking update here (several regions refuse before any applies)."""
    from sestemplates.ses.plan import contract_meta, format_drift
    from sestemplates.ses.sync import apply_plan

    # Line by line: with several regions, each line carries its region.
    for line in _diff_text(plan, True).splitlines() if options.dry_run else format_drift(plan):
        echo(line)
    if guard:
        refuse_breaking(config, options, [plan], echo)
    if options.prune and plan.not_owned:
        echo(f"not pruned (under the prefix, but not created by this project): "
             f"{', '.join(plan.not_owned)}")
    # Each written template's contract goes into the manifest: the next sync's guard compares
    # with it instead of reading the template back.
    result = apply_plan(
        client, plan, options, echo=echo, confirm=confirm, meta=contract_meta(plan)
    )
    prefix = "dry run, would have: " if options.dry_run else ""
    return prefix + result.summary()


def _reads(config: Config, options: SyncOptions) -> dict[str, Any]:
    """Which changed templates sync reads: a dry run prints their diffs, so all of them;
    otherwise the manifest vouches for what SES holds, and with the breaking-change guard on,
    a template is read only when its entry lacks the contract of that version."""
    from sestemplates.ses.plan import CONTRACT_META

    return {
        "read_changed": options.dry_run,
        "vouch_meta": CONTRACT_META if _guarded(config, options) else None,
    }


def _sync_regions(
    config: Config,
    connections: list[Connection],
    targets: list[Target],
    names: list[str],
    options: SyncOptions,
    *,
    echo: Echo,
    confirm: Callable[[list[str]], bool],
) -> SyncOutcome:
    """Plan every region, ask once about deletions, then apply every region concurrently."""
    from sestemplates.ses.regions import clients_for, failure_line, prefixed, run_regions

    clients = clients_for(config, connections)
    pairs = [(c.region or "", client) for c, client in zip(connections, clients, strict=True)]
    planned = {
        o.region: o for o in run_regions(pairs, lambda _, client: plan_for(
            client, config, targets, names, prune_all=options.prune_all,
            refresh=options.refresh, **_reads(config, options)))
    }
    refuse_breaking(
        config, options, [o.value for o in planned.values() if o.value is not None], echo
    )
    ready = [(region, planned[region].value) for region, _ in pairs]
    options = _confirm_deletions(
        [(region, plan) for region, plan in ready if plan is not None], options, confirm
    )

    def apply(region: str, client: SesClient) -> str:
        plan = planned[region].value
        assert plan is not None
        return _apply(config, client, plan, options, echo=prefixed(echo, region),
                      confirm=confirm, guard=False)

    applied = {o.region: o for o in run_regions(
        [(region, client) for region, client in pairs if planned[region].ok], apply)}
    lines, failed = [], []
    for region, _ in pairs:
        outcome = applied.get(region)
        if outcome is None:
            failed.append(region)
            lines.append(f"{failure_line(planned[region])} (nothing was changed there)")
        elif not outcome.ok:
            failed.append(region)
            lines.append(failure_line(outcome))
        else:
            lines.append(f"{region}: {outcome.value}")
    if failed:
        lines.append(
            f"sync failed in {len(failed)} of {len(pairs)} region(s) ({', '.join(failed)}); "
            "the others are done; re-run sync to finish"
        )
    return SyncOutcome("\n".join(lines), not failed)


def _confirm_deletions(
    plans: list[tuple[str, Plan]], options: SyncOptions, confirm: Callable[[list[str]], bool]
) -> SyncOptions:
    """One question for all regions' deletions, before any region writes anything."""
    from dataclasses import replace

    from sestemplates.ses.sync import deletions_allowed

    if not options.prune or options.dry_run:
        return options
    unasked = replace(options, yes=True)
    deletes = [f"{region}:{name}" for region, plan in plans
               for name in deletions_allowed(plan, unasked, confirm)]
    if not deletes or options.yes:
        return unasked
    if not options.interactive:
        raise ConfigError(
            f"refusing to delete {len(deletes)} template(s) ({', '.join(deletes)}) "
            "without confirmation: no terminal; pass --yes"
        )
    if not confirm(deletes):
        raise SesTemplatesError("deletion not confirmed; nothing was changed")
    return unasked


def parity(
    config: Config,
    connection: Connection,
    names: list[str],
    *,
    echo: Echo,
    locale: str | None = None,
) -> list[Diagnostic]:
    from dataclasses import replace

    from sestemplates.project import localise
    from sestemplates.ses.parity import check_parity
    from sestemplates.ses.regions import clients_for, prefixed, run_regions

    targets = build_targets(config, localise(config, names, locale))
    connections = connection.regional(config)
    if len(connections) == 1:
        return check_parity(
            connections[0].client(config), targets, display=config.display, echo=echo
        )
    clients = clients_for(config, connections)
    outcomes = run_regions(
        [(c.region or "", client) for c, client in zip(connections, clients, strict=True)],
        lambda region, client: check_parity(
            client, targets, display=config.display, echo=prefixed(echo, region)
        ),
    )
    problems: list[Diagnostic] = []
    for o in outcomes:
        if o.value is None:
            problems.append(Diagnostic(None, None, None, None, "error", "parity-region",
                                       f"[{o.region}] {o.error}"))
            continue
        problems.extend(replace(d, message=f"[{o.region}] {d.message}") for d in o.value)
    return problems


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
    # With several regions, a test send goes from the first (or the one --region names).
    client = connection.regional(config)[0].client(config)
    return send_email(client, target.content, data, merged, sample=shown)
