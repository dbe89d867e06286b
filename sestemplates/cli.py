"""The typer command layer.

Each command parses its options and calls one function in a logic module. `run()` is the one
place where errors become messages and exit codes: 0 ok, 1 the user's templates or data have
errors, 2 usage or configuration errors. Logic modules are imported inside the commands so that
`check` (run by pre-commit on every commit) never pays for boto3 or a web server.

Unlike the rest of the package, this module does not use `from __future__ import annotations`:
typer reads every command's annotations on each start-up, and evaluating them from strings
(typing.get_type_hints) cost ~25 ms per run, more than the whole no-op build. So every name used
in an annotation here must exist at run time (no TYPE_CHECKING-only imports).
"""

import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sestemplates import __version__
from sestemplates.config import Config, load_config
from sestemplates.errors import EXIT_USAGE, EXIT_USER, SesTemplatesError

if TYPE_CHECKING:  # only for the return annotation of _connection, which typer never reads
    from sestemplates.ses.commands import Connection

app = typer.Typer(
    name="sestemplates",
    help="Build, check, preview, sync and test-send Amazon SES email templates.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@dataclass(frozen=True)
class GlobalOptions:
    project: Path
    env: str | None
    verbose: bool
    region: str | None
    profile: str | None
    endpoint_url: str | None

    def config(self) -> Config:
        return load_config(self.project, self.env)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sestemplates {__version__}")
        raise typer.Exit(0)


@app.callback()
def _global(
    ctx: typer.Context,
    project: Annotated[
        Path, typer.Option("--project", "-C", help="Template repository root.")
    ] = Path("."),
    env: Annotated[
        str | None,
        typer.Option("--env", "-e", help="Environment from [env.NAME] in the config."),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show tracebacks and more detail.")
    ] = False,
    region: Annotated[
        str | None,
        typer.Option("--region", help="AWS region (with `regions` in the config: only this one)."),
    ] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="AWS profile.")] = None,
    endpoint_url: Annotated[
        str | None, typer.Option("--endpoint-url", help="SES endpoint, e.g. a local server.")
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    ctx.obj = GlobalOptions(project, env, verbose, region, profile, endpoint_url)


# --locale narrows a localised template (by directory name) to one of its languages.
LocaleOption = Annotated[
    str | None, typer.Option("--locale", help="One locale of localised templates, e.g. de.")
]


def _opts(ctx: typer.Context) -> GlobalOptions:
    obj = ctx.find_root().obj
    assert isinstance(obj, GlobalOptions)
    return obj


@app.command()
def build(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None, typer.Argument(help="Templates to build (default: all).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild everything, ignoring the cache.")
    ] = False,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", help="Parallel workers (default: CPU count).")
    ] = None,
) -> None:
    """Compile templates/ into build/<TemplateName>.json (CreateEmailTemplate input)."""
    from sestemplates.pipeline import build_project

    config = _opts(ctx).config()
    report = build_project(config, names or [], force=force, jobs=jobs)
    typer.echo(report.format(config))
    raise typer.Exit(EXIT_USER if report.failures else 0)


@app.command()
def check(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Changed files: check the templates they affect (default: all)."),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Output: text, json or github.")
    ] = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
) -> None:
    """Check Handlebars tags against every sample, and SES limits (the pre-commit hook)."""
    from sestemplates.checks import check_project

    report = check_project(_opts(ctx).config(), paths, strict=strict)
    output = report.format(fmt, color=sys.stdout.isatty())
    if output:
        typer.echo(output)
    raise typer.Exit(report.exit_code)


@app.command()
def schema(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Template (directory name or TemplateName).")],
) -> None:
    """Print the template's TemplateData contract (build/<TemplateName>.schema.json)."""
    from sestemplates.pipeline.schema import schema_text

    typer.echo(schema_text(_opts(ctx).config(), name), nl=False)


@app.command()
def sample(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Template (directory name or TemplateName).")],
    write: Annotated[
        str | None,
        typer.Option("--write", help="Save as samples/FILE of the template (never overwrites)."),
    ] = None,
) -> None:
    """Print TemplateData that satisfies the template's contract (every path, 2 items a list)."""
    from sestemplates.scaffold import sample_command

    typer.echo(sample_command(_opts(ctx).config(), name, write))


@app.command()
def render(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Template (directory name or TemplateName).")],
    sample: Annotated[
        str | None, typer.Option("--sample", "-s", help="Sample name (default: the first).")
    ] = None,
    part: Annotated[
        str, typer.Option("--part", "-p", help="subject, html, text or all.")
    ] = "all",
    locale: LocaleOption = None,
) -> None:
    """Print a built template rendered with a sample, exactly as SES would render it."""
    from sestemplates.checks.render import render_template

    output = render_template(_opts(ctx).config(), name, sample, part, locale)
    # One part is piped and diffed: print it exactly as SES renders it, adding no newline.
    typer.echo(output, nl=part == "all" and not output.endswith("\n"))


