from __future__ import annotations

from pathlib import Path

import pytest

from sestemplates.config import load_config
from sestemplates.errors import ConfigError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_config(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.config_file is None
    assert config.templates_dir == tmp_path.resolve() / "templates"
    assert config.build_dir == tmp_path.resolve() / "build"
    assert config.prefix == ""
    assert config.ses.pace_seconds == 1.0


def test_env_overrides_prefix_and_merges_vars(tmp_path: Path) -> None:
    write(
        tmp_path / "sestemplates.toml",
        """
prefix = "base-"
region = "eu-west-1"
[vars]
brand = "Acme"
color = "red"
[env.staging]
prefix = "staging-"
vars = { color = "blue" }
endpoint_url = "http://127.0.0.1:9"
[send]
from = "a@example.com"
to = "b@example.com"
""",
    )
    base = load_config(tmp_path)
    assert base.prefix == "base-" and base.vars == {"brand": "Acme", "color": "red"}
    staging = load_config(tmp_path, "staging")
    assert staging.prefix == "staging-"
    assert staging.vars == {"brand": "Acme", "color": "blue"}
    assert staging.region == "eu-west-1"
    assert staging.endpoint_url == "http://127.0.0.1:9"
    assert staging.send.to == ("b@example.com",)
    assert set(staging.envs) == {"staging"}


def test_pyproject_table_is_used_when_no_own_file(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.sestemplates]\nprefix = "p-"\n')
    assert load_config(tmp_path).prefix == "p-"


def test_bad_toml_names_file_and_line(tmp_path: Path) -> None:
    write(tmp_path / "sestemplates.toml", 'prefix = "ok"\nvars = [unclosed\n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value).startswith("sestemplates.toml:2:")
    assert info.value.exit_code == 2


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("prefx = 'x'\n", "unknown key 'prefx'"),
        ("prefix = 3\n", "prefix must be a string"),
        ("[env.a]\ncolour = 1\n", "unknown key 'colour' in [env.a]"),
        ("[send]\nto = [1]\n", "send.to must be a string or a list of strings"),
        ("[ses]\npace_seconds = -1\n", "ses.pace_seconds must be a number from 0 to 60, not -1"),
        ("[ses]\npace_seconds = inf\n", "ses.pace_seconds must be a number from 0 to 60, not inf"),
        ("[ses]\npace_seconds = 1e9\n", "ses.pace_seconds must be a number from 0 to 60"),
        ("[ses]\nmax_attempts = nan\n", "ses.max_attempts must be a whole number from 1 to 100"),
        ("[ses]\nmax_attempts = inf\n", "ses.max_attempts must be a whole number from 1 to 100"),
        ("[ses]\nmax_attempts = 1e30\n", "ses.max_attempts must be a whole number from 1 to 100"),
        ("[ses]\nmax_attempts = 2.5\n", "ses.max_attempts must be a whole number"),
        ("[ses]\nread_timeout = -inf\n", "ses.read_timeout must be a number from 0 to 3600"),
        ("[ses]\nconnect_timeout = nan\n", "ses.connect_timeout must be a number from 0 to 300"),
    ],
)
def test_invalid_values_are_config_errors(tmp_path: Path, text: str, fragment: str) -> None:
    write(tmp_path / "sestemplates.toml", text)
    with pytest.raises(ConfigError, match=r"sestemplates\.toml: ") as info:
        load_config(tmp_path)
    assert fragment in str(info.value)


def test_unknown_env_lists_the_defined_ones(tmp_path: Path) -> None:
    write(tmp_path / "sestemplates.toml", "[env.staging]\n[env.production]\n")
    with pytest.raises(ConfigError, match=r"unknown env 'prod' \(defined: production, staging\)"):
        load_config(tmp_path, "prod")


def test_env_from_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "sestemplates.toml", "[env.staging]\nprefix = 's-'\n")
    monkeypatch.setenv("SESTEMPLATES_ENV", "staging")
    assert load_config(tmp_path).prefix == "s-"


def test_bad_toml_at_end_of_document_names_the_last_line(tmp_path: Path) -> None:
    write(tmp_path / "sestemplates.toml", 'prefix = "ok"\n\nvars = [1,\n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value).startswith("sestemplates.toml:3:1: invalid TOML: Invalid value")


def test_a_utf8_bom_in_the_config_is_accepted(tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf"
    (tmp_path / "sestemplates.toml").write_bytes(bom + b'prefix = "x-"\n[ses]\nmax_attempts = 3\n')
    config = load_config(tmp_path)
    assert (config.prefix, config.ses.max_attempts) == ("x-", 3)
    (tmp_path / "sestemplates.toml").unlink()
    (tmp_path / "pyproject.toml").write_bytes(bom + b'[tool.sestemplates]\nprefix = "p-"\n')
    assert load_config(tmp_path).prefix == "p-"
