"""The state manifest: what this project last wrote to SES, kept in SES itself.

Ephemeral CI runners have nothing but the repository and credentials, so the record of what a
project wrote lives beside the templates, in templates with reserved names under the project's
prefix:

    {prefix}__sestemplates_{N}                      shard 0 of version N (the commit record)
    {prefix}__sestemplates_{N}_{token}_{i}          shard i ≥ 1 of version N, written first

Each shard's Text is JSON: per template the sha256 of its parts, the creation time SES listed
for it (a re-created template gets a new one) and a free `meta` dict for other records (e.g.
a data-contract fingerprint). A template holds at most 500 KB, so entries are split over shards.

SES has no conditional write, but CreateEmailTemplate fails when the name exists: creating
shard 0 of version N+1 is an atomic claim. Two syncs that both read version N race for the
same name; the loser re-reads the winner's manifest, merges its own changes when they touch
other templates, and fails clearly when both changed the same one. A writer killed before its
claim leaves the previous version intact (and some orphan shards the next writer removes).
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sestemplates.errors import ConfigError, SesTemplatesError
from sestemplates.ses.client import SesClient, SesError

MARKER = "__sestemplates_"
FORMAT = 1
# Below SES's 500 KB per template, leaving room for the subject and JSON framing.
SHARD_BYTES = 400_000
_NAME = re.compile(
    r"^(?P<prefix>[A-Za-z0-9_-]*)__sestemplates_(?P<version>\d+)"
    r"(?:_(?P<token>[0-9a-f]{6})_(?P<shard>\d+))?$"
)
SUBJECT = "sestemplates state manifest (do not edit or delete)"
# Two listed creation times closer than this are the same creation (float round trips).
CREATED_TOLERANCE = 1e-3


@dataclass(frozen=True)
class ManifestName:
    prefix: str
    version: int
    token: str | None
    shard: int


def parse_name(name: str) -> ManifestName | None:
    """The parts of a manifest template's name, or None for any other template."""
    match = _NAME.match(name)
    if not match:
        return None
    token = match["token"]
    return ManifestName(
        match["prefix"], int(match["version"]), token, int(match["shard"]) if token else 0
    )


def is_manifest_name(name: str) -> bool:
    """True for the manifest templates of any prefix: they are never user templates."""
    return parse_name(name) is not None


def shard_name(prefix: str, version: int, token: str, shard: int) -> str:
    name = f"{prefix}{MARKER}{version}" if shard == 0 else (
        f"{prefix}{MARKER}{version}_{token}_{shard}"
    )
    if len(name) > 64:
        raise ConfigError(
            f"prefix {prefix!r} is too long to keep the state manifest ({name!r} exceeds the "
            "64 characters SES allows in a TemplateName)"
        )
    return name


@dataclass(frozen=True)
class Entry:
    """What this project last wrote to (or confirmed on) one template."""

    digest: str
    created: float | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"sha256": self.digest, "created": self.created}
        if self.meta:
            out["meta"] = dict(self.meta)
        return out

    @classmethod
    def from_json(cls, value: Any) -> Entry:
        if not isinstance(value, dict) or not isinstance(value.get("sha256"), str):
            raise ValueError("entry without sha256")
        created = value.get("created")
        meta = value.get("meta") or {}
        if not isinstance(meta, dict):
            raise ValueError("meta is not an object")
        return cls(value["sha256"], float(created) if created is not None else None, meta)


def same_creation(recorded: float | None, listed: float | None) -> bool:
    """Whether a listed template is the one the manifest recorded (unknown times agree)."""
    if recorded is None or listed is None:
        return True
    return abs(recorded - listed) < CREATED_TOLERANCE


@dataclass
class Manifest:
    prefix: str
    version: int
    token: str
    entries: dict[str, Entry]
    shards: int = 1

    def names(self) -> list[str]:
        """The templates this version is stored in."""
        return [shard_name(self.prefix, self.version, self.token, i) for i in range(self.shards)]

    def owns(self, name: str, listed_created: float | None) -> bool:
        """The project created or last wrote this very template (not a later re-creation)."""
        entry = self.entries.get(name)
        return entry is not None and same_creation(entry.created, listed_created)


@dataclass
class Listing:
    """One ListEmailTemplates pass, split into user templates and this prefix's manifest."""

    templates: dict[str, float | None]  # name → creation time (epoch seconds)
    manifest_names: dict[str, ManifestName]  # this prefix's manifest templates


