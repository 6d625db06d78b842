"""The rules engine: analysts' boolean queries compiled once, matched against every article.

Pure: text and metadata in, matches with explanations out. `compile_rules`
builds one immutable `Matcher` from the rules of a config; `Matcher.match`
returns every rule that holds for a document with the terms, positions and
snippets that made it hold; `Matcher.explain` says why a rule did or did not
hold. The query language is documented in README.md ("Writing rules").
"""

from monitor.rules.explain import Explanation, Part, render_explanation
from monitor.rules.matcher import Matcher, compile_rules
from monitor.rules.model import Document, Hit, PlaceTag, RegionSpec, RuleMatch, RuleSpec
from monitor.rules.query import Query, QuerySyntaxError, format_node, parse_query

__all__ = [
    "Document",
    "Explanation",
    "Hit",
    "Matcher",
    "Part",
    "PlaceTag",
    "Query",
    "QuerySyntaxError",
    "RegionSpec",
    "RuleMatch",
    "RuleSpec",
    "compile_rules",
    "format_node",
    "parse_query",
    "render_explanation",
]
