"""One template through every stage: jinja → (mj-include) → shield → mjml → inline → text →
restore → guard. Runs in a worker process; returns a record, never raises for user errors."""

from __future__ import annotations

from pathlib import Path

from sestemplates.build import guard, inline, jinja, mjml, shield, text
from sestemplates.build.model import BuiltTemplate, Result
from sestemplates.build.output import output_paths
from sestemplates.config import Config
from sestemplates.diagnostics import Diagnostic
from sestemplates.errors import SesTemplatesError
from sestemplates.project import TemplateSource


class _Failed(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("template failed")
        self.diagnostics = diagnostics


def preload() -> None:
    """Import the heavy libraries now, so forked workers share them instead of each paying."""
    import mjml  # noqa: F401
    import premailer  # noqa: F401


def build_template(config: Config, source: TemplateSource) -> Result:
    loaded: list[Path] = []
    try:
        built = _build(config, source, loaded)
        return Result(source, built, (), built.dependencies)
    except _Failed as failed:
        return Result(source, None, tuple(failed.diagnostics), _deps(source, loaded))
    except SesTemplatesError as exc:
        file = exc.file or config.display(source.html)
        diag = _diag(source, file, exc.line, exc.message, code=_code(exc.message))
        return Result(source, None, (diag,), _deps(source, loaded))
    except Exception as exc:  # a bug or a library crash: this template fails, others go on
        message = f"internal error in the build: {type(exc).__name__}: {exc}"
        diag = _diag(source, config.display(source.html), None, message, code="internal")
        return Result(source, None, (diag,), _deps(source, loaded))


def _diag(
    source: TemplateSource, file: str | None, line: int | None, message: str, code: str = "build"
) -> Diagnostic:
    return Diagnostic(source.name, file, line, None, "error", code, message)


_CODES = (
    ("Jinja", "jinja"),
    ("MJML", "mjml"),
    ("mj-include", "mjml-include"),
    ("not valid UTF-8", "encoding"),
    ("CSS inlining", "inline"),
    ("the subject", "subject"),
)


def _code(message: str) -> str:
    """A Diagnostic code from the stage that raised (stages raise one exception type)."""
    return next((code for prefix, code in _CODES if message.startswith(prefix)), "build")


def _deps(source: TemplateSource, loaded: list[Path]) -> tuple[Path, ...]:
    """Loaded files outside the template's own directory (those are hashed anyway)."""
    own = source.directory.resolve()
    deps = {p.resolve() for p in loaded}
    return tuple(sorted(p for p in deps if own not in p.parents))


def _build(config: Config, source: TemplateSource, loaded: list[Path]) -> BuiltTemplate:
    env, loader = jinja.make_environment(config)
    loaded_by_jinja = loader.loaded
    variables = jinja.context(config, source)
    try:
        subject = jinja.render_subject(
            jinja.render_file(env, config, source.subject, variables),
            config.display(source.subject),
        )
        html_src = jinja.render_file(env, config, source.html, variables)
        text_src = jinja.render_file(env, config, source.text, variables) if source.text else None
    finally:
        loaded.extend(loaded_by_jinja)
    used_jinja_deps = bool(_deps(source, loaded))

    if source.is_mjml:
        html_src = mjml.expand_includes(
            html_src, source.html, config.templates_dir, config.display, loaded
        )
    others = [subject] + ([text_src] if text_src is not None else [])
    shielded, key = shield.shield(html_src, others)
    html_file = config.display(source.html)

    if source.is_mjml:
        try:
            compiled = mjml.compile_mjml(shielded, file=html_file, restore=key.restore)
        except SesTemplatesError as exc:
            if used_jinja_deps and exc.line is not None:
                # The line is in the rendered document (layout included), not the file.
                raise SesTemplatesError(
                    f"{exc.message} (line {exc.line} of the rendered MJML)", file=html_file
                ) from None
            raise
    else:
        compiled = shielded
    inlined = inline.inline_css(compiled, file=html_file)

    problems = guard.check_compiled(key, shielded, compiled)
    if not problems:
        problems = guard.check_tokens("html", key, compiled, inlined)
    if not problems:
        problems = guard.check_positions(compiled, inlined, key)
    if text_src is None:
        blocks = [key.token(i) for i, t in enumerate(key.tags) if shield.is_block_tag(t.text)]
        derived_shielded = text.html_to_text(inlined, key.restore, blocks)
        problems += guard.check_derived_text(key, derived_shielded)
        text_part = _restore_text(key, derived_shielded)
    else:
        text_part = text_src
    if problems:
        own = sorted(p for p in source.directory.rglob("*.*") if p.suffix in (".mjml", ".html"))
        files = [source.html, *own, *_deps(source, loaded)]
        raise _Failed([_guard_diag(config, source, files, p) for p in problems])

    return BuiltTemplate(
        name=source.name,
        source=source,
        subject=subject,
        html=key.restore(inlined),
        text=text_part,
        json_path=output_paths(config.build_dir, source.name)[0],
        dependencies=_deps(source, loaded),
    )


def _restore_text(key: shield.Shield, derived: str) -> str:
    # html_to_text joins block-tag lines after restoring; do it on the real tags here.
    return text.tidy(key.restore(derived))


def _guard_diag(
    config: Config, source: TemplateSource, files: list[Path], problem: guard.GuardProblem
) -> Diagnostic:
    """Name the file and line where the tag is written (the template or a layout/partial)."""
    for path in files:
        try:
            content = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        at = content.find(problem.tag.text)
        if at >= 0:
            line = content.count("\n", 0, at) + 1
            return _diag(source, config.display(path), line, problem.message, code="guard")
    return _diag(source, config.display(source.html), problem.tag.line, problem.message, "guard")
