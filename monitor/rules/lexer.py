"""Cut query text into tokens: operators, brackets, field scopes, words and phrases.

Every token keeps the 0-based column where it starts, so that the parser can
point at the problem; the few mistakes visible to the lexer alone (an
unclosed quote, `NEAR` without a distance, a lowercase `or`, an unknown
field) are reported here, with their column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FIELDS = ("title", "text", "source", "url")
MAX_NEAR = 1000


class QuerySyntaxError(ValueError):
    """A query or keyword that cannot be used, with the 0-based column of the problem."""

    def __init__(self, message: str, column: int, rule: str | None = None) -> None:
        self.message = message
        self.column = column
        self.rule = rule
        where = f"rule '{rule}': " if rule is not None else ""
        super().__init__(f"{where}{message} (column {column + 1})")


def tokenize(text: str) -> list[Token]:
    """Return the tokens of a query; raise QuerySyntaxError at the column of a bad one."""
    return _Lexer(text).tokens()


@dataclass(frozen=True)
class Token:
    """One lexical unit; TERM and PHRASE carry their raw text and whether `=` preceded them."""

    kind: str  # ( ) AND OR NOT NEAR - SCOPE TERM PHRASE
    column: int
    text: str = ""
    exact: bool = False
    distance: int = 0


_NEAR_RE = re.compile(r"NEAR/(\d+)")
_SCOPE_RE = re.compile(r"([A-Za-z]+):")
_WORD_END = ' \t\r\n()"'
_CAPITAL_HINT = {"and": "AND", "or": "OR", "not": "NOT"}


class _Lexer:
    """A hand-written scanner: the grammar is small, and columns must be exact."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.out: list[Token] = []

    def tokens(self) -> list[Token]:
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char.isspace():
                self.pos += 1
            elif char in "()":
                self.out.append(Token(char, self.pos))
                self.pos += 1
            elif char == "-":
                self.read_minus()
            else:
                self.read_operand_or_word()
        return self.out

    def read_minus(self) -> None:
        nxt = self.text[self.pos + 1 : self.pos + 2]
        if not nxt or nxt.isspace() or nxt in ")-":
            raise QuerySyntaxError(
                "a minus sign must touch what it excludes, e.g. -football", self.pos
            )
        self.out.append(Token("-", self.pos))
        self.pos += 1

    def read_operand_or_word(self) -> None:
        start = self.pos
        exact = self.text[start] == "="
        if exact:
            self.pos += 1
            nxt = self.text[self.pos : self.pos + 1]
            if not nxt or nxt in " \t\r\n()":
                raise QuerySyntaxError("= (exact case) goes right before a word or a phrase", start)
        if self.text[self.pos : self.pos + 1] == '"':
            self.read_phrase(start, exact)
        else:
            self.read_word(start, exact)

    def read_phrase(self, start: int, exact: bool) -> None:
        close = self.text.find('"', self.pos + 1)
        if close < 0:
            raise QuerySyntaxError('this quote is never closed: add the closing "', self.pos)
        self.out.append(Token("PHRASE", start, self.text[self.pos + 1 : close], exact))
        self.pos = close + 1

    def read_word(self, start: int, exact: bool) -> None:
        end = self.pos
        while end < len(self.text) and self.text[end] not in _WORD_END:
            end += 1
        word = self.text[self.pos : end]
        scope = _SCOPE_RE.match(word)
        if scope and not exact:
            self.read_scope(scope.group(1), start)
            return
        self.pos = end
        if not exact and self.read_operator(word, start):
            return
        self.out.append(Token("TERM", start, word, exact))

    def read_scope(self, name: str, start: int) -> None:
        if name.lower() not in FIELDS:
            raise QuerySyntaxError(
                f"unknown field '{name}:'; the fields are title:, text:, source:, url: "
                f'(put the term in quotes to search for "{name}:" as words)',
                start,
            )
        self.out.append(Token("SCOPE", start, name.lower()))
        self.pos = start + len(name) + 1
        nxt = self.text[self.pos : self.pos + 1]
        if not nxt or nxt.isspace() or nxt == ")":
            raise QuerySyntaxError(
                f"{name}: needs a word, a phrase or ( right after it, e.g. {name}:border", start
            )

    def read_operator(self, word: str, start: int) -> bool:
        if word in ("AND", "OR", "NOT"):
            self.out.append(Token(word, start))
            return True
        near = _NEAR_RE.fullmatch(word)
        if near:
            distance = int(near.group(1))
            if distance > MAX_NEAR:
                raise QuerySyntaxError(
                    f"NEAR distance {distance} is too large (at most {MAX_NEAR})", start
                )
            self.out.append(Token("NEAR", start, distance=distance))
            return True
        if word.upper().startswith("NEAR/") or word == "NEAR":
            raise QuerySyntaxError(
                f"'{word}': NEAR needs a distance in words, written NEAR/5", start
            )
        if word in _CAPITAL_HINT:
            capital = _CAPITAL_HINT[word]
            raise QuerySyntaxError(
                f"operators are written in capitals: {capital} "
                f'(write "{word}" in quotes to search for the word)',
                start,
            )
        return False
