"""Tokenizer for the Handlebars dialect, a hand-written port of handlebars.js's lexer rules.

The lexer has the same states as handlebars.js (content, inside a tag, escaped mustache,
comment, raw block) and tries the rules of the current state in the same order, so edge cases
such as `\\{{`, `{{else}}` spacing or `{{!--}}` tokenise the same way. Every token carries its
start/end offsets; line/column come from a line table (`Locator`) by binary search.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple

from sestemplates.handlebars.errors import TemplateSyntaxError

# JavaScript's \s (the lexer's notion of whitespace), not Python's str.isspace.
JS_SPACE = frozenset(
    "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
)
# Characters that cannot appear in an identifier (handlebars.js ID rule).
_NOT_ID = frozenset("!\"#%&'()*+,./;<=>@[\\]^`{|}~") | JS_SPACE
# What may follow an identifier / a literal.
_ID_LOOKAHEAD = frozenset("=~}/.)|") | JS_SPACE
_LITERAL_LOOKAHEAD = frozenset("~})") | JS_SPACE
_DOT_LOOKAHEAD = _ID_LOOKAHEAD
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
# Characters that start a rule tried before the identifier rule (numbers, keywords, `as |`).
_SLOW_ID_START = frozenset("-0123456789tfuna")
_KEYWORDS = {"true": "BOOLEAN", "false": "BOOLEAN", "undefined": "UNDEFINED", "null": "NULL"}


class Token(NamedTuple):
    kind: str
    value: str  # the token's meaning: content text, identifier name, string value...
    start: int
    end: int
    bracketed: bool = False  # an ID written as `[...]`: a literal segment, never a keyword


class Locator:
    """Offset → (line, column), both 1-based, in O(log lines)."""

    def __init__(self, source: str) -> None:
        starts = [0]
        find = source.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self._starts, offset) - 1
        return index + 1, offset - self._starts[index] + 1


def _error(locator: Locator, offset: int, message: str) -> TemplateSyntaxError:
    line, column = locator.position(offset)
    return TemplateSyntaxError(message, line=line, column=column)


class Lexer:
    def __init__(self, source: str, locator: Locator) -> None:
        self.src = source
        self.n = len(source)
        self.loc = locator
        self.tokens: list[Token] = []
        self.states: list[str] = ["INITIAL"]

    def run(self) -> list[Token]:
        pos = 0
        while True:
            state = self.states[-1]
            if state == "INITIAL":
                if pos >= self.n:
                    break
                pos = self._initial(pos)
            elif state == "emu":
                pos = self._emu(pos)
            elif state == "com":
                pos = self._comment(pos)
            elif state == "raw":
                if pos >= self.n:
                    raise _error(self.loc, pos, "unclosed raw block: expected '{{{{/name}}}}'")
                pos = self._raw(pos)
            else:
                if pos >= self.n:
                    break
                pos = self._mustache(pos)
        self.tokens.append(Token("EOF", "", self.n, self.n))
        return self.tokens

    def _emit(self, kind: str, value: str, start: int, end: int, bracketed: bool = False) -> None:
        self.tokens.append(Token(kind, value, start, end, bracketed))

    # --- content -------------------------------------------------------------------------
    def _initial(self, pos: int) -> int:
        src = self.src
        nxt = src.find("{{", pos)
        if nxt == -1:
            self._emit("CONTENT", src[pos:], pos, self.n)
            return self.n
        text_end = nxt
        if nxt - pos >= 2 and src[nxt - 2] == "\\" and src[nxt - 1] == "\\":
            # `\\{{x}}`: a literal backslash followed by a real tag.
            text_end = nxt - 1
            self.states.append("mu")
        elif nxt - pos >= 1 and src[nxt - 1] == "\\":
            # `\{{x}}`: the tag is escaped and becomes content.
            text_end = nxt - 1
            self.states.append("emu")
        else:
            self.states.append("mu")
        if text_end > pos:
            self._emit("CONTENT", src[pos:text_end], pos, text_end)
        return nxt

    def _emu(self, pos: int) -> int:
        # At least two characters, up to the next `{{`, `\{{`, `\\{{` or the end.
        src = self.src
        nxt = src.find("{{", pos + 2)
        end = self.n
        if nxt != -1:
            end = nxt
            if nxt - 2 >= pos + 2 and src[nxt - 2 : nxt] == "\\\\":
                end = nxt - 2
            elif nxt - 1 >= pos + 2 and src[nxt - 1] == "\\":
                end = nxt - 1
        self.states.pop()
        self._emit("CONTENT", src[pos:end], pos, end)
        return end

    def _comment(self, pos: int) -> int:
        # `{{!-- ... --}}`: the shortest text ending in `--}}` or `--~}}`. Scanning for "--"
        # keeps this linear (two separate finds could each run to the end per comment).
        src = self.src
        i = pos + 3
        while True:
            dash = src.find("--", i)
            if dash == -1:
                raise _error(self.loc, pos, "unclosed comment: expected '--}}'")
            if src.startswith("}}", dash + 2):
                end = dash + 4
                break
            if src.startswith("~}}", dash + 2):
                end = dash + 5
                break
            i = dash + 1
        self.states.pop()
        self._emit("COMMENT", src[pos:end], pos, end)
        return end

    def _raw(self, pos: int) -> int:
        src = self.src
        if src.startswith("{{{{", pos) and pos + 4 < self.n and src[pos + 4] != "/":
            self.states.append("raw")
            self._emit("CONTENT", "{{{{", pos, pos + 4)
            return pos + 4
        if src.startswith("{{{{/", pos):
            name_end = self._id_run(pos + 5)
            if name_end > pos + 5 and src.startswith("}}}}", name_end):
                self.states.pop()
                if self.states[-1] == "raw":
                    self._emit("CONTENT", src[pos : name_end + 4], pos, name_end + 4)
                else:
                    self._emit("END_RAW_BLOCK", src[pos + 5 : name_end], pos, name_end + 4)
                return name_end + 4
        nxt = src.find("{{{{", pos + 1)
        if nxt == -1:
            raise _error(self.loc, pos, "unclosed raw block: expected '{{{{/name}}}}'")
        self._emit("CONTENT", src[pos:nxt], pos, nxt)
        return nxt

    # --- inside a tag ----------------------------------------------------------------------
    def _id_run(self, pos: int) -> int:
        src, n = self.src, self.n
        while pos < n and src[pos] not in _NOT_ID:
            pos += 1
        return pos

    def _skip_space(self, pos: int) -> int:
        src, n = self.src, self.n
        while pos < n and src[pos] in JS_SPACE:
            pos += 1
        return pos

    def _at(self, pos: int) -> str:
        return self.src[pos] if pos < self.n else ""

    def _mustache(self, pos: int) -> int:
        # One branch per handlebars.js lexer rule of the "mu" state, tried in the same order.
        src = self.src
        c = src[pos]
        if c not in _NOT_ID and c not in _SLOW_ID_START:
            # Fast path: no earlier rule can match at an identifier character.
            end = self._id_run(pos)
            if end < self.n and src[end] in _ID_LOOKAHEAD:
                self._emit("ID", src[pos:end], pos, end)
                return end
            self._emit("INVALID", c, pos, pos + 1)
            return pos + 1
        if c in JS_SPACE:
            return self._skip_space(pos)
        if c == "(":
            self._emit("OPEN_SEXPR", c, pos, pos + 1)
            return pos + 1
        if c == ")":
            self._emit("CLOSE_SEXPR", c, pos, pos + 1)
            return pos + 1
        if src.startswith("{{{{", pos):
            self._emit("OPEN_RAW_BLOCK", "{{{{", pos, pos + 4)
            return pos + 4
        if src.startswith("}}}}", pos):
            self.states.pop()
            self.states.append("raw")
            self._emit("CLOSE_RAW_BLOCK", "}}}}", pos, pos + 4)
            return pos + 4
        if src.startswith("{{", pos):
            return self._open(pos)
        if c == "=":
            self._emit("EQUALS", c, pos, pos + 1)
            return pos + 1
        if src.startswith("..", pos):
            self._emit("ID", "..", pos, pos + 2)
            return pos + 2
        if c == "." and self._at(pos + 1) in _DOT_LOOKAHEAD and pos + 1 < self.n:
            self._emit("ID", ".", pos, pos + 1)
            return pos + 1
        if c in "./":
            self._emit("SEP", c, pos, pos + 1)
            return pos + 1
        if c in JS_SPACE:
            return self._skip_space(pos)
        if src.startswith("}~}}", pos) or src.startswith("}}}", pos):
            end = pos + (4 if src[pos + 1] == "~" else 3)
            self.states.pop()
            self._emit("CLOSE_UNESCAPED", src[pos:end], pos, end)
            return end
        if src.startswith("~}}", pos) or src.startswith("}}", pos):
            end = pos + (3 if c == "~" else 2)
            self.states.pop()
            self._emit("CLOSE", src[pos:end], pos, end)
            return end
        if c in "\"'":
            end = self._string_end(pos, c)
            if end != -1:
                raw = src[pos + 1 : end - 1]
                self._emit("STRING", raw.replace("\\" + c, c), pos, end)
                return end
        if c == "@":
            self._emit("DATA", c, pos, pos + 1)
            return pos + 1
        for word, kind in _KEYWORDS.items():
            if src.startswith(word, pos) and self._at(pos + len(word)) in _LITERAL_LOOKAHEAD:
                self._emit(kind, word, pos, pos + len(word))
                return pos + len(word)
        end = self._number_end(pos)
        if end != -1:
            self._emit("NUMBER", src[pos:end], pos, end)
            return end
        if src.startswith("as", pos):
            after = self._skip_space(pos + 2)
            if after > pos + 2 and self._at(after) == "|":
                self._emit("OPEN_BLOCK_PARAMS", src[pos : after + 1], pos, after + 1)
                return after + 1
        if c == "|":
            self._emit("CLOSE_BLOCK_PARAMS", c, pos, pos + 1)
            return pos + 1
        end = self._id_run(pos)
        if end > pos and end < self.n and src[end] in _ID_LOOKAHEAD:
            self._emit("ID", src[pos:end], pos, end)
            return end
        if c == "[":
            end = self._string_end(pos, "]")
            if end != -1:
                value = _unescape_brackets(src[pos + 1 : end - 1])
                self._emit("ID", value, pos, end, bracketed=True)
                return end
        self._emit("INVALID", c, pos, pos + 1)
        return pos + 1

    def _open(self, pos: int) -> int:
        src = self.src
        q = pos + 2
        if self._at(q) == "~":
            q += 1
        d = self._at(q)
        if d == ">":
            return self._tag("OPEN_PARTIAL", pos, q + 1)
        if d == "#":
            if self._at(q + 1) == ">":
                return self._tag("OPEN_PARTIAL_BLOCK", pos, q + 2)
            return self._tag("OPEN_BLOCK", pos, q + 2 if self._at(q + 1) == "*" else q + 1)
        if d == "/":
            return self._tag("OPEN_ENDBLOCK", pos, q + 1)
        if d == "^":
            r = self._skip_space(q + 1)
            if self._at(r) == "~":
                r += 1
            if src.startswith("}}", r):
                self.states.pop()
                return self._tag("INVERSE", pos, r + 2)
            return self._tag("OPEN_INVERSE", pos, q + 1)
        r = self._skip_space(q)
        if src.startswith("else", r):
            s = self._skip_space(r + 4)
            if self._at(s) == "~":
                s += 1
            if src.startswith("}}", s):
                self.states.pop()
                return self._tag("INVERSE", pos, s + 2)
            if self._at(r + 4) not in _WORD:
                return self._tag("OPEN_INVERSE_CHAIN", pos, r + 4)
        if d == "{":
            return self._tag("OPEN_UNESCAPED", pos, q + 1)
        if d == "&":
            return self._tag("OPEN", pos, q + 1)
        if d == "!":
            if src.startswith("!--", q):
                self.states.pop()
                self.states.append("com")
                return pos
            end = src.find("}}", q + 1)
            if end == -1:
                raise _error(self.loc, pos, "unclosed comment: expected '}}'")
            self.states.pop()
            return self._tag("COMMENT", pos, end + 2)
        if d == "*":
            return self._tag("OPEN", pos, q + 1)
        return self._tag("OPEN", pos, q)

    def _tag(self, kind: str, start: int, end: int) -> int:
        self._emit(kind, self.src[start:end], start, end)
        return end

    def _string_end(self, pos: int, quote: str) -> int:
        """End offset (after the closing quote) of `"(\\"|[^"])*"` at pos, or -1."""
        src, n = self.src, self.n
        i = pos + 1
        last_escaped = -1
        while i < n:
            ch = src[i]
            if ch == "\\" and i + 1 < n and src[i + 1] == quote:
                last_escaped = i + 1
                i += 2
            elif ch == quote:
                return i + 1
            else:
                i += 1
        # The regex would backtrack and let the last escaped quote close the string.
        return last_escaped + 1 if last_escaped != -1 else -1

    def _number_end(self, pos: int) -> int:
        src, n = self.src, self.n
        i = pos + 1 if self._at(pos) == "-" else pos
        start_digits = i
        while i < n and src[i].isascii() and src[i].isdigit():
            i += 1
        if i == start_digits:
            return -1
        if self._at(i) == "." and i + 1 < n and src[i + 1].isascii() and src[i + 1].isdigit():
            j = i + 1
            while j < n and src[j].isascii() and src[j].isdigit():
                j += 1
            if j < n and src[j] in _LITERAL_LOOKAHEAD:
                return j
        if i < n and src[i] in _LITERAL_LOOKAHEAD:
            return i
        return -1


def _unescape_brackets(text: str) -> str:
    if "\\" not in text:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in "\\]":
            out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def tokenize(source: str, locator: Locator | None = None) -> list[Token]:
    return Lexer(source, locator or Locator(source)).run()
