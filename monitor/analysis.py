"""The CPU-heavy pure stages of one article in order: extract, geo-tag, fingerprint, match.

Kept apart from I/O so that it runs in a worker process: a job is plain data in,
an Analysis is plain data out, and the compiled rules and the gazetteer are built
once per worker, not once per article.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from monitor.extract import Article, ExtractRules, extract
from monitor.geo import Gazetteer, tag_places
from monitor.rules import Document, Matcher, PlaceTag, RuleMatch, RuleSpec, compile_rules
from monitor.sources import Entry
from monitor.stories import fingerprint

SUMMARY_CHARS = 500


@dataclass(frozen=True, slots=True)
class AnalysisJob:
    """One new entry of a source, with its page when the page was fetched."""

    source: str
    entry: Entry
    page: bytes | None = None
    page_url: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    extract_rules: ExtractRules | None = None


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the pure stages found out about one article."""

    article: Article
    summary: str
    geo: dict | None
    fingerprint: bytes
    matches: tuple[RuleMatch, ...]


class Analyzer:
    """Runs the pure stages with the rules compiled once and the gazetteer loaded once."""

    def __init__(self, rules: Sequence[RuleSpec], *, geo: bool = True) -> None:
        self._matcher: Matcher = compile_rules(rules)
        self._gazetteer: Gazetteer | None = Gazetteer.load() if geo else None

    @property
    def matcher(self) -> Matcher:
        return self._matcher

    def analyse(self, job: AnalysisJob) -> Analysis:
        """Turn one entry (and its page) into an article with tags, fingerprint and matches."""
        article = article_of(job)
        geo = self.geo_tags(article)
        document = document_of(article, job.source, geo)
        matches = tuple(self._matcher.match(document))
        story_fp = fingerprint(article.title, article.text)
        return Analysis(
            article=article,
            summary=summary_of(job.entry, article),
            geo=geo,
            fingerprint=story_fp.to_bytes(),
            matches=matches,
        )

    def document_for(self, job: AnalysisJob) -> Document:
        """The document the matcher sees for a job (for explaining, not storing)."""
        article = article_of(job)
        return document_of(article, job.source, self.geo_tags(article))

    def geo_tags(self, article: Article) -> dict | None:
        """The article's places in the JSON form stored with it (None without a gazetteer)."""
        if self._gazetteer is None:
            return None
        return tag_places(self._gazetteer, article.title, article.text).to_json()


def article_of(job: AnalysisJob) -> Article:
    """Extract the page when there is one; the feed entry fills what the page lacks."""
    entry = job.entry
    if job.page is None:
        return Article(
            url=entry.url,
            title=entry.title,
            text=entry.summary,
            published=entry.published,
            authors=entry.authors,
            language=entry.language,
        )
    article = extract(job.page, job.page_url or entry.url, job.headers, job.extract_rules)
    return replace(
        article,
        url=entry.url,
        title=article.title or entry.title,
        text=article.text or entry.summary,
        published=article.published or entry.published,
        authors=article.authors or entry.authors,
        language=article.language or entry.language,
    )


def summary_of(entry: Entry, article: Article) -> str:
    """The feed's own summary when it has one, else the description or the first words."""
    for candidate in (entry.summary, article.description or "", article.text):
        text = " ".join(candidate.split())
        if text:
            return shorten(text, SUMMARY_CHARS)
    return ""


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def document_of(article: Article, source: str, geo: Mapping[str, object] | None) -> Document:
    """What the matcher sees; places are read from the stored form of the geo tags, so a
    rule replayed on stored articles (`test-rule`) sees exactly what it saw live."""
    return Document(
        title=article.title,
        text=article.text,
        url=article.url,
        source=source,
        language=article.language,
        places=places_from_json(geo),
    )


def places_from_json(geo: Mapping[str, object] | None) -> tuple[PlaceTag, ...]:
    """Places as the matcher sees them, from the geo tags stored with an article."""
    if not geo:
        return ()
    places = []
    for kind, key in (("country", "countries"), ("subdivision", "subdivisions")):
        tags = geo.get(key)
        if not isinstance(tags, list):
            continue
        places += [
            PlaceTag(
                code=str(tag["code"]),
                name=str(tag["name"]),
                kind=kind,
                score=float(tag["score"]),
                focus=bool(tag["focus"]),
                evidence=tuple(tag.get("evidence", ())),
            )
            for tag in tags
        ]
    return tuple(places)
