"""Error mapping, retries and settings precedence of the SES client, against real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SesServer
from faultproxy import FaultProxy
from helpers import client_for, content, write_project

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


def test_each_template_operation_is_paced_on_its_own(ses: SesServer) -> None:
    # SES's quota is 1/s per operation: reads are paced too, and a Get never waits for an Update.
    client = client_for(ses.url)
    waits: list[float] = []
    client.pacer = Pacer(1.0, clock=lambda: 0.0, sleep=waits.append)
    client.call("ListEmailTemplates")
    client.call("CreateEmailTemplate", TemplateName="p", TemplateContent={"Subject": "s"})
    client.call("GetEmailTemplate", TemplateName="p")
    client.call("UpdateEmailTemplate", TemplateName="p", TemplateContent={"Subject": "t"})
    client.call("TestRenderEmailTemplate", TemplateName="p", TemplateData="{}")
    assert waits == []  # the first call of each operation goes at once
    client.call("GetEmailTemplate", TemplateName="p")
    client.call("ListEmailTemplates")
    client.call("GetEmailTemplate", TemplateName="p")
    client.call("SendEmail", FromEmailAddress="a@example.com",
                Destination={"ToAddresses": ["b@example.com"]},
                Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}})
    # The clock stands still: each later Get/List waits a full interval; SendEmail is not paced.
    assert waits == [1.0, 1.0, 1.0]


def test_settings_defaults_pace_real_ses_and_read_timeouts(tmp_path: Path) -> None:
    # No [ses] table: the default pace (1 s between template writes) is what real SES gets.
    (tmp_path / "templates").mkdir()
    settings = settings_for(load_config(tmp_path))
    assert (settings.pace_seconds, settings.max_attempts) == (1.0, 6)
    assert (settings.connect_timeout, settings.read_timeout) == (5.0, 20.0)
    (tmp_path / "sestemplates.toml").write_text(
        "[ses]\npace_seconds = 0\nconnect_timeout = 2\nread_timeout = 3.5\n"
    )
    settings = settings_for(load_config(tmp_path))
    assert (settings.pace_seconds, settings.connect_timeout, settings.read_timeout) == (
        0, 2, 3.5)


def test_throttled_writes_are_retried_and_still_paced(ses: SesServer, proxy: FaultProxy) -> None:
    from faultproxy import template_writes

    from sestemplates.ses.plan import make_plan
    from sestemplates.ses.sync import SyncOptions, apply_plan

    client = client_for(proxy.url)
    now = [0.0]
    waits: list[float] = []
    client.pacer = Pacer(1.0, clock=lambda: now[0], sleep=waits.append)
    local = [content(f"t-{i}") for i in range(3)]
    proxy.inject(["429", "ses:TooManyRequestsException"], template_writes)
    plan = make_plan(client, local, "t-")
    apply_plan(client, plan, SyncOptions(), echo=lambda _: None, confirm=lambda _: False)
    assert sorted(ses.templates()) == ["t-0", "t-1", "t-2"]
    # 3 creates + 2 throttled attempts + the state manifest's create = 6 paced calls; each after
    # the first waits the pace (the clock stands still), retries included; so does the second
    # listing (creation times of the new templates, for the manifest).
    assert client.calls["CreateEmailTemplate"] == 6
    assert client.calls["ListEmailTemplates"] == 2
    assert waits == [1.0] * 6


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project")


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.err.count("\n") == 1, result.err
    assert result.err.startswith("error: ") and "Traceback" not in result.err
    message: str = result.err.strip()
    return message


def test_a_hanging_server_is_bounded_by_the_read_timeout(cli, project: Path, proxy: FaultProxy):  # type: ignore[no-untyped-def]
    config = project / "sestemplates.toml"
    config.write_text(config.read_text().replace(
        "max_attempts = 6", "max_attempts = 2\nread_timeout = 0.5"))
    proxy.inject(["hang", "hang"])
    result = cli("-C", project, "--endpoint-url", proxy.url, "sync")
    assert result.code == 1
    message = one_line_error(result)
    assert f"ListEmailTemplates: no answer from {proxy.url} within 0.5 s" in message
    assert "2 attempts" in message
    assert [e.outcome for e in proxy.requests()] == ["hang", "hang"]


def test_connection_refused_is_one_line(cli, project: Path, aws_env: None):  # type: ignore[no-untyped-def]
    from conftest import free_port

    config = project / "sestemplates.toml"
    config.write_text(config.read_text().replace("max_attempts = 6", "max_attempts = 2"))
    url = f"http://127.0.0.1:{free_port()}"
    result = cli("-C", project, "--endpoint-url", url, "send", "welcome", "--mode", "simple")
    assert result.code == 1
    assert one_line_error(result).startswith(f"error: SendEmail: cannot reach {url}, 2 attempts")


def test_missing_credentials_is_one_line(  # type: ignore[no-untyped-def]
    cli, project: Path, aws_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    # No AWS variables at all, empty config and credentials files, no endpoint.
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    (tmp_path / "empty").write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "empty"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "empty"))
    # Keeps the credential chain off the instance-metadata address (tests stay on loopback).
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for command in (["sync"], ["diff"], ["send", "welcome"], ["parity"]):
        result = cli("-C", project, *command)
        assert result.code == 1, command
        assert "no AWS credentials found" in one_line_error(result)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("127.0.0.1:8005", "must start with http:// or https://"),
        ("ftp://127.0.0.1:21", "must start with http:// or https://"),
        ("", "must start with http:// or https://"),
        ("http://", "has no host"),
        ("http://127.0.0.1:99999", "Port out of range"),
        ("http://[::1", "Invalid IPv6 URL"),
    ],
)
def test_invalid_endpoint_is_a_usage_error(  # type: ignore[no-untyped-def]
    cli, project: Path, aws_env: None, url: str, problem: str
):
    result = cli("-C", project, "--endpoint-url", url, "diff")
    assert result.code == 2
    message = one_line_error(result)
    assert f"invalid SES endpoint {url!r} (from --endpoint-url)" in message and problem in message


def test_invalid_endpoint_in_config_names_the_config(cli, project: Path, aws_env: None):  # type: ignore[no-untyped-def]
    config = project / "sestemplates.toml"
    config.write_text(config.read_text() + '\n[env.local]\nendpoint_url = "localhost:8005"\n')
    result = cli("-C", project, "--env", "local", "sync")
    assert result.code == 2
    assert "(from endpoint_url in sestemplates.toml [env.local])" in one_line_error(result)


def test_unknown_profile_is_a_usage_error(  # type: ignore[no-untyped-def]
    cli, project: Path, ses: SesServer, monkeypatch: pytest.MonkeyPatch
):
    base = ("-C", project, "--endpoint-url", ses.url)
    by_option = cli("--profile", "nope", *base, "sync")
    assert by_option.code == 2
    assert "unknown AWS profile 'nope' (from --profile)" in one_line_error(by_option)
    monkeypatch.setenv("AWS_PROFILE", "gone")
    by_env = cli(*base, "send", "welcome")
    assert by_env.code == 2
    assert "unknown AWS profile 'gone' (from AWS_PROFILE)" in one_line_error(by_env)
    assert ses.templates() == {} and ses.emails() == []


def test_aws_region_is_honoured_when_the_config_has_none(  # type: ignore[no-untyped-def]
    cli, project: Path, ses: SesServer, monkeypatch: pytest.MonkeyPatch
):
    # botocore reads only AWS_DEFAULT_REGION; AWS_REGION is what AWS documents for every SDK.
    config = project / "sestemplates.toml"
    config.write_text(config.read_text().replace('region = "us-east-1"\n', ""))
    monkeypatch.delenv("AWS_REGION")
    missing = cli("-C", project, "--endpoint-url", ses.url, "sync")
    assert missing.code == 1 and "no AWS region configured" in one_line_error(missing)
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    result = cli("-C", project, "--endpoint-url", ses.url, "sync")
    assert result.code == 0, result.err


def test_a_web_server_that_is_not_ses_is_named_as_such(cli, project: Path, aws_env: None):  # type: ignore[no-untyped-def]
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        result = cli("-C", project, "--endpoint-url", url, "sync")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert result.code == 1
    message = one_line_error(result)
    assert "answered with an HTML page, not SES JSON" in message and "<html" not in message


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ("UnrecognizedClientException", "the AWS credentials are not valid"),
        ("ExpiredTokenException", "the AWS credentials have expired"),
        ("AccessDeniedException", "access denied (check the IAM permissions"),
    ],
)
def test_credential_and_permission_errors_from_aws(  # type: ignore[no-untyped-def]
    cli, project: Path, ses: SesServer, proxy: FaultProxy, error: str, expected: str
):
    proxy.inject([f"ses:{error}"])
    result = cli("-C", project, "--endpoint-url", proxy.url, "sync")
    assert result.code == 1
    message = one_line_error(result)
    assert message.startswith(f"error: ListEmailTemplates: {expected}")
    assert message.endswith(f"(HTTP 403 {error.removesuffix('Exception')})")
    assert len(proxy.requests()) == 1  # not retried


def test_a_413_page_from_a_front_end_is_named_request_too_large(  # type: ignore[no-untyped-def]
    cli, project: Path, ses: SesServer, proxy: FaultProxy
):
    assert cli("-C", project, "--endpoint-url", ses.url, "sync").code == 0
    proxy.inject(["413-html"], matcher=lambda method, path: path.startswith("/v2/email/outbound"))
    result = cli("-C", project, "--endpoint-url", proxy.url, "send", "welcome")
    assert result.code == 1
    message = one_line_error(result)
    assert message.startswith("error: SendEmail t-welcome: the request is too large")
    assert message.endswith("(HTTP 413 RequestTooLarge)")
    assert "HTML page" not in message and "<html" not in message
