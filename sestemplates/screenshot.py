"""`sestemplates screenshot`: full-height PNGs of each template × sample × width.

The HTML part is rendered with the SES engine (what SES would send) and photographed with the
system's headless Chromium, run directly: no browser download, no driver, no Python browser
library. Chromium's `--screenshot` only captures the window, so each shot takes two runs: one
that measures the document height at the target width (`--dump-dom` after the load event), and
one with the window sized to exactly width × height.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from sestemplates.checks.locate import Locator
from sestemplates.checks.samples import load_sample
from sestemplates.config import Config
from sestemplates.diagnostics import Diagnostic
from sestemplates.errors import ConfigError, SesTemplatesError
from sestemplates.fsutil import write_atomic
from sestemplates.handlebars import HandlebarsError, render
from sestemplates.pipeline import BuiltTemplate, build_project

DEFAULT_WIDTHS = (600, 375)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ENV = "SESTEMPLATES_CHROMIUM"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)
NO_SAMPLE = "no-sample"
MAX_HEIGHT = 16000  # Chromium cannot capture much taller surfaces
TIMEOUT = 120  # seconds for one Chromium run; a remote image that never loads must not hang us
# The height is measured in an iframe of the target width: a headless window cannot be made
# narrower than 500 px for --dump-dom, but an iframe can, and media queries inside it follow its
# width. srcdoc frames share the page's origin, so the page may read their height.
_MEASURE = """<!doctype html><html><head><meta charset="utf-8"></head>
<body style="margin:0"><iframe id="email" style="border:0;display:block;width:{width}px;height:1px"
srcdoc="{srcdoc}"></iframe>
<script>addEventListener('load', function () {{
  var doc = document.getElementById('email').contentDocument;
  document.documentElement.setAttribute('data-sestemplates-height',
    Math.ceil(Math.max(doc.documentElement.scrollHeight, doc.body ? doc.body.scrollHeight : 0)));
}});</script></body></html>
"""
_HEIGHT_RE = re.compile(r'data-sestemplates-height="(\d+)"')


@dataclass(frozen=True)
class Shot:
    template: str
    sample: str
    width: int
    height: int
    path: Path


@dataclass
class ScreenshotReport:
    shots: list[Shot] = field(default_factory=list)
    failures: list[Diagnostic] = field(default_factory=list)

    def format(self, config: Config) -> str:
        lines = [
            f"{config.display(s.path)}  {s.width}x{s.height}"
            for s in sorted(self.shots, key=lambda s: str(s.path))
        ]
        lines += [d.one_line() for d in self.failures]
        lines.append(f"{len(self.shots)} screenshots, {len(self.failures)} failed")
        return "\n".join(lines)


@dataclass(frozen=True)
class _Job:
    template: str
    sample: str
    file: str  # the sample (or the template directory) failures are reported against
    width: int
    html: str
    dest: Path


def find_chromium() -> str:
    """The Chromium executable; a one-line error naming the package when there is none."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        if shutil.which(configured) is None:
            raise ConfigError(f"{CHROMIUM_ENV}={configured} is not an executable")
        return configured
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ConfigError(
        "Chromium is not installed: install it with `apt-get install chromium` "
        f"(Debian/Ubuntu), or set {CHROMIUM_ENV} to a Chromium or Chrome executable"
    )


