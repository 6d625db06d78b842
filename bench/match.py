"""Benchmark the compiled rules matcher against a naive regex-per-rule baseline.

Generates rules of realistic shape (1-3 word phrases, boolean combinations,
some NEAR, wildcards, field scopes, keyword lists and region-only rules) and
~3 KB articles whose words follow a Zipf distribution over an everyday
vocabulary with topical names and multi-word names mixed in. Rules are built
from the same vocabulary so that, like tuned production rules, each fires on
about 1 article in 5,000 (a few alerts a day on a 20,000-article feed): at
10,000 rules an article matches about two rules, and every match carries its
full explanation (terms, positions, snippets), as in production.

At 100, 1,000 and 10,000 rules it measures, for the compiled matcher and in
the same run for a baseline that evaluates every rule with its own regular
expressions: articles per second and milliseconds per article on one core,
build time and memory. Throughput is CPU time of this process (the best of
five passes), because the machine is shared and wall-clock time would
measure the neighbours; wall-clock throughput is printed beside it. The
sizes take turns pass by pass, so the slowdown from 100 to 10,000 rules
compares passes run under the same load. Memory is the process's resident
size after building each size (the smaller matchers stay alive). The
baseline manages a few articles per second at 10,000 rules, so it runs on a
time-boxed prefix of the articles and reports its per-article rate.

    python bench/match.py [--articles 2000] [--baseline-seconds 8] [--seed 7]

The last line printed is one JSON object with the 10,000-rule figures.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import random
import re
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from monitor.rules import (
    Document,
    Matcher,
    PlaceTag,
    RegionSpec,
    RuleSpec,
    compile_rules,
    parse_query,
)
from monitor.rules.query import And, Near, Node, Not, Or, Term

SIZES = (100, 1_000, 10_000)
SYLLABLES = "ka la mi no ru sa te vo zu be di fa go hi jo ku le ma ne pi ro si ta ul va yo ze"
SYLLABLES += " an ar el en in on or st tr br dr gr pl sk"
STOPWORDS = "the of and to in a is that for on was with he it as at by from his an were are"
STOPWORDS += " which this be has had not but or have they its their been also after who one"
STOPWORDS += " two new more when would there will said says into than other over some about"
COUNTRIES = (
    "AF", "AM", "AZ", "BY", "CN", "DE", "EE", "FR", "GB", "GE", "IN", "IR", "IQ", "IL", "JP",
    "KG", "KP", "KR", "KZ", "LT", "LV", "MD", "MN", "PK", "PL", "RO", "RU", "SY", "TJ", "TM",
    "TR", "UA", "US", "UZ", "YE", "SA", "EG", "LY", "SD", "ET", "SO", "NG", "ML", "NE", "BF",
    "CD", "VE", "CO", "BR", "MX", "AR", "CL", "PE",
)  # fmt: skip


def pseudo_words(rng: random.Random, count: int, low: int, high: int, avoid: set[str]) -> list[str]:
    """Make `count` distinct pronounceable words of `low`..`high` syllables."""
    syllables = SYLLABLES.split()
    found: dict[str, None] = {}
    while len(found) < count:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(low, high)))
        if len(word) >= 3 and word not in avoid:
            found[word] = None
    return list(found)


@dataclass(frozen=True)
class Pool:
    """Words drawn with a Zipf distribution (rank r has weight 1 / r**exponent)."""

    items: list[str]
    cumulative: list[float]

    @classmethod
    def zipf(cls, items: list[str], exponent: float) -> Pool:
        weights = (1.0 / (rank + 1) ** exponent for rank in range(len(items)))
        return cls(items, list(itertools.accumulate(weights)))

    def draw(self, rng: random.Random, k: int = 1) -> list[str]:
        return rng.choices(self.items, cum_weights=self.cumulative, k=k)


@dataclass(frozen=True)
class Vocabulary:
    background: Pool  # everyday words: most of every article
    names: Pool  # topical names: a few per sentence
    entities: Pool  # multi-word names: a few per article


def make_vocabulary(rng: random.Random) -> Vocabulary:
    stopwords = STOPWORDS.split()
    background = stopwords + pseudo_words(rng, 6_000, 1, 3, set(stopwords))
    names = [w.capitalize() for w in pseudo_words(rng, 100_000, 2, 4, set(background))]
    entities = [" ".join(rng.sample(names, rng.choice((2, 2, 3)))) for _ in range(20_000)]
    return Vocabulary(Pool.zipf(background, 1.0), Pool.zipf(names, 0.8), Pool.zipf(entities, 0.7))


def make_article(rng: random.Random, vocab: Vocabulary, size: int = 3_000) -> Document:
    """An article of about `size` characters: sentences of common words with topical names."""
    sentences = []
    length = 0
    while length < size:
        count = rng.randint(8, 22)
        chosen = vocab.background.draw(rng, count)
        for slot in rng.sample(range(count), k=rng.randint(0, 2)):
            chosen[slot] = vocab.names.draw(rng)[0] + ("'s" if rng.random() < 0.1 else "")
        if rng.random() < 0.1:
            chosen[rng.randrange(count)] = vocab.entities.draw(rng)[0]
        if rng.random() < 0.1:
            chosen[rng.randrange(count)] += "-" + vocab.background.items[rng.randrange(300)]
        sentence = " ".join(chosen)
        sentence = sentence[0].upper() + sentence[1:] + rng.choice((".", ".", ",", ";", "?"))
        sentences.append(sentence)
        length += len(sentence) + 1
    title = " ".join(vocab.names.draw(rng, 3))
    places = tuple(
        PlaceTag(code, "Somewhere", "country", rng.random(), rng.random() < 0.3)
        for code in rng.sample(COUNTRIES, rng.randint(0, 3))
    )
    return Document(
        title,
        " ".join(sentences),
        url=f"https://news.example/{rng.randrange(10**9)}",
        source=rng.choice(("wire", "steppe-asia", "daily")),
        language="en",
        places=places,
    )


def make_rules(rng: random.Random, vocab: Vocabulary, count: int) -> list[RuleSpec]:
    """Rules of realistic shape: topical names and phrases, narrowed by everyday words."""
    names = vocab.names.items[5_000:]
    common = vocab.background.items[100:3_000]

    def topical() -> str:
        if rng.random() < 0.4:
            return '"' + rng.choice(vocab.entities.items) + '"'
        return rng.choice(names)

    def everyday() -> str:
        if rng.random() < 0.2:
            return '"' + " ".join(rng.sample(common, 2)) + '"'
        return rng.choice(common)

    def any_of(term: Callable[[], str], low: int, high: int) -> str:
        return "(" + " OR ".join(term() for _ in range(rng.randint(low, high))) + ")"

    shapes: list[tuple[int, Callable[[], str]]] = [
        (15, lambda: any_of(topical, 1, 2)),
        (30, lambda: f"{any_of(topical, 1, 4)} AND {any_of(everyday, 1, 3)}"),
        (10, lambda: f"{any_of(topical, 1, 3)} AND NOT {everyday()}"),
        (12, lambda: f"{topical()} NEAR/{rng.randint(2, 10)} {everyday()}"),
        (8, lambda: f"{rng.choice(names)[:5]}* AND {any_of(everyday, 1, 3)}"),
        (10, lambda: f"title:{topical()} OR ({topical()} {everyday()})"),
        (15, lambda: f"{any_of(topical, 1, 3)} {everyday()} -{topical()}"),
    ]
    weights = [weight for weight, _ in shapes]
    specs = []
    for number in range(count):
        name = f"rule-{number}"
        regions: tuple[RegionSpec, ...] = ()
        if rng.random() < 0.1:
            regions = (RegionSpec("region", frozenset(rng.sample(COUNTRIES, 3))),)
        kind = rng.random()
        if kind < 0.002:
            region = RegionSpec("region", frozenset(rng.sample(COUNTRIES, 1)))
            specs.append(RuleSpec(name, regions=(region,)))
        elif kind < 0.2:
            keywords = tuple(topical().strip('"') for _ in range(rng.randint(1, 2)))
            specs.append(RuleSpec(name, keywords=keywords, regions=regions))
        else:
            query = rng.choices(shapes, weights)[0][1]()
            specs.append(RuleSpec(name, query=query, regions=regions))
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
        if self.root is not None:
            self.compile_all(self.root)

    def compile_all(self, node: Node) -> None:
        """Compile every regular expression up front: the baseline's build, not its matching."""
        if isinstance(node, Term | Near):
            self.pattern(node)
        elif isinstance(node, Not):
            self.compile_all(node.child)
        elif isinstance(node, And | Or):
            for child in node.children:
                self.compile_all(child)

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
    articles_per_s: float  # CPU time, best of five passes
    wall_articles_per_s: float
    build_s: float
    rss_mb: float
    matcher_mb: float
    matches_per_article: float
    baseline_articles_per_s: float  # CPU time
    baseline_articles: int
    agreement: float

    @property
    def ratio(self) -> float:
        return self.articles_per_s / self.baseline_articles_per_s


