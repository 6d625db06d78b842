"""Try rules without alerting anyone: over stored articles (`test-rule`) or one page (`match`).

Analysts tune a rule here before it wakes anyone up: what it would have fired,
why, and how many alerts a day that would have been.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from monitor.analysis import AnalysisJob, Analyzer, places_from_json
from monitor.rules import Document, Explanation, RuleMatch, RuleSpec, compile_rules
from monitor.sources import Entry
from monitor.store import StoredArticle


@dataclass(frozen=True, slots=True)
class WouldFire:
    """One stored article a rule would have fired on, and why."""

    article: StoredArticle
    match: RuleMatch


@dataclass(frozen=True, slots=True)
class RuleTrial:
    """What a rule would have done over the stored articles of a period."""

    rule: str
    scanned: int
    fired: tuple[WouldFire, ...]
    per_day: tuple[tuple[date, int], ...]


def trial_spec(specs: Iterable[RuleSpec], name: str, query: str | None) -> RuleSpec:
    """The named rule, its query replaced by `query` when given; or an ad-hoc query rule."""
    for spec in specs:
        if spec.name == name:
            return spec if query is None else replace(spec, query=query, keywords=())
    if query is None:
        raise KeyError(name)
    return RuleSpec(name=name, query=query)


def try_rule(spec: RuleSpec, articles: Iterable[StoredArticle]) -> RuleTrial:
    """Run one rule over stored articles: every article it would fire on, and alerts a day."""
    matcher = compile_rules([spec])
    scanned = 0
    fired = []
    for article in articles:
        scanned += 1
        matches = matcher.match(stored_document(article))
        fired += [WouldFire(article, match) for match in matches]
    days = Counter(day_of(hit.article) for hit in fired)
    return RuleTrial(spec.name, scanned, tuple(fired), tuple(sorted(days.items())))


def day_of(article: StoredArticle) -> date:
    moment: datetime = article.published or article.fetched_at
    return moment.date()


def stored_document(article: StoredArticle) -> Document:
    return Document(
        title=article.title,
        text=article.text,
        url=article.url,
        source=article.source,
        language=article.language,
        places=places_from_json(article.geo),
    )


def explain_page(
    config_specs: list[RuleSpec],
    page: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    source: str = "",
) -> tuple[Document, list[Explanation]]:
    """Extract one page and say, for every rule, whether it matches and why."""
    analyzer = Analyzer(config_specs, geo=True)
    job = AnalysisJob(source, Entry(url=url), page=page, page_url=url, headers=headers or {})
    document = analyzer.document_for(job)
    explanations = [analyzer.matcher.explain(document, spec.name) for spec in config_specs]
    return document, explanations


def rules_named(specs: list[RuleSpec], name: str | None) -> list[RuleSpec]:
    """All rules, or the one named (KeyError when there is none)."""
    if name is None:
        return specs
    chosen = [spec for spec in specs if spec.name == name]
    if not chosen:
        raise KeyError(name)
    return chosen