def _epoch(value: Any) -> float | None:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, int | float):
        return float(value)
    return None


def list_all(client: SesClient, *, page_size: int = 100) -> dict[str, float | None]:
    """Every template in the account/region with its creation time (all pages)."""
    out: dict[str, float | None] = {}
    token: str | None = None
    while True:
        params: dict[str, object] = {"PageSize": page_size}
        if token:
            params["NextToken"] = token
        page = client.call("ListEmailTemplates", **params)
        for meta in page.get("TemplatesMetadata", []):
            out[str(meta["TemplateName"])] = _epoch(meta.get("CreatedTimestamp"))
        token = page.get("NextToken")
        if not token:
            return out


def split_listing(everything: Mapping[str, float | None], prefix: str) -> Listing:
    templates: dict[str, float | None] = {}
    manifest_names: dict[str, ManifestName] = {}
    for name, created in everything.items():
        parsed = parse_name(name)
        if parsed is None:
            templates[name] = created
        elif parsed.prefix == prefix:
            manifest_names[name] = parsed
        # Another prefix's manifest: neither a template nor ours.
    return Listing(templates, manifest_names)


def list_state(client: SesClient, prefix: str) -> Listing:
    return split_listing(list_all(client), prefix)


class ManifestUnreadable(SesTemplatesError):
    """The manifest exists but cannot be used; callers plan without it."""


def read_manifest(client: SesClient, listing: Listing) -> Manifest | None:
    """The newest committed manifest version, one GetEmailTemplate per shard; None if none."""
    commits = sorted(
        (m for m in listing.manifest_names.values() if m.shard == 0),
        key=lambda m: m.version,
        reverse=True,
    )
    if not commits:
        return None
    head = commits[0]
    prefix = head.prefix
    first = _read_shard(client, shard_name(prefix, head.version, "", 0))
    try:
        count = int(first["shards"])
        token = str(first["token"])
        if first.get("prefix") != prefix or int(first["version"]) != head.version:
            raise ValueError("its prefix or version does not match its name")
        entries = _entries(first)
        for index in range(1, count):
            shard = _read_shard(client, shard_name(prefix, head.version, token, index))
            if shard.get("token") != token or int(shard.get("version", -1)) != head.version:
                raise ValueError(f"shard {index} belongs to another write")
            entries.update(_entries(shard))
    except (KeyError, TypeError, ValueError) as exc:
        raise ManifestUnreadable(
            f"state manifest {shard_name(prefix, head.version, '', 0)} is unreadable ({exc})"
        ) from None
    return Manifest(prefix, head.version, token, entries, count)


def _read_shard(client: SesClient, name: str) -> dict[str, Any]:
    try:
        response = client.call("GetEmailTemplate", TemplateName=name)
    except SesError as exc:
        if exc.code == "NotFound":
            # Replaced by a newer version between our listing and this read.
            raise ManifestUnreadable(
                f"state manifest {name} disappeared while reading it"
            ) from None
        raise
    text = response.get("TemplateContent", {}).get("Text") or ""
    try:
        data = json.loads(text)
    except ValueError:
        raise ManifestUnreadable(f"state manifest {name} is not JSON") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ManifestUnreadable(f"state manifest {name} has an unknown format")
    return data


def _entries(shard: dict[str, Any]) -> dict[str, Entry]:
    raw = shard.get("entries")
    if not isinstance(raw, dict):
        raise ValueError("entries is not an object")
    return {str(name): Entry.from_json(value) for name, value in raw.items()}


@dataclass(frozen=True)
class Delta:
    """What one sync changes in the manifest: entries to set and names to drop."""

    upserts: Mapping[str, Entry]
    removes: frozenset[str] = frozenset()

    def apply(self, entries: Mapping[str, Entry]) -> dict[str, Entry]:
        out = {k: v for k, v in entries.items() if k not in self.removes}
        out.update(self.upserts)
        return out

    def touches(self) -> set[str]:
        return set(self.upserts) | set(self.removes)


class ConcurrentSync(SesTemplatesError):
    """Another sync wrote the manifest for the same templates at the same time."""


