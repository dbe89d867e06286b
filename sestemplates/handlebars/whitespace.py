"""Whitespace control: `~` trimming and Mustache "standalone line" removal.

A port of handlebars.js's WhitespaceControl visitor (same decisions, same order), written with
plain string scans instead of regular expressions.
"""

from __future__ import annotations

from dataclasses import dataclass

from sestemplates.handlebars.ast import (
    BlockStatement,
    CommentStatement,
    ContentStatement,
    MustacheStatement,
    PartialStatement,
    Program,
    Statement,
)
from sestemplates.handlebars.lexer import JS_SPACE

_INLINE_SPACE = frozenset(" \t")


@dataclass
class _StripInfo:
    open: bool = False
    close: bool = False
    open_standalone: bool = False
    close_standalone: bool = False
    inline_standalone: bool = False


def apply_whitespace_control(root: Program) -> None:
    _program(root, is_root=True)


def _trailing_space_start(text: str) -> int:
    i = len(text)
    while i > 0 and text[i - 1] in JS_SPACE:
        i -= 1
    return i


def _leading_space_end(text: str) -> int:
    i = 0
    n = len(text)
    while i < n and text[i] in JS_SPACE:
        i += 1
    return i


def _is_prev_whitespace(body: list[Statement], i: int, is_root: bool) -> bool:
    prev = body[i - 1] if i - 1 >= 0 else None
    if prev is None:
        return is_root
    if not isinstance(prev, ContentStatement):
        return False
    text = prev.original
    start = _trailing_space_start(text)
    has_sibling = i - 2 >= 0
    if not has_sibling and is_root and start == 0:
        return True
    return "\n" in text[start:]


def _is_next_whitespace(body: list[Statement], i: int, is_root: bool) -> bool:
    nxt = body[i + 1] if i + 1 < len(body) else None
    if nxt is None:
        return is_root
    if not isinstance(nxt, ContentStatement):
        return False
    text = nxt.original
    end = _leading_space_end(text)
    has_sibling = i + 2 < len(body)
    if not has_sibling and is_root and end == len(text):
        return True
    return "\n" in text[:end]


def _omit_right(body: list[Statement], i: int | None, multiple: bool = False) -> None:
    index = 0 if i is None else i + 1
    current = body[index] if 0 <= index < len(body) else None
    if not isinstance(current, ContentStatement) or (not multiple and current.right_stripped):
        return
    original = current.value
    if multiple:
        current.value = original[_leading_space_end(original) :]
    else:
        j = 0
        while j < len(original) and original[j] in _INLINE_SPACE:
            j += 1
        # handlebars.js strips /^[ \t]*\r?\n?/: a bare CR after a standalone tag goes too.
        if original.startswith("\r", j):
            j += 1
        if original.startswith("\n", j):
            j += 1
        current.value = original[j:]
    current.right_stripped = current.value != original


def _omit_left(body: list[Statement], i: int | None, multiple: bool = False) -> bool:
    index = len(body) - 1 if i is None else i - 1
    current = body[index] if 0 <= index < len(body) else None
    if not isinstance(current, ContentStatement) or (not multiple and current.left_stripped):
        return False
    original = current.value
    if multiple:
        current.value = original[: _trailing_space_start(original)]
    else:
        j = len(original)
        while j > 0 and original[j - 1] in _INLINE_SPACE:
            j -= 1
        current.value = original[:j]
    current.left_stripped = current.value != original
    return current.left_stripped


def _indent_of(text: str) -> str:
    j = len(text)
    while j > 0 and text[j - 1] in _INLINE_SPACE:
        j -= 1
    return text[j:]


def _program(program: Program, *, is_root: bool) -> None:
    body = program.body
    for i, current in enumerate(body):
        strip = _accept(current)
        if strip is None:
            continue
        prev_ws = _is_prev_whitespace(body, i, is_root)
        next_ws = _is_next_whitespace(body, i, is_root)
        open_standalone = strip.open_standalone and prev_ws
        close_standalone = strip.close_standalone and next_ws
        inline_standalone = strip.inline_standalone and prev_ws and next_ws

        if strip.close:
            _omit_right(body, i, True)
        if strip.open:
            _omit_left(body, i, True)

        if inline_standalone:
            _omit_right(body, i)
            if _omit_left(body, i) and isinstance(current, PartialStatement):
                # Standalone partials indent every line of their output like the tag.
                prev = body[i - 1]
                assert isinstance(prev, ContentStatement)
                current.indent = _indent_of(prev.original)
        if open_standalone and isinstance(current, BlockStatement):
            inner = current.program or current.inverse
            if inner is not None:
                _omit_right(inner.body, None)
            _omit_left(body, i)
        if close_standalone and isinstance(current, BlockStatement):
            _omit_right(body, i)
            inner = current.inverse or current.program
            if inner is not None:
                _omit_left(inner.body, None)


def _accept(node: Statement) -> _StripInfo | None:
    if isinstance(node, ContentStatement):
        return None
    if isinstance(node, MustacheStatement):
        return _StripInfo(open=node.strip.open, close=node.strip.close)
    if isinstance(node, (PartialStatement, CommentStatement)):
        return _StripInfo(open=node.strip.open, close=node.strip.close, inline_standalone=True)
    return _block(node)


def _block(block: BlockStatement) -> _StripInfo:
    if block.program is not None:
        _program(block.program, is_root=False)
    if block.inverse is not None:
        _program(block.inverse, is_root=False)

    program = block.program or block.inverse
    assert program is not None
    inverse = block.inverse if block.program is not None else None
    first_inverse = inverse
    last_inverse = inverse
    if inverse is not None and inverse.chained:
        head = inverse.body[0]
        assert isinstance(head, BlockStatement)
        first_inverse = head.program
        while last_inverse is not None and last_inverse.chained:
            tail = last_inverse.body[-1]
            assert isinstance(tail, BlockStatement)
            last_inverse = tail.program
    # Mirrors handlebars.js: walking the chain yields the last link's *program*.
    standalone_body = (first_inverse or program).body
    info = _StripInfo(
        open=block.open_strip.open,
        close=block.close_strip.close,
        open_standalone=_is_next_whitespace(program.body, -1, False),
        close_standalone=_is_prev_whitespace(standalone_body, len(standalone_body), False),
    )
    if block.open_strip.close:
        _omit_right(program.body, None, True)
    if inverse is not None:
        if block.inverse_strip.open:
            _omit_left(program.body, None, True)
        if block.inverse_strip.close and first_inverse is not None:
            _omit_right(first_inverse.body, None, True)
        if block.close_strip.open and last_inverse is not None:
            _omit_left(last_inverse.body, None, True)
        if (
            first_inverse is not None
            and _is_prev_whitespace(program.body, len(program.body), False)
            and _is_next_whitespace(first_inverse.body, -1, False)
        ):
            _omit_left(program.body, None)
            _omit_right(first_inverse.body, None)
    elif block.close_strip.open:
        _omit_left(program.body, None, True)
    return info