def take_screenshots(
    config: Config,
    names: list[str],
    *,
    samples: list[str] | None = None,
    widths: list[int] | None = None,
    out: Path | None = None,
    jobs: int | None = None,
    locale: str | None = None,
) -> ScreenshotReport:
    """PNG files in `out` (default build/screenshots) as <TemplateName>/<sample>-<width>px.png."""
    from sestemplates.project import localise

    names = localise(config, names, locale)
    chromium = find_chromium()
    widths = widths or list(DEFAULT_WIDTHS)
    for width in widths:
        if not 100 <= width <= 4000:
            raise ConfigError(f"--width {width}: must be between 100 and 4000 pixels")
    out = out if out is not None else config.build_dir / "screenshots"
    _prepare_out(out)
    build = build_project(config, names)
    report = ScreenshotReport(failures=list(build.failures))
    work: list[_Job] = []
    matched_sample = not samples
    for built in build.built:
        chosen = _chosen_samples(built, samples)
        matched_sample = matched_sample or bool(chosen)
        for sample_name, path in chosen:
            rendered = _render(config, built, sample_name, path, report)
            if rendered is None:
                continue
            shown = config.display(path) if path else config.display(built.source.directory)
            for width in widths:
                dest = out / built.name / f"{sample_name}-{width}px.png"
                work.append(_Job(built.name, sample_name, shown, width, rendered, dest))
    if not matched_sample:
        raise ConfigError(f"no selected template has a sample named {', '.join(samples or [])}")

    with tempfile.TemporaryDirectory(prefix="sestemplates-shots-") as tmp:
        workers = max(1, min(jobs or 2, len(work) or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = pool.map(
                lambda item: _run_job(chromium, Path(tmp) / str(item[0]), item[1]),
                enumerate(work),
            )
            for job, result in zip(work, results, strict=True):
                if isinstance(result, Shot):
                    report.shots.append(result)
                else:
                    report.failures.append(
                        _failure(job.template, job.file, f"{job.sample} at {job.width}px: {result}")
                    )
    return report


def _prepare_out(out: Path) -> None:
    """Create the output directory before any work, so a bad --out fails at once, in one line."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"--out {out}: cannot create the directory ({_reason(exc)})") from None


def _reason(exc: OSError) -> str:
    # mkdir over a file says "File exists" (or "Not a directory" deeper down): say what it means.
    if isinstance(exc, FileExistsError | NotADirectoryError):
        return "a file is in the way"
    return exc.strerror or str(exc)


def _chosen_samples(
    built: BuiltTemplate, wanted: list[str] | None
) -> list[tuple[str, Path | None]]:
    """(name, path) of the samples to shoot; one data-less shot for a template with none."""
    chosen: list[tuple[str, Path | None]] = [(p.stem, p) for p in built.source.samples]
    if wanted:
        return [(n, p) for n, p in chosen if n in wanted or (p and p.name in wanted)]
    return chosen or [(NO_SAMPLE, None)]


def _render(
    config: Config,
    built: BuiltTemplate,
    sample_name: str,
    path: Path | None,
    report: ScreenshotReport,
) -> str | None:
    """The HTML part rendered with the sample; None (and a failure in `report`) when SES would
    refuse it or the sample cannot be read."""
    try:
        data: dict[str, Any] = load_sample(path, display=config.display(path)) if path else {}
        return render(built.html, data)
    except HandlebarsError as exc:
        # SES's own wording, e.g. "Attribute 'x' is not present in the rendering data.", at
        # the tag's place in the sources.
        where = Locator(config, built).locate("html", exc.line, exc.column, None)
        report.failures.append(
            Diagnostic(
                built.name, where.file, where.line, where.column, "error", "screenshot",
                f"{exc.message} ({f'sample {path.name}' if path else 'no sample'}){where.note}",
            )
        )
    except SesTemplatesError as exc:  # an unreadable sample, named with its line
        report.failures.append(
            Diagnostic(
                built.name, exc.file, exc.line, exc.column, "error", "screenshot", exc.message
            )
        )
    return None


def _failure(template: str, file: str | None, message: str) -> Diagnostic:
    return Diagnostic(template, file, None, None, "error", "screenshot", message)


def _run_job(chromium: str, workdir: Path, job: _Job) -> Shot | str:
    """One screenshot; a Chromium failure comes back as a message, not an exception."""
    workdir.mkdir(parents=True)
    page = workdir / "email.html"
    measure = workdir / "measure.html"
    page.write_text(job.html, encoding="utf-8")
    srcdoc = escape(job.html, quote=True)
    measure.write_text(_MEASURE.format(width=job.width, srcdoc=srcdoc), encoding="utf-8")
    profile = workdir / "profile"
    try:
        dom = _chromium(
            chromium, profile, 800, 600, ["--dump-dom", measure.as_uri()]
        ).stdout
        match = _HEIGHT_RE.search(dom)
        if match is None:
            return "Chromium did not report the page height"
        height = max(1, min(int(match[1]), MAX_HEIGHT))
        png = workdir / "shot.png"
        _chromium(chromium, profile, job.width, height, [f"--screenshot={png}", page.as_uri()])
        if not png.is_file():
            return "Chromium wrote no screenshot"
        write_atomic(job.dest, png.read_bytes())
    except subprocess.TimeoutExpired:
        return f"Chromium took longer than {TIMEOUT} s"
    except subprocess.CalledProcessError as exc:
        last = (exc.stderr or "").strip().splitlines()[-1:] or ["no output"]
        return f"Chromium failed (exit {exc.returncode}): {last[0]}"
    except OSError as exc:  # e.g. a file where the template's output directory should be
        return f"cannot write {job.dest}: {_reason(exc)}"
    return Shot(job.template, job.sample, job.width, height, job.dest)


def _chromium(
    chromium: str, profile: Path, width: int, height: int, args: list[str]
) -> subprocess.CompletedProcess[str]:
    command = [
        chromium,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        *args,
    ]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
        stdin=subprocess.DEVNULL,
    )
