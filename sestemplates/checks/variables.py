"""Tags × samples: every problem the SES renderer would hit, and sample keys nothing uses.

check_data() runs the same evaluator as render() over the real sample, so check can never pass
what render (and SES) rejects.

One problem, one diagnostic: a problem is a (code, attribute, source tag) triple. The same tag
failing in several parts (Html and the Text derived from it), several loop iterations or
several samples is reported once, at the tag, naming every sample it fails for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sestemplates.checks import codes
from sestemplates.checks.locate import PARTS, Location, Locator
from sestemplates.diagnostics import Diagnostic

if TYPE_CHECKING:
    from sestemplates.checks.samples import Sample
    from sestemplates.handlebars import Program


@dataclass
class _Problem:
    where: Location
    message: str
    samples: list[str] = field(default_factory=list)


def check_variables(
    locator: Locator, programs: dict[str, Program], samples: list[Sample]
) -> list[Diagnostic]:
    from sestemplates.handlebars import check_data

    found: dict[tuple[str, str, str, int | None, int | None], _Problem] = {}
    located: dict[tuple[str, int, int, str], Location] = {}
    for sample in samples:
        for part, program in programs.items():
            for p in check_data(program, sample.data).problems:
                code = codes.DATA_CODES.get(p.code, p.code)  # a new engine code passes through
                spot = (part, p.line, p.column, p.tag)
                if spot not in located:
                    located[spot] = locator.locate(part, p.line, p.column, p.tag)
                where = located[spot]
                key = (code, p.attribute, where.file, where.line, where.column)
                problem = found.setdefault(key, _Problem(where, p.message))
                if sample.name not in problem.samples:
                    problem.samples.append(sample.name)
    diagnostics = []
    for (code, _attr, _file, _line, _col), problem in found.items():
        label = "sample" if len(problem.samples) == 1 else "samples"
        where = problem.where
        diagnostics.append(
            Diagnostic(
                locator.built.name, where.file, where.line, where.column, "error", code,
                f"{problem.message.rstrip()} ({label} {', '.join(problem.samples)}){where.note}",
            )
        )
    return diagnostics


def _static_root_keys(programs: dict[str, Program]) -> set[str]:
    """Top-level data keys some part names statically (`{{a.b}}`, `{{../a}}`, `@root.a`)."""
    from sestemplates.handlebars import variable_uses

    return {
        use.root_key
        for program in programs.values()
        for use in variable_uses(program)
        if use.root_key is not None
    }


def _outcome(programs: dict[str, Program], data: dict[str, Any]) -> list[object]:
    from sestemplates.handlebars import check_data

    outcome: list[object] = []
    for program in programs.values():
        result = check_data(program, data)
        outcome += [result.output, result.problems]
    return outcome


def _really_unused(programs: dict[str, Program], sample: Sample, keys: list[str]) -> list[str]:
    """The keys whose removal changes neither the output nor the problems of any part.

    The static analysis cannot see reads of the whole context (`{{#each this}}` at the top,
    `lookup` with a computed key); evaluating without the key can, with the same evaluator
    SES semantics use. Only the few static candidates pay for it.
    """
    base = _outcome(programs, sample.data)
    return [
        key
        for key in keys
        if _outcome(programs, {k: v for k, v in sample.data.items() if k != key}) == base
    ]


def unused_sample_keys(
    template: str, programs: dict[str, Program], samples: list[Sample]
) -> list[Diagnostic]:
    """A warning per top-level sample key that no part references (a typo, or dead data)."""
    from sestemplates.checks.samples import top_level_keys

    if len(programs) < len(PARTS) or not samples:
        return []  # a part that did not parse may use any key: stay quiet
    used = _static_root_keys(programs)
    # A key differing only in case from a used one is the case-mismatch error's business.
    folded = {key.casefold() for key in used}
    diagnostics = []
    for sample in samples:
        candidates = [k for k in sample.data if k not in used and k.casefold() not in folded]
        if not candidates:
            continue
        unused = _really_unused(programs, sample, candidates)
        positions = top_level_keys(sample.text) if unused else {}
        for key in unused:
            line, column = positions.get(key, (None, None))
            diagnostics.append(
                Diagnostic(
                    template, sample.display, line, column, "warning", codes.UNUSED_SAMPLE_KEY,
                    f"sample key {key!r} is not used by the Subject, Html or Text part",
                )
            )
    return diagnostics


def subject_line_breaks(
    template: str, programs: dict[str, Program], samples: list[Sample]
) -> list[Diagnostic]:
    """A warning per sample whose data puts a CR or LF into the rendered Subject.

    SES sends the Subject as it renders, line break and all: clients then cut the subject or
    show the rest of the line in odd places. Reported at the top-level sample key holding it.
    """
    from sestemplates.checks.samples import top_level_keys
    from sestemplates.handlebars import check_data

    subject = programs.get("subject")
    if subject is None:
        return []
    diagnostics = []
    for sample in samples:
        rendered = check_data(subject, sample.data).output
        if "\r" not in rendered and "\n" not in rendered:
            continue
        key = next(
            (k for k, v in sample.data.items() if any(s in rendered for s in _broken_strings(v))),
            None,
        )
        line, column = top_level_keys(sample.text).get(key, (None, None)) if key else (None, None)
        where = f"sample key {key!r}" if key else "the sample data"
        diagnostics.append(
            Diagnostic(
                template, sample.display, line, column, "warning", codes.SUBJECT_LINE_BREAK,
                f"{where} puts a line break into the Subject ({rendered[:80]!r}); SES sends it "
                "as is and mail clients cut or mangle the subject",
            )
        )
    return diagnostics


def _broken_strings(value: Any) -> list[str]:
    """Every string inside `value` (nested lists/objects too) holding a CR or LF."""
    if isinstance(value, str):
        return [value] if "\r" in value or "\n" in value else []
    if isinstance(value, dict):
        return [s for v in value.values() for s in _broken_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _broken_strings(v)]
    return []