@dataclass
class Sized:
    """One size of rule set under test: its matcher and what has been measured of it."""

    specs: list[RuleSpec]
    matcher: Matcher
    build_s: float
    rss_mb: float
    matcher_mb: float
    best_cpu: float = float("inf")
    best_wall: float = float("inf")
    fired: list[set[str]] = field(default_factory=list)


def build(specs: list[RuleSpec]) -> Sized:
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    matcher = compile_rules(specs)
    build_s = time.perf_counter() - started
    gc.collect()
    after = rss_mb()
    return Sized(specs, matcher, build_s, after, after - before)


def time_matchers(sizes: list[Sized], docs: list[Document], passes: int = 5) -> None:
    """Match every article `passes` times with each matcher, keeping the best CPU and wall times.

    The passes of the sizes take turns (100, 1,000, 10,000, 100, ...), so a
    stretch of load from the machine's neighbours falls on every size alike
    instead of on whichever happened to be running, and the ratios between
    sizes measure the matcher rather than the moment.
    """
    for sized in sizes:
        sized.matcher.match(docs[0])
    for _ in range(passes):
        for sized in sizes:
            cpu, wall = time.process_time(), time.perf_counter()
            fired = [{match.rule for match in sized.matcher.match(doc)} for doc in docs]
            sized.best_cpu = min(sized.best_cpu, time.process_time() - cpu)
            sized.best_wall = min(sized.best_wall, time.perf_counter() - wall)
            sized.fired = fired


