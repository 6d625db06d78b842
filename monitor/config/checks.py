"""Checks that span the file: unique names, cross-references, queries and regions.

Rules must name real channels and sources, queries must parse
(``monitor.rules``) and regions must resolve (``monitor.geo``).

They read the raw data rather than the models, so they still run (and report)
when some unrelated value elsewhere failed validation: one `monitor check`
lists every problem.
"""

from __future__ import annotations

from typing import Any

from monitor.config.errors import ConfigProblem
from monitor.config.loader import DataPath, Document, format_path
from monitor.config.validators import suggestion
from monitor.geo import UnknownRegionError, resolve_region
from monitor.rules import QuerySyntaxError, parse_query


def cross_reference_problems(document: Document) -> list[ConfigProblem]:
    """Return every problem that involves more than one value of ``document``."""
    data = document.data if isinstance(document.data, dict) else {}
    sources = _items(data.get("sources"))
    rules = _items(data.get("rules"))
    channels = data.get("channels")
    channel_names = [str(name) for name in channels] if isinstance(channels, dict) else []
    source_names = [item["name"] for _, item in sources if isinstance(item.get("name"), str)]
    problems = _duplicate_names(document, "sources", sources)
    problems += _duplicate_names(document, "rules", rules)
    for index, rule in rules:
        path: DataPath = ("rules", index)
        problems += _rule_matches_something(document, path, rule)
        problems += _unknown_names(document, (*path, "channels"), rule, channel_names, "channel")
        problems += _unknown_names(document, (*path, "sources"), rule, source_names, "source")
        problems += _query_problems(document, (*path, "query"), rule.get("query"))
    problems += _health_problems(document, data.get("health"), channel_names)
    return problems + _region_problems(document, data)


def _health_problems(
    document: Document, health: object, channel_names: list[str]
) -> list[ConfigProblem]:
    """`health.channel` must name a configured channel."""
    if not isinstance(health, dict):
        return []
    name = health.get("channel")
    if not isinstance(name, str) or name in channel_names:
        return []
    hint = suggestion(name, channel_names) or (
        f" (defined: {', '.join(channel_names)})" if channel_names else " (no channels are defined)"
    )
    return [document.problem(("health", "channel"), f"unknown channel {name!r}{hint}")]


def _items(value: object) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]


def _duplicate_names(
    document: Document, section: str, items: list[tuple[int, dict[str, Any]]]
) -> list[ConfigProblem]:
    first_seen: dict[str, int] = {}
    problems = []
    for index, item in items:
        name = item.get("name")
        if not isinstance(name, str):
            continue
        if name in first_seen:
            line, _ = document.position((section, first_seen[name], "name"))
            message = f"duplicate name {name!r} (first used on line {line})"
            problems.append(document.problem((section, index, "name"), message))
        else:
            first_seen[name] = index
    return problems


def _rule_matches_something(
    document: Document, path: DataPath, rule: dict[str, Any]
) -> list[ConfigProblem]:
    if any(rule.get(key) for key in ("query", "keywords", "regions")):
        return []
    return [document.problem(path, "a rule needs at least one of query, keywords, regions")]


def _unknown_names(
    document: Document, path: DataPath, rule: dict[str, Any], valid: list[str], noun: str
) -> list[ConfigProblem]:
    names = rule.get(str(path[-1]))
    if not isinstance(names, list):
        return []
    problems = []
    for index, name in enumerate(names):
        if isinstance(name, str) and name not in valid:
            hint = suggestion(name, valid) or (
                f" (defined: {', '.join(valid)})" if valid else f" (no {noun}s are defined)"
            )
            problems.append(document.problem((*path, index), f"unknown {noun} {name!r}{hint}"))
    return problems


def _query_problems(document: Document, path: DataPath, query: object) -> list[ConfigProblem]:
    if not isinstance(query, str) or not query.strip():
        return []
    try:
        parse_query(query)
    except QuerySyntaxError as error:
        line, column = _column_in_file(document, path, query, error.column)
        return [ConfigProblem(document.file, line, column, format_path(path), error.message)]
    return []


def _region_problems(document: Document, data: dict[str, Any]) -> list[ConfigProblem]:
    """Every region a rule names, and every place a custom region lists, must resolve."""
    custom = data.get("regions")
    if not isinstance(custom, dict):
        custom = {}
    custom_regions = {
        str(name): places
        for name, places in custom.items()
        if isinstance(places, list) and all(isinstance(place, str) for place in places)
    }
    named: list[tuple[DataPath, object]] = [
        (("regions", str(region), index), place)
        for region, places in custom_regions.items()
        for index, place in enumerate(places)
    ]
    for rule_index, rule in _items(data.get("rules")):
        regions = rule.get("regions")
        if isinstance(regions, list):
            named += [(("rules", rule_index, "regions", i), name) for i, name in enumerate(regions)]
    named = [(path, name) for path, name in named if isinstance(name, str) and name.strip()]
    if not named:
        return []
    problems = []
    for path, name in named:
        assert isinstance(name, str)
        try:
            resolve_region(name, custom_regions)
        except UnknownRegionError as error:
            if error.name != name:
                continue  # a bad place inside a custom region: reported where it is listed
            problems.append(document.problem(path, _unknown_region_message(name, error)))
    return problems


def _unknown_region_message(name: str, error: Any) -> str:
    suggestions = [str(s) for s in getattr(error, "suggestions", [])]
    if suggestions and suggestions[0].endswith("contains itself"):
        return suggestions[0]
    hint = f" (did you mean {suggestions[0]!r}?)" if suggestions else ""
    return f"unknown region {name!r}{hint}"


def _column_in_file(document: Document, path: DataPath, value: str, offset: int) -> tuple[int, int]:
    """Map an offset in a query to a file column when the query is written on one line as is."""
    line, column = document.position(path)
    scalar = document.strings.get(path)
    if scalar is None or scalar.style == "block" or not 0 < line <= len(document.lines):
        return line, column
    text = document.lines[line - 1]
    start = column - 1 + (0 if scalar.style == "plain" else 1)
    if text[start : start + len(value)] == value:
        return line, start + 1 + offset
    return line, column
