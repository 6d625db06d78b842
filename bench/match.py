"""Benchmark the compiled rules matcher against a naive regex-per-rule baseline.

Generates rules of realistic shape (1-3 word phrases, boolean combinations,
some NEAR, wildcards, field scopes, keyword lists and region-only rules) and
~3 KB articles whose words follow a Zipf distribution over a background
vocabulary with topical names mixed in, then measures, at 100, 1,000 and
10,000 rules: articles per second and milliseconds per article on one core,
build time and memory, for the compiled matcher and, in the same run, for a
baseline that evaluates every rule with its own regular expressions. The
baseline is slow (a few articles per second at 10,000 rules), so it runs on a
time-boxed subset of the articles and reports its per-article rate.

    python bench/match.py [--articles 2000] [--baseline-seconds 8] [--seed 7]

The last line printed is one JSON object with the 10,000-rule figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from monitor.rules import Document, PlaceTag, RegionSpec, RuleSpec, compile_rules, parse_query
from monitor.rules.query import And, Near, Node, Not, Or, Term

SIZES = (100, 1_000, 10_000)
SYLLABLES = (
    "ka la mi no ru sa te vo zu be di fa go hi jo ku le ma ne pi ro si ta ul va "
    "yo ze an ar el en in on or st tr br dr gr pl sk"
).split()
STOPWORDS = (
    "the of and to in a is that for on was with he it as at by from his an were are which "
    "this be has had not but or have they its their been also after who one two new more "
    "when would there will said says into than other over some about up out"
).split()
COUNTRIES = ["KZ", "KG", "TJ", "TM", "UZ", "AF", "RU", "CN", "IR", "PK", "IN", "TR", "UA", "GE"]


def pseudo_words(rng: random.Random, count: int, low: int, high: int) -> list[str]:
    """Make `count` distinct pronounceable words of `low`..`high` syllables."""
    found: dict[str, None] = {}
    while len(found) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(low, high)))
        if len(word) >= 3 and word not in STOPWORDS:
            found[word] = None
    return list(found)


def zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    return [1.0 / (rank + 1) ** exponent for rank in range(count)]


@dataclass(frozen=True)
class Vocabulary:
    background: list[str]
    background_weights: list[float]
    topical: list[str]
    topical_weights: list[float]


def make_vocabulary(rng: random.Random) -> Vocabulary:
    background = STOPWORDS + pseudo_words(rng, 6_000, 1, 3)
    topical = [w.capitalize() for w in pseudo_words(rng, 30_000, 2, 4) if w not in background]
    return Vocabulary(
        background,
        zipf_weights(len(background)),
        topical,
        zipf_weights(len(topical), 0.8),
    )


def make_article(rng: random.Random, vocab: Vocabulary, size: int = 3_000) -> Document:
    """An article of about `size` characters: sentences of common words with topical names."""
    sentences = []
    length = 0
    while length < size:
        count = rng.randint(8, 22)
        chosen = rng.choices(vocab.background, vocab.background_weights, k=count)
        for slot in rng.sample(range(count), k=rng.randint(0, 3)):
            name = rng.choices(vocab.topical, vocab.topical_weights)[0]
            chosen[slot] = name + ("'s" if rng.random() < 0.1 else "")
        if rng.random() < 0.1:
            chosen[rng.randrange(count)] += "-" + rng.choice(vocab.background[:300])
        sentence = " ".join(chosen)
        sentence = sentence[0].upper() + sentence[1:] + rng.choice((".", ".", ",", ";", "?"))
        sentences.append(sentence)
        length += len(sentence) + 1
    title = " ".join(rng.choices(vocab.topical, vocab.topical_weights, k=3)).title()
    focus = rng.random() < 0.3
    places = (PlaceTag(rng.choice(COUNTRIES), "Somewhere", "country", 0.8, focus),)
    return Document(title, " ".join(sentences), url=f"https://news.example/{rng.random()}",
                    source=rng.choice(("wire", "steppe-asia", "daily")), language="en",
                    places=places)  # fmt: skip


def make_rules(rng: random.Random, vocab: Vocabulary, count: int) -> list[RuleSpec]:
    """Rules of realistic shape over the topical vocabulary, with some common words mixed in."""
    topical_weights = zipf_weights(len(vocab.topical), 0.5)

    def word() -> str:
        if rng.random() < 0.15:
            return rng.choice(vocab.background[60:2_000])
        return rng.choices(vocab.topical, topical_weights)[0]

    def phrase() -> str:
        size = rng.choices((1, 2, 3), (0.6, 0.3, 0.1))[0]
        words = [word() for _ in range(size)]
        return words[0] if size == 1 else '"' + " ".join(words) + '"'

    def any_of(low: int, high: int) -> str:
        return "(" + " OR ".join(phrase() for _ in range(rng.randint(low, high))) + ")"

    shapes: list[Callable[[], str]] = [
        lambda: any_of(1, 4),
        lambda: f"{any_of(1, 4)} AND {any_of(1, 3)}",
        lambda: f"{any_of(2, 4)} AND NOT {phrase()}",
        lambda: f"{phrase()} NEAR/{rng.randint(2, 10)} {phrase()}",
        lambda: f"{word()[:5]}* AND {any_of(1, 3)}",
        lambda: f"title:{phrase()} OR ({phrase()} {phrase()})",
        lambda: f"{any_of(1, 3)} {phrase()} -{word()}",
    ]
    specs = []
    for number in range(count):
        kind = rng.random()
        regions: tuple[RegionSpec, ...] = ()
        if rng.random() < 0.1:
            regions = (RegionSpec("region", frozenset(rng.sample(COUNTRIES, 3))),)
        if kind < 0.02:
            specs.append(RuleSpec(f"rule-{number}", regions=regions or (
                RegionSpec("region", frozenset(rng.sample(COUNTRIES, 2))),)))  # fmt: skip
        elif kind < 0.2:
            keywords = tuple(phrase().strip('"') for _ in range(rng.randint(1, 5)))
            specs.append(RuleSpec(f"rule-{number}", keywords=keywords, regions=regions))
        else:
            query = rng.choices(shapes, (30, 25, 15, 10, 8, 6, 6))[0]()
            specs.append(RuleSpec(f"rule-{number}", query=query, regions=regions))
    return specs


# -- the naive baseline -----------------------------------------------------------------


def _words_pattern(term: Term) -> str:
    body = r"\W+".join(re.escape(word) for word in term.original)
    return rf"\b{body}\w*" if term.prefix else rf"\b{body}\b"


class RegexRule:
    """One rule evaluated the naive way: a regular expression per term, searched per article."""

    def __init__(self, spec: RuleSpec) -> None:
        self.spec = spec
        parts: list[Node] = []
        if spec.query:
            parts.append(parse_query(spec.query).root)
        if spec.keywords:
            parts.append(Or(tuple(Term((k,), tuple(k.split())) for k in spec.keywords)))
        self.root: Node | None = (
            (parts[0] if len(parts) == 1 else And(tuple(parts))) if parts else None
        )
        self.patterns: dict[int, re.Pattern[str]] = {}

    def pattern(self, node: Term | Near) -> re.Pattern[str]:
        found = self.patterns.get(id(node))
        if found is None:
            if isinstance(node, Term):
                source = _words_pattern(node)
            else:
                left, right = (self.side(node.left), self.side(node.right))
                gap = rf"\W+(?:\w+\W+){{0,{node.distance}}}"
                source = rf"(?:{left}{gap}{right})|(?:{right}{gap}{left})"
            found = self.patterns[id(node)] = re.compile(source, re.IGNORECASE)
        return found

    def side(self, node: Node) -> str:
        terms = [node] if isinstance(node, Term) else list(getattr(node, "children", ()))
        return (
            "(?:" + "|".join(_words_pattern(term) for term in terms if isinstance(term, Term)) + ")"
        )

    def holds(self, doc: Document) -> bool:
        spec = self.spec
        if spec.regions and not any(
            place.focus and place.code in region.countries
            for place in doc.places
            for region in spec.regions
        ):
            return False
        return self.root is None or self.evaluate(self.root, doc)

    def evaluate(self, node: Node, doc: Document) -> bool:
        if isinstance(node, Term | Near):
            fields = [doc.title, doc.text] if getattr(node, "scope", None) is None else [doc.title]
            return any(self.pattern(node).search(value) for value in fields)
        if isinstance(node, And):
            return all(self.evaluate(child, doc) for child in node.children)
        if isinstance(node, Or):
            return any(self.evaluate(child, doc) for child in node.children)
        assert isinstance(node, Not)
        return not self.evaluate(node.child, doc)


# -- measurement ------------------------------------------------------------------------


def rss_mb() -> float:
    """Resident memory now (Linux /proc), falling back to the peak."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass(frozen=True)
