"""The typer command layer.

Each command parses its options and calls one function in a logic module. `run()` is the one
place where errors become messages and exit codes: 0 ok, 1 the user's templates or data have
errors, 2 usage or configuration errors. Logic modules are imported inside the commands so that
`check` (run by pre-commit on every commit) never pays for boto3 or a web server.
"""

from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from sestemplates import __version__
from sestemplates.config import Config, load_config
from sestemplates.errors import EXIT_USAGE, EXIT_USER, SesTemplatesError

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
    region: Annotated[str | None, typer.Option("--region", help="AWS region.")] = None,
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
    from sestemplates.build import build_project

    config = _opts(ctx).config()
    report = build_project(config, names or [], force=force, jobs=jobs)
    typer.echo(report.format(config))
    raise typer.Exit(EXIT_USER if report.failures else 0)


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
