"""The real preview server (a subprocess) driven by headless Chromium through Selenium.

Needs Debian's `chromium` and `chromium-driver`; skipped without them, except in CI (CI=1),
where a missing browser must fail rather than pass by skipping.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.needs import unavailable

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT = 15.0  # upper bound for polling, never asserted as a speed


def _require_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    if missing:
        unavailable(f"missing {', '.join(missing)} (apt-get install chromium chromium-driver)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until(check: Callable[[], Any], what: str, timeout: float = WAIT) -> Any:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except AssertionError:
            raise
        except Exception as exc:  # a page mid-reload: try again
            last = exc
        time.sleep(0.2)
    detail = f" (last error: {last})" if last else ""
    raise AssertionError(f"timed out waiting for {what}{detail}")


@pytest.fixture
def server(example_project: Path, tmp_path: Path) -> Iterator[str]:
    _require_browser()
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log_path = tmp_path / "preview.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sestemplates", "--project", str(example_project),
             "preview", "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    try:
        def up() -> bool:
            if proc.poll() is not None:
                output = log_path.read_text()
                raise AssertionError(f"preview exited {proc.returncode}: {output}")
            with urllib.request.urlopen(url + "version", timeout=2) as response:
                return bool(response.status == 200)

        _wait_until(up, "the preview server", timeout=120)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)  # what Ctrl-C does
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError("the preview server did not stop on SIGINT") from None
    output = log_path.read_text()
    assert "Traceback" not in output, output
    # Ctrl-C is a clean stop: one line saying so, and the shell's usual 128 + SIGINT.
    assert proc.returncode == 130, output
    assert output.rstrip().endswith("preview stopped"), output


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,1000",
                 f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    # An explicit driver path: selenium-manager never runs, so nothing is downloaded.
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _frame_text(driver: Any, frame_id: str) -> str:
    from selenium.webdriver.common.by import By

    driver.switch_to.default_content()
    driver.switch_to.frame(driver.find_element(By.ID, frame_id))
    try:
        return str(driver.find_element(By.TAG_NAME, "body").text)
    finally:
        driver.switch_to.default_content()


def test_index_lists_the_examples(server: str, browser: Any, example_project: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server)
    links = {a.text for a in browser.find_elements(By.CSS_SELECTOR, "#templates td:first-child a")}
    # One row per TemplateName: the localised examples have one per locale.
    from sestemplates.config import load_config
    from sestemplates.project import discover

    expected = {t.name for t in discover(load_config(example_project)).templates}
    assert expected and links == expected
    assert {"password-reset-ar", "password-reset-de", "welcome"} <= links


def test_template_page_shows_the_sample_values(
    server: str, browser: Any, example_project: Path
) -> None:
    from selenium.webdriver.common.by import By

    data = json.loads((example_project / "templates/welcome/samples/trial.json").read_text())
    browser.get(server + "t/welcome?sample=trial")
    assert data["name"] in browser.find_element(By.ID, "subject").text
    for frame_id in ("frame-desktop", "frame-mobile"):
        text = _wait_until(lambda f=frame_id: _frame_text(browser, f), f"{frame_id} content")
        assert data["workspace"]["name"] in text
        assert "{{" not in text


def test_editing_a_source_updates_the_open_page(
    server: str, browser: Any, example_project: Path
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server + "t/welcome?sample=trial")
    _wait_until(lambda: browser.find_element(By.ID, "subject").text, "the subject")
    subject = example_project / "templates/welcome/subject.txt"
    subject.write_text("Live edit works, {{name}}\n")
    _wait_until(
        lambda: "Live edit works" in browser.find_element(By.ID, "subject").text,
        "the page to reload with the edit",
    )
    html = example_project / "templates/welcome/html.mjml"
    html.write_text(html.read_text().replace("Welcome aboard", "Freshly edited", 1))
    _wait_until(
        lambda: "Freshly edited" in _frame_text(browser, "frame-desktop"),
        "the frame to show the edited HTML",
    )


def test_broken_sample_shows_the_error_and_recovers(
    server: str, browser: Any, example_project: Path
) -> None:
    from selenium.webdriver.common.by import By

    sample = example_project / "templates/welcome/samples/trial.json"
    good = sample.read_text()
    browser.get(server + "t/welcome?sample=trial")
    _wait_until(lambda: browser.find_element(By.ID, "subject").text, "the subject")
    sample.write_text('{"name": "Priya",')
    _wait_until(
        lambda: "invalid JSON" in browser.find_element(By.ID, "problems").text,
        "the sample error on the page",
    )
    assert "trial.json" in browser.find_element(By.ID, "problems").text
    assert "cannot be read" in _frame_text(browser, "frame-desktop")
    sample.write_text(good)
    _wait_until(
        lambda: not browser.find_elements(By.ID, "problems")
        or "invalid JSON" not in browser.find_element(By.ID, "problems").text,
        "the error to go away",
    )



@pytest.fixture
def broken_config(example_project: Path) -> str:
    """The example project with a sestemplates.toml that does not parse; returns the good text.
    Request it before `server`, so the preview starts with the broken file."""
    config = example_project / "sestemplates.toml"
    good = config.read_text()
    config.write_text(good + "\n[vars\n")
    return good


def test_a_config_broken_at_start_shows_and_recovers(
    broken_config: str, server: str, browser: Any, example_project: Path
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server)
    assert "sestemplates.toml" in browser.find_element(By.ID, "fatal").text
    (example_project / "sestemplates.toml").write_text(broken_config)
    _wait_until(
        lambda: not browser.find_elements(By.ID, "fatal")
        and browser.find_elements(By.CSS_SELECTOR, "#templates tr[data-template]"),
        "the open index to recover",
    )


def test_a_missing_variable_shows_the_ses_message_and_recovers(
    server: str, browser: Any, example_project: Path
) -> None:
    from selenium.webdriver.common.by import By

    sample = example_project / "templates/welcome/samples/trial.json"
    good = sample.read_text()
    data = json.loads(good)
    name = data.pop("name")
    browser.get(server + "t/welcome?sample=trial")
    _wait_until(lambda: browser.find_element(By.ID, "subject").text, "the subject")
    sample.write_text(json.dumps(data))
    message = "Attribute 'name' is not present in the rendering data."
    _wait_until(
        lambda: message in browser.find_element(By.ID, "subject-error").text,
        "SES's message in place of the subject",
    )
    assert message in _frame_text(browser, "frame-desktop")
    sample.write_text(good)
    _wait_until(
        lambda: name in browser.find_element(By.ID, "subject").text,
        "the subject to come back",
    )


@pytest.fixture
def scripted(example_project: Path) -> Path:
    """A template whose email carries an inline script (and a sample for it)."""
    directory = example_project / "templates" / "scripted"
    (directory / "samples").mkdir(parents=True)
    (directory / "subject.txt").write_text("Hi {{name}}")
    (directory / "html.html").write_text(
        "<html><head><title>email</title></head><body><p>Hi {{name}}</p>"
        "<script>document.title = 'script ran'; document.body.id = 'ran';</script>"
        "</body></html>"
    )
    (directory / "samples" / "one.json").write_text('{"name": "Ada"}')
    return directory


def test_the_pages_scripts_run_under_the_csp_and_the_emails_do_not(
    scripted: Path, server: str, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    # The template page's own inline script runs (the CSP allows it): it fits each frame to
    # its email. (Live reload, the other inline script, is exercised by the edit tests.)
    browser.get(server + "t/scripted")
    _wait_until(
        lambda: "height" in (browser.find_element(By.ID, "frame-desktop").get_attribute("style")
                             or ""),
        "the page's inline script to size the frame",
    )
    # Opened on its own (no sandbox around it), the email's script is still blocked.
    browser.get(server + "frame/scripted")
    assert "Hi Ada" in browser.find_element(By.TAG_NAME, "body").text
    time.sleep(0.3)
    assert browser.title == "email"
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("id") != "ran"


def test_a_right_to_left_locale_is_shown_right_to_left(server: str, browser: Any) -> None:
    """The Arabic example as Chromium lays it out: subject, text part and email read RTL."""
    from selenium.webdriver.common.by import By

    browser.get(server + "t/password-reset-ar")
    _wait_until(lambda: browser.find_element(By.ID, "subject").text, "the subject")

    def direction(element_id: str) -> str:
        return str(browser.execute_script(
            "return getComputedStyle(document.getElementById(arguments[0])).direction",
            element_id))

    assert direction("subject") == "rtl" and direction("text") == "rtl"
    _wait_until(lambda: _frame_text(browser, "frame-desktop"), "the email")
    browser.switch_to.frame(browser.find_element(By.ID, "frame-desktop"))
    try:
        layout = browser.execute_script(
            "var p = Array.prototype.find.call(document.querySelectorAll('div'),"
            " function (d) { return d.textContent.trim().indexOf('مرحباً') === 0; });"
            "return [getComputedStyle(document.documentElement).direction,"
            " p ? getComputedStyle(p).textAlign : null];")
    finally:
        browser.switch_to.default_content()
    assert layout == ["rtl", "right"]
    links = browser.find_elements(By.CSS_SELECTOR, "#locales a")
    assert [a.text for a in links] == ["en", "de", "ar"]  # the config's order
