"""Several regions: one connection per region, run concurrently, each failing on its own.

SES templates, quotas and the state manifest are regional, so each region gets its own client
(pacing, retries) and reads/writes its own manifest. A region that fails is reported by name
next to the ones that completed; the command's exit code is then non-zero, and a re-run
converges because every region's sync is idempotent.

`regional_connections` is the seam every SES command uses (diff, sync, parity, smoke, pull):
one Connection with a region and endpoint per configured region. pull alone turns any failed
region into a failure of the whole (it writes all or nothing; see pull_regions.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from sestemplates.config import Config
from sestemplates.errors import ConfigError, SesTemplatesError

if TYPE_CHECKING:
    from sestemplates.ses.client import SesClient
    from sestemplates.ses.commands import Connection

T = TypeVar("T")
Echo = Callable[[str], None]


def regional_connections(config: Config, connection: Connection) -> list[Connection]:
    """`--region` picks one; else the config's `regions`; else [connection] as it is."""
    from sestemplates.ses.commands import Connection

    regions = (connection.region,) if connection.region else config.regions
    if not regions:
        return [connection]
    if connection.endpoint_url and len(regions) > 1:
        raise ConfigError(
            f"--endpoint-url names one endpoint, but the config names {len(regions)} regions "
            f"({', '.join(regions)}); give each its URL in [endpoints], or pick one with --region"
        )
    where = config.config_file.name if config.config_file else "the config"
    out = []
    for region in regions:
        url, source = connection.endpoint_url, connection.endpoint_from
        if url is None and region in config.endpoints:
            url, source = config.endpoints[region], f'[endpoints] "{region}" in {where}'
        out.append(Connection(region, connection.profile, url, source))
    return out


@dataclass
class RegionOutcome(Generic[T]):
    region: str
    where: str  # the endpoint or "SES (region)", for messages
    value: T | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def clients_for(config: Config, connections: Sequence[Connection]) -> list[SesClient]:
    """Made before any thread starts: a bad endpoint or profile is a usage error, at once."""
    return [c.client(config) for c in connections]


def run_regions(
    regions: Sequence[tuple[str, SesClient]], work: Callable[[str, SesClient], T]
) -> list[RegionOutcome[T]]:
    """`work` for every region at once; a region's SES error is its outcome, not everyone's."""

    def guarded(region: str, client: SesClient) -> RegionOutcome[T]:
        outcome: RegionOutcome[T] = RegionOutcome(region, client.where)
        try:
            outcome.value = work(region, client)
        except SesTemplatesError as exc:
            outcome.error = str(exc)
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, len(regions))) as pool:
        futures = [pool.submit(guarded, region, client) for region, client in regions]
        return [f.result() for f in futures]


def prefixed(echo: Echo, region: str) -> Echo:
    def say(line: str) -> None:
        echo(f"[{region}] {line}")

    return say


def header(outcome: RegionOutcome[T]) -> str:
    return f"== {outcome.region} ({outcome.where}) =="


def failure_line(outcome: RegionOutcome[T]) -> str:
    return f"{outcome.region}: FAILED: {outcome.error}"