def _connection(ctx: typer.Context, endpoint_url: str | None = None) -> "Connection":
    from sestemplates.ses.commands import Connection

    opts = _opts(ctx)
    return Connection(opts.region, opts.profile, endpoint_url or opts.endpoint_url)


# The SES commands also take --endpoint-url after the command name (`smoke --endpoint-url URL`).
EndpointOption = Annotated[
    str | None, typer.Option("--endpoint-url", help="SES endpoint, e.g. a local server.")
]


RefreshOption = typer.Option(
    "--refresh",
    help="Read every template from SES (not only those changed since the state manifest) "
    "and report drift: templates edited outside this project.",
)


def _echo_err(line: str) -> None:
    typer.echo(line, err=True)


@app.command()
def diff(
    ctx: typer.Context,
    names: Annotated[list[str] | None, typer.Argument(help="Templates (default: all).")] = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when SES differs from the build.")
    ] = False,
    prune_all: Annotated[
        bool, typer.Option("--prune-all", help="With an empty prefix: list every other template.")
    ] = False,
    refresh: Annotated[bool, RefreshOption] = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="Count delete candidates for --exit-code.")
    ] = False,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Output: text, or json (plan + contract).")
    ] = "text",
    endpoint_url: EndpointOption = None,
    locale: LocaleOption = None,
) -> None:
    """Show what sync would do: create / update / unchanged / delete-candidates, with diffs
    and what each update changes in the TemplateData contract."""
    from sestemplates.ses import commands

    outcome = commands.diff(
        _opts(ctx).config(), _connection(ctx, endpoint_url), names or [], prune_all=prune_all,
        refresh=refresh, prune=prune or prune_all, fmt=fmt, locale=locale,
    )
    typer.echo(outcome.text)
    if outcome.failed:
        typer.echo(f"error: diff failed in region(s) {', '.join(outcome.failed)}", err=True)
    raise typer.Exit(EXIT_USER if outcome.failed or (exit_code and outcome.has_changes) else 0)


@app.command()
def sync(
    ctx: typer.Context,
    names: Annotated[list[str] | None, typer.Argument(help="Templates (default: all).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan only.")] = False,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune", help="Delete templates this project created (per the state manifest) "
            "that are gone from the repo."
        ),
    ] = False,
    prune_all: Annotated[
        bool, typer.Option("--prune-all", help="Allow --prune with an empty prefix.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Delete without asking.")] = False,
    refresh: Annotated[bool, RefreshOption] = False,
    allow_breaking: Annotated[
        bool,
        typer.Option("--allow-breaking", help="Apply updates that make a path newly required."),
    ] = False,
    endpoint_url: EndpointOption = None,
    locale: LocaleOption = None,
) -> None:
    """Create missing and update changed templates on SES; --prune deletes removed ones."""
    from sestemplates.ses import commands
    from sestemplates.ses.sync import SyncOptions

    def confirm(deletes: list[str]) -> bool:
        typer.echo("will delete: " + ", ".join(deletes), err=True)
        return typer.confirm(f"delete {len(deletes)} template(s) from SES?", err=True)

    options = SyncOptions(
        dry_run, prune or prune_all, prune_all, yes, sys.stdin.isatty(), refresh=refresh,
        allow_breaking=allow_breaking,
    )
    outcome = commands.sync(
        _opts(ctx).config(), _connection(ctx, endpoint_url), names or [], options,
        echo=_echo_err, confirm=confirm, locale=locale,
    )
    typer.echo(outcome.text)
    raise typer.Exit(0 if outcome.ok else EXIT_USER)


@app.command()
def parity(
    ctx: typer.Context,
    names: Annotated[list[str] | None, typer.Argument(help="Templates (default: all).")] = None,
    endpoint_url: EndpointOption = None,
    locale: LocaleOption = None,
) -> None:
    """Compare SES's TestRenderEmailTemplate output with the local render for every sample."""
    from sestemplates.diagnostics import format_text
    from sestemplates.ses import commands

    problems = commands.parity(
        _opts(ctx).config(), _connection(ctx, endpoint_url), names or [], echo=_echo_err,
        locale=locale,
    )
    typer.echo(format_text(problems) if problems else "parity: SES renders every sample the same")
    raise typer.Exit(EXIT_USER if problems else 0)


