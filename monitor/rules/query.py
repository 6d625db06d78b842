"""Parse the analyst's query language into a tree, or say at which column it is wrong.

Grammar (precedence from loosest to tightest: OR, AND, NOT, NEAR):

    query    := or EOF
    or       := and ("OR" and)*
    and      := unary (["AND"] unary)*          adjacent parts mean AND
    unary    := ("NOT" | "-") unary | near
    near     := primary ["NEAR/n" primary]      words, phrases or (a OR b) groups only
    primary  := [field ":"] ("(" or ")" | ["="] word["*"] | ["="] '"' words["*"] '"')

Field scopes are pushed down onto the terms they cover, so the tree has only
five node kinds. A query that could match by absence alone (`NOT x`,
`a OR NOT b`) is rejected: it would fire on nearly every article.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from monitor.rules.lexer import QuerySyntaxError, Token, tokenize
from monitor.rules.text import normalize_words, words

MIN_PREFIX = 2


@dataclass(frozen=True)
class Term:
    """A word or a phrase of consecutive words; `words` are normalised, `original` as written.

    `spelling` is the term exactly as the analyst typed it, inside any quotes
    and without `=` or a field (`cross-border`, `Russian troops`, `troop*`):
    matches and explanations report it, because "cross border" is not what
    anyone wrote. It does not take part in equality: `cross-border` and
    `"cross border"` are the same term.
    """

    words: tuple[str, ...]
    original: tuple[str, ...]
    prefix: bool = False
    exact: bool = False
    scope: str | None = None
    column: int = field(default=0, compare=False)
    spelling: str = field(default="", compare=False)

    @property
    def label(self) -> str:
        """Name the term the way the analyst wrote it, for matches and explanations."""
        return self.spelling or " ".join(self.original) + ("*" if self.prefix else "")


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Not:
    child: Node
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Near:
    """Both sides occur in the same field with at most `distance` words between them."""

    left: Node
    right: Node
    distance: int
    column: int = field(default=0, compare=False)


Node = Term | And | Or | Not | Near


@dataclass(frozen=True)
class Query:
    root: Node
    text: str = field(default="", compare=False)

    def __str__(self) -> str:
        return format_node(self.root)


def parse_query(text: str) -> Query:
    """Parse `text` into a Query; raise QuerySyntaxError with the column of the first problem."""
    tokens = tokenize(text)
    if not tokens:
        raise QuerySyntaxError("the query is empty", 0)
    root = _Parser(tokens, len(text)).parse()
    _reject_absence_only(root, text)
    return Query(root, text)


def keyword_term(keyword: str, column: int = 0) -> Term:
    """Turn one `keywords:` entry into a phrase term: taken literally, no operators."""
    original = tuple(words(keyword))
    if not original:
        raise QuerySyntaxError(f"keyword {keyword!r} has no letters or digits to match", column)
    normalised = tuple(normalize_words(list(original)))
    return Term(normalised, original, column=column, spelling=" ".join(keyword.split()))


# -- parser --------------------------------------------------------------------------------

_STARTS = {"(", "-", "NOT", "SCOPE", "TERM", "PHRASE"}


class _Parser:
    def __init__(self, tokens: list[Token], length: int) -> None:
        self.tokens = tokens
        self.length = length
        self.index = 0
        self.scope: str | None = None

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def need_operand_after(self, operator: Token, name: str) -> None:
        nxt = self.peek()
        if nxt is None or nxt.kind not in _STARTS:
            raise QuerySyntaxError(f"{name} needs a word, a phrase or ( after it", operator.column)

    def parse(self) -> Node:
        node = self.parse_or()
        extra = self.peek()
        if extra is not None:
            if extra.kind == ")":
                raise QuerySyntaxError("this ) has no matching (", extra.column)
            raise QuerySyntaxError(f"unexpected {extra.kind}", extra.column)
        return node

    def parse_or(self) -> Node:
        first = self.peek()
        children = [self.parse_and()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            self.need_operand_after(token, "OR")
            children.append(self.parse_and())
        if len(children) == 1:
            return children[0]
        return Or(tuple(children), first.column if first else 0)

    def parse_and(self) -> Node:
        first = self.peek()
        children = [self.parse_unary()]
        while (token := self.peek()) is not None:
            if token.kind == "AND":
                self.take()
                self.need_operand_after(token, "AND")
            elif token.kind not in _STARTS:
                break
            children.append(self.parse_unary())
        if len(children) == 1:
            return children[0]
        return And(tuple(children), first.column if first else 0)

    def parse_unary(self) -> Node:
        token = self.peek()
        if token is not None and token.kind in ("NOT", "-"):
            self.take()
            self.need_operand_after(token, "NOT" if token.kind == "NOT" else "-")
            return Not(self.parse_unary(), token.column)
        return self.parse_near()

    def parse_near(self) -> Node:
        left = self.parse_primary()
        token = self.peek()
        if token is None or token.kind != "NEAR":
            return left
        self.take()
        self.need_operand_after(token, "NEAR")
        right_token = self.peek()
        right = self.parse_primary()
        for operand, column in (
            (left, token.column),
            (right, right_token.column if right_token else 0),
        ):
            if not _near_operand(operand):
                raise QuerySyntaxError(
                    "NEAR joins words or phrases, or (a OR b) groups of them, "
                    "e.g. (Russia OR Russian) NEAR/5 troops",
                    column,
                )
        again = self.peek()
        if again is not None and again.kind == "NEAR":
            raise QuerySyntaxError(
                "one NEAR at a time: join two NEARs with AND, e.g. a NEAR/5 b AND b NEAR/5 c",
                again.column,
            )
        return Near(left, right, token.distance, token.column)

    def parse_primary(self) -> Node:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError(
                "the query ends too early: a word, a phrase or ( is missing", self.length
            )
        if token.kind == "SCOPE":
            return self.parse_scoped(self.take())
        if token.kind == "(":
            return self.parse_group(self.take())
        if token.kind in ("TERM", "PHRASE"):
            return self.make_term(self.take())
        if token.kind == ")":
            raise QuerySyntaxError("this ) has no matching (", token.column)
        if token.kind in ("AND", "OR", "NEAR"):
            name = "NEAR" if token.kind == "NEAR" else token.kind
            raise QuerySyntaxError(f"{name} needs something on its left", token.column)
        raise QuerySyntaxError("a word, a phrase or ( is expected here", token.column)

    def parse_scoped(self, scope: Token) -> Node:
        if self.scope is not None and self.scope != scope.text:
            raise QuerySyntaxError(
                f"{scope.text}: inside {self.scope}: can never match", scope.column
            )
        nxt = self.peek()
        if nxt is None or nxt.kind not in ("(", "TERM", "PHRASE"):
            raise QuerySyntaxError(
                f"{scope.text}: needs a word, a phrase or ( right after it", scope.column
            )
        outer, self.scope = self.scope, scope.text
        try:
            return self.parse_primary()
        finally:
            self.scope = outer

    def parse_group(self, opening: Token) -> Node:
        nxt = self.peek()
        if nxt is not None and nxt.kind == ")":
            raise QuerySyntaxError("empty parentheses", opening.column)
        if nxt is None:
            raise QuerySyntaxError("this ( is never closed: add the )", opening.column)
        node = self.parse_or()
        closing = self.peek()
        if closing is None or closing.kind != ")":
            raise QuerySyntaxError("this ( is never closed: add the )", opening.column)
        self.take()
        return node

    def make_term(self, token: Token) -> Term:
        raw = token.text
        prefix = raw.endswith("*")
        body = raw[:-1] if prefix else raw
        star = body.find("*")
        if star >= 0:
            offset = 1 + int(token.exact) if token.kind == "PHRASE" else int(token.exact)
            raise QuerySyntaxError(
                "* only goes at the end of a word, for a prefix search like troop*",
                token.column + offset + star,
            )
        original = tuple(words(body))
        if not original:
            what = (
                "this phrase is empty"
                if token.kind == "PHRASE"
                else f"'{raw}' has no letters or digits"
            )
            raise QuerySyntaxError(f"{what}: nothing to match", token.column)
        normalised = tuple(normalize_words(list(original)))
        if prefix and (len(normalised[-1]) < MIN_PREFIX or not _ends_in_word(body)):
            raise QuerySyntaxError(
                f"a prefix search needs at least {MIN_PREFIX} letters before the *", token.column
            )
        spelling = " ".join(raw.split())
        return Term(normalised, original, prefix, token.exact, self.scope, token.column, spelling)


def _ends_in_word(body: str) -> bool:
    return bool(body) and unicodedata.category(body[-1])[0] in "LNM"


def _near_operand(node: Node) -> bool:
    if isinstance(node, Term):
        return True
    return isinstance(node, Or) and all(_near_operand(child) for child in node.children)


# -- absence-only queries ---------------------------------------------------------------


def _absence_part(node: Node) -> Node | None:
    """Return a part of `node` that lets it hold with no word present, or None if it needs one."""
    if isinstance(node, Not):
        return node
    if isinstance(node, And):
        parts = [_absence_part(child) for child in node.children]
        return None if any(part is None for part in parts) else parts[0]
    if isinstance(node, Or):
        for child in node.children:
            part = _absence_part(child)
            if part is not None:
                return part
    return None


def _reject_absence_only(root: Node, text: str) -> None:
    part = _absence_part(root)
    if part is None:
        return
    raise QuerySyntaxError(
        f"'{format_node(part)}' matches every article that lacks something, so this query "
        "would fire on nearly every article; pair NOT with a word that must be present, "
        "e.g. border AND NOT football",
        part.column,
    )


# -- pretty-printer ----------------------------------------------------------------------

_OPERATOR_WORDS = {"AND", "OR", "NOT", "NEAR", "and", "or", "not"}
_NOT_BARE = re.compile(r'[\s()"]|^[-=]|^[A-Za-z]+:|^NEAR/', re.IGNORECASE)


def _spelling_reads_back(spelling: str, prefix: bool) -> bool:
    """Tell whether a spelling, quoted if need be, parses back to its term.

    A keyword is taken literally, so it may hold a quote or a star that a
    query would read differently; such a term is written with its words.
    """
    if not spelling or '"' in spelling:
        return False
    star = spelling.find("*")
    return star == len(spelling) - 1 if prefix else star < 0


def _reads_as_one_bare_word(body: str) -> bool:
    return body not in _OPERATOR_WORDS and _NOT_BARE.search(body) is None


def terms_of(node: Node) -> list[Term]:
    """Every term of a query tree, in reading order."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return terms_of(node.child)
    if isinstance(node, Near):
        return terms_of(node.left) + terms_of(node.right)
    return [term for child in node.children for term in terms_of(child)]


def format_node(node: Node) -> str:
    """Write `node` back as query text that parses to the same tree."""
    if isinstance(node, Term):
        return _format_term(node)
    if isinstance(node, Not):
        return "NOT " + _wrapped(node.child, (And, Or))
    if isinstance(node, Near):
        return f"{_wrapped(node.left, (Or,))} NEAR/{node.distance} {_wrapped(node.right, (Or,))}"
    joiner = " AND " if isinstance(node, And) else " OR "
    return joiner.join(_wrapped(child, (And, Or)) for child in node.children)


def _wrapped(node: Node, kinds: tuple[type, ...]) -> str:
    text = format_node(node)
    return f"({text})" if isinstance(node, kinds) else text


def _format_term(term: Term) -> str:
    """Write a term in the analyst's spelling, bare when it reads back as the same one word."""
    body = term.spelling
    if not _spelling_reads_back(body, term.prefix):
        body = " ".join(term.original) + ("*" if term.prefix else "")
    text = body if _reads_as_one_bare_word(body) else f'"{body}"'
    if term.exact:
        text = "=" + text
    if term.scope is not None:
        text = f"{term.scope}:{text}"
    return text
