"""Compare built templates with what SES holds: create / update / unchanged / delete-candidates.

Reads only (ListEmailTemplates, GetEmailTemplate); never writes.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from sestemplates.ses.client import SesClient, SesError
from sestemplates.ses.records import PARTS, Content


@dataclass(frozen=True)
class Update:
    local: Content
    remote: Content

    @property
    def changed_parts(self) -> list[str]:
        return [p for p in PARTS if self.local.part(p) != self.remote.part(p)]

    def unified_diff(self) -> str:
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


@dataclass
class Plan:
    prefix: str
    creates: list[Content] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Remote templates in the managed scope that no longer exist locally.
    deletes: list[str] = field(default_factory=list)
    # False when the prefix is empty and --prune-all was not given: the scope is unknown.
    deletes_scoped: bool = True

    @property
    def has_changes(self) -> bool:
        return bool(self.creates or self.updates or self.deletes)


def list_remote(client: SesClient, *, page_size: int = 100, paced: bool = False) -> list[str]:
    """Every template name in the account/region (ListEmailTemplates, all pages).

    `paced`: space the calls with the client's pacer (SES allows about one per second)."""
    names: list[str] = []
    token: str | None = None
    while True:
        params: dict[str, object] = {"PageSize": page_size}
        if token:
            params["NextToken"] = token
        if paced:
            client.pacer.wait()
        page = client.call("ListEmailTemplates", **params)
        names.extend(str(m["TemplateName"]) for m in page.get("TemplatesMetadata", []))
        token = page.get("NextToken")
        if not token:
            return names


def get_remote(client: SesClient, name: str) -> Content | None:
    try:
        response = client.call("GetEmailTemplate", TemplateName=name)
    except SesError as exc:
        if exc.code == "NotFound":
            return None
        raise
    return Content.from_ses(name, response.get("TemplateContent", {}))


def make_plan(
    client: SesClient, local: Sequence[Content], prefix: str, *, prune_all: bool = False
) -> Plan:
    remote_names = set(list_remote(client))
    plan = Plan(prefix=prefix, deletes_scoped=bool(prefix) or prune_all)
    for content in sorted(local, key=lambda c: c.name):
        remote = get_remote(client, content.name) if content.name in remote_names else None
        if remote is None:
            plan.creates.append(content)
        elif remote == content:
            plan.unchanged.append(content.name)
        else:
            plan.updates.append(Update(content, remote))
    if plan.deletes_scoped:
        local_names = {c.name for c in local}
        plan.deletes = sorted(
            n for n in remote_names if n.startswith(prefix) and n not in local_names
        )
    return plan


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
    if not plan.deletes_scoped:
        lines.append(
            "  (delete candidates not computed: the prefix is empty, so every template in the "
            "account would qualify; use --prune-all to include them)"
        )
    if show_diff:
        for update in plan.updates:
            lines.append("")
            lines.append(update.unified_diff().rstrip("\n"))
    lines.append("")
    lines.append(
        f"plan: create {len(plan.creates)}, update {len(plan.updates)}, "
        f"unchanged {len(plan.unchanged)}, delete-candidates {len(plan.deletes)}"
    )
    return "\n".join(lines)