@app.command()
def send(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Template (directory name or TemplateName).")],
    sample: Annotated[
        str | None, typer.Option("--sample", "-s", help="Sample name or JSON file.")
    ] = None,
    mode: Annotated[str, typer.Option("--mode", help="template, simple or raw.")] = "template",
    to: Annotated[list[str] | None, typer.Option("--to", help="Recipient (repeatable).")] = None,
    cc: Annotated[list[str] | None, typer.Option("--cc", help="Cc (repeatable).")] = None,
    bcc: Annotated[list[str] | None, typer.Option("--bcc", help="Bcc (repeatable).")] = None,
    from_address: Annotated[str | None, typer.Option("--from", help="Sender.")] = None,
    reply_to: Annotated[
        list[str] | None, typer.Option("--reply-to", help="Reply-To (repeatable).")
    ] = None,
    configuration_set: Annotated[str | None, typer.Option("--configuration-set")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="NAME=VALUE")] = None,
    header: Annotated[list[str] | None, typer.Option("--header", help="NAME:VALUE")] = None,
    list_management: Annotated[
        str | None, typer.Option("--list", help="CONTACT_LIST[:TOPIC]")
    ] = None,
    feedback_forwarding: Annotated[str | None, typer.Option("--feedback-forwarding")] = None,
    from_arn: Annotated[str | None, typer.Option("--from-arn")] = None,
    feedback_forwarding_arn: Annotated[
        str | None, typer.Option("--feedback-forwarding-arn")
    ] = None,
    template_arn: Annotated[str | None, typer.Option("--template-arn")] = None,
    attach: Annotated[list[Path] | None, typer.Option("--attach", help="File to attach.")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Send even if the sample misses attributes.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole response.")] = False,
    endpoint_url: EndpointOption = None,
    locale: LocaleOption = None,
) -> None:
    """Send one email with SendEmail (template, simple or raw) using a sample's data."""
    import json

    from sestemplates.errors import ConfigError
    from sestemplates.ses import commands
    from sestemplates.ses.send import MODES, SendOptions, parse_pairs

    if mode not in MODES:
        raise ConfigError(f"--mode must be one of {', '.join(MODES)}, not {mode!r}")
    options = SendOptions(
        mode=mode,  # type: ignore[arg-type]
        to=tuple(to or ()), cc=tuple(cc or ()), bcc=tuple(bcc or ()),
        from_address=from_address, reply_to=tuple(reply_to or ()),
        configuration_set=configuration_set,
        tags=parse_pairs(tag or [], "=", "--tag"),
        headers=parse_pairs(header or [], ":", "--header"),
        list_management=list_management, feedback_forwarding=feedback_forwarding,
        from_arn=from_arn, feedback_forwarding_arn=feedback_forwarding_arn,
        template_arn=template_arn, attachments=tuple(attach or ()), force=force,
    )
    response = commands.send(
        _opts(ctx).config(), _connection(ctx, endpoint_url), name, sample, options, locale
    )
    if as_json:
        typer.echo(json.dumps(response, indent=2, default=str))
    else:
        typer.echo(str(response.get("MessageId", "")))


@app.command()
def smoke(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Templates to render and send even if unchanged."),
    ] = None,
    to: Annotated[list[str] | None, typer.Option("--to", help="Recipient(s).")] = None,
    from_address: Annotated[str | None, typer.Option("--from", help="Sender.")] = None,
    all_templates: Annotated[
        bool,
        typer.Option("--all", help="Render and send every template, not only changed ones."),
    ] = False,
    endpoint_url: EndpointOption = None,
) -> None:
    """CI run: check, build, sync, parity, then one templated send per changed template."""
    from sestemplates.ses.smoke import smoke as run_smoke

    result = run_smoke(
        _opts(ctx).config(), _connection(ctx, endpoint_url), to=tuple(to or ()),
        from_address=from_address, names=names or [], all_templates=all_templates,
        echo=_echo_err,
    )
    typer.echo(result.text)
    raise typer.Exit(0 if result.ok else EXIT_USER)


@app.command()
def pull(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Templates (directory name or TemplateName; default: the prefix's)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace existing template directories.")
    ] = False,
    all_templates: Annotated[
        bool, typer.Option("--all", help="With an empty prefix: pull every template.")
    ] = False,
    endpoint_url: EndpointOption = None,
) -> None:
    """Write the templates SES holds (under the prefix) as template directories, as_is."""
    from sestemplates.ses.pull import run_pull

    config = _opts(ctx).config()
    report = run_pull(
        config, _connection(ctx, endpoint_url), names or [], force=force,
        all_templates=all_templates, echo=_echo_err,
    )
    typer.echo(report.format(config, "pull"))


