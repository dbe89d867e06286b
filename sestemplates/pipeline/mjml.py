"""Stage 3: MJML → HTML with mjml-python (mrml), guarded against its attribute escaping.

mrml writes attribute values with Rust debug escaping: a newline becomes a literal `\\n`, `"`
becomes `\\"`, `\\` becomes `\\\\`. So before compiling, every attribute value is rewritten with
character references for those characters (same meaning to any HTML reader), and after
compiling, any backslash left in an attribute value is reported as damage.

`mj-include` is expanded here, before shielding, relative to the including file, so included
Handlebars tags are shielded like the rest and a missing file is named with its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from sestemplates.errors import SesTemplatesError
from sestemplates.fsutil import read_text, resolves_inside

_ATTR_RE = re.compile(
    r"""(?P<name>[^\s=/>"']+)(?:(?P<eq>\s*=\s*)(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'=<>`]+)))?""",
)
_START_TAG = (
    r"<(?P<tag>[A-Za-z][\w:.-]*)"
    r"(?P<attrs>(?:\s+[^\s=/>\"']+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)"
    r"\s*(?P<close>/?)>"
)
# Comments and mj-style bodies (CSS) are left alone; start tags get their attributes rewritten.
_SCAN_RE = re.compile(
    r"(?P<comment><!--.*?-->)|(?P<cdata><!\[CDATA\[.*?\]\]>)|" + _START_TAG,
    re.DOTALL,
)
_STYLE_BODY_RE = re.compile(r".*?</mj-style\s*>", re.DOTALL | re.IGNORECASE)
_INCLUDE_RE = re.compile(r"<mj-include\b(?P<attrs>[^>]*?)/?>(?:\s*</mj-include\s*>)?", re.DOTALL)
_BODY_RE = re.compile(r"<mj-body\b[^>]*>(?P<inner>.*)</mj-body\s*>", re.DOTALL)
_HEAD_RE = re.compile(r"<mj-head\b[^>]*>(?P<inner>.*)</mj-head\s*>", re.DOTALL)
_MAX_INCLUDE_DEPTH = 20
_RESET_STYLE_RE = re.compile(r'(<style type="text/css")>(\s*#outlook a\s*\{)')


def _encode(value: str, *, component: bool) -> str:
    # mj-* attribute values are CSS-like (padding, font-family…): a newline there means a space.
    # Raw HTML attributes keep their exact value through character references.
    if component:
        value = re.sub(r"[\r\n\t]+", " ", value)
    else:
        value = value.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#9;")
    return value.replace("\\", "&#92;").replace('"', "&quot;")


def _rewrite_attrs(tag: str, attrs: str) -> str:
    component = tag.lower().startswith("mj-")
    out: list[str] = []
    pos = 0
    for m in _ATTR_RE.finditer(attrs):
        out.append(attrs[pos : m.start()])  # the whitespace between attributes, as written
        pos = m.end()
        if m["eq"] is None:
            out.append(m["name"])
            continue
        value = m["dq"] if m["dq"] is not None else m["sq"] if m["sq"] is not None else m["bare"]
        out.append(f'{m["name"]}="{_encode(value, component=component)}"')
    return "".join(out)


def normalise(source: str) -> str:
    """Every attribute double-quoted, with no raw newline, quote or backslash inside."""
    out: list[str] = []
    pos = 0
    while True:
        m = _SCAN_RE.search(source, pos)
        if m is None:
            out.append(source[pos:])
            return "".join(out)
        out.append(source[pos : m.start()])
        if m["tag"] is None:
            out.append(m[0])
            pos = m.end()
            continue
        tag = f"<{m['tag']}{_rewrite_attrs(m['tag'], m['attrs'])}"
        # Newlines taken out of attribute values go before the `>`, so line numbers stay.
        tag += "\n" * (m[0].count("\n") - tag.count("\n"))
        out.append(tag + (" />" if m["close"] else ">"))
        pos = m.end()
        if m["tag"].lower() == "mj-style" and not m["close"]:
            body = _STYLE_BODY_RE.match(source, pos)
            if body is not None:
                out.append(body[0])
                pos = body.end()


def damaged_attributes(html: str) -> list[str]:
    """Attribute values that still contain a backslash: mrml's debug escaping at work."""
    damaged: list[str] = []
    for m in re.finditer(_START_TAG, html, re.DOTALL):
        for a in _ATTR_RE.finditer(m["attrs"]):
            value = a["dq"] if a["dq"] is not None else a["sq"] or a["bare"] or ""
            if "\\" in value:
                damaged.append(f'<{m["tag"]} {a["name"]}="{value[:60]}">')
    return damaged


def _attr(attrs: str, name: str) -> str | None:
    for m in _ATTR_RE.finditer(attrs):
        if m["name"] == name:
            return m["dq"] if m["dq"] is not None else m["sq"] if m["sq"] is not None else m["bare"]
    return None


def expand_includes(
    source: str,
    including: Path,
    templates_dir: Path,
    display: Callable[[Path], str],
    loaded: list[Path],
    depth: int = 0,
) -> str:
    """Replace each `<mj-include path="…">` with the file's content, recursively.

    A relative path resolves against the including file's directory; `/x` or `file:///x`
    against the templates directory. A file whose real path is outside the templates directory
    is refused. Every file read is appended to `loaded`.
    """

    def replace(m: re.Match[str]) -> str:
        line = source.count("\n", 0, m.start()) + 1
        raw_path = _attr(m["attrs"], "path")
        if not raw_path:
            raise SesTemplatesError(
                "mj-include without a path attribute", file=display(including), line=line
            )
        target = raw_path.removeprefix("file://")
        path = (
            templates_dir / target.lstrip("/")
            if target.startswith("/")
            else including.parent / target
        )
        if not path.suffix and not path.is_file():
            path = path.with_suffix(".mjml")
        if not resolves_inside(path, templates_dir):
            # `../../../etc/passwd` or a symlink out: the file would land in build/ and SES.
            raise SesTemplatesError(
                f"mj-include: {raw_path} resolves to {path.resolve()}, outside the templates "
                f"directory {display(templates_dir)}/: refused",
                file=display(including),
                line=line,
            )
        if not path.is_file():
            raise SesTemplatesError(
                f"mj-include: file not found: {raw_path} (looked for {display(path)})",
                file=display(including),
                line=line,
            )
        if depth >= _MAX_INCLUDE_DEPTH:
            raise SesTemplatesError(
                f"mj-include nested more than {_MAX_INCLUDE_DEPTH} deep (a cycle?)",
                file=display(including),
                line=line,
            )
        resolved = path.resolve()
        if resolved not in loaded:
            loaded.append(resolved)
        content = read_text(path, display=display(path))
        kind = _attr(m["attrs"], "type") or "mjml"
        if kind == "css":
            inline = ' inline="inline"' if _attr(m["attrs"], "css-inline") == "inline" else ""
            return f"<mj-style{inline}>{content}</mj-style>"
        if kind == "html":
            return f"<mj-raw>{content}</mj-raw>"
        content = expand_includes(content, path, templates_dir, display, loaded, depth + 1)
        if content.lstrip().startswith("<mjml"):
            # A whole document: its body's (or, inside mj-head, its head's) children.
            in_head = source.rfind("<mj-head", 0, m.start()) > source.rfind(
                "</mj-head", 0, m.start()
            )
            part = (_HEAD_RE if in_head else _BODY_RE).search(content)
            content = part["inner"] if part else ""
        return content

    return _INCLUDE_RE.sub(replace, source)


def _no_loader(path: str) -> str:
    # Includes are expanded before compiling; anything left is unresolvable.
    raise FileNotFoundError(path)


def compile_mjml(source: str, *, file: str, restore: Callable[[str], str] = str) -> str:
    """Compile (shielded) MJML to HTML; errors and attribute damage name the file.

    An error's line is the line in `source` with its tags restored by `restore`.
    """
    import mjml

    normalised = normalise(source)
    try:
        html: str = mjml.mjml2html(normalised, include_loader=_no_loader)
    except Exception as exc:  # mrml raises ValueError "… at position START:END"
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        message = re.sub(r"\s*at position \d+:\d+", "", message)
        line = _mrml_line(exc, normalised, restore)
        raise SesTemplatesError(f"MJML: {message}", file=file, line=line) from None
    damaged = damaged_attributes(html)
    if damaged:
        raise SesTemplatesError(
            f"MJML compiler damaged {len(damaged)} attribute value(s), e.g. {damaged[0]}",
            file=file,
        )
    return _keep_reset_css_in_head(html)


def _keep_reset_css_in_head(html: str) -> str:
    """Mark MJML's own reset stylesheet (`#outlook a`, `body`, `table, td`, `img`, `p`) for
    premailer to leave alone: MJML itself never inlines it, and inlining it into every table
    cell makes the HTML about a fifth bigger (SES caps a template at 500 KB) and the inliner
    about a third slower."""
    return _RESET_STYLE_RE.sub(r'\1 data-premailer="ignore">\2', html, count=1)


def _mrml_line(exc: Exception, normalised: str, restore: Callable[[str], str]) -> int | None:
    # mrml reports byte offsets into what it was given; normalise() keeps line breaks and the
    # shield tokens stand for tags that may span lines, so count lines in the restored prefix.
    m = re.search(r"position (\d+):\d+", str(exc))
    if not m:
        if "end of stream" in str(exc):  # an element left open: the stream ended at the end
            return max(1, len(restore(normalised).splitlines()))
        return None
    prefix = normalised.encode("utf-8")[: int(m[1])].decode("utf-8", errors="ignore")
    return restore(prefix).count("\n") + 1
