"""`sestemplates pull`: templates on SES (under the project's prefix) → template directories.

Each pulled template is written as_is (template.toml), so `build` gives back exactly the
Subject/Html/Text SES holds and `diff` reports nothing. Region-agnostic: the caller passes the
client of the account/region to pull from.

ListEmailTemplates and GetEmailTemplate are limited to about one call per second like the
writes; diff/sync make few of them, but a pull of a 20,000-template account makes 20,200: the
client paces them (ses.pace_seconds, per operation). With several regions configured (and no
--region), run_pull reads every region and pull_regions.py merges them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from sestemplates.adopt import Adopted, AdoptReport, Staging, check_targets, dir_name_for
from sestemplates.config import Config
from sestemplates.errors import ConfigError, SesTemplatesError
from sestemplates.ses.client import SesClient
from sestemplates.ses.plan import get_template, list_remote

if TYPE_CHECKING:
    from sestemplates.ses.commands import Connection

Echo = Callable[[str], None]
# The most SES returns per ListEmailTemplates page.
PAGE_SIZE = 100


def run_pull(
    config: Config,
    connection: Connection,
    names: list[str],
    *,
    force: bool = False,
    all_templates: bool = False,
    echo: Echo = lambda _: None,
) -> AdoptReport:
    """What the CLI calls: the configured client, then pull_templates (or, with several
    regions, pull_regions: every region read, the first one's content wins)."""
    connections = connection.regional(config)
    if len(connections) > 1:
        from sestemplates.ses.pull_regions import pull_regions
        from sestemplates.ses.regions import clients_for

        clients = clients_for(config, connections)
        regions = [(c.region or "", client) for c, client in zip(connections, clients, strict=True)]
        return pull_regions(
            config, regions, names, force=force, all_templates=all_templates, echo=echo
        )
    client = connections[0].client(config)
    return pull_templates(
        config, client, names, force=force, all_templates=all_templates, echo=echo
    )


def pull_templates(
    config: Config,
    client: SesClient,
    names: list[str],
    *,
    force: bool = False,
    all_templates: bool = False,
    echo: Echo = lambda _: None,
    page_size: int = PAGE_SIZE,
) -> AdoptReport:
    """Write the named templates (directory names or TemplateNames), or every template under
    the prefix, into templates/. All or nothing: on any error nothing is written."""
    check_request(config, names, all_templates)
    skipped: list[str] = []
    if names:
        targets = named_targets(config, names)
    else:
        listed = list_remote(client, page_size=page_size)
        targets = listed_targets(config, listed, skipped, echo)
    check_targets(config, list(targets.values()), force=force)
    with Staging(config, force=force) as staging:
        for index, (name, dir_name) in enumerate(targets.items(), 1):
            echo(f"[{index}/{len(targets)}] pull {name}")
            staging.add(adopted(name, dir_name, _get(client, name)))
        report = staging.commit()
    report.skipped = skipped
    return report


def check_request(config: Config, names: list[str], all_templates: bool) -> None:
    if names and all_templates:
        raise ConfigError("name templates or pass --all, not both")
    if not names and not config.prefix and not all_templates:
        raise ConfigError(
            "the prefix is empty, so every template in the account would be pulled; "
            "name the templates or pass --all"
        )


def named_targets(config: Config, names: list[str]) -> dict[str, str]:
    """TemplateName → directory for the NAMEs on the command line."""
    wanted = [_template_name(config, n) for n in names]
    return {name: dir_name_for(config, name) for name in wanted}


def listed_targets(
    config: Config, listed: Iterable[str], skipped: list[str], echo: Echo
) -> dict[str, str]:
    """TemplateName → directory for the listed names under the prefix, sorted; the names that
    cannot be a directory are appended to `skipped`."""
    targets = {}
    for name in sorted(n for n in listed if n.startswith(config.prefix)):
        # One name that cannot be a directory (`_x` is a layout, the bare prefix leaves
        # nothing) must not cost the whole account's pull: say which, pull the rest.
        try:
            targets[name] = dir_name_for(config, name)
        except SesTemplatesError as exc:
            echo(f"warning: skipped {name}: {exc.message}")
            skipped.append(name)
    return targets


def adopted(name: str, dir_name: str, content: dict[str, object]) -> Adopted:
    """GetEmailTemplate's TemplateContent as the directory to write."""
    subject = str(content.get("Subject") or "")
    html = str(content.get("Html") or "")
    text = str(content.get("Text") or "")
    if not html and not text:
        raise SesTemplatesError(f"SES template {name} has neither Html nor Text")
    return Adopted(dir_name, subject, html, text)


def _template_name(config: Config, name: str) -> str:
    """A NAME on the command line: a directory name, or a TemplateName that has the prefix."""
    return name if config.prefix and name.startswith(config.prefix) else config.prefix + name


def _get(client: SesClient, name: str) -> dict[str, object]:
    content = get_content(client, name)
    if content is None:
        raise SesTemplatesError(f"no template {name} on {client.where}")
    return content


def get_content(client: SesClient, name: str) -> dict[str, object] | None:
    """The TemplateContent SES holds for `name`; None when there is no such template."""
    response = get_template(client, name)
    if response is None:
        return None
    content = response.get("TemplateContent") or {}
    return dict(content)
