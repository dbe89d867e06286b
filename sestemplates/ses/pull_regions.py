"""`pull` with several regions: read every region, write each template directory once.

The regions should hold the same templates, but an account adopted as it is often does not
(one region edited in the console, a template created in one only). Guessing silently which
copy is right would hide that, so the first region the config names (the primary) wins, and
every template whose copies differ or that some region lacks gets one warning line: the next
sync makes the other regions equal to what was pulled.

The regions are read concurrently (run_regions), each client with its own pacing: SES's
quota is per region. A region that cannot be read fails the whole pull before anything is
written, as a single-region pull does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from sestemplates.adopt import Adopted, AdoptReport, Staging, check_targets
from sestemplates.config import Config
from sestemplates.errors import SesTemplatesError
from sestemplates.ses.plan import list_remote
from sestemplates.ses.pull import (
    PAGE_SIZE,
    adopted,
    check_request,
    get_content,
    listed_targets,
    named_targets,
)
from sestemplates.ses.regions import RegionOutcome, prefixed, run_regions

if TYPE_CHECKING:
    from sestemplates.ses.client import SesClient

T = TypeVar("T")
Echo = Callable[[str], None]
Region = tuple[str, "SesClient"]
Held = dict[str, Adopted]  # TemplateName → its parts, in one region


def pull_regions(
    config: Config,
    regions: Sequence[Region],
    names: list[str],
    *,
    force: bool = False,
    all_templates: bool = False,
    echo: Echo = lambda _: None,
    page_size: int = PAGE_SIZE,
) -> AdoptReport:
    """Like pull_templates, over every region in `regions` (the first is the primary)."""
    check_request(config, names, all_templates)
    skipped: list[str] = []
    if names:
        targets = named_targets(config, names)
        wanted = {region: list(targets) for region, _ in regions}
    else:
        listings = _all_ok(run_regions(
            regions, lambda _, client: list_remote(client, page_size=page_size)
        ))
        targets = listed_targets(
            config, {n for listed in listings.values() for n in listed}, skipped, echo
        )
        wanted = {}
        for region, listed in listings.items():
            has = set(listed)
            wanted[region] = [n for n in targets if n in has]
    check_targets(config, list(targets.values()), force=force)

    def read(region: str, client: SesClient) -> Held:
        return _read(client, wanted[region], targets, prefixed(echo, region))

    held = _all_ok(run_regions(regions, read))
    order = [region for region, _ in regions]
    chosen: list[Adopted] = []
    for name in targets:
        copy, warnings = _choose(name, order, held)
        for line in warnings:
            echo(line)
        chosen.append(copy)
    with Staging(config, force=force) as staging:
        for copy in chosen:
            staging.add(copy)
        report = staging.commit()
    report.skipped = skipped
    return report


def _read(client: SesClient, names: list[str], targets: dict[str, str], echo: Echo) -> Held:
    """The region's copy of each name it has (a name it lacks is left out, not an error)."""
    held: Held = {}
    for index, name in enumerate(names, 1):
        echo(f"[{index}/{len(names)}] pull {name}")
        content = get_content(client, name)
        if content is not None:
            held[name] = adopted(name, targets[name], content)
    return held


def _all_ok(outcomes: list[RegionOutcome[T]]) -> dict[str, T]:
    """Each region's value; any failed region fails the pull (before anything is written)."""
    failed = [o for o in outcomes if not o.ok]
    if failed:
        raise SesTemplatesError(
            f"pull failed in {len(failed)} of {len(outcomes)} region(s) "
            f"({', '.join(o.region for o in failed)}), nothing written: "
            + "; ".join(f"{o.region}: {o.error}" for o in failed)
        )
    values = {}
    for outcome in outcomes:
        assert outcome.value is not None, "an outcome without error has its value"
        values[outcome.region] = outcome.value
    return values


def _choose(name: str, order: list[str], held: dict[str, Held]) -> tuple[Adopted, list[str]]:
    """The copy to write (that of the first region in `order` which has one) and the
    warning lines about the regions whose copy differs or is missing."""
    having = [region for region in order if name in held[region]]
    if not having:
        raise SesTemplatesError(f"no template {name} in any region ({', '.join(order)})")
    source = having[0]
    copy = held[source][name]
    differs = []
    for region in having[1:]:
        parts = _differing_parts(copy, held[region][name])
        if parts:
            differs.append(f"{region} ({', '.join(parts)})")
    missing = [region for region in order if region not in having]
    lines = []
    if differs:
        others = ", ".join(d.split(" ", 1)[0] for d in differs)
        lines.append(
            f"warning: {name} differs between {source} and {', '.join(differs)}: "
            f"pulled {source}'s; the next sync makes {others} equal"
        )
    if missing:
        # Pulled from a region other than the primary: say which, unless the line above did.
        pulled = f"pulled {source}'s; " if source != order[0] and not differs else ""
        lines.append(
            f"warning: {name} missing in {', '.join(missing)}: "
            f"{pulled}the next sync creates it there"
        )
    return copy, lines


def _differing_parts(a: Adopted, b: Adopted) -> list[str]:
    return [
        part for part, x, y in (
            ("subject", a.subject, b.subject), ("html", a.html, b.html), ("text", a.text, b.text)
        ) if x != y
    ]
