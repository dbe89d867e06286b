"""Configuration: sestemplates.toml or [tool.sestemplates] in pyproject.toml → Config.

Everything is optional. An `[env.<name>]` table overrides prefix/vars/region/profile/
endpoint_url; `--env NAME` (or SESTEMPLATES_ENV) picks one. `regions = [...]` (top level or
per env) makes the SES commands work on several regions, and `[endpoints]` maps a region to
its endpoint URL (for local servers; an env's table adds to the top-level one).
"""

from __future__ import annotations

import math
import os
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sestemplates.errors import ConfigError

CONFIG_FILE = "sestemplates.toml"
TEMPLATE_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

_TOP_KEYS = {"templates", "build", "prefix", "vars", "env", "region", "profile", "endpoint_url"}
_TOP_KEYS |= {"send", "ses", "sync", "regions", "endpoints"}
_TOP_KEYS |= {"lint"}  # validated by sestemplates.lint.settings (lazily, on the check path)
_I18N_KEYS = {"locales", "default_locale", "locale_name", "localised"}
_TOP_KEYS |= _I18N_KEYS
_ENV_KEYS = {
    "prefix", "vars", "region", "profile", "endpoint_url", "send", "sync", "regions",
    "endpoints",
} | _I18N_KEYS
_SYNC_KEYS = {"breaking"}
BREAKING_CHOICES = ("refuse", "allow")
_SEND_KEYS = {"from", "to", "cc", "bcc", "reply_to", "configuration_set", "tags", "headers"}
_SES_KEYS = {"pace_seconds", "max_attempts", "connect_timeout", "read_timeout"}
# (minimum, maximum) of each [ses] value: inf, nan or 1e30 would hang a sync or crash it.
_SES_LIMITS = {
    "pace_seconds": (0.0, 60.0),
    "max_attempts": (1.0, 100.0),
    "connect_timeout": (0.0, 300.0),
    "read_timeout": (0.0, 3600.0),
}
# A gettext/Babel locale identifier as used for locales/<lang>/: `de`, `pt_BR`, `zh_Hant_TW`.
LOCALE_RE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]{2,8})*$")
DEFAULT_LOCALE_NAME = "{name}-{locale}"


@dataclass(frozen=True)
class SendDefaults:
    """Defaults for `send` and `smoke` (the [send] table)."""

    from_address: str | None = None
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    reply_to: tuple[str, ...] = ()
    configuration_set: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SesSettings:
    """How hard to drive SES: template write calls per second and retry attempts."""

    # SES allows about one Create/Update/TestRender call per second.
    pace_seconds: float = 1.0
    max_attempts: int = 6
    # Seconds per attempt; a server that accepts and never answers costs at most
    # max_attempts × read_timeout (plus backoff), never forever.
    connect_timeout: float = 5.0
    read_timeout: float = 20.0


@dataclass(frozen=True)
class Localisation:
    """Which templates get one output per locale, and how those outputs are named.

    Empty `locales`: the project is not localised and nothing changes."""

    locales: tuple[str, ...] = ()
    default_locale: str | None = None  # the language of the source strings
    locale_name: str = DEFAULT_LOCALE_NAME  # `{name}` and `{locale}` → the TemplateName
    localised: tuple[str, ...] = ("*",)  # glob patterns of the template directories

    def applies_to(self, dir_name: str) -> bool:
        from fnmatch import fnmatchcase

        return bool(self.locales) and any(fnmatchcase(dir_name, p) for p in self.localised)

    def name(self, dir_name: str, locale: str) -> str:
        """The TemplateName of one locale, before the prefix."""
        return self.locale_name.format(name=dir_name, locale=locale)


@dataclass(frozen=True)
class EnvSettings:
    prefix: str
    vars: Mapping[str, Any]
    region: str | None
    profile: str | None
    endpoint_url: str | None
    send: SendDefaults
    regions: tuple[str, ...] = ()
    endpoints: Mapping[str, str] = field(default_factory=dict)
    sync_breaking: str = "refuse"  # [sync] breaking: refuse or allow contract-breaking updates
    i18n: Localisation = field(default_factory=Localisation)


