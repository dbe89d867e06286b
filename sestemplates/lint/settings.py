"""The [lint] table: which clients, which codes to ignore, accepted features, forbidden hosts.

    [lint]
    clients = ["gmail", "apple-mail", "outlook.windows"]   # caniemail family or family.platform
    ignore = ["link-text"]                                  # lint codes
    allow = ["css-at-media"]                                # caniemail feature slugs accepted
    partial = false                                         # also warn on partial support
    forbidden_hosts = { production = ["staging.example.com"] }  # per env ("default": no env)

    [lint.templates.welcome]    # per template directory: clients, ignore, allow, partial
    ignore = ["low-contrast"]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sestemplates.checks.codes import LINT_CODES
from sestemplates.errors import ConfigError

# The clients most mail is read in (caniemail's names); Outlook on Windows is the Word engine.
DEFAULT_CLIENTS = (
    "gmail.desktop-webmail",
    "gmail.ios",
    "gmail.android",
    "apple-mail.macos",
    "apple-mail.ios",
    "outlook.windows",
    "outlook.outlook-com",
    "outlook.macos",
    "outlook.ios",
    "outlook.android",
    "yahoo.desktop-webmail",
    "samsung-email.android",
)
_KEYS = {"clients", "ignore", "allow", "partial", "forbidden_hosts", "templates"}
_TEMPLATE_KEYS = {"clients", "ignore", "allow", "partial"}
NO_ENV = "default"


@dataclass(frozen=True)
class LintSettings:
    clients: tuple[str, ...] = DEFAULT_CLIENTS  # family or family.platform, unexpanded
    ignore: frozenset[str] = frozenset()
    allow: frozenset[str] = frozenset()
    partial: bool = False
    forbidden_hosts: tuple[str, ...] = ()  # for the selected env

    def enabled(self, code: str) -> bool:
        return code not in self.ignore


def lint_settings(
    table: Mapping[str, Any], env: str | None, file: str, template: str
) -> LintSettings:
    """The settings for one template directory: [lint] with its [lint.templates.X] on top."""
    _keys(table, _KEYS, "lint", file)
    base = _apply(LintSettings(), table, "lint", file)
    hosts = table.get("forbidden_hosts", {})
    if not isinstance(hosts, dict):
        raise ConfigError("lint.forbidden_hosts must be a table of env = [hosts]", file=file)
    chosen = hosts.get(env or NO_ENV, [])
    base = replace(base, forbidden_hosts=tuple(h.lower() for h in _strings(
        chosen, f"lint.forbidden_hosts.{env or NO_ENV}", file)))
    templates = table.get("templates", {})
    if not isinstance(templates, dict):
        raise ConfigError("lint.templates must be a table", file=file)
    own = templates.get(template)
    if own is None:
        return base
    section = f"lint.templates.{template}"
    if not isinstance(own, dict):
        raise ConfigError(f"{section} must be a table", file=file)
    _keys(own, _TEMPLATE_KEYS, section, file)
    return _apply(base, own, section, file)


def _apply(base: LintSettings, table: Mapping[str, Any], section: str, file: str) -> LintSettings:
    settings = base
    if "clients" in table:
        clients = tuple(_strings(table["clients"], f"{section}.clients", file))
        from sestemplates.lint.support import known_clients

        known = known_clients()
        for client in clients:
            if client not in known:
                raise ConfigError(
                    f"{section}.clients: unknown client {client!r} (caniemail names such as "
                    "'gmail', 'outlook.windows', 'apple-mail.ios')",
                    file=file,
                )
        settings = replace(settings, clients=clients)
    if "ignore" in table:
        ignore = _strings(table["ignore"], f"{section}.ignore", file)
        unknown = sorted(set(ignore) - LINT_CODES)
        if unknown:
            raise ConfigError(
                f"{section}.ignore: unknown lint code {unknown[0]!r} "
                f"(codes: {', '.join(sorted(LINT_CODES))})",
                file=file,
            )
        settings = replace(settings, ignore=frozenset(ignore))
    if "allow" in table:
        settings = replace(
            settings, allow=frozenset(_strings(table["allow"], f"{section}.allow", file))
        )
    if "partial" in table:
        if not isinstance(table["partial"], bool):
            raise ConfigError(f"{section}.partial must be true or false", file=file)
        settings = replace(settings, partial=table["partial"])
    return settings


def _keys(table: Mapping[str, Any], allowed: set[str], section: str, file: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(
            f"unknown key {unknown[0]!r} in [{section}] (allowed: {', '.join(sorted(allowed))})",
            file=file,
        )


def _strings(value: Any, name: str, file: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{name} must be a list of strings", file=file)
    return value
