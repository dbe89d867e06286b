"""Compare the contract of the template SES holds with the one about to replace it.

A path that becomes required (new, or required under fewer conditions than before) is
breaking: senders that omit it will have their emails dropped by SES. Removed paths and paths
that became optional are safe. Pure: the caller passes the parts' text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sestemplates.contract.derive import Contract, Guard, Requirement, display
from sestemplates.contract.schema import guard_text


@dataclass(frozen=True)
class Change:
    path: str
    # "breaking" | "removed" | "now-optional" | "now-conditional" | "new-optional"
    kind: str
    when: tuple[str, ...] = ()  # the conditions under which a breaking path is required

    def sentence(self) -> str:
        condition = f" (when {' and '.join(self.when)})" if self.when else ""
        if self.kind == "breaking":
            return (
                f"breaking: senders that omit `{self.path}` will have their emails dropped"
                f"{condition}"
            )
        if self.kind == "removed":
            return f"safe: `{self.path}` is no longer used"
        if self.kind == "now-optional":
            return f"safe: `{self.path}` is no longer required"
        if self.kind == "now-conditional":
            return f"safe: `{self.path}` is now required only{condition}"
        return f"safe: new optional `{self.path}`"

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "change": self.kind, "when": list(self.when)}


@dataclass
class ContractDiff:
    template: str
    changes: list[Change] = field(default_factory=list)
    new_template: bool = False
    unknown: str | None = None  # why the remote contract could not be derived

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.kind == "breaking"]

    def format(self) -> str:
        if self.new_template:
            return f"contract {self.template}: new template (never breaking)"
        if self.unknown:
            return f"contract {self.template}: not compared ({self.unknown})"
        if not self.changes:
            return f"contract {self.template}: unchanged"
        lines = [f"contract {self.template}:"]
        lines += [f"  {'!' if c.kind == 'breaking' else ' '} {c.sentence()}" for c in self.changes]
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "template": self.template,
            "new_template": self.new_template,
            "compared": self.unknown is None,
            "note": self.unknown,
            "breaking": bool(self.breaking),
            "changes": [c.as_json() for c in self.changes],
        }


def contract_of(parts: Mapping[str, str]) -> Contract:
    """Derive from raw part texts ({"subject": ..., "html": ..., "text": ...}); empty parts
    are left out. Raises HandlebarsError when a part does not parse."""
    from sestemplates.contract.derive import derive
    from sestemplates.handlebars import parse

    return derive({part: parse(text) for part, text in parts.items() if text})


def _key(req: Requirement) -> tuple[str, frozenset[tuple[str, str]]]:
    return display(req.target), frozenset((display(g.coord), g.kind) for g in req.guards)


def summary(contract: Contract) -> dict[str, Any]:
    """What compare() needs of the version being replaced, as JSON. The state manifest keeps
    it for what this project wrote, so the guard can compare without reading the template."""
    keys = map(_key, contract.required())
    required = sorted({(path, tuple(sorted(guards))) for path, guards in keys})
    return {
        "required": [[path, [list(g) for g in guards]] for path, guards in required],
        "paths": sorted(display(c) for c in contract.nodes if c),
    }


def compare(name: str, local: Contract, remote: Contract) -> ContractDiff:
    """What replacing `remote` with `local` changes for senders."""
    return compare_summary(name, local, summary(remote))


def compare_summary(name: str, local: Contract, remote: Mapping[str, Any]) -> ContractDiff:
    """compare() against a summary() of the version being replaced."""
    before: dict[str, list[frozenset[tuple[str, str]]]] = {}
    for path, guards in remote["required"]:
        before.setdefault(path, []).append(frozenset((g[0], g[1]) for g in guards))
    after: dict[str, list[tuple[frozenset[tuple[str, str]], tuple[Guard, ...]]]] = {}
    for req in local.required():
        path, key = _key(req)
        after.setdefault(path, []).append((key, req.guards))
    changes: list[Change] = []
    for path, conditions in after.items():
        for guards, raw in conditions:
            # Covered when SES's version already required it under these conditions or fewer.
            if not any(old <= guards for old in before.get(path, [])):
                changes.append(Change(path, "breaking", tuple(guard_text(g) for g in raw)))
    remote_paths = set(remote["paths"])
    local_paths = {display(c) for c in local.nodes if c}
    for path in sorted(remote_paths - local_paths):
        changes.append(Change(path, "removed"))
    for path in sorted(set(before) - set(after)):
        if path in local_paths:
            changes.append(Change(path, "now-optional"))
    for path in sorted(set(before) & set(after)):
        if frozenset() in before[path] and all(guards for guards, _ in after[path]):
            raw = after[path][0][1]
            changes.append(Change(path, "now-conditional", tuple(guard_text(g) for g in raw)))
    for path in sorted(local_paths - remote_paths - set(after)):
        changes.append(Change(path, "new-optional"))
    return ContractDiff(name, changes)


def compare_parts(
    name: str, local: Mapping[str, str], remote: Mapping[str, str] | None
) -> ContractDiff:
    """The plan's hook: compare by the parts' text; `remote` None means a new template."""
    from sestemplates.handlebars import HandlebarsError

    if remote is None:
        return ContractDiff(name, new_template=True)
    try:
        before = contract_of(remote)
    except HandlebarsError as exc:
        return ContractDiff(name, unknown=f"the version on SES does not parse: {exc}")
    try:
        after = contract_of(local)
    except HandlebarsError as exc:
        return ContractDiff(name, unknown=f"the local version does not parse: {exc}")
    return compare(name, after, before)


# How one contract uses a path: None, not at all; otherwise the conditions (each a tuple of
# guard texts, () meaning always) under which it is required, empty when it never is.
Usage = tuple[tuple[str, ...], ...] | None


@dataclass(frozen=True)
class Mismatch:
    """One path two contracts that must be equal (the locales of a template) use differently."""

    path: str
    expected: Usage
    actual: Usage

    def sentence(self, expected_name: str, actual_name: str) -> str:
        return (
            f"{actual_name} {_usage_text(self.actual, f'`{self.path}`')}, "
            f"but {expected_name} {_usage_text(self.expected, 'it')}"
        )


def _usage_text(usage: Usage, path: str) -> str:
    if usage is None:
        return f"does not use {path}"
    if not usage:
        return f"uses {path} without requiring it"
    if () in usage:
        return f"always requires {path}"
    return f"requires {path} only when " + ", or when ".join(" and ".join(c) for c in usage)


def mismatches(expected: Contract, actual: Contract) -> list[Mismatch]:
    """Every path whose use differs between two contracts, compared the way summary() keeps a
    contract (required paths with their guards, and the set of paths), in both directions."""
    before, after = _usages(expected), _usages(actual)
    found: list[Mismatch] = []
    for path in sorted(before.keys() | after.keys()):
        old, new = before.get(path), after.get(path)
        if (old is None) != (new is None) or (old is not None and new is not None
                                              and old.keys() != new.keys()):
            found.append(Mismatch(path, _texts(old), _texts(new)))
    return found


_Conditions = dict[frozenset[tuple[str, str]], tuple[str, ...]]  # guard keys → their texts


def _usages(contract: Contract) -> dict[str, _Conditions]:
    used: dict[str, _Conditions] = {display(c): {} for c in contract.nodes if c}
    for req in contract.required():
        path, key = _key(req)
        used.setdefault(path, {})[key] = tuple(guard_text(g) for g in req.guards)
    return used


def _texts(conditions: _Conditions | None) -> Usage:
    return None if conditions is None else tuple(sorted(conditions.values()))