class Row:
    rules: int
    articles_per_s: float
    build_s: float
    rss_mb: float
    matcher_mb: float
    matches_per_article: float
    baseline_articles_per_s: float
    baseline_articles: int
    agreement: float

    @property
    def ratio(self) -> float:
        return self.articles_per_s / self.baseline_articles_per_s


def measure(specs: list[RuleSpec], docs: list[Document], baseline_seconds: float) -> Row:
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    matcher = compile_rules(specs)
    build_s = time.perf_counter() - started
    gc.collect()
    after = rss_mb()
    matcher.match(docs[0])
    started = time.perf_counter()
    fired = [{m.rule for m in matcher.match(doc)} for doc in docs]
    elapsed = time.perf_counter() - started

    baseline = [RegexRule(spec) for spec in specs]
    started = time.perf_counter()
    both = either = done = 0
    for doc, ours in zip(docs, fired, strict=True):
        theirs = {rule.spec.name for rule in baseline if rule.holds(doc)}
        both += len(ours & theirs)
        either += len(ours | theirs)
        done += 1
        if time.perf_counter() - started > baseline_seconds:
            break
    baseline_elapsed = time.perf_counter() - started
    return Row(
        rules=len(specs),
        articles_per_s=len(docs) / elapsed,
        build_s=build_s,
        rss_mb=after,
        matcher_mb=after - before,
        matches_per_article=sum(map(len, fired)) / len(docs),
        baseline_articles_per_s=done / baseline_elapsed,
        baseline_articles=done,
        agreement=both / either if either else 1.0,
    )


