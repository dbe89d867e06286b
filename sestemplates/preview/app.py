"""The preview web app: Starlette routes over pure functions that turn a Snapshot into page data.

Routes only look templates and samples up by name in the snapshot, never by joining a request
path onto the file system, so anything that is not a known template or sample is a 404.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from sestemplates.checks.locate import PARTS, Location, Locator
from sestemplates.checks.samples import load_sample
from sestemplates.diagnostics import Diagnostic
from sestemplates.errors import SesTemplatesError, format_location
from sestemplates.handlebars import HandlebarsError, parse, render, variable_uses
from sestemplates.handlebars.jsvalue import utf8_text
from sestemplates.pipeline import BuiltTemplate
from sestemplates.preview.guard import FRAME_POLICY
from sestemplates.preview.pages import Pages
from sestemplates.preview.state import Project, Snapshot
from sestemplates.project import TemplateSource

DESKTOP_WIDTH = 600
MOBILE_WIDTH = 375
INDEX_PROBLEMS = 3  # problems listed per template on the index; the template page has all


# ---- page data (pure) -------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateRow:
    dir_name: str
    name: str
    samples: list[str]
    errors: int
    warnings: int
    built: bool
    problems: list[Diagnostic] = field(default_factory=list)  # the first few, errors first


@dataclass(frozen=True)
class IndexPage:
    version: str
    fatal: str | None
    rows: list[TemplateRow]
    problems: list[Diagnostic]  # not tied to a usable template


@dataclass(frozen=True)
class Part:
    """One rendered part: the output, or why SES would refuse to render it."""

    output: str | None
    error: str | None


@dataclass(frozen=True)
class VariableRow:
    path: str
    uses: list[str]  # "html 12:5 {{name}}"


@dataclass(frozen=True)
class TemplatePage:
    version: str
    fatal: str | None
    source: TemplateSource
    display_path: str
    samples: list[str]
    sample: str | None  # the chosen sample's file name
    sample_text: str | None
    sample_error: str | None
    diagnostics: list[Diagnostic]
    built: bool
    subject: Part
    text: Part
    raw_html: str | None
    variables: list[VariableRow] = field(default_factory=list)
    widths: tuple[int, int] = (DESKTOP_WIDTH, MOBILE_WIDTH)
    key: str = ""  # the template's name in URLs
    # A localised template: (locale, key) of each of its locales, for the switcher.
    locales: list[tuple[str, str]] = field(default_factory=list)
    direction: str = "ltr"  # of the subject and text part (the HTML part sets its own)


def index_page(snapshot: Snapshot) -> IndexPage:
    rows = []
    for dir_name, source in sorted(snapshot.templates.items()):
        diags = snapshot.diagnostics_for(source)
        errors = sum(1 for d in diags if d.is_error)
        rows.append(
            TemplateRow(
                dir_name=dir_name,
                name=source.name,
                samples=[p.stem for p in source.samples],
                errors=errors,
                warnings=len(diags) - errors,
                built=dir_name in snapshot.built,
                problems=sorted(diags, key=lambda d: not d.is_error)[:INDEX_PROBLEMS],
            )
        )
    return IndexPage(snapshot.version, snapshot.fatal, rows, snapshot.project_diagnostics())


def _where(location: Location) -> str:
    return format_location(location.file, location.line, location.column).removesuffix(": ")


def render_part(locator: Locator | None, part: str, data: dict[str, Any]) -> Part:
    """One built part rendered with the SES engine; an error keeps SES's wording and says where
    in the sources the offending tag is."""
    if locator is None:
        return Part(None, "not built: see the problems above")
    try:
        return Part(utf8_text(render(locator.part_text(part), data)), None)
    except HandlebarsError as exc:
        where = locator.locate(part, exc.line, exc.column, None)
        return Part(None, f"{exc.message} ({_where(where)}{where.note})")


def choose_sample(source: TemplateSource, wanted: str | None) -> Path | None:
    """The sample asked for (by file name or stem), else the first; None when there is none."""
    if wanted:
        return source.sample(wanted)
    return source.samples[0] if source.samples else None


def load_data(snapshot: Snapshot, sample: Path | None) -> tuple[dict[str, Any], str | None]:
    """The sample's data, or ({}, error) when it cannot be read."""
    if sample is None:
        return {}, None
    display = snapshot.config.display(sample) if snapshot.config else str(sample)
    try:
        return load_sample(sample, display=display), None
    except SesTemplatesError as exc:
        return {}, str(exc)


