"""The i18n keys of the config, and localised TemplateNames under every env's prefix."""

from __future__ import annotations

from pathlib import Path

import pytest

from sestemplates.config import load_config
from sestemplates.errors import ConfigError
from sestemplates.project import discover, find_template, localise, select


def project(tmp_path: Path, config: str, dirs: tuple[str, ...] = ("welcome",)) -> Path:
    (tmp_path / "sestemplates.toml").write_text(config)
    for name in dirs:
        directory = tmp_path / "templates" / name
        directory.mkdir(parents=True)
        (directory / "subject.txt").write_text("Hi")
        (directory / "html.html").write_text("<p>Hi</p>")
    return tmp_path


def test_without_locales_nothing_is_localised(tmp_path: Path) -> None:
    config = load_config(project(tmp_path, 'prefix = "t-"\n'))
    assert config.i18n.locales == () and config.i18n.default_locale is None
    [source] = discover(config).templates
    assert (source.name, source.locale) == ("t-welcome", None)


def test_one_record_per_locale_named_by_the_pattern(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        'prefix = "p-"\nlocales = ["en", "pt_BR"]\nlocale_name = "{locale}_{name}"\n'
        'localised = ["wel*"]\n',
        dirs=("welcome", "plain"),
    )
    config = load_config(root)
    assert config.i18n.default_locale == "en"  # the first locale unless said otherwise
    found = discover(config)
    assert [(t.name, t.locale) for t in found.templates] == [
        ("p-en_welcome", "en"), ("p-plain", None), ("p-pt_BR_welcome", "pt_BR"),
    ]
    assert [t.name for t in select(found, ["welcome"]).templates] == [
        "p-en_welcome", "p-pt_BR_welcome"]
    assert find_template(found, "welcome").locale == "en"
    assert find_template(found, "p-pt_BR_welcome").locale == "pt_BR"
    assert localise(config, ["welcome", "plain"], "pt_BR") == ["p-pt_BR_welcome", "plain"]
    assert localise(config, [], "pt_BR") == ["p-pt_BR_welcome"]
    with pytest.raises(ConfigError, match="unknown locale 'fr' \\(locales: en, pt_BR\\)"):
        localise(config, ["welcome"], "fr")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('locales = "de"', "locales must be a list of strings"),
        ('locales = ["de-DE"]', "'de-DE' is not a locale identifier like 'de' or 'pt_BR'"),
        ('locales = ["de", "de"]', "a locale is listed twice"),
        ('locales = ["de"]\ndefault_locale = "en"', "default_locale 'en' is not one of locales"),
        ('locales = ["de"]\nlocale_name = "{name}"', "must use {name} and {locale}"),
        ('locales = ["de"]\nlocale_name = "{name}-{lang}"', "must use {name} and {locale}"),
        ('locales = ["de"]\nlocale_name = "{name"', "locale_name '{name'"),
        ('[env.x]\nlocales = ["EN"]', "'EN' is not a locale identifier"),
    ],
)
def test_bad_i18n_config_is_a_usage_error(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "sestemplates.toml").write_text(toml + "\n")
    with pytest.raises(ConfigError, match=r"^sestemplates\.toml: ") as raised:
        load_config(tmp_path)
    assert message in str(raised.value)


def test_env_overrides_the_locales(tmp_path: Path) -> None:
    root = project(tmp_path, 'locales = ["en", "de"]\n[env.eu]\nlocales = ["en", "de", "fr"]\n')
    assert load_config(root).i18n.locales == ("en", "de")
    assert load_config(root, "eu").i18n.locales == ("en", "de", "fr")


def test_localised_names_are_checked_for_every_env(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    long = "w" * 58  # 61 characters with "-de": fine alone, too long under a prefix
    root = project(
        tmp_path, 'locales = ["en", "de"]\n[env.staging]\nprefix = "staging-"\n', dirs=(long,)
    )
    (root / "locales" / "de" / "LC_MESSAGES").mkdir(parents=True)
    (root / "locales" / "de" / "LC_MESSAGES" / "messages.po").write_text('msgid ""\nmsgstr ""\n')
    result = cli("-C", root, "check")
    assert result.code == 1
    assert f"TemplateName 'staging-{long}-de' for env 'staging'" in result.out
    assert f"TemplateName 'staging-{long}-en' for env 'staging'" in result.out
    under_env = cli("-C", root, "--env", "staging", "build")
    assert under_env.code == 1
    assert f"invalid TemplateName 'staging-{long}-de' for locale 'de'" in under_env.out


def test_a_localised_name_that_clashes_with_another_template_is_an_error(
    tmp_path: Path, cli  # type: ignore[no-untyped-def]
) -> None:
    config = 'locales = ["en", "de"]\nlocalised = ["welcome"]\n'
    root = project(tmp_path, config, dirs=("welcome", "welcome-de"))
    result = cli("-C", root, "build")
    assert result.code == 1
    assert "TemplateName 'welcome-de' is also the name of templates/welcome" in result.out


def test_the_extension_works_in_a_sandboxed_environment_too(tmp_path: Path) -> None:
    """The pipeline may make a plain or a sandboxed environment; the setup works on both."""
    from jinja2.sandbox import SandboxedEnvironment

    from sestemplates.i18n.setup import add_extension

    config = load_config(project(tmp_path, 'locales = ["en", "de"]\n'))
    env = SandboxedEnvironment(variable_start_string="[[", variable_end_string="]]")
    add_extension(env, config)
    template = env.from_string('{% trans %}Hi {{name}}, [[ who ]]{% endtrans %} [[ _("Bye") ]]')
    assert template.render(who="Ada") == "Hi {{name}}, Ada Bye"


def test_without_locales_the_jinja_environment_is_as_before(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = project(tmp_path, 'prefix = ""\n')
    (root / "templates" / "welcome" / "html.html").write_text("<p>{% trans %}Hi{% endtrans %}</p>")
    result = cli("-C", root, "build")
    assert result.code == 1
    assert "templates/welcome/html.html:1: Jinja syntax error: Encountered unknown tag 'trans'" in (
        result.out
    )
    assert not (root / "locales").exists()
