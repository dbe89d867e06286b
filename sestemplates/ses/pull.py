"""`sestemplates pull`: templates on SES (under the project's prefix) → template directories.

Each pulled template is written as_is (template.toml), so `build` gives back exactly the
Subject/Html/Text SES holds and `diff` reports nothing. Region-agnostic: the caller passes the
client of the account/region to pull from.

ListEmailTemplates and GetEmailTemplate are limited to about one call per second like the
writes; diff/sync make few of them, but a pull of a 20,000-template account makes 20,200, so
pull spaces them with the client's own pacer (ses.pace_seconds).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sestemplates.adopt import Adopted, AdoptReport, Staging, check_targets, dir_name_for
from sestemplates.config import Config
from sestemplates.errors import ConfigError, SesTemplatesError
from sestemplates.ses.client import SesClient, SesError
from sestemplates.ses.plan import list_remote

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
    """What the CLI calls: the configured client, then pull_templates."""
    return pull_templates(
        config, connection.client(config), names, force=force, all_templates=all_templates,
        echo=echo,
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
    if names and all_templates:
        raise ConfigError("name templates or pass --all, not both")
    if not names and not config.prefix and not all_templates:
        raise ConfigError(
            "the prefix is empty, so every template in the account would be pulled; "
            "name the templates or pass --all"
        )
    if names:
        wanted = [_template_name(config, n) for n in names]
    else:
        listed = list_remote(client, page_size=page_size, paced=True)
        wanted = sorted(n for n in listed if n.startswith(config.prefix))
    targets = {name: dir_name_for(config, name) for name in wanted}
    check_targets(config, list(targets.values()), force=force)
    with Staging(config, force=force) as staging:
        for index, (name, dir_name) in enumerate(targets.items(), 1):
            echo(f"[{index}/{len(targets)}] pull {name}")
            content = _get(client, name)
            subject = str(content.get("Subject") or "")
            html = str(content.get("Html") or "")
            text = str(content.get("Text") or "")
            if not html and not text:
                raise SesTemplatesError(f"SES template {name} has neither Html nor Text")
            staging.add(Adopted(dir_name, subject, html, text))
        return staging.commit()


def _template_name(config: Config, name: str) -> str:
    """A NAME on the command line: a directory name, or a TemplateName that has the prefix."""
    return name if config.prefix and name.startswith(config.prefix) else config.prefix + name


def _get(client: SesClient, name: str) -> dict[str, object]:
    client.pacer.wait()
    try:
        response = client.call("GetEmailTemplate", TemplateName=name)
    except SesError as exc:
        if exc.code == "NotFound":
            raise SesTemplatesError(f"no template {name} on {client.where}") from None
        raise
    content = response.get("TemplateContent") or {}
    return dict(content)
