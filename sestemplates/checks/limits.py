"""SES quotas and mail-client limits that a template or sample can exceed.

Sizes:
- SES: "the total size of the email template, including the subject line, HTML part and text
  part, can be up to 500 KB". SES does not say whether a KB is 1,000 or 1,024 bytes; we take
  500 × 1,024 = 512,000 bytes of UTF-8, the reading under which SES rejects nothing we pass.
- SES: TemplateData may hold at most 262,144 characters; counted on the sample file as written
  (what `send` passes on).
- Gmail clips a message whose HTML is over 102 KB (102 × 1,024 bytes) behind "View entire
  message": a warning, SES accepts it (not reported for a template SES rejects as too large).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sestemplates.checks import codes
from sestemplates.config import TEMPLATE_NAME_RE
from sestemplates.diagnostics import Diagnostic

if TYPE_CHECKING:
    from sestemplates.checks.samples import Sample
    from sestemplates.config import Config
    from sestemplates.pipeline import BuiltTemplate
    from sestemplates.project import TemplateSource

TEMPLATE_MAX_BYTES = 500 * 1024
SAMPLE_MAX_CHARS = 262_144
GMAIL_CLIP_BYTES = 102 * 1024


def check_sizes(config: Config, built: BuiltTemplate) -> list[Diagnostic]:
    html_bytes = len(built.html.encode("utf-8"))
    total = len(built.subject.encode("utf-8")) + html_bytes + len(built.text.encode("utf-8"))
    where = config.display(built.source.html)
    problems = []
    if total > TEMPLATE_MAX_BYTES:
        problems.append(
            Diagnostic(
                built.name, where, None, None, "error", codes.TEMPLATE_TOO_LARGE,
                f"Subject+Html+Text is {total:,} bytes; SES allows at most "
                f"{TEMPLATE_MAX_BYTES:,} (500 KB)",
            )
        )
    elif html_bytes > GMAIL_CLIP_BYTES:
        # Only when SES accepts the template at all: clipping is moot otherwise.
        problems.append(
            Diagnostic(
                built.name, where, None, None, "warning", codes.HTML_CLIPPED,
                f"built Html is {html_bytes:,} bytes; Gmail clips messages over "
                f"{GMAIL_CLIP_BYTES:,} (102 KB)",
            )
        )
    return problems


def check_sample_size(template: str, sample: Sample) -> list[Diagnostic]:
    size = len(sample.text)
    if size <= SAMPLE_MAX_CHARS:
        return []
    return [
        Diagnostic(
            template, sample.display, None, None, "error", codes.SAMPLE_TOO_LARGE,
            f"sample is {size:,} characters; SES TemplateData allows at most {SAMPLE_MAX_CHARS:,}",
        )
    ]


def check_env_names(config: Config, source: TemplateSource) -> list[Diagnostic]:
    """The TemplateName under every [env.*] prefix.

    Discovery already rejects the name under the selected prefix, so that env is skipped.
    """
    problems = []
    for env, settings in sorted(config.envs.items()):
        if env == config.env:
            continue
        name = settings.prefix + (
            settings.i18n.name(source.dir_name, source.locale)
            if source.locale is not None
            else source.dir_name
        )
        if not TEMPLATE_NAME_RE.match(name):
            problems.append(
                Diagnostic(
                    source.name, config.display(source.directory), None, None, "error",
                    codes.TEMPLATE_NAME,
                    f"TemplateName {name!r} for env {env!r} (prefix {settings.prefix!r}) is "
                    "invalid: SES needs 1-64 characters of A-Z a-z 0-9 _ -",
                )
            )
    return problems
