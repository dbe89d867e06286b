"""One template through every stage: jinja → (mj-include) → shield → mjml → inline → text →
restore → guard. Runs in a worker process; returns a record, never raises for user errors."""

from __future__ import annotations

import re
from pathlib import Path

from sestemplates.config import Config
from sestemplates.diagnostics import Diagnostic
from sestemplates.errors import SesTemplatesError
from sestemplates.fsutil import resolves_inside
from sestemplates.pipeline import cssguard, guard, inline, jinja, mjml, shield, syntax, text
from sestemplates.pipeline.model import BuiltTemplate, Result
from sestemplates.pipeline.output import output_paths
from sestemplates.project import TemplateSource


class _Failed(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("template failed")
        self.diagnostics = diagnostics


def preload(engine: str = "premailer") -> None:
    """Import the heavy libraries now, so forked workers share them instead of each paying."""
    import mjml  # noqa: F401

    if engine == "css-inline":
        import css_inline  # noqa: F401
    else:
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
        code = _code(exc.message)
        diag = _diag(config, source, file, exc.line, exc.message, code=code, column=exc.column)
        return Result(source, None, (diag,), _deps(source, loaded))
    except Exception as exc:  # a bug or a library crash: this template fails, others go on
        message = f"internal error in the build: {type(exc).__name__}: {exc}"
        diag = _diag(config, source, config.display(source.html), None, message, code="internal")
        return Result(source, None, (diag,), _deps(source, loaded))


def _diag(
    config: Config,
    source: TemplateSource,
    file: str | None,
    line: int | None,
    message: str,
    code: str = "build",
    column: int | None = None,
) -> Diagnostic:
    """The failure of `source`; a fault in a shared layout/partial also names the template,
    so each failing template has its own line."""
    own = config.display(source.directory).rstrip("/") + "/"
    if file is not None and not file.startswith(own):
        message += f" (building {source.dir_name})"
    return Diagnostic(source.name, file, line, column, "error", code, message)


_CODES = (
    ("Jinja", "jinja"),
    ("MJML", "mjml"),
    ("mj-include", "mjml-include"),
    ("not valid UTF-8", "encoding"),
    ("CSS inlining", "inline"),
    ("CSS:", "css"),
    ("the subject", "subject"),
    ("Handlebars", "handlebars"),
    ("the HTML part", "empty"),
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
    if source.as_is:
        # Adopted final HTML: no stage below may change a byte of it (template.toml).
        from sestemplates.pipeline.asis import build_as_is

        return build_as_is(config, source)
    env, loader = jinja.make_environment(config)
    loaded_by_jinja = loader.loaded
    variables = jinja.context(config, source)
    if source.locale is not None:
        from sestemplates.i18n.setup import install

        variables = {**variables, **install(env, config, source.locale)}
    try:
        raw_subject = jinja.render_file(env, config, source.subject, variables)
        subject = jinja.render_subject(raw_subject, config.display(source.subject))
        html_src = jinja.render_file(env, config, source.html, variables)
        text_src = jinja.render_file(env, config, source.text, variables) if source.text else None
    finally:
        loaded.extend(loaded_by_jinja)
    used_jinja_deps = bool(_deps(source, loaded))
    if not html_src.strip():
        raise SesTemplatesError(
            "the HTML part is empty after rendering", file=config.display(source.html)
        )

    if source.is_mjml:
        html_src = mjml.expand_includes(
            html_src, source.html, config.templates_dir, config.display, loaded
        )
    # A stray `{{/if}}` or an unclosed `{{#each}}` is the user's Handlebars, not the HTML
    # stages' doing: say so at its source line before the guard would blame the pipeline.
    parts = [(source.subject, raw_subject), (source.html, html_src)]
    for path, rendered in parts + ([(source.text, text_src)] if source.text and text_src else []):
        files = [source.html, *_own_markup(source), *_deps(source, loaded)]
        syntax.check(rendered, path, files, config.display)
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
    block_tokens = [key.token(i) for i, t in enumerate(key.tags) if shield.is_block_tag(t.text)]
    blocks = re.compile("|".join(map(re.escape, block_tokens))) if block_tokens else None
    inlined = inline.inline_css(
        compiled,
        file=html_file,
        keep=key.token_re,
        blocks=blocks,
        serialised=source.is_mjml,
        engine=config.inliner,
    )
    # Nothing inlined (MJML without mj-style inline): the document is the compiler's, unchanged.
    changed = inlined != compiled
    dropped = cssguard.dropped_rules(compiled, inlined) if changed else []
    if dropped:
        raise SesTemplatesError(
            f"CSS: the inliner dropped {len(dropped)} rule(s) of a <style> block, e.g. "
            f"{key.restore(dropped[0])}",
            file=html_file,
        )

    problems = guard.check_compiled(key, shielded, compiled)
    if not problems and changed:
        problems = guard.check_tokens("html", key, compiled, inlined)
    if not problems and changed:
        problems = guard.check_positions(compiled, inlined, key)
    if text_src is None:
        derived_shielded = text.html_to_text(inlined, key.restore, block_tokens)
        problems += guard.check_derived_text(key, derived_shielded, inlined)
        text_part = _restore_text(key, derived_shielded)
    else:
        text_part = text_src
    if problems:
        files = [source.html, *_own_markup(source), *_deps(source, loaded)]
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


def _own_markup(source: TemplateSource) -> list[Path]:
    """The template directory's own markup files (its html and any mj-include parts); links
    that lead out of the template's directory are not read to locate a tag."""
    return sorted(
        p
        for p in source.directory.rglob("*.*")
        if p.suffix in (".mjml", ".html")
        and (not p.is_symlink() or resolves_inside(p, source.directory))
    )


def _restore_text(key: shield.Shield, derived: str) -> str:
    return text.tidy(derived, key)


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
            return _diag(config, source, config.display(path), line, problem.message, code="guard")
    return _diag(
        config, source, config.display(source.html), problem.tag.line, problem.message, "guard"
    )
