"""Compare built templates with what SES holds: create / update / unchanged / delete-candidates.

Reads only (ListEmailTemplates, GetEmailTemplate); never writes. With a state manifest (see
manifest.py) a template whose built content hashes to what the manifest recorded, and whose
listed creation time is the recorded one, is unchanged without reading it: an unchanged repo
costs one listing and one read per manifest shard. `refresh` reads everything and reports
drift: templates changed outside this project since it last wrote them.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sestemplates.ses.client import SesClient, SesError
from sestemplates.ses.manifest import (
    Entry,
    Listing,
    Manifest,
    ManifestUnreadable,
    list_state,
    read_manifest,
    same_creation,
)
from sestemplates.ses.records import PARTS, Content

if TYPE_CHECKING:
    from sestemplates.contract.compare import ContractDiff


@dataclass(frozen=True)
class Update:
    local: Content
    # None: not read, because the manifest vouches that SES holds what this project last
    # wrote, and the build differs from that (sync needs no read to know it must write).
    remote: Content | None

    @property
    def changed_parts(self) -> list[str]:
        if self.remote is None:
            return ["changed since the last sync"]
        remote = self.remote
        return [p for p in PARTS if self.local.part(p) != remote.part(p)]

    def unified_diff(self) -> str:
        if self.remote is None:
            return ""
        chunks = []
        for part in self.changed_parts:
            name = self.local.name
            diff = difflib.unified_diff(
                self.remote.part(part).splitlines(keepends=True),
                self.local.part(part).splitlines(keepends=True),
                fromfile=f"ses/{name}/{part}",
                tofile=f"build/{name}/{part}",
            )
            chunks.append("".join(line if line.endswith("\n") else line + "\n" for line in diff))
        return "".join(chunks)


@dataclass(frozen=True)
class Drift:
    """A template changed on SES by someone else since this project last wrote it."""

    name: str
    reason: str


@dataclass
class Plan:
    prefix: str
    creates: list[Content] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Remote templates this project owns (per the manifest) that no longer exist locally.
    deletes: list[str] = field(default_factory=list)
    # False when the prefix cannot scope deletions (see prune_scope_problem).
    deletes_scoped: bool = True
    unscoped_reason: str = ""
    # Under the prefix, not local, but not provably created by this project: never deleted.
    not_owned: list[str] = field(default_factory=list)
    drift: list[Drift] = field(default_factory=list)
    # What the plan was made from; sync writes the next manifest from it.
    listing: Listing | None = None
    manifest: Manifest | None = None
    manifest_note: str | None = None
    refreshed: bool = False
    # Templates read with GetEmailTemplate while planning (for the summary and tests).
    read: list[str] = field(default_factory=list)
    # sha256 of every local template planned, for the next manifest.
    digests: dict[str, str] = field(default_factory=dict)

    @property
    def has_changes(self) -> bool:
        return bool(self.creates or self.updates or self.deletes)

    @property
    def has_writes(self) -> bool:
        """What a plain sync (no --prune) would change."""
        return bool(self.creates or self.updates)


# A prefix scopes deletions only when it ends in a separator: "shop" would also match another
# team's "shopping-foo" and "shop2-x", "shop-" cannot.
PRUNE_SEPARATORS = ("-", "_")


def prune_scope_problem(prefix: str, prune_all: bool) -> str | None:
    """Why names starting with `prefix` are not provably the project's own, or None."""
    if not prefix:
        if prune_all:
            return None
        return (
            "the prefix is empty, so every template in the account would qualify; "
            "use --prune-all to include them"
        )
    if prefix.endswith(PRUNE_SEPARATORS):
        return None
    return (
        f"the prefix {prefix!r} does not end in '-' or '_', so it also matches other names "
        f"(such as {prefix}ping-x or {prefix}2-x); prune needs a prefix like '{prefix}-'"
    )


def list_remote(client: SesClient, *, page_size: int = 100) -> list[str]:
    """Every template name in the account/region (all pages), without manifest templates.

    The client paces ListEmailTemplates itself (SES allows about one per second)."""
    from sestemplates.ses.manifest import is_manifest_name, list_all

    names = list_all(client, page_size=page_size)
    return [name for name in names if not is_manifest_name(name)]


def get_template(client: SesClient, name: str) -> dict[str, Any] | None:
    """The GetEmailTemplate response for `name`; None when there is no such template."""
    try:
        return client.call("GetEmailTemplate", TemplateName=name)
    except SesError as exc:
        if exc.code == "NotFound":
            return None
        raise


def get_remote(client: SesClient, name: str) -> Content | None:
    response = get_template(client, name)
    if response is None:
        return None
    return Content.from_ses(name, response.get("TemplateContent", {}))


