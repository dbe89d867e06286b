"""Stage 3: MJML → HTML with mjml-python (mrml), undoing its attribute escaping.

mrml writes most attribute values with Rust debug escaping (`char::escape_debug`): a newline
becomes a literal `\\n`, `"` becomes `\\"`, a zero-width joiner `\\u{200d}`, a combining
accent `\\u{301}`. Not every value goes through that path, so a backslash in the output could
be mrml's or the author's: before compiling, every backslash (and quote) in an attribute value
becomes a character reference, which leaves each backslash in the output an escape of mrml's,
decoded by `decode_attributes`. Characters mrml's XML reader refuses (C0 controls, U+FFFE,
U+FFFF) become character references too; an escape that cannot be decoded is reported as damage.

`mj-include` is expanded here, before shielding, relative to the including file, so included
Handlebars tags are shielded like the rest and a missing file is named with its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from sestemplates.errors import SesTemplatesError
from sestemplates.fsutil import read_text, resolves_inside
from sestemplates.pipeline.inline import INLINE_MARK

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
_MJ_ATTRIBUTES_RE = re.compile(r"<mj-attributes\b.*?</mj-attributes\s*>", re.DOTALL)
# mjml writes `alt=""` on these images when the source has no alt; mrml leaves alt off, and a
# client blocking images then shows the file name or a broken-image icon.
_ALT_DEFAULT = frozenset({"mj-image", "mj-carousel-image", "mj-social-element"})


# mj-* attributes whose value is text or a URL, not CSS: kept exactly, like raw HTML ones.
_TEXT_ATTRS = frozenset({"alt", "title", "href", "src", "srcset", "sizes", "rel", "name"})
# What mrml's XML reader refuses anywhere (it fails the whole document).
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_RUST_ESCAPE_RE = re.compile(r"\\(?:u\{([0-9a-fA-F]{1,6})\}|(.?))", re.DOTALL)
# In mrml's output every backslash starts an escape, so `\\"` does not end a value.
_OUT_VALUE = r'"(?:[^"\\]|\\.)*"' + r"|'[^']*'|[^\s\"'=<>`]+"
_OUT_ATTR_RE = re.compile(
    r"""(?P<name>[^\s=/>"']+)(?:(?P<eq>\s*=\s*)(?P<value>""" + _OUT_VALUE + "))?", re.DOTALL
)
_OUT_START_TAG_RE = re.compile(
    r"<(?P<tag>[A-Za-z][\w:.-]*)(?P<attrs>(?:\s+[^\s=/>\"']+(?:\s*=\s*(?:"
    + _OUT_VALUE
    + r"))?)*)\s*/?>",
    re.DOTALL,
)
_SIMPLE_ESCAPES = {"0": "\0", "t": "\t", "r": "\r", "n": "\n", "'": "'", '"': '"', "\\": "\\"}
# In a double-quoted attribute an HTML reader would end the value at `"` and turn CR into LF:
# references keep those characters what they were.
_IN_ATTRIBUTE = {'"': "&quot;", "\r": "&#13;"}


def _encode(value: str, *, component: bool, name: str) -> str:
    # CSS-valued mj-* attributes (padding, font-family…): a newline there means a space, and
    # mrml's CSS reader stops at one. Every other value keeps its exact characters through
    # character references.
    if component and name.lower() not in _TEXT_ATTRS:
        value = re.sub(r"[\r\n\t]+", " ", value)
    else:
        value = value.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#9;")
    value = _XML_INVALID_RE.sub(lambda m: f"&#{ord(m[0])};", value)
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
        encoded = _encode(value, component=component, name=m["name"])
        out.append(f'{m["name"]}="{encoded}"')
    return "".join(out)


def normalise(source: str) -> str:
    """Every attribute double-quoted, with no raw newline, quote or backslash inside; `alt=""`
    on images without alt (unless mj-attributes sets a default alt); INLINE_MARK at the start
    of each `<mj-style inline="inline">`, for the inliner to find its CSS."""
    defaults = [m.span() for m in _MJ_ATTRIBUTES_RE.finditer(source)]
    alt_defaults = any(
        _attr(t["attrs"], "alt") is not None
        for a, b in defaults
        for t in re.finditer(_START_TAG, source[a:b], re.DOTALL)
    )
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
        if (
            m["tag"].lower() in _ALT_DEFAULT
            and not alt_defaults
            and _attr(m["attrs"], "alt") is None
            and not any(a <= m.start() < b for a, b in defaults)
        ):
            tag += ' alt=""'
        # Newlines taken out of attribute values go before the `>`, so line numbers stay.
        tag += "\n" * (m[0].count("\n") - tag.count("\n"))
        out.append(tag + (" />" if m["close"] else ">"))
        pos = m.end()
        if m["tag"].lower() == "mj-style" and not m["close"]:
            body = _STYLE_BODY_RE.match(source, pos)
            if body is not None:
                if _attr(m["attrs"], "inline") == "inline":
                    out.append(INLINE_MARK)
                out.append(body[0])
                pos = body.end()


def _unescape(value: str) -> str | None:
    """`value` with every `char::escape_debug` escape decoded (attribute-safe), or None when a
    backslash starts something that function never writes."""
    bad = False

    def one(m: re.Match[str]) -> str:
        nonlocal bad
        if m[1] is not None:
            code = int(m[1], 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                bad = True
                return m[0]
            char = chr(code)
        elif m[2] in _SIMPLE_ESCAPES:
            char = _SIMPLE_ESCAPES[m[2]]
        else:
            bad = True
            return m[0]
        return _IN_ATTRIBUTE.get(char, char)

    decoded = _RUST_ESCAPE_RE.sub(one, value)
    return None if bad else decoded


def decode_attributes(html: str) -> tuple[str, list[str]]:
    """The compiled HTML with mrml's escapes in attribute values decoded, and the values that
    hold an escape it cannot have written (reported as damage, left as they are)."""
    damaged: list[str] = []

    def attribute(a: re.Match[str], tag: str) -> str:
        written = a["value"]
        if written is None or "\\" not in written:
            return a[0]
        quote = written[0] if written[0] in "\"'" else ""
        value = written[1:-1] if quote else written
        decoded = _unescape(value)
        if decoded is None:
            damaged.append(f'<{tag} {a["name"]}="{value[:60]}">')
            return a[0]
        if quote != '"':  # mrml always writes double quotes; anything else gets them now
            decoded = decoded.replace('"', "&quot;")
        return f'{a["name"]}{a["eq"]}"{decoded}"'

    def start_tag(m: re.Match[str]) -> str:
        if "\\" not in m["attrs"]:
            return m[0]
        attrs = _OUT_ATTR_RE.sub(lambda a: attribute(a, m["tag"]), m["attrs"])
        return f"<{m['tag']}{attrs}{m[0][m.end('attrs') - m.start() :]}"

    return _OUT_START_TAG_RE.sub(start_tag, html), damaged


def damaged_attributes(html: str) -> list[str]:
    """Attribute values holding a backslash escape mrml's debug escaping cannot have written."""
    return decode_attributes(html)[1]


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
    html, damaged = decode_attributes(html)
    if damaged:
        raise SesTemplatesError(
            f"MJML compiler damaged {len(damaged)} attribute value(s), e.g. {damaged[0]}",
            file=file,
        )
    return html


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
