"""Every diagnostic code `sestemplates check` can emit, in one place.

The codes are part of the output contract (JSON, GitHub annotations, docs/check.md): they
never change meaning. Build failures keep the build's own codes.
"""

from __future__ import annotations

from typing import Final

SYNTAX: Final = "syntax"  # a Handlebars tag SES cannot parse (unclosed/mismatched/stray block)
UNSUPPORTED: Final = "unsupported"  # a helper, partial or decorator SES does not support
MISSING_VARIABLE: Final = "missing-variable"  # a referenced path is absent from a sample
NULL_VARIABLE: Final = "null-variable"  # a referenced path is null in a sample
EACH_NOT_ITERABLE: Final = "each-not-iterable"  # {{#each x}} where x is not a list/object
CASE_MISMATCH: Final = "case-mismatch"  # missing, but present with different letter case
PARTIAL_RECURSION: Final = "partial-recursion"  # an inline partial that calls itself endlessly
UNUSED_SAMPLE_KEY: Final = "unused-sample-key"  # a top-level sample key no part uses
NO_SAMPLES: Final = "no-samples"  # the template has no samples/*.json: nothing checked
INVALID_SAMPLE: Final = "invalid-sample"  # not UTF-8, not JSON, or not a JSON object
TEMPLATE_TOO_LARGE: Final = "template-too-large"  # Subject+Html+Text over SES's 500 KB
SAMPLE_TOO_LARGE: Final = "sample-too-large"  # TemplateData over SES's 262,144 characters
HTML_CLIPPED: Final = "html-clipped"  # Html over 102 KB: Gmail clips the message
TEMPLATE_NAME: Final = "template-name"  # TemplateName invalid with some env's prefix

# The build's codes for a tag-guard failure and for a Handlebars syntax error it found in a
# rendered part: check reports the syntax error itself, at its source file (see
# explain_failures in checks/__init__.py).
BUILD_GUARD: Final = "guard"
BUILD_SYNTAX: Final = "handlebars"
BUILD_SYNTAX_CODES: Final = frozenset({BUILD_GUARD, BUILD_SYNTAX})

# check_data()'s problem codes → ours.
DATA_CODES: Final = {
    "missing": MISSING_VARIABLE,
    "null": NULL_VARIABLE,
    "each-not-iterable": EACH_NOT_ITERABLE,
    "case-mismatch": CASE_MISMATCH,
    "recursion": PARTIAL_RECURSION,
}

# TemplateSyntaxError.code → ours.
SYNTAX_CODES: Final = {"syntax": SYNTAX, "unsupported": UNSUPPORTED}

# Send-readiness lint (sestemplates/lint/): warnings, each with its own code.
CLIENT_UNSUPPORTED: Final = "client-unsupported"  # a configured client lacks an HTML/CSS feature
CLIENT_PARTIAL: Final = "client-partial"  # only partly supported ([lint] partial = true)
LINK_INVALID: Final = "link-invalid"  # not a valid absolute URL with some sample (empty, spaces…)
LINK_INSECURE: Final = "link-insecure"  # http:// where the message's other links are https
LINK_JAVASCRIPT: Final = "link-javascript"  # a javascript: URL
LINK_LOCALHOST: Final = "link-localhost"  # a loopback/localhost host
LINK_FORBIDDEN_HOST: Final = "link-forbidden-host"  # a host in [lint] forbidden_hosts for the env
IMG_ALT: Final = "img-alt"  # <img>/<mj-image> without alt
HTML_LANG: Final = "html-lang"  # <html>/<mjml> without lang
LINK_TEXT: Final = "link-text"  # link text that says nothing ("here", "click here", none)
LOW_CONTRAST: Final = "low-contrast"  # WCAG contrast below 4.5:1 between known colours
LINT_CODES: Final = frozenset(
    {
        CLIENT_UNSUPPORTED, CLIENT_PARTIAL, LINK_INVALID, LINK_INSECURE, LINK_JAVASCRIPT,
        LINK_LOCALHOST, LINK_FORBIDDEN_HOST, IMG_ALT, HTML_LANG, LINK_TEXT, LOW_CONTRAST,
    }
)