@dataclass(frozen=True)
class Config:
    root: Path
    config_file: Path | None  # None when the project has no configuration at all
    templates_dir: Path
    build_dir: Path
    env: str | None  # the selected environment, if any
    prefix: str
    vars: Mapping[str, Any]
    region: str | None
    profile: str | None
    endpoint_url: str | None
    send: SendDefaults
    ses: SesSettings
    # Every defined environment resolved, so `check` can validate names for all of them.
    envs: Mapping[str, EnvSettings]
    # The raw bytes of the config file, part of the build's content hash.
    raw: bytes = b""
    # The CSS inliner engine, `[build] inliner`: "premailer" or "css-inline".
    inliner: str = "premailer"
    # Several regions (empty: the one region of `region` / AWS's resolution), and per-region
    # endpoint URLs (a region without one uses endpoint_url or AWS's own resolution).
    regions: tuple[str, ...] = ()
    endpoints: Mapping[str, str] = field(default_factory=dict)
    # The raw [lint] table; sestemplates.lint.settings reads and validates it.
    lint: Mapping[str, Any] = field(default_factory=dict)
    # [sync] breaking: "refuse" (default) or "allow" updates that make senders' data invalid.
    sync_breaking: str = "refuse"
    i18n: Localisation = field(default_factory=Localisation)

    def display(self, path: Path) -> str:
        """A path as users should see it: relative to the project root when possible."""
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)

    def template_name(
        self, dir_name: str, prefix: str | None = None, locale: str | None = None
    ) -> str:
        base = dir_name if locale is None else self.i18n.name(dir_name, locale)
        return (self.prefix if prefix is None else prefix) + base


def find_config_file(root: Path) -> tuple[Path | None, dict[str, Any], bytes]:
    """The config table and its file; sestemplates.toml wins over pyproject.toml."""
    own = root / CONFIG_FILE
    if own.is_file():
        raw = own.read_bytes()
        return own, _parse_toml(own, raw), raw
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        raw = pyproject.read_bytes()
        table = _parse_toml(pyproject, raw).get("tool", {}).get("sestemplates")
        if table is not None:
            if not isinstance(table, dict):
                raise ConfigError("[tool.sestemplates] must be a table", file=pyproject.name)
            return pyproject, table, raw
    return None, {}, b""