def measure(sized: Sized, docs: list[Document], baseline_seconds: float) -> Row:
    """Run the baseline on a time-boxed prefix of the articles and compare what fired."""
    baseline = [RegexRule(spec) for spec in sized.specs]
    started, cpu = time.perf_counter(), time.process_time()
    both = either = done = 0
    for doc, ours in zip(docs, sized.fired, strict=True):
        theirs = {rule.spec.name for rule in baseline if rule.holds(doc)}
        both += len(ours & theirs)
        either += len(ours | theirs)
        done += 1
        if time.perf_counter() - started > baseline_seconds:
            break
    baseline_cpu = time.process_time() - cpu
    return Row(
        rules=len(sized.specs),
        articles_per_s=len(docs) / sized.best_cpu,
        wall_articles_per_s=len(docs) / sized.best_wall,
        build_s=sized.build_s,
        rss_mb=sized.rss_mb,
        matcher_mb=sized.matcher_mb,
        matches_per_article=sum(map(len, sized.fired)) / len(docs),
        baseline_articles_per_s=done / baseline_cpu,
        baseline_articles=done,
        agreement=both / either if either else 1.0,
    )


def print_table(rows: list[Row], articles: int) -> None:
    print(f"matcher: {articles} articles, best of 5 passes; baseline: time-boxed prefix; one core")
    header = (
        f"{'rules':>6} | {'articles/s':>10} | {'ms/article':>10} | {'wall art/s':>10} | "
        f"{'build s':>7} | {'RSS MB':>6} | {'matcher MB':>10} | {'matches/art':>11} | "
        f"{'baseline art/s':>14} | {'(articles)':>10} | {'ratio':>7} | {'agree':>6}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row.rules:>6} | {row.articles_per_s:>10.0f} | {1000 / row.articles_per_s:>10.3f} | "
            f"{row.wall_articles_per_s:>10.0f} | {row.build_s:>7.2f} | {row.rss_mb:>6.0f} | "
            f"{row.matcher_mb:>10.1f} | {row.matches_per_article:>11.2f} | "
            f"{row.baseline_articles_per_s:>14.2f} | {row.baseline_articles:>10} | "
            f"{row.ratio:>6.0f}x | {row.agreement:>6.1%}"
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
    sizes = [build(all_specs[:count]) for count in args.sizes]
    time_matchers(sizes, docs)
    rows = [measure(sized, docs, args.baseline_seconds) for sized in sizes]
    print_table(rows, len(docs))
    smallest, largest = rows[0], rows[-1]
    summary = {
        "rules": largest.rules,
        "articles": len(docs),
        "articles_per_s": round(largest.articles_per_s, 1),
        "wall_articles_per_s": round(largest.wall_articles_per_s, 1),
        "ms_per_article": round(1000 / largest.articles_per_s, 4),
        "baseline_articles_per_s": round(largest.baseline_articles_per_s, 3),
        "baseline_articles": largest.baseline_articles,
        "ratio": round(largest.ratio, 1),
        "build_s": round(largest.build_s, 3),
        "rss_mb": round(largest.rss_mb, 1),
        "matcher_mb": round(largest.matcher_mb, 1),
        "matches_per_article": round(largest.matches_per_article, 3),
        "agreement_with_baseline": round(largest.agreement, 4),
        "articles_per_s_at_smallest": round(smallest.articles_per_s, 1),
        "slowdown_vs_smallest": round(smallest.articles_per_s / largest.articles_per_s, 2),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