def _shards(entries: Mapping[str, Entry]) -> list[dict[str, Any]]:
    shards: list[dict[str, Any]] = [{}]
    size = 0
    for name in sorted(entries):
        item = entries[name].to_json()
        cost = len(json.dumps({name: item})) + 2
        if shards[-1] and size + cost > SHARD_BYTES:
            shards.append({})
            size = 0
        shards[-1][name] = item
        size += cost
    return shards


def write_manifest(
    client: SesClient,
    listing: Listing,
    base: Manifest | None,
    delta: Delta,
    *,
    prefix: str,
    attempts: int = 3,
) -> Manifest | None:
    """Commit base + delta as the next version; merge and retry when another sync got there.

    `listing` is the pass `base` was read from. Returns the committed manifest (base itself
    when nothing changed).
    """
    for _ in range(attempts):
        entries = delta.apply(base.entries if base else {})
        if base is not None and entries == base.entries:
            return base
        if base is None and not entries:
            return None
        # Above any version listed too: an unreadable head must be replaced, not collided with.
        version = max([base.version if base else 0, *_committed_versions(listing)]) + 1
        token = secrets.token_hex(3)
        shards = _shards(entries)
        written: list[str] = []
        for index in range(1, len(shards)):
            name = shard_name(prefix, version, token, index)
            _create(client, name, _shard_json(prefix, version, token, index, len(shards),
                                              shards[index]))
            written.append(name)
        head = shard_name(prefix, version, token, 0)
        try:
            _create(client, head, _shard_json(prefix, version, token, 0, len(shards), shards[0]))
        except SesError as exc:
            if exc.code != "AlreadyExists":
                raise
            _delete_quietly(client, written)
            listing, base = _reread_after_conflict(client, prefix, base, delta)
            continue
        committed = Manifest(prefix, version, token, entries, len(shards))
        _collect_garbage(client, listing, base, committed)
        return committed
    raise ConcurrentSync(
        f"another sync on prefix {prefix!r} kept writing the state manifest; "
        "re-run sync when it has finished"
    )


def _committed_versions(listing: Listing) -> list[int]:
    return [m.version for m in listing.manifest_names.values() if m.shard == 0]


def _reread_after_conflict(
    client: SesClient, prefix: str, base: Manifest | None, delta: Delta
) -> tuple[Listing, Manifest | None]:
    listing = list_state(client, prefix)
    try:
        latest = read_manifest(client, listing)
    except ManifestUnreadable:
        latest = None  # nothing in it can be kept; the next version replaces it
    if latest is None:
        return listing, None
    before = base.entries if base else {}
    clashes = sorted(
        name for name in delta.touches()
        if latest.entries.get(name) != before.get(name)
        and latest.entries.get(name) != delta.upserts.get(name)
    )
    if clashes:
        shown = ", ".join(clashes[:5]) + (" …" if len(clashes) > 5 else "")
        raise ConcurrentSync(
            f"another sync on prefix {prefix!r} changed the same templates at the same time "
            f"({shown}; manifest version {latest.version}); re-run sync so that one of them "
            "sees the other's result"
        )
    return listing, latest


def _shard_json(
    prefix: str, version: int, token: str, index: int, count: int, entries: dict[str, Any]
) -> str:
    data: dict[str, Any] = {"format": FORMAT, "prefix": prefix, "version": version,
                            "token": token, "shard": index, "entries": entries}
    if index == 0:
        data["shards"] = count
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _create(client: SesClient, name: str, text: str) -> None:
    client.call(
        "CreateEmailTemplate",
        TemplateName=name,
        TemplateContent={"Subject": SUBJECT, "Text": text},
    )


def _delete_quietly(client: SesClient, names: Iterable[str]) -> None:
    """Leftovers only cost space; a failed cleanup must not fail a sync that committed."""
    for name in names:
        with contextlib.suppress(SesError):
            client.call("DeleteEmailTemplate", TemplateName=name)


def _collect_garbage(
    client: SesClient, listing: Listing, base: Manifest | None, committed: Manifest
) -> None:
    """Drop the replaced version, and older versions and orphans of killed writers seen in the
    listing this sync made.

    Names created after that listing (a concurrent writer's in-flight shards) are never seen
    here, so never deleted.
    """
    stale = {
        name for name, parsed in listing.manifest_names.items()
        if parsed.version < committed.version
        or (parsed.version == committed.version and parsed.token not in (None, committed.token))
    }
    if base is not None:
        stale.update(base.names())
    _delete_quietly(client, sorted(stale))
