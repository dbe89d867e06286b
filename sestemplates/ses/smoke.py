"""`sestemplates smoke`: check → build → sync → parity → one templated send per template.

Made for CI: every stage runs for every template it can, so one broken template shows up in
the summary table next to the healthy ones; any failure makes the result non-zero.

parity and send (one TestRender per sample, one SendEmail per template, each under SES's 1/s
quota) run only for templates that changed since they last passed: the state manifest keeps,
per template, a fingerprint of its content and sample files from its last passing smoke run.
Named templates and `--all` are always tested; without a manifest, everything is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sestemplates.config import Config
from sestemplates.diagnostics import Diagnostic, format_text
from sestemplates.errors import SesTemplatesError
from sestemplates.ses.commands import Connection
from sestemplates.ses.records import Content, Target

if TYPE_CHECKING:
    from sestemplates.ses.client import SesClient
    from sestemplates.ses.manifest import Manifest

Echo = Callable[[str], None]
SIMULATOR_SUCCESS = "success@simulator.amazonses.com"
STAGES = ("check", "build", "sync", "parity", "send")
SMOKE_META = "smoke"  # the manifest entry's meta key for the last passing run's fingerprint


@dataclass
class Row:
    template: str
    cells: dict[str, str] = field(default_factory=dict)
    failed: bool = False

    def mark(self, stage: str, value: str, *, ok: bool = True) -> None:
        self.cells[stage] = value
        self.failed = self.failed or not ok


@dataclass
class SmokeResult:
    rows: list[Row]
    diagnostics: list[Diagnostic]
    errors: list[str]
    # Templates not rendered or sent this time: unchanged since their last passing run.
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not any(r.failed for r in self.rows)

    def table(self) -> str:
        header = ["template", *STAGES]
        body = [[r.template, *(r.cells.get(s, "-") for s in STAGES)] for r in self.rows]
        widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                 for row in [header, *body]]
        return "\n".join(lines)

    def format(self) -> str:
        parts = [self.table()]
        if self.diagnostics:
            parts.append(format_text(self.diagnostics))
        parts.extend(f"error: {e}" for e in self.errors)
        if self.skipped:
            parts.append(
                f"skipped parity and send for {len(self.skipped)} template(s) unchanged (content "
                "and samples) since their last passing smoke run (--all tests them too): "
                + ", ".join(self.skipped)
            )
        failed = sum(1 for r in self.rows if r.failed)
        if self.ok:
            parts.append(f"smoke passed: {len(self.rows)} template(s)")
        else:
            parts.append(f"smoke FAILED: {failed} of {len(self.rows)} template(s) failed"
                         + (f", {len(self.errors)} error(s)" if self.errors else ""))
        return "\n".join(parts)


@dataclass(frozen=True)
class SmokeOutcome:
    text: str
    ok: bool


def smoke(
    config: Config,
    connection: Connection,
    *,
    to: tuple[str, ...] = (),
    from_address: str | None = None,
    names: Sequence[str] = (),
    all_templates: bool = False,
    echo: Echo,
) -> SmokeOutcome:
    """The smoke run in every configured region, one after the other (one table each)."""
    from sestemplates.ses.regions import prefixed

    def one(regional: Connection, echo: Echo) -> SmokeResult:
        return run_smoke(config, regional, to=to, from_address=from_address, names=names,
                         all_templates=all_templates, echo=echo)

    connections = connection.regional(config)
    if len(connections) == 1:
        result = one(connections[0], echo)
        return SmokeOutcome(result.format(), result.ok)
    blocks, failed = [], []
    for regional in connections:
        region = regional.region or ""
        result = one(regional, prefixed(echo, region))
        blocks.append(f"== {region} ==\n{result.format()}")
        if not result.ok:
            failed.append(region)
    blocks.append(
        f"smoke FAILED in {len(failed)} of {len(connections)} region(s): {', '.join(failed)}"
        if failed else f"smoke passed in {len(connections)} region(s)"
    )
    return SmokeOutcome("\n\n".join(blocks), not failed)


def run_smoke(
    config: Config,
    connection: Connection,
    *,
    to: tuple[str, ...] = (),
    from_address: str | None = None,
    names: Sequence[str] = (),
    all_templates: bool = False,
    echo: Echo,
) -> SmokeResult:
    from sestemplates.checks import check_project
    from sestemplates.checks.samples import load_sample
    from sestemplates.pipeline import build_project
    from sestemplates.ses.parity import check_parity
    from sestemplates.ses.plan import make_plan
    from sestemplates.ses.send import SendOptions, send_email, validate
    from sestemplates.ses.sync import SyncOptions, apply_plan

    result = SmokeResult([], [], [])
    # A bad endpoint, profile or region is a usage error: stop before doing anything.
    client = connection.client(config)
    echo("smoke: check")
    check = check_project(config)
    result.diagnostics.extend(d for d in check.diagnostics if d.is_error)
    check_errors: dict[str, int] = {}
    for d in check.diagnostics:
        if d.is_error and d.template:
            check_errors[d.template] = check_errors.get(d.template, 0) + 1

    echo("smoke: build")
    report = build_project(config, [])
    result.diagnostics.extend(report.failures)
    rows: dict[str, Row] = {}

    def row(name: str) -> Row:
        return rows.setdefault(name, Row(name))

    for failure in report.failures:
        if failure.template:
            row(failure.template).mark("build", "failed", ok=False)
    targets = [
        Target(Content.of(b), tuple(b.source.samples), config.display(b.source.directory))
        for b in report.built
    ]
    for target in targets:
        row(target.content.name).mark("build", "ok")
    # Every template gets its check result, also those whose build failed.
    for name in sorted({*rows, *check_errors}):
        count = check_errors.get(name, 0)
        row(name).mark("check", f"{count} error(s)" if count else "ok", ok=not count)
    if not rows:
        # A smoke run that tested nothing must not pass CI (wrong directory, empty checkout).
        result.errors.append(
            f"no templates found in {config.display(config.templates_dir)}; nothing was tested"
        )
        return result

    try:
        echo("smoke: sync")
        plan = make_plan(client, [t.content for t in targets], config.prefix, read_changed=False)
        applied = apply_plan(client, plan, SyncOptions(yes=True), echo=echo, confirm=lambda _: True)
        for synced, word in ((applied.created, "created"), (applied.updated, "updated"),
                             (applied.unchanged, "unchanged")):
            for name in synced:
                row(name).mark("sync", word)
        wanted = {config.template_name(n) for n in names} | set(names)
        tested = [
            t for t in targets
            if all_templates or t.content.name in wanted
            or not passed_before(applied.manifest, t)
        ]
        result.skipped = sorted({t.content.name for t in targets} - {t.content.name
                                                                      for t in tested})
        for name in result.skipped:
            row(name).mark("parity", "skipped")
            row(name).mark("send", "skipped")
        targets = tested

        echo("smoke: parity")
        parity = check_parity(client, targets, display=config.display, echo=echo)
        result.diagnostics.extend(parity)
        for target in targets:
            bad = [d for d in parity if d.template == target.content.name]
            row(target.content.name).mark(
                "parity", f"{len(bad)} problem(s)" if bad else f"ok ({len(target.samples)})",
                ok=not bad,
            )

        echo("smoke: send")
        options = SendOptions(
            mode="template",
            to=to or config.send.to or (SIMULATOR_SUCCESS,),
            from_address=from_address or config.send.from_address,
        ).with_defaults(config.send)
        validate(options)  # no sender: one error, not one per template
        for target in targets:
            r = row(target.content.name)
            if not target.samples:
                r.mark("send", "skipped (no sample)")
                continue
            sample = config.display(target.samples[0])
            try:
                data = load_sample(target.samples[0], display=sample)
                response = send_email(client, target.content, data, options, sample=sample)
                r.mark("send", f"sent {response.get('MessageId', '?')}")
            except SesTemplatesError as exc:
                r.mark("send", "failed", ok=False)
                result.errors.append(str(exc))
        record_passes(client, applied.manifest, [t for t in targets
                                                 if not row(t.content.name).failed])
    except SesTemplatesError as exc:
        result.errors.append(str(exc))
    result.rows = sorted(rows.values(), key=lambda r: r.template)
    return result


def fingerprint(target: Target) -> str:
    """Content and sample files: what a passing smoke run vouches for."""
    digest = hashlib.sha256(target.content.digest().encode())
    for path in target.samples:
        digest.update(b"\0" + path.name.encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def passed_before(manifest: Manifest | None, target: Target) -> bool:
    entry = manifest.entries.get(target.content.name) if manifest else None
    return entry is not None and entry.meta.get(SMOKE_META) == fingerprint(target)


def record_passes(client: SesClient, manifest: Manifest | None, passed: list[Target]) -> None:
    """Remember which templates passed, so the next run can skip them while unchanged."""
    from dataclasses import replace

    from sestemplates.ses.manifest import Delta, Listing, write_manifest

    if manifest is None:
        return
    upserts = {}
    for target in passed:
        entry = manifest.entries.get(target.content.name)
        if entry is not None:
            upserts[target.content.name] = replace(
                entry, meta={**entry.meta, SMOKE_META: fingerprint(target)}
            )
    write_manifest(client, Listing({}, {}), manifest, Delta(upserts), prefix=manifest.prefix)
