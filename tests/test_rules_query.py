"""The query language parses the way an analyst reads it, and says where a query is wrong."""

from __future__ import annotations

from random import Random

import pytest
from hypothesis import given, settings

from monitor.rules import QuerySyntaxError, format_node, parse_query
from monitor.rules.query import And, Near, Not, Or, Term
from tests.support.query_strategies import random_query, randoms


@pytest.mark.parametrize(
    ("query", "reads_as"),
    [
        ("a OR b AND c", "a OR (b AND c)"),
        ("a AND b OR c", "(a AND b) OR c"),
        ("a b OR c d", "(a AND b) OR (c AND d)"),
        ("(a OR b) c", "(a OR b) AND c"),
        ("a NOT b OR c", "(a AND NOT b) OR c"),
        ("a -b", "a AND NOT b"),
        ("a -(b OR c)", "a AND NOT (b OR c)"),
        ("a NEAR/3 b AND c", "a NEAR/3 b AND c"),
        ("c NOT a NEAR/2 b", "c AND NOT a NEAR/2 b"),
        ("(Russia OR Russian) NEAR/5 troops", "(Russia OR Russian) NEAR/5 troops"),
        ("cross-border", "cross-border"),
        ('"cross-border" OR "Russian  troops"', 'cross-border OR "Russian troops"'),
        ("title:(a OR b) c", "(title:a OR title:b) AND c"),
        ('=US text:"troop movement*"', '=US AND text:"troop movement*"'),
        ('"AND" OR "near"', '"AND" OR near'),
    ],
    ids=lambda value: value,
)
def test_precedence_is_not_then_and_then_or(query: str, reads_as: str) -> None:
    assert format_node(parse_query(query).root) == reads_as


def test_terms_are_normalised_and_keep_their_spelling_for_exact_case() -> None:
    term = parse_query("=Émigré's").root
    assert term == Term(("emigre",), ("Émigré",), exact=True)


def test_a_field_scope_reaches_every_term_of_its_group() -> None:
    root = parse_query("url:(reuters OR apnews) border").root
    assert root == And(
        (
            Or(
                (
                    Term(("reuters",), ("reuters",), scope="url"),
                    Term(("apnews",), ("apnews",), scope="url"),
                )
            ),
            Term(("border",), ("border",)),
        )
    )


def test_near_keeps_its_distance_and_sides() -> None:
    root = parse_query("Russia NEAR/10 troop*").root
    assert root == Near(
        Term(("russia",), ("Russia",)), Term(("troop",), ("troop",), prefix=True), 10
    )


def test_a_double_negative_inside_a_conjunction_is_fine() -> None:
    assert parse_query("border NOT (football NOT war)").root == And(
        (
            Term(("border",), ("border",)),
            Not(And((Term(("football",), ("football",)), Not(Term(("war",), ("war",)))))),
        )
    )


@pytest.mark.parametrize(
    ("query", "column", "says"),
    [
        ("", 0, "empty"),
        ("   ", 0, "empty"),
        ("(border OR troops", 0, "never closed"),
        ("border OR troops)", 16, "no matching ("),
        ("((a) OR b", 0, "never closed"),
        ("()", 0, "empty parentheses"),
        ("border AND", 7, "AND needs"),
        ("border OR", 7, "OR needs"),
        ("AND border", 0, "AND needs something on its left"),
        ("border OR OR troops", 7, "OR needs"),
        ("border NOT", 7, "NOT needs"),
        ('border ""', 7, "phrase is empty"),
        ('"   "', 0, "phrase is empty"),
        ('"border', 0, "never closed"),
        ("a NEAR/x b", 2, "NEAR needs a distance"),
        ("a NEAR b", 2, "NEAR needs a distance"),
        ("a NEAR/5", 2, "NEAR needs"),
        ("a NEAR/2000 b", 2, "too large"),
        ("(a AND b) NEAR/2 c", 10, "NEAR joins words"),
        ("a NEAR/2 NOT c", 9, "expected"),
        ("a NEAR/2 b NEAR/2 c", 11, "one NEAR at a time"),
        ("NOT football", 0, "lacks something"),
        ("-football", 0, "lacks something"),
        ("border OR NOT football", 10, "lacks something"),
        ("NOT a NOT b", 0, "lacks something"),
        ("border - football", 7, "minus sign"),
        ("tr*op", 2, "* only goes at the end"),
        ('"troop* movement"', 6, "* only goes at the end"),
        ("t*", 0, "at least 2 letters"),
        ("border*-*", 6, "* only goes"),
        ("headline:border", 0, "unknown field"),
        ("title: border", 0, "needs a word"),
        ("title:(a OR text:b)", 12, "can never match"),
        ("border or troops", 7, "capitals: OR"),
        ("= border", 0, "exact case"),
        ("!!!", 0, "no letters or digits"),
    ],
    ids=lambda value: str(value),
)
def test_a_bad_query_is_rejected_at_the_column_of_the_problem(
    query: str, column: int, says: str
) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(query)
    assert caught.value.column == column
    assert says in caught.value.message
    assert f"column {column + 1}" in str(caught.value)


def test_an_absence_only_query_is_explained_with_an_example() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query("NOT football")
    assert "nearly every article" in caught.value.message
    assert "e.g. border AND NOT football" in caught.value.message


def test_a_syntax_error_is_a_value_error() -> None:
    assert issubclass(QuerySyntaxError, ValueError)


@settings(max_examples=300, deadline=None)
@given(rng=randoms())
def test_pretty_printing_a_query_parses_back_to_the_same_tree(rng: Random) -> None:
    query = parse_query(random_query(rng))
    printed = format_node(query.root)
    assert parse_query(printed) == query
    assert format_node(parse_query(printed).root) == printed


@settings(max_examples=300, deadline=None)
@given(rng=randoms())
def test_random_garbage_either_parses_or_fails_with_a_column_inside_the_query(rng: Random) -> None:
    alphabet = [
        "a",
        "b",
        " ",
        "(",
        ")",
        '"',
        "-",
        "*",
        "=",
        ":",
        "AND ",
        "OR ",
        "NOT ",
        "NEAR/2 ",
        "title:",
    ]
    text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
    column = None
    try:
        parse_query(text)
    except QuerySyntaxError as error:
        column = error.column
    assert column is None or 0 <= column <= len(text)