def variables(locator: Locator) -> tuple[list[VariableRow], list[str]]:
    """Every variable path with the source places it is used; syntax errors come back as text."""
    uses: dict[str, list[str]] = {}
    errors: list[str] = []
    for part in PARTS:
        try:
            program = parse(locator.part_text(part))
        except HandlebarsError as exc:
            where = locator.locate(part, exc.line, exc.column, None)
            errors.append(f"{_where(where)}: {exc.message}{where.note}")
            continue
        for use in variable_uses(program):
            where = locator.locate(part, use.line, use.column, use.tag)
            place = f"{_where(where)} {use.tag}"
            places = uses.setdefault(str(use.path), [])
            if place not in places:  # a derived text part points back at the same HTML tags
                places.append(place)
    return [VariableRow(path, places) for path, places in sorted(uses.items())], errors


def _locator(snapshot: Snapshot, built: BuiltTemplate | None) -> Locator | None:
    return Locator(snapshot.config, built) if built and snapshot.config else None


def _find(
    snapshot: Snapshot, dir_name: str, wanted: str | None
) -> tuple[TemplateSource, Path | None] | None:
    """The template and its chosen sample; None (a 404) for an unknown template or sample."""
    source = snapshot.templates.get(dir_name)
    if source is None:
        return None
    sample = choose_sample(source, wanted)
    if wanted and sample is None:
        return None
    return source, sample


def template_page(snapshot: Snapshot, dir_name: str, wanted: str | None) -> TemplatePage | None:
    found = _find(snapshot, dir_name, wanted)
    if found is None:
        return None
    source, sample = found
    data, sample_error = load_data(snapshot, sample)
    sample_text = None
    if sample is not None:
        try:
            sample_text = sample.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            sample_error = sample_error or f"{sample.name}: {exc.strerror}"
    built = snapshot.built.get(dir_name)
    diagnostics = snapshot.diagnostics_for(source)
    locator = _locator(snapshot, built)
    rows: list[VariableRow] = []
    if locator is not None:
        rows, syntax_errors = variables(locator)
        if not any(d.is_error for d in diagnostics):  # check already reports syntax errors
            diagnostics += [
                Diagnostic(source.name, None, None, None, "error", "syntax", message)
                for message in syntax_errors
            ]
    broken = sample_error is not None
    if sample_error and any(sample_error.startswith(f"{d.file}:") for d in diagnostics):
        sample_error = None  # check already lists it
        unreadable = Part(None, "the sample cannot be read: see the problems above")
    else:
        unreadable = Part(None, f"the sample cannot be read: {sample_error}")
    display = snapshot.config.display(source.directory) if snapshot.config else dir_name
    return TemplatePage(
        version=snapshot.version,
        fatal=snapshot.fatal,
        source=source,
        display_path=display,
        samples=[p.stem for p in source.samples],
        sample=sample.stem if sample else None,
        sample_text=sample_text,
        sample_error=sample_error,
        diagnostics=diagnostics,
        built=built is not None,
        subject=unreadable if broken else render_part(locator, "subject", data),
        text=unreadable if broken else render_part(locator, "text", data),
        raw_html=built.html if built else None,
        variables=rows,
        key=dir_name,
        **_locale_fields(snapshot, source),
    )


def _locale_fields(snapshot: Snapshot, source: TemplateSource) -> dict[str, Any]:
    if source.locale is None:
        return {}
    from sestemplates.i18n.paths import text_direction

    order = snapshot.config.i18n.locales if snapshot.config else ()
    siblings = sorted(
        (
            (s.locale, key)
            for key, s in snapshot.templates.items()
            if s.dir_name == source.dir_name and s.locale is not None
        ),
        key=lambda pair: order.index(pair[0]) if pair[0] in order else len(order),
    )
    return {"locales": siblings, "direction": text_direction(source.locale)}


@dataclass(frozen=True)
class Frame:
    """What the preview frame shows: the rendered HTML part, or why there is none."""

    html: str | None
    title: str = ""
    errors: list[str] = field(default_factory=list)


