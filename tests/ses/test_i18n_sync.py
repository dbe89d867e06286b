"""A localised project against the local SES: one template per locale, and prune stays safe."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from conftest import SesServer

from tests.i18n.conftest import shop, translated  # noqa: F401 (fixtures)

pytestmark = pytest.mark.ses


@pytest.fixture
def localised(translated: Path) -> Path:  # noqa: F811
    config = translated / "sestemplates.toml"
    config.write_text(
        'prefix = "shop-"\n' + config.read_text()
        + '\n[send]\nfrom = "sender@example.com"\nto = "success@simulator.amazonses.com"\n'
        + "\n[ses]\npace_seconds = 0\n"
    )
    return translated


def test_sync_creates_one_template_per_locale_and_prunes_only_what_is_gone(
    cli, localised: Path, ses: SesServer  # type: ignore[no-untyped-def]
) -> None:
    base = ("-C", localised, "--endpoint-url", ses.url)
    first = cli(*base, "sync")
    assert (first.code, first.out) == (0, "created 3, updated 0, unchanged 0, deleted 0\n")
    stored = ses.templates()
    assert sorted(stored) == ["shop-order-ar", "shop-order-de", "shop-order-en"]
    assert stored["shop-order-de"]["TemplateContent"]["Subject"] == (
        "Ihre Bestellung {{order.id}} wurde versandt"
    )
    assert 'dir="rtl"' in stored["shop-order-ar"]["TemplateContent"]["Html"]

    # Someone else's templates, one under a look-alike prefix.
    direct = boto3.client("sesv2", endpoint_url=ses.url, region_name="us-east-1")
    for foreign in ("order-de", "shoporder-de"):
        direct.create_email_template(
            TemplateName=foreign, TemplateContent={"Subject": "s", "Text": "t"}
        )
    again = cli(*base, "sync", "--prune", "--yes")
    assert again.out == "created 0, updated 0, unchanged 3, deleted 0\n"

    # One locale narrows the plan; the other locales are not delete candidates.
    diff = cli(*base, "diff", "--locale", "de")
    assert diff.out.splitlines()[0] == "  unchanged  shop-order-de"
    assert "delete" not in diff.out.split("plan:")[0]
    refused = cli(*base, "sync", "--locale", "de", "--prune", "--yes")
    assert refused.code == 2 and "don't pass --locale" in refused.err

    # Dropping a locale from the config: prune deletes exactly its template.
    config = localised / "sestemplates.toml"
    config.write_text(config.read_text().replace('"en", "de", "ar"', '"en", "de"'))
    dropped = cli(*base, "sync", "--prune", "--yes")
    assert dropped.out == "created 0, updated 0, unchanged 2, deleted 1\n"
    assert sorted(ses.templates()) == ["order-de", "shop-order-de", "shop-order-en", "shoporder-de"]


def test_send_and_render_pick_the_locale(cli, localised: Path, ses: SesServer) -> None:  # type: ignore[no-untyped-def]
    base = ("-C", localised, "--endpoint-url", ses.url)
    assert cli(*base, "sync").code == 0
    german = cli(*base, "send", "order", "--locale", "de")
    assert german.code == 0, german.err
    default = cli(*base, "send", "order")  # a localised template's name: its default locale
    assert default.code == 0, default.err
    by_name = cli(*base, "send", "shop-order-ar")
    assert by_name.code == 0, by_name.err
    parity = cli(*base, "parity", "order", "--locale", "ar")
    assert parity.code == 0, parity.out + parity.err
    assert "shop-order-ar" in parity.err and "shop-order-de" not in parity.err
    subjects = [e["subject"] for e in ses.emails()]
    assert subjects == [
        "Ihre Bestellung A-1 wurde versandt", "Your order A-1 shipped", "تم شحن طلبك A-1"
    ]