def _parse_toml(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        # Editors on Windows save a BOM; templates accept one, so does the config.
        return tomllib.loads(raw.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError:
        raise ConfigError("not valid UTF-8", file=path.name) from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib says "... (at line 3, column 7)"; move the position to the front.
        text = str(exc)
        if text.endswith("(at end of document)"):
            # tomllib gives no position here; the end of the document is its last line.
            last = raw.decode("utf-8").rstrip("\n").count("\n") + 1
            text = text.removesuffix("(at end of document)") + f"(at line {last}, column 1)"
        m = re.search(r"\(at line (\d+), column (\d+)\)$", text)
        if m:
            msg = text[: m.start()].strip()
            raise ConfigError(
                f"invalid TOML: {msg}", file=path.name, line=int(m[1]), column=int(m[2])
            ) from None
        raise ConfigError(f"invalid TOML: {text}", file=path.name) from None


def load_config(root: Path, env: str | None = None) -> Config:
    """Read and validate the project's configuration, resolved for `env`."""
    root = root.resolve()
    if not root.is_dir():
        raise ConfigError(f"project directory {root} does not exist")
    path, table, raw = find_config_file(root)
    where = path.name if path else CONFIG_FILE
    check = _Checker(where)
    check.keys(table, _TOP_KEYS, "")

    base_send = _send_defaults(check, table.get("send", {}), "send")
    base_vars = check.table(table.get("vars", {}), "vars")
    base_breaking = _sync_breaking(check, table.get("sync", {}), "sync", "refuse")
    envs: dict[str, EnvSettings] = {}
    for name, env_table in check.table(table.get("env", {}), "env").items():
        section = f"env.{name}"
        env_table = check.table(env_table, section)
        check.keys(env_table, _ENV_KEYS, section)
        env_send = (
            _send_defaults(check, env_table["send"], f"{section}.send", base_send)
            if "send" in env_table
            else base_send
        )
        envs[name] = EnvSettings(
            prefix=check.string(env_table.get("prefix", table.get("prefix", "")), "prefix"),
            vars={**base_vars, **check.table(env_table.get("vars", {}), f"{section}.vars")},
            region=check.opt_string(env_table.get("region", table.get("region")), "region"),
            profile=check.opt_string(env_table.get("profile", table.get("profile")), "profile"),
            endpoint_url=check.opt_string(
                env_table.get("endpoint_url", table.get("endpoint_url")), "endpoint_url"
            ),
            send=env_send,
            regions=_regions(check, env_table.get("regions", table.get("regions", [])),
                             f"{section}.regions"),
            endpoints={
                **check.str_table(table.get("endpoints", {}), "endpoints"),
                **check.str_table(env_table.get("endpoints", {}), f"{section}.endpoints"),
            },
            sync_breaking=_sync_breaking(
                check, env_table.get("sync", {}), f"{section}.sync", base_breaking
            ),
            i18n=_localisation(check, env_table, table),
        )

    env = env or os.environ.get("SESTEMPLATES_ENV") or None
    if env is not None and env not in envs:
        known = ", ".join(sorted(envs)) or "none"
        raise ConfigError(f"unknown env {env!r} (defined: {known})", file=where)
    if env is not None:
        chosen = envs[env]
    else:
        chosen = EnvSettings(
            prefix=check.string(table.get("prefix", ""), "prefix"),
            vars=base_vars,
            region=check.opt_string(table.get("region"), "region"),
            profile=check.opt_string(table.get("profile"), "profile"),
            endpoint_url=check.opt_string(table.get("endpoint_url"), "endpoint_url"),
            send=base_send,
            regions=_regions(check, table.get("regions", []), "regions"),
            endpoints=check.str_table(table.get("endpoints", {}), "endpoints"),
            sync_breaking=base_breaking,
            i18n=_localisation(check, {}, table),
        )

    ses_table = check.table(table.get("ses", {}), "ses")
    check.keys(ses_table, _SES_KEYS, "ses")
    ses = SesSettings(
        pace_seconds=check.number(
            ses_table.get("pace_seconds", 1.0), "ses.pace_seconds", _SES_LIMITS["pace_seconds"]
        ),
        max_attempts=check.whole(
            ses_table.get("max_attempts", 6), "ses.max_attempts", _SES_LIMITS["max_attempts"]
        ),
        connect_timeout=check.number(
            ses_table.get("connect_timeout", 5.0), "ses.connect_timeout",
            _SES_LIMITS["connect_timeout"],
        ),
        read_timeout=check.number(
            ses_table.get("read_timeout", 20.0), "ses.read_timeout", _SES_LIMITS["read_timeout"]
        ),
    )
    return Config(
        root=root,
        config_file=path,
        templates_dir=root / check.string(table.get("templates", "templates"), "templates"),
        build_dir=root / _build_dir(check, table.get("build", "build")),
        env=env,
        prefix=chosen.prefix,
        vars=chosen.vars,
        region=chosen.region,
        profile=chosen.profile,
        endpoint_url=chosen.endpoint_url,
        send=chosen.send,
        ses=ses,
        envs=envs,
        raw=raw,
        inliner=_inliner(check, table.get("build")),
        regions=chosen.regions,
        endpoints=chosen.endpoints,
        lint=check.table(table.get("lint", {}), "lint"),
        sync_breaking=chosen.sync_breaking,
        i18n=chosen.i18n,
    )


_BUILD_KEYS = {"dir", "inliner"}
INLINERS = ("premailer", "css-inline")


def _build_dir(check: _Checker, value: Any) -> str:
    """`build = "out"` (the output folder), or a `[build]` table with `dir` and `inliner`."""
    if isinstance(value, dict):
        check.keys(value, _BUILD_KEYS, "build")
        return check.string(value.get("dir", "build"), "build.dir")
    return check.string(value, "build")


def _inliner(check: _Checker, value: Any) -> str:
    if not isinstance(value, dict):
        return "premailer"
    engine = check.string(value.get("inliner", "premailer"), "build.inliner")
    if engine not in INLINERS:
        choices = " or ".join(f'"{e}"' for e in INLINERS)
        raise check.error(f"build.inliner must be {choices}, not {engine!r}")
    return engine


def _regions(check: _Checker, value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(r, str) and r for r in value):
        raise check.error(f"{name} must be a list of region names, e.g. [\"us-east-1\"]")
    duplicates = sorted({r for r in value if value.count(r) > 1})
    if duplicates:
        raise check.error(f"{name} names {duplicates[0]!r} twice")
    return tuple(value)


def _sync_breaking(check: _Checker, value: Any, section: str, default: str) -> str:
    table = check.table(value, section)
    check.keys(table, _SYNC_KEYS, section)
    found = table.get("breaking", default)
    if found not in BREAKING_CHOICES:
        raise check.error(f"{section}.breaking must be one of {', '.join(BREAKING_CHOICES)}")
    return str(found)


def _localisation(
    check: _Checker, env_table: Mapping[str, Any], table: Mapping[str, Any]
) -> Localisation:
    """The i18n keys of one env, each falling back to the top level."""

    def get(key: str, default: Any) -> Any:
        return env_table.get(key, table.get(key, default))

    locales = check.str_list(get("locales", []), "locales")
    for locale in locales:
        if not LOCALE_RE.match(locale):
            raise check.error(
                f"locales: {locale!r} is not a locale identifier like 'de' or 'pt_BR'"
            )
    if len(set(locales)) != len(locales):
        raise check.error("locales: a locale is listed twice")
    default = check.opt_string(get("default_locale", None), "default_locale")
    if locales and default is None:
        default = locales[0]
    if default is not None and default not in locales:
        raise check.error(f"default_locale {default!r} is not one of locales")
    pattern = check.string(get("locale_name", DEFAULT_LOCALE_NAME), "locale_name")
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None}
    except ValueError as exc:
        raise check.error(f"locale_name {pattern!r}: {exc}") from None
    if fields != {"name", "locale"}:
        raise check.error(
            f"locale_name {pattern!r} must use {{name}} and {{locale}} and nothing else"
        )
    localised = check.str_list(get("localised", ["*"]), "localised")
    return Localisation(tuple(locales), default, pattern, tuple(localised))


def _send_defaults(
    check: _Checker, value: Any, section: str, base: SendDefaults | None = None
) -> SendDefaults:
    table = check.table(value, section)
    check.keys(table, _SEND_KEYS, section)
    base = base or SendDefaults()

    def addresses(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        if key not in table:
            return default
        raw = table[key]
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise check.error(f"{section}.{key} must be a string or a list of strings")
        return tuple(items)

    return SendDefaults(
        from_address=check.opt_string(table.get("from", base.from_address), f"{section}.from"),
        to=addresses("to", base.to),
        cc=addresses("cc", base.cc),
        bcc=addresses("bcc", base.bcc),
        reply_to=addresses("reply_to", base.reply_to),
        configuration_set=check.opt_string(
            table.get("configuration_set", base.configuration_set), f"{section}.configuration_set"
        ),
        tags={**base.tags, **check.str_table(table.get("tags", {}), f"{section}.tags")},
        headers={**base.headers, **check.str_table(table.get("headers", {}), f"{section}.headers")},
    )


@dataclass(frozen=True)
class _Checker:
    """Type checks for config values; every failure names the config file."""

    file: str

    def error(self, message: str) -> ConfigError:
        return ConfigError(message, file=self.file)

    def keys(self, table: Mapping[str, Any], allowed: set[str], section: str) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            where = f" in [{section}]" if section else ""
            allowed_list = ", ".join(sorted(allowed))
            raise self.error(f"unknown key {unknown[0]!r}{where} (allowed: {allowed_list})")

    def table(self, value: Any, name: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(f"{name} must be a table")
        return value

    def str_table(self, value: Any, name: str) -> dict[str, str]:
        table = self.table(value, name)
        if not all(isinstance(v, str) for v in table.values()):
            raise self.error(f"every value of {name} must be a string")
        return table

    def string(self, value: Any, name: str) -> str:
        if not isinstance(value, str):
            raise self.error(f"{name} must be a string")
        return value

    def str_list(self, value: Any, name: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
            raise self.error(f"{name} must be a list of strings")
        return value

    def opt_string(self, value: Any, name: str) -> str | None:
        return None if value is None else self.string(value, name)

    def number(self, value: Any, name: str, bounds: tuple[float, float]) -> float:
        low, high = bounds
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not low <= value <= high
        ):
            raise self.error(f"{name} must be a number from {low:g} to {high:g}, not {value!r}")
        return float(value)

    def whole(self, value: Any, name: str, bounds: tuple[float, float]) -> int:
        low, high = bounds
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(
                f"{name} must be a whole number from {low:g} to {high:g}, not {value!r}"
            )
        return value