def frame(snapshot: Snapshot, dir_name: str, wanted: str | None) -> Frame | None:
    """The HTML part rendered with the sample, or the reason SES would refuse it."""
    found = _find(snapshot, dir_name, wanted)
    if found is None:
        return None
    source, sample = found
    built = snapshot.built.get(dir_name)
    if built is None:
        problems = [d.one_line() for d in snapshot.diagnostics_for(source) if d.is_error]
        return Frame(None, "This template did not build.", problems or [snapshot.fatal or ""])
    data, error = load_data(snapshot, sample)
    if error:
        return Frame(None, "The sample cannot be read.", [error])
    part = render_part(_locator(snapshot, built), "html", data)
    if part.error is not None:
        return Frame(None, "SES would refuse to render this HTML part.", [part.error])
    return Frame(part.output)


# ---- live reload ------------------------------------------------------------------------------


class Broadcaster:
    """Fans a new snapshot version out to every open page's event stream."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[str]] = set()

    def subscribe(self) -> asyncio.Queue[str]:
        queue: asyncio.Queue[str] = asyncio.Queue()
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[str]) -> None:
        self._queues.discard(queue)

    def publish(self, version: str) -> None:
        for queue in self._queues:
            queue.put_nowait(version)


async def _events(
    project: Project, broadcaster: Broadcaster, should_stop: Callable[[], bool]
) -> AsyncIterator[str]:
    queue = broadcaster.subscribe()
    try:
        # `retry` makes EventSource reconnect quickly after a server restart.
        yield f"retry: 500\ndata: {project.snapshot.version}\n\n"
        idle = 0.0
        while not should_stop():
            try:
                version = await asyncio.wait_for(queue.get(), timeout=0.5)
            except TimeoutError:
                idle += 0.5
                if idle >= 15:  # a comment line keeps proxies and browsers from timing out
                    idle = 0.0
                    yield ": ping\n\n"
                continue
            yield f"data: {version}\n\n"
    finally:
        broadcaster.unsubscribe(queue)


# ---- the app ----------------------------------------------------------------------------------

def create_app(
    project: Project,
    *,
    watch: bool = False,
    should_stop: Callable[[], bool] = lambda: False,
    on_startup: Callable[[], None] | None = None,
) -> Starlette:
    """The preview app for `project` (already refreshed once); `watch` starts the file watcher."""
    broadcaster = Broadcaster()
    pages = Pages()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = None
        stop = asyncio.Event()
        if watch:
            from sestemplates.preview.watch import watch_project

            task = asyncio.create_task(watch_project(project, broadcaster.publish, stop))
        if on_startup is not None:
            on_startup()
        try:
            yield
        finally:
            stop.set()
            if task is not None:
                task.cancel()
                with suppress(asyncio.CancelledError, Exception):
                    await task

    def no_store(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        return response

    async def index(request: Request) -> Response:
        return no_store(HTMLResponse(pages.index(index_page(project.snapshot))))

    async def template(request: Request) -> Response:
        page = template_page(
            project.snapshot, request.path_params["name"], request.query_params.get("sample")
        )
        if page is None:
            return not_found()
        extras = page_extras(project.snapshot, page, pages.csrf)
        return no_store(HTMLResponse(pages.template(page, extras)))

    async def frame_page(request: Request) -> Response:
        shown = frame(
            project.snapshot, request.path_params["name"], request.query_params.get("sample")
        )
        if shown is None:
            return not_found()
        response = HTMLResponse(shown.html if shown.html is not None else pages.frame_error(shown))
        # The email is shown as-is: no scripts may run, whatever the template contains.
        response.headers["Content-Security-Policy"] = FRAME_POLICY
        return no_store(response)

    async def sample_json(request: Request) -> Response:
        source = project.snapshot.templates.get(request.path_params["name"])
        sample = source.sample(request.path_params["sample"]) if source else None
        if sample is None:
            return not_found()
        data, error = load_data(project.snapshot, sample)
        if error:
            body = json.dumps({"error": error})
            return no_store(Response(body, 422, media_type="application/json"))
        return no_store(Response(json.dumps(data, indent=2), media_type="application/json"))

    def not_found() -> Response:
        # With the live-reload script: a page that 404s while the config is broken comes back
        # by itself once it is fixed.
        snapshot = project.snapshot
        return HTMLResponse(pages.not_found(snapshot.version, snapshot.fatal), status_code=404)

    async def events(request: Request) -> Response:
        return StreamingResponse(
            _events(project, broadcaster, should_stop),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def version(request: Request) -> Response:
        return no_store(Response(project.snapshot.version, media_type="text/plain"))

    send_routes = send_readiness_routes(project, pages, not_found, no_store)
    routes = [
        *send_routes,
        Route("/", index),
        Route("/t/{name}", template),
        Route("/frame/{name}", frame_page),
        Route("/sample/{name}/{sample}", sample_json),
        Route("/events", events),
        Route("/version", version),
    ]

    async def handle_404(request: Request, exc: Exception) -> Response:
        return not_found()

    return Starlette(routes=routes, lifespan=lifespan, exception_handlers={404: handle_404})


# ---- send-readiness: lint panel, source view, dark-mode frames, test send ---------------------


@dataclass(frozen=True)
class PageExtras:
    """What the template page shows beyond the render: the lint panel and the send form."""

    lint: list[Any]  # preview.lint_panel.LintRow
    csrf: str
    can_send: bool
    send_to: str  # the [send] recipients, shown as the form's default
    schemes: tuple[str, ...]


def page_extras(snapshot: Snapshot, page: TemplatePage, token: str) -> PageExtras:
    from sestemplates.preview.lint_panel import lint_rows
    from sestemplates.preview.scheme import SCHEMES
    from sestemplates.preview.send import can_send

    sample = choose_sample(page.source, page.sample)
    try:
        rows = lint_rows(snapshot, page.key, sample) if page.built else []
    except SesTemplatesError:
        rows = []  # a bad [lint] table: check's failure is already the page's fatal message
    config = snapshot.config
    send_to = ", ".join(config.send.to) if config else ""
    return PageExtras(rows, token, can_send(config), send_to, SCHEMES)


def send_readiness_routes(
    project: Project,
    pages: Pages,
    not_found: Callable[[], Response],
    no_store: Callable[[Response], Response],
) -> list[Route]:
    import hmac
    from urllib.parse import parse_qs, urlsplit

    async def scheme_frame(request: Request) -> Response:
        from sestemplates.preview.scheme import SCHEMES, apply_scheme

        scheme = request.path_params["scheme"]
        shown = frame(
            project.snapshot, request.path_params["name"], request.query_params.get("sample")
        )
        if shown is None or scheme not in SCHEMES:
            return not_found()
        body = (
            apply_scheme(shown.html, scheme) if shown.html is not None
            else pages.frame_error(shown)
        )
        response = HTMLResponse(body)
        # As the plain frame: the email is shown as-is and no script may run in it.
        response.headers["Content-Security-Policy"] = FRAME_POLICY
        return no_store(response)

    async def source(request: Request) -> Response:
        from sestemplates.preview.lint_panel import source_view

        try:
            index = int(request.path_params["index"])
        except ValueError:
            return not_found()
        view = source_view(project.snapshot, request.path_params["name"], index)
        if view is None:
            return not_found()
        return no_store(HTMLResponse(pages.source(view, project.snapshot.version)))

    async def send(request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        from sestemplates.preview.send import can_send, send_test

        origin = request.headers.get("origin")
        host = request.headers.get("host", "")
        if origin is not None and urlsplit(origin).netloc != host:
            return Response("cross-origin request refused", 403, media_type="text/plain")
        if request.headers.get("content-type", "").split(";")[0].strip() != (
            "application/x-www-form-urlencoded"
        ):
            return Response("a form post is expected", 415, media_type="text/plain")
        body = (await request.body())[:65536].decode("utf-8", errors="replace")
        form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
        if not hmac.compare_digest(form.get("csrf", ""), pages.csrf):
            return Response("missing or wrong CSRF token: reload the page", 403,
                            media_type="text/plain")
        snapshot = project.snapshot
        name = request.path_params["name"]
        found = _find(snapshot, name, form.get("sample") or None)
        if found is None or snapshot.config is None:
            return not_found()
        if not can_send(snapshot.config):
            return Response("[send] from is not configured", 409, media_type="text/plain")
        source, sample = found
        outcome = await run_in_threadpool(
            # The TemplateName: a localised template's page sends its own locale.
            send_test, snapshot.config, source.name, sample.name if sample else None,
            form.get("to", ""), form.get("mode", "template"), project.connection,
        )
        back = f"/t/{name}" + (f"?sample={sample.stem}" if sample else "")
        return no_store(HTMLResponse(
            pages.send_result(outcome, back, snapshot.version), 200 if outcome.ok else 502
        ))

    return [
        Route("/frame/{name}/{scheme}", scheme_frame),
        Route("/source/{name}/{index}", source),
        Route("/send/{name}", send, methods=["POST"]),
    ]
