"""Benchmark story assignment: throughput, memory and pair precision/recall.

Two parts, one run:

1. Throughput and peak memory of assigning a stream of generated articles
   (default 100,000, 350 to 900 words, a third of them near-duplicate copies of
   one of the last 2,000 originals, half with their site's boilerplate)
   whose timestamps spread over 84 hours, so a 72-hour window expires
   entries as it goes. The same stream, regenerated, is run through two
   baselines: exact-title-only dedup, and brute-force exact Jaccard over
   every pair in the window (on the first articles only: it is quadratic).
2. Pair precision and recall on the hand-labelled set in tests/data/stories/
   (every pair of articles assigned to the same story vs. written as the
   same story), for the index and for the same two baselines.

    python bench/stories.py [--articles N] [--seed S]

Prints a table, then as the last line one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor.stories import (
    SHINGLE_WORDS,
    StoryIndex,
    fingerprint,
    normalise_title,
)
from tests.support.story_corpus import LabelledArticle, labelled_articles

WINDOW = timedelta(hours=72)
SPREAD = timedelta(hours=84)
START = datetime(2026, 11, 20, tzinfo=UTC)
BRUTE_FORCE_ARTICLES = 1_500
TITLE_BASELINE_ARTICLES = 20_000
COPY_SHARE = 0.33
RECENT_ORIGINALS = 2_000  # copies are of one of the last this many originals


@dataclass(frozen=True)
class Article:
    story: int  # ground truth: the original's number
    title: str
    text: str
    url_hash: str
    seen_at: datetime


# ---------------------------------------------------------------- generated stream


class ArticleStream:
    """Deterministic stream of news-like articles with a share of syndicated copies.

    Words follow a Zipf law over a 30,000-word vocabulary (with the common
    English function words at the top), and articles use recurring newsroom
    phrases, so unrelated texts share some shingles as real ones do.
    """

    PHRASES = (
        "said in a statement on",
        "according to the ministry",
        "told reporters on Tuesday",
        "the prime minister said",
        "declined to comment on the",
        "in the capital on Monday",
        "the government said it would",
        "officials said on Wednesday",
    )
    FUNCTION_WORDS = (
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "that",
        "for",
        "on",
        "is",
        "was",
        "with",
        "as",
        "by",
        "at",
        "said",
        "from",
        "it",
        "his",
        "an",
        "be",
        "has",
        "are",
        "have",
        "not",
        "were",
        "which",
        "but",
        "had",
        "this",
        "its",
        "after",
        "they",
        "been",
        "who",
        "their",
        "also",
        "more",
        "will",
        "than",
        "two",
        "would",
        "over",
        "about",
        "up",
        "year",
        "into",
        "first",
        "new",
        "last",
        "people",
        "other",
        "one",
        "could",
    )

    def __init__(self, count: int, seed: int) -> None:
        self.count = count
        self.rng = random.Random(seed)
        letters = "abcdefghijklmnopqrstuvwxyz"
        content = [
            "".join(self.rng.choice(letters) for _ in range(self.rng.randint(3, 11)))
            for _ in range(30_000)
        ]
        self.vocabulary = [*self.FUNCTION_WORDS, *content]
        weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(self.vocabulary))]
        total = 0.0
        self.cumulative = []
        for weight in weights:
            total += weight
            self.cumulative.append(total)
        self.sites = [self._boilerplate() for _ in range(200)]

    def __iter__(self) -> Iterator[Article]:
        recent: deque[tuple[int, str, list[str]]] = deque(maxlen=RECENT_ORIGINALS)
        step = SPREAD / self.count
        for number in range(self.count):
            seen_at = START + step * number
            url_hash = f"{self.rng.getrandbits(128):032x}"
            if recent and self.rng.random() < COPY_SHARE:
                story, title, paragraphs = recent[self.rng.randrange(len(recent))]
                title, text = self._copy_of(title, paragraphs)
                yield Article(story, title, text, url_hash, seen_at)
                continue
            title = self._sentence(8, 14).rstrip(".")
            paragraphs = [
                " ".join(self._sentence(14, 30) for _ in range(self.rng.randint(1, 3)))
                for _ in range(self.rng.randint(6, 14))
            ]
            recent.append((number, title, paragraphs))
            yield Article(number, title, self._dress(paragraphs), url_hash, seen_at)

    def _words(self, count: int) -> list[str]:
        return self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=count)

    def _sentence(self, low: int, high: int) -> str:
        words = self._words(self.rng.randint(low, high))
        if self.rng.random() < 0.3:
            words.insert(self.rng.randrange(len(words)), self.rng.choice(self.PHRASES))
        return " ".join(words).capitalize() + "."

    def _boilerplate(self) -> str:
        return " ".join(self._sentence(10, 20) for _ in range(self.rng.randint(2, 4)))

    def _dress(self, paragraphs: list[str]) -> str:
        body = "\n\n".join(paragraphs)
        if self.rng.random() < 0.5:
            body += "\n\n" + self.rng.choice(self.sites)
        return body

    def _copy_of(self, title: str, paragraphs: list[str]) -> tuple[str, str]:
        """A syndicated copy: new headline half the time, trimmed, lead added, lightly edited."""
        rng = self.rng
        if rng.random() < 0.5:
            title = self._sentence(8, 14).rstrip(".")
        body = list(paragraphs[: max(3, len(paragraphs) - rng.randint(0, 4))])
        if rng.random() < 0.5:
            body[0] = "CITY, Nov 24 (Agency) - " + body[0]
        for _ in range(rng.randint(0, 6)):
            index = rng.randrange(len(body))
            words = body[index].split()
            words[rng.randrange(len(words))] = self._words(1)[0]
            body[index] = " ".join(words)
        return title, self._dress(body)


# ---------------------------------------------------------------- assigners


class Assigner:
    """Gives each article a story id; subclasses decide what counts as the same story."""

    name = ""

    def __init__(self) -> None:
        self.next_story = 0

    def new_story(self) -> int:
        self.next_story += 1
        return self.next_story

    def assign(self, title: str, text: str, url_hash: str, now: datetime) -> int:
        raise NotImplementedError

    def expire(self, now: datetime) -> None:
        """Drop what is older than the window."""


class IndexAssigner(Assigner):
    name = "StoryIndex (this module)"

    def __init__(self) -> None:
        super().__init__()
        self.index = StoryIndex(window=WINDOW)

    def assign(self, title: str, text: str, url_hash: str, now: datetime) -> int:
        fp = fingerprint(title, text)
        story = self.index.find(fp, url_hash=url_hash, now=now)
        if story is None:
            story = self.new_story()
        self.index.add(story, fp, url_hash=url_hash, seen_at=now)
        return story

    def expire(self, now: datetime) -> None:
        self.index.expire(now)


class TitleAssigner(Assigner):
    name = "baseline: exact normalised title or URL"

    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[str, tuple[int, datetime]] = {}

    def assign(self, title: str, text: str, url_hash: str, now: datetime) -> int:
        keys = ("u:" + url_hash, "t:" + normalise_title(title))
        story = next((self.seen[key][0] for key in keys if key in self.seen), None)
        if story is None:
            story = self.new_story()
        for key in keys:
            self.seen[key] = (story, now)
        return story

    def expire(self, now: datetime) -> None:
        self.seen = {k: v for k, v in self.seen.items() if now - v[1] <= WINDOW}


class JaccardAssigner(Assigner):
    name = "baseline: brute-force exact Jaccard >= 0.5"

    def __init__(self) -> None:
        super().__init__()
        self.window: list[tuple[frozenset[str], int, datetime]] = []

    def assign(self, title: str, text: str, url_hash: str, now: datetime) -> int:
        words = text.casefold().split()
        shingles = frozenset(
            " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
        )
        best, story = 0.5, None
        for other, other_story, _ in self.window:
            union = len(shingles | other)
            score = len(shingles & other) / union if union else 0.0
            if score >= best:
                best, story = score, other_story
        if story is None:
            story = self.new_story()
        self.window.append((shingles, story, now))
        return story

    def expire(self, now: datetime) -> None:
        self.window = [item for item in self.window if now - item[2] <= WINDOW]


# ---------------------------------------------------------------- measurements


@dataclass(frozen=True)
class Row:
    name: str
    articles: int
    articles_per_s: float
    precision: float | None
    recall: float | None
    label_precision: float | None
    label_recall: float | None


def run_stream(
    make: Callable[[], Assigner], articles: int, seed: int
) -> tuple[float, float, float]:
    """Articles per second (assignment and expiry only) and stream pair precision/recall."""
    assigner = make()
    truth: list[int] = []
    assigned: list[int] = []
    busy = 0.0
    for number, article in enumerate(ArticleStream(articles, seed)):
        started = time.perf_counter()
        assigned.append(
            assigner.assign(article.title, article.text, article.url_hash, article.seen_at)
        )
        if number % 500 == 499:
            assigner.expire(article.seen_at)
        busy += time.perf_counter() - started
        truth.append(article.story)
    precision, recall = pair_scores(truth, assigned)
    return articles / busy, precision, recall


def pair_scores(truth: list[int], assigned: list[int]) -> tuple[float, float]:
    """Precision and recall over unordered pairs, counted through cluster sizes (no n^2 loop)."""
    both: dict[tuple[int, int], int] = {}
    by_truth: dict[int, int] = {}
    by_assigned: dict[int, int] = {}
    for real, got in zip(truth, assigned, strict=True):
        both[real, got] = both.get((real, got), 0) + 1
        by_truth[real] = by_truth.get(real, 0) + 1
        by_assigned[got] = by_assigned.get(got, 0) + 1

    def pairs(counts: dict) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    agreed, predicted, real = pairs(both), pairs(by_assigned), pairs(by_truth)
    return (agreed / predicted if predicted else 1.0), (agreed / real if real else 1.0)


def run_labelled(
    make: Callable[[], Assigner], articles: list[LabelledArticle]
) -> tuple[float, float]:
    assigner = make()
    stories: dict[str, int] = {}
    truth, assigned = [], []
    for number, article in enumerate(articles):
        now = START + timedelta(minutes=10 * number)
        assigned.append(assigner.assign(article.title, article.text, article.url_hash, now))
        truth.append(stories.setdefault(article.story, len(stories)))
    return pair_scores(truth, assigned)


def labelled_summary(articles: list[LabelledArticle]) -> str:
    topics: dict[str, set[str]] = {}
    for article in articles:
        topics.setdefault(article.topic, set()).add(article.story)
    same_topic = sum(len(list(combinations(stories, 2))) for stories in topics.values())
    return (
        f"labelled set: {len(articles)} articles, {sum(len(s) for s in topics.values())} stories,"
        f" {same_topic} same-topic story pairs"
    )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    labelled = labelled_articles()
    rows = []
    rate, precision, recall = run_stream(IndexAssigner, args.articles, args.seed)
    rss = peak_rss_mb()  # before the baselines, which keep their own state
    label_p, label_r = run_labelled(IndexAssigner, labelled)
    rows.append(Row(IndexAssigner.name, args.articles, rate, precision, recall, label_p, label_r))
    for make, count in (
        (TitleAssigner, min(args.articles, TITLE_BASELINE_ARTICLES)),
        (JaccardAssigner, min(args.articles, BRUTE_FORCE_ARTICLES)),
    ):
        rate_b, precision_b, recall_b = run_stream(make, count, args.seed)
        label_pb, label_rb = run_labelled(make, labelled)
        rows.append(Row(make.name, count, rate_b, precision_b, recall_b, label_pb, label_rb))

    print(labelled_summary(labelled))
    print(f"stream: {args.articles} articles over {SPREAD}, window {WINDOW}; peak RSS {rss:.0f} MB")
    header = (
        f"{'assigner':<42} {'articles':>8} {'art/s':>8} {'stream P':>8} {'stream R':>8}"
        f" {'label P':>8} {'label R':>8}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row.name:<42} {row.articles:>8} {row.articles_per_s:>8.0f}"
            f" {row.precision:>8.4f} {row.recall:>8.4f}"
            f" {row.label_precision:>8.4f} {row.label_recall:>8.4f}"
        )
    ours, title, brute = rows
    print(
        json.dumps(
            {
                "articles": args.articles,
                "articles_per_s": round(ours.articles_per_s, 1),
                "rss_mb": round(rss, 1),
                "pair_precision": round(label_p, 4),
                "pair_recall": round(label_r, 4),
                "stream_pair_precision": round(precision, 4),
                "stream_pair_recall": round(recall, 4),
                "baseline_title_articles_per_s": round(title.articles_per_s, 1),
                "baseline_title_pair_precision": round(title.label_precision or 0.0, 4),
                "baseline_title_pair_recall": round(title.label_recall or 0.0, 4),
                "baseline_jaccard_articles_per_s": round(brute.articles_per_s, 1),
                "baseline_jaccard_articles": brute.articles,
                "baseline_jaccard_pair_precision": round(brute.label_precision or 0.0, 4),
                "baseline_jaccard_pair_recall": round(brute.label_recall or 0.0, 4),
            }
        )
    )


if __name__ == "__main__":
    main()