def print_table(rows: list[Row], articles: int) -> None:
    print(f"compiled matcher over {articles} articles; baseline on a time-boxed subset (one core)")
    header = (
        f"{'rules':>6} | {'articles/s':>10} | {'ms/article':>10} | {'build s':>7} | "
        f"{'RSS MB':>6} | {'matcher MB':>10} | {'matches/art':>11} | "
        f"{'baseline art/s':>14} | {'(articles)':>10} | {'ratio':>7} | {'agree':>5}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row.rules:>6} | {row.articles_per_s:>10.0f} | {1000 / row.articles_per_s:>10.3f} | "
            f"{row.build_s:>7.2f} | {row.rss_mb:>6.0f} | {row.matcher_mb:>10.1f} | "
            f"{row.matches_per_article:>11.2f} | {row.baseline_articles_per_s:>14.2f} | "
            f"{row.baseline_articles:>10} | {row.ratio:>6.0f}x | {row.agreement:>5.0%}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2_000)
    parser.add_argument("--baseline-seconds", type=float, default=8.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    vocab = make_vocabulary(rng)
    docs = [make_article(rng, vocab) for _ in range(args.articles)]
    all_specs = make_rules(rng, vocab, max(args.sizes))
    size = sum(len(doc.title) + len(doc.text) for doc in docs) / len(docs)
    print(f"{len(docs)} articles of {size / 1000:.1f} KB on average; rules: {args.sizes}")
    rows = [measure(all_specs[:count], docs, args.baseline_seconds) for count in args.sizes]
    print_table(rows, len(docs))
    smallest, largest = rows[0], rows[-1]
    summary = {
        "rules": largest.rules,
        "articles": len(docs),
        "articles_per_s": round(largest.articles_per_s, 1),
        "ms_per_article": round(1000 / largest.articles_per_s, 4),
        "baseline_articles_per_s": round(largest.baseline_articles_per_s, 3),
        "baseline_articles": largest.baseline_articles,
        "ratio": round(largest.ratio, 1),
        "build_s": round(largest.build_s, 3),
        "rss_mb": round(largest.rss_mb, 1),
        "matcher_mb": round(largest.matcher_mb, 1),
        "matches_per_article": round(largest.matches_per_article, 3),
        "agreement_with_baseline": round(largest.agreement, 4),
        "slowdown_vs_smallest": round(smallest.articles_per_s / largest.articles_per_s, 2),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