@app.command("import")
def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="SES template JSON files (v1 or v2).")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace existing template directories.")
    ] = False,
) -> None:
    """Write SES template JSON files (v1 SubjectPart/HtmlPart, v2 TemplateContent) as
    template directories, as_is."""
    from sestemplates.importers import import_files

    config = _opts(ctx).config()
    typer.echo(import_files(config, files, force=force).format(config, "import"))


@app.command()
def preview(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (keep it local).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8025,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the preview in a web browser.")
    ] = False,
) -> None:
    """Serve a live preview of every template × sample; reloads when files change."""
    from sestemplates.preview.server import run_preview

    opts = _opts(ctx)
    run_preview(
        opts.project, opts.env, host, port, open_browser, announce=typer.echo, warn=_echo_err,
        connection=_connection(ctx),
    )


@app.command()
def screenshot(
    ctx: typer.Context,
    names: Annotated[list[str] | None, typer.Argument(help="Templates (default: all).")] = None,
    sample: Annotated[
        list[str] | None, typer.Option("--sample", "-s", help="Only these samples.")
    ] = None,
    width: Annotated[
        list[int] | None, typer.Option("--width", "-w", help="Widths in px (default 600, 375).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Directory (default build/screenshots).")
    ] = None,
    locale: LocaleOption = None,
) -> None:
    """Write full-height PNGs of each template × sample × width with headless Chromium."""
    from sestemplates.screenshot import take_screenshots

    config = _opts(ctx).config()
    report = take_screenshots(
        config, names or [], samples=sample, widths=width, out=out, locale=locale
    )
    typer.echo(report.format(config))
    raise typer.Exit(EXIT_USER if report.failures else 0)


@app.command()
def init(
    ctx: typer.Context,
    directory: Annotated[
        Path | None, typer.Argument(help="Where to create the repo (default: --project or .).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite files that already exist.")
    ] = False,
) -> None:
    """Create a new template repository: config, an example template, pre-commit and CI."""
    from sestemplates.init import init_project

    typer.echo(init_project(directory or _opts(ctx).project, force=force).format())


i18n_app = typer.Typer(
    help="Translations: gettext catalogs under locales/ (Babel), one template per locale.",
    no_args_is_help=True,
)
app.add_typer(i18n_app, name="i18n")


@i18n_app.command("extract")
def i18n_extract(ctx: typer.Context) -> None:
    """Write locales/messages.pot from every template, layout and partial."""
    from sestemplates.i18n.catalogs import extract

    typer.echo(extract(_opts(ctx).config()).format())


@i18n_app.command("init")
def i18n_init(
    ctx: typer.Context,
    locale: Annotated[str, typer.Argument(help="The new locale, e.g. de (one of locales).")],
) -> None:
    """Start locales/LANG/LC_MESSAGES/messages.po from the .pot."""
    from sestemplates.i18n.catalogs import init

    typer.echo(init(_opts(ctx).config(), locale).format())


@i18n_app.command("update")
def i18n_update(ctx: typer.Context) -> None:
    """Merge new and changed messages from the .pot into every catalog."""
    from sestemplates.i18n.catalogs import update

    typer.echo(update(_opts(ctx).config()).format())


@i18n_app.command("stats")
def i18n_stats(ctx: typer.Context) -> None:
    """Translated, fuzzy and untranslated messages per locale."""
    from sestemplates.i18n.catalogs import stats

    typer.echo(stats(_opts(ctx).config()).format())


def run(argv: list[str]) -> int:
    """Run the CLI and return its exit code; every error ends here as one line."""
    verbose = "--verbose" in argv or "-v" in argv
    try:
        result = app(args=argv, prog_name="sestemplates", standalone_mode=False)
    except SesTemplatesError as exc:
        if verbose:
            traceback.print_exc()
        typer.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except typer.Abort:
        typer.echo("aborted", err=True)
        return EXIT_USER
    except typer.TyperException as exc:
        # typer's (vendored click) usage errors: bad options, missing arguments, no command.
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        code = getattr(exc, "exit_code", EXIT_USAGE)
        if type(exc).__name__ == "NoArgsIsHelpError":
            typer.echo(message)
        else:
            typer.echo(f"error: {message} (see 'sestemplates --help')", err=True)
        return code if isinstance(code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        return 130
    except Exception as exc:  # a bug in sestemplates, not the user's fault: still one line
        if verbose:
            traceback.print_exc()
        typer.echo(f"internal error: {type(exc).__name__}: {exc} (run with --verbose)", err=True)
        return EXIT_USER
    return result if isinstance(result, int) else 0


def main() -> None:
    sys.exit(run(sys.argv[1:]))
