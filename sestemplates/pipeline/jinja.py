"""Stage 1: render the three parts with Jinja, using delimiters that cannot collide with SES.

Statements `{% %}`, expressions `[[ ]]`, comments `[# #]`: Jinja's default `{#` comment would
swallow `{{#each`, and `{{ }}` belongs to SES Handlebars. The loader records every file it
loads, which gives the template's layout/partial dependencies for the incremental cache.

Template sources are data, not code: `check` runs as a pre-commit hook and in CI next to SES
credentials, so Jinja runs sandboxed (no `__class__`/`__globals__` walks to `os`) and the loader
reads only files whose real path is inside the templates directory.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from jinja2.loaders import split_template_path

from sestemplates.config import Config
from sestemplates.errors import SesTemplatesError
from sestemplates.fsutil import read_text
from sestemplates.project import TemplateSource


class OutsideTemplatesError(Exception):
    """A template name whose file resolves (through a symlink) outside the templates directory.

    Not a TemplateNotFound, so `{% include … ignore missing %}` cannot silence it; render_file
    turns it into an error naming the including file and line."""

    def __init__(self, name: str, real: Path) -> None:
        super().__init__(name)
        self.name = name
        self.real = real


class RecordingLoader(jinja2.BaseLoader):
    """Loads from the templates directory with strict UTF-8 and remembers what it loaded."""

    def __init__(self, root: Path, display: Callable[[Path], str]) -> None:
        self.root = root
        self.boundary = root.resolve()
        self.display = display
        self.loaded: list[Path] = []

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = self.root.joinpath(*split_template_path(template))
        real = path.resolve()
        if self.boundary not in real.parents and path.exists():
            raise OutsideTemplatesError(template, real)
        if not path.is_file():
            raise jinja2.TemplateNotFound(template)
        source = read_text(path, display=self.display(path))
        if path not in self.loaded:
            self.loaded.append(path)
        return source, str(path), lambda: False


def make_environment(config: Config) -> tuple[jinja2.Environment, RecordingLoader]:
    loader = RecordingLoader(config.templates_dir, config.display)
    env = jinja2.sandbox.SandboxedEnvironment(
        block_start_string="{%",
        block_end_string="%}",
        variable_start_string="[[",
        variable_end_string="]]",
        comment_start_string="[#",
        comment_end_string="#]",
        undefined=jinja2.StrictUndefined,
        loader=loader,
        keep_trailing_newline=True,
        autoescape=False,
        # No template cache: every load goes through the loader, so each is recorded.
        cache_size=0,
    )
    # After construction, so it works for whichever Environment class is made above.
    from sestemplates.i18n.setup import add_extension

    add_extension(env, config)
    return env, loader


def context(config: Config, source: TemplateSource) -> dict[str, Any]:
    """config vars plus `template` (name, dir, env, prefix)."""
    info = {"name": source.name, "dir": source.dir_name, "env": config.env, "prefix": config.prefix}
    return {**dict(config.vars), "template": info}


def render_file(
    env: jinja2.Environment, config: Config, path: Path, variables: Mapping[str, Any]
) -> str:
    """Render one part; every Jinja problem becomes a SesTemplatesError naming file and line."""
    name = path.relative_to(config.templates_dir).as_posix()
    try:
        return env.get_template(name).render(variables)
    except jinja2.TemplateSyntaxError as exc:
        where = Path(exc.filename) if exc.filename else path
        raise SesTemplatesError(
            f"Jinja syntax error: {exc.message}", file=config.display(where), line=exc.lineno
        ) from None
    except jinja2.TemplateNotFound as exc:
        file, line = _template_frame(exc.__traceback__, config, path)
        raise SesTemplatesError(
            f"Jinja: template file not found: {exc.name}", file=file, line=line
        ) from None
    except jinja2.UndefinedError as exc:
        file, line = _template_frame(exc.__traceback__, config, path)
        raise SesTemplatesError(f"Jinja: {exc.message}", file=file, line=line) from None
    except jinja2.exceptions.SecurityError as exc:
        file, line = _template_frame(exc.__traceback__, config, path)
        raise SesTemplatesError(
            f"Jinja sandbox: {exc} (templates are data, not code)", file=file, line=line
        ) from None
    except OutsideTemplatesError as exc:
        file, line = _template_frame(exc.__traceback__, config, path)
        raise SesTemplatesError(
            f"Jinja: {exc.name!r} resolves to {exc.real}, outside the templates directory "
            f"{config.display(config.templates_dir)}/: refused",
            file=file,
            line=line,
        ) from None
    except SesTemplatesError:
        raise
    except Exception as exc:  # a filter or test raised at render time: still the user's input
        file, line = _template_frame(exc.__traceback__, config, path)
        raise SesTemplatesError(
            f"Jinja: {type(exc).__name__}: {exc}", file=file, line=line
        ) from None


def _template_frame(
    tb: types.TracebackType | None, config: Config, default: Path
) -> tuple[str, int | None]:
    """The innermost traceback frame that is a template file: Jinja rewrites those frames
    so their filename is the template and their line number is the template's line."""
    found: tuple[str, int | None] = (config.display(default), None)
    root = str(config.templates_dir)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(root) and not filename.endswith(".py"):
            found = (config.display(Path(filename)), tb.tb_lineno)
        tb = tb.tb_next
    return found


def render_subject(text: str, file: str) -> str:
    """The subject trimmed to one line; more than one line after rendering is an error."""
    subject = text.strip()
    if "\n" in subject or "\r" in subject:
        raise SesTemplatesError(
            "the subject is more than one line after rendering", file=file, line=1
        )
    return subject