def make_plan(
    client: SesClient,
    local: Sequence[Content],
    prefix: str,
    *,
    prune_all: bool = False,
    refresh: bool = False,
    read_changed: bool = True,
    vouch_meta: str | None = None,
) -> Plan:
    """`read_changed=False` (sync, which shows no diff): a template the manifest vouches for
    whose build differs is planned as an update without reading it."""
    listing = list_state(client, prefix)
    problem = prune_scope_problem(prefix, prune_all)
    plan = Plan(prefix=prefix, deletes_scoped=problem is None, unscoped_reason=problem or "",
                listing=listing, refreshed=refresh)
    try:
        plan.manifest = read_manifest(client, listing)
    except ManifestUnreadable as exc:
        plan.manifest_note = f"{exc.message}; planned without it (the next sync rewrites it)"
    if plan.manifest is None and plan.manifest_note is None:
        plan.manifest_note = (
            "no state manifest yet: every template was read (sync writes one)"
        )
    remote = listing.templates
    entries = plan.manifest.entries if plan.manifest else {}
    for content in sorted(local, key=lambda c: c.name):
        plan.digests[content.name] = content.digest()
        if content.name not in remote:
            plan.creates.append(content)
            continue
        entry = entries.get(content.name)
        listed = remote[content.name]
        vouched = not refresh and entry is not None and same_creation(entry.created, listed)
        if vouched and entry is not None and entry.digest == plan.digests[content.name]:
            plan.unchanged.append(content.name)
            continue
        if vouched and not read_changed and entry is not None and (
            vouch_meta is None or recorded(entry, vouch_meta) is not None
        ):
            plan.updates.append(Update(content, None))
            continue
        current = get_remote(client, content.name)
        plan.read.append(content.name)
        if current is None:
            plan.creates.append(content)
            continue
        if entry is not None:
            _note_drift(plan, entry.digest, entry.created, listed, current)
        if current == content:
            plan.unchanged.append(content.name)
        else:
            plan.updates.append(Update(content, current))
    for name in sorted(set(entries) - set(remote)):
        plan.drift.append(Drift(name, "deleted outside this project"))
    if plan.deletes_scoped:
        local_names = {c.name for c in local}
        for name in sorted(n for n in remote if n.startswith(prefix) and n not in local_names):
            owned = plan.manifest is not None and plan.manifest.owns(name, remote[name])
            (plan.deletes if owned else plan.not_owned).append(name)
    return plan


def _note_drift(
    plan: Plan, digest: str, created: float | None, listed: float | None, current: Content
) -> None:
    if not same_creation(created, listed):
        plan.drift.append(Drift(current.name, "deleted and re-created outside this project"))
    elif current.digest() != digest:
        plan.drift.append(Drift(current.name, "edited outside this project"))


def format_drift(plan: Plan) -> list[str]:
    return [f"! drift      {d.name}: {d.reason} since the last sync" for d in plan.drift]


def format_plan(plan: Plan, *, show_diff: bool = True) -> str:
    lines: list[str] = []
    for content in plan.creates:
        lines.append(f"+ create     {content.name}")
    for update in plan.updates:
        lines.append(f"~ update     {update.local.name} ({', '.join(update.changed_parts)})")
    for name in plan.unchanged:
        lines.append(f"  unchanged  {name}")
    for name in plan.deletes:
        lines.append(f"- delete?    {name} (only with --prune)")
    for name in plan.not_owned:
        lines.append(f"  not ours   {name} (under the prefix, but the state manifest does not "
                     "record it as this project's: never pruned)")
    lines.extend(format_drift(plan))
    if plan.manifest_note:
        lines.append(f"  ({plan.manifest_note})")
    if not plan.deletes_scoped:
        lines.append(f"  (delete candidates not computed: {plan.unscoped_reason})")
    if show_diff:
        for update in (u for u in plan.updates if u.remote is not None):
            lines.append("")
            lines.append(update.unified_diff().rstrip("\n"))
    lines.append("")
    lines.append(
        f"plan: create {len(plan.creates)}, update {len(plan.updates)}, "
        f"unchanged {len(plan.unchanged)}, delete-candidates {len(plan.deletes)}"
        + (f", drift {len(plan.drift)}" if plan.drift or plan.refreshed else "")
    )
    return "\n".join(lines)


# The manifest entry's meta key holding the contract summary of the version this project wrote.
CONTRACT_META = "contract"


def recorded(entry: Entry, key: str) -> dict[str, Any] | None:
    """entry.meta[key] when it was recorded for the content SES holds now (its sha256 equals
    the entry's): a meta value another writer carried over from an older version is stale."""
    value = entry.meta.get(key)
    if isinstance(value, dict) and value.get("sha256") == entry.digest:
        return value
    return None


def parts_of(content: Content) -> dict[str, str]:
    """The three parts by name, as the contract module takes them."""
    return {part: content.part(part) for part in PARTS}


def contract_meta(plan: Plan) -> dict[str, dict[str, Any]]:
    """Per created or updated template, the manifest meta recording its new contract."""
    from sestemplates.contract import contract_summary

    meta: dict[str, dict[str, Any]] = {}
    for content in (*plan.creates, *(u.local for u in plan.updates)):
        found = contract_summary(parts_of(content))
        if found is not None:
            meta[content.name] = {
                CONTRACT_META: {"sha256": plan.digests[content.name], **found}
            }
    return meta


def contract_changes(plan: Plan) -> list[ContractDiff]:
    """What each create and update changes in the template's TemplateData contract: the
    comparison lives in sestemplates.contract; the plan only hands over both versions' parts."""
    from sestemplates.contract import compare_parts, compare_with_summary
    from sestemplates.contract.compare import ContractDiff

    diffs = [compare_parts(c.name, parts_of(c), None) for c in plan.creates]
    for update in plan.updates:
        name = update.local.name
        if update.remote is not None:
            diffs.append(compare_parts(name, parts_of(update.local), parts_of(update.remote)))
            continue
        # Not read: the manifest vouches for what SES holds, and its entry may carry the
        # contract summary of that version (sync reads the template when it does not).
        entry = plan.manifest.entries.get(name) if plan.manifest else None
        summary = recorded(entry, CONTRACT_META) if entry is not None else None
        if summary is None:
            diffs.append(ContractDiff(name, unknown="the version on SES was not read"))
        else:
            diffs.append(compare_with_summary(name, parts_of(update.local), summary))
    return diffs


def plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "prefix": plan.prefix,
        "create": [c.name for c in plan.creates],
        "update": [{"name": u.local.name, "parts": u.changed_parts} for u in plan.updates],
        "unchanged": list(plan.unchanged),
        "delete_candidates": list(plan.deletes),
        "delete_candidates_computed": plan.deletes_scoped,
    }
