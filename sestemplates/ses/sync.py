"""Apply a plan to SES: create, update, and (with --prune) delete, reporting progress.

Every step is idempotent against the remote state, so a run that stops half-way is finished by
running it again: the next plan only contains what is still different. After every successful
run the state manifest records what SES now holds (see manifest.py); a run killed before that
leaves the previous manifest, whose stale entries only cost the next run one call each.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sestemplates.errors import ConfigError, SesTemplatesError
from sestemplates.ses.client import SesClient, SesError
from sestemplates.ses.manifest import Delta, Entry, Manifest, list_state, write_manifest
from sestemplates.ses.plan import Plan, prune_scope_problem
from sestemplates.ses.records import Content

Echo = Callable[[str], None]
Confirm = Callable[[list[str]], bool]


@dataclass(frozen=True)
class SyncOptions:
    dry_run: bool = False
    prune: bool = False
    prune_all: bool = False
    yes: bool = False
    interactive: bool = False  # stdin is a TTY: we may ask before deleting
    refresh: bool = False  # read every template, not only those the manifest can't vouch for


@dataclass
class SyncResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    # The state manifest after this run (None: dry run, or nothing to record).
    manifest: Manifest | None = None

    def summary(self) -> str:
        return (
            f"created {len(self.created)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}, deleted {len(self.deleted)}"
        )


def deletions_allowed(plan: Plan, options: SyncOptions, confirm: Confirm) -> list[str]:
    """The names to delete, after the safety rules; raises when deletion is refused."""
    if not options.prune:
        return []
    if not plan.prefix and not options.prune_all:
        raise ConfigError(
            "--prune with an empty prefix would consider every template in the account; "
            "set a prefix or pass --prune-all"
        )
    problem = prune_scope_problem(plan.prefix, options.prune_all)
    if problem:
        raise ConfigError(f"refusing --prune: {problem}")
    if not plan.deletes or options.yes or options.dry_run:
        return list(plan.deletes)
    if not options.interactive:
        raise ConfigError(
            f"refusing to delete {len(plan.deletes)} template(s) ({', '.join(plan.deletes)}) "
            "without confirmation: no terminal; pass --yes"
        )
    if not confirm(plan.deletes):
        raise SesTemplatesError("deletion not confirmed; nothing was changed")
    return list(plan.deletes)


def apply_plan(
    client: SesClient,
    plan: Plan,
    options: SyncOptions,
    *,
    echo: Echo,
    confirm: Confirm,
    meta: Mapping[str, Mapping[str, Any]] | None = None,
) -> SyncResult:
    """`meta`: per template, keys to record in its manifest entry (e.g. a data-contract
    fingerprint); entries keep the keys they had otherwise."""
    deletes = deletions_allowed(plan, options, confirm)
    result = SyncResult(unchanged=list(plan.unchanged))
    steps: list[tuple[str, str, Callable[[], None]]] = []
    for content in plan.creates:
        steps.append(("create", content.name, _creator(client, content)))
    for update in plan.updates:
        steps.append(("update", update.local.name, _updater(client, update.local)))
    for name in deletes:
        steps.append(("delete", name, _deleter(client, name)))
    done: list[tuple[str, str]] = []
    total = len(steps)
    for index, (action, name, step) in enumerate(steps, start=1):
        prefix = "would " if options.dry_run else ""
        echo(f"[{index}/{total}] {prefix}{action} {name}")
        if not options.dry_run:
            try:
                step()
            except SesTemplatesError as exc:
                raise SesTemplatesError(_partial_message(exc, action, name, done, steps)) from None
        done.append((action, name))
        {"create": result.created, "update": result.updated, "delete": result.deleted}[
            action
        ].append(name)
    if not options.dry_run:
        result.manifest = record_state(client, plan, result, meta or {})
    return result


def record_state(
    client: SesClient,
    plan: Plan,
    result: SyncResult,
    meta: Mapping[str, Mapping[str, Any]] | None = None,
) -> Manifest | None:
    """Write the manifest for what SES holds after `result` (no write when nothing changed)."""
    if plan.listing is None:
        return plan.manifest
    listing = plan.listing
    listed = dict(listing.templates)
    if result.created:
        # New templates only get their creation time from a listing.
        listed.update(list_state(client, plan.prefix).templates)
    old = plan.manifest.entries if plan.manifest else {}
    upserts: dict[str, Entry] = {}
    for name in (*result.created, *result.updated, *result.unchanged):
        previous = old.get(name)
        kept = dict(previous.meta) if previous else {}
        upserts[name] = Entry(
            plan.digests[name], listed.get(name), {**kept, **(meta or {}).get(name, {})}
        )
    gone = {n for n in old if n not in listed and n not in upserts}
    delta = Delta(upserts, frozenset(gone | set(result.deleted)))
    return write_manifest(client, listing, plan.manifest, delta, prefix=plan.prefix)


def _partial_message(
    exc: SesTemplatesError,
    action: str,
    name: str,
    done: list[tuple[str, str]],
    steps: list[tuple[str, str, Callable[[], None]]],
) -> str:
    not_done = [f"{a} {n}" for a, n, _ in steps[len(done):]]
    done_text = ", ".join(f"{a} {n}" for a, n in done) or "nothing"
    return (
        f"sync stopped at {action} {name}: {exc.message} | done: {done_text} | "
        f"not done: {', '.join(not_done)} | re-run sync to finish"
    )


def _creator(client: SesClient, content: Content) -> Callable[[], None]:
    def create() -> None:
        try:
            client.call(
                "CreateEmailTemplate", TemplateName=content.name, TemplateContent=content.to_ses()
            )
        except SesError as exc:
            # A create whose response was lost may have succeeded; then updating converges.
            if exc.code != "AlreadyExists":
                raise
            _updater(client, content)()

    return create


def _updater(client: SesClient, content: Content) -> Callable[[], None]:
    def update() -> None:
        client.call(
            "UpdateEmailTemplate", TemplateName=content.name, TemplateContent=content.to_ses()
        )

    return update


def _deleter(client: SesClient, name: str) -> Callable[[], None]:
    def delete() -> None:
        try:
            client.call("DeleteEmailTemplate", TemplateName=name)
        except SesError as exc:
            # Already gone (e.g. a retried delete whose first response was lost): the goal holds.
            if exc.code != "NotFound":
                raise

    return delete
