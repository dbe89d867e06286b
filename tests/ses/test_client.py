"""Error mapping, retries and settings precedence of the SES client, against real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SesServer
from faultproxy import FaultProxy
from helpers import client_for

from sestemplates.config import load_config
from sestemplates.ses.client import Pacer, SesError, settings_for

pytestmark = pytest.mark.ses


def test_not_found_and_already_exists_are_named(ses: SesServer) -> None:
    client = client_for(ses.url)
    with pytest.raises(SesError) as missing:
        client.call("GetEmailTemplate", TemplateName="nope")
    assert missing.value.code == "NotFound" and missing.value.status == 404
    assert str(missing.value).startswith("GetEmailTemplate nope: template nope not found")
    content = {"Subject": "s", "Text": "t"}
    client.call("CreateEmailTemplate", TemplateName="a", TemplateContent=content)
    with pytest.raises(SesError) as exists:
        client.call("CreateEmailTemplate", TemplateName="a", TemplateContent=content)
    assert exists.value.code == "AlreadyExists"


def test_server_detail_is_kept_for_bad_requests(ses: SesServer) -> None:
    client = client_for(ses.url)
    with pytest.raises(SesError) as bad:
        client.call(
            "CreateEmailTemplate", TemplateName="b", TemplateContent={"Subject": "{{#if x}}"}
        )
    assert bad.value.code == "BadRequest"
    assert "Handlebars compilation failed" in str(bad.value)
    assert "\n" not in str(bad.value)


def test_throttling_is_retried_then_reported(ses: SesServer, proxy: FaultProxy) -> None:
    client = client_for(proxy.url, max_attempts=3)
    proxy.inject(["429", "429-bare"])
    assert client.call("ListEmailTemplates")["TemplatesMetadata"] == []
    assert client.calls["ListEmailTemplates"] == 3
    proxy.inject(["429", "429", "429"])
    with pytest.raises(SesError) as throttled:
        client.call("ListEmailTemplates")
    assert throttled.value.code == "TooManyRequests"
    assert "too many requests" in str(throttled.value)


def test_client_errors_are_not_retried(ses: SesServer, proxy: FaultProxy) -> None:
    client = client_for(proxy.url)
    with pytest.raises(SesError):
        client.call("GetEmailTemplate", TemplateName="nope")
    assert client.calls["GetEmailTemplate"] == 1


def test_no_credentials_is_one_line(ses: SesServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(SesError) as info:
        client_for(ses.url).call("ListEmailTemplates")
    assert info.value.code == "NoCredentials"
    assert "\n" not in str(info.value)


def test_cli_overrides_env_table_overrides_top_level(tmp_path: Path) -> None:
    (tmp_path / "sestemplates.toml").write_text(
        'region = "eu-west-1"\nendpoint_url = "http://127.0.0.1:1"\n'
        '[env.x]\nregion = "us-west-2"\n[ses]\npace_seconds = 0.5\n'
    )
    (tmp_path / "templates").mkdir()
    top = settings_for(load_config(tmp_path))
    assert (top.region, top.endpoint_url, top.pace_seconds) == (
        "eu-west-1", "http://127.0.0.1:1", 0.5)
    env = settings_for(load_config(tmp_path, "x"))
    assert env.region == "us-west-2"
    cli = settings_for(load_config(tmp_path, "x"), region="ap-south-1", endpoint_url="http://h:2")
    assert (cli.region, cli.endpoint_url) == ("ap-south-1", "http://h:2")


def test_pacer_spaces_calls() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(1.0, clock=lambda: now[0], sleep=sleep)
    pacer.wait()
    now[0] += 0.25
    pacer.wait()
    pacer.wait()
    assert slept == [0.75, 1.0]
    assert Pacer(0).interval == 0


def test_only_template_writes_are_paced(ses: SesServer) -> None:
    client = client_for(ses.url)
    waits: list[float] = []
    client.pacer = Pacer(1.0, clock=lambda: 0.0, sleep=waits.append)
    client.call("ListEmailTemplates")
    client.call("CreateEmailTemplate", TemplateName="p", TemplateContent={"Subject": "s"})
    client.call("GetEmailTemplate", TemplateName="p")
    client.call("UpdateEmailTemplate", TemplateName="p", TemplateContent={"Subject": "t"})
    client.call("TestRenderEmailTemplate", TemplateName="p", TemplateData="{}")
    # The first paced call goes at once; each later one waits a full interval.
    assert waits == [1.0, 1.0]
