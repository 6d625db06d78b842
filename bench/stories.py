"""Benchmark story assignment: throughput, memory and pair precision/recall.

Two parts, one run:

1. Throughput and peak memory of assigning a stream of generated articles
   (default 100,000 of about 460 words on average, 80 to 1,300; a third of
   them near-duplicate copies of one of the last 2,000 originals, half with
   their site's boilerplate) whose timestamps spread over 84 hours, so the
   72-hour window expires entries as it goes. Only fingerprinting, `find`,
   `add` and `expire` are timed, in wall-clock and in CPU time (the 2 cores
   are shared). The same stream, regenerated, goes through two baselines:
   exact-title-or-URL dedup (first 20,000 articles) and brute-force exact
   Jaccard >= 0.5 against every article in the window (first 600: quadratic).
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
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor.stories import StoryIndex, fingerprint, normalise_title
from monitor.stories.sketch import SHINGLE_WORDS
from tests.support.story_corpus import LabelledArticle, labelled_articles

WINDOW = timedelta(hours=72)
SPREAD = timedelta(hours=84)
START = datetime(2026, 11, 20, tzinfo=UTC)
BRUTE_FORCE_ARTICLES = 600
EXPIRE_EVERY = 500  # articles between expiry calls (the daemon expires once a poll tick)
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

    def expire(self, now: datetime) -> int:
        """Drop what is older than the window; return how many articles."""
        return 0

    def live(self) -> int:
        """Articles held for matching."""
        return 0


class IndexAssigner(Assigner):
    name = "StoryIndex (this module)"

    def __init__(self) -> None:
        super().__init__()
        self.index = StoryIndex(window=WINDOW)
        self.fingerprint_seconds = 0.0  # the daemon computes these in its worker processes

    def assign(self, title: str, text: str, url_hash: str, now: datetime) -> int:
        started = time.perf_counter()
        fp = fingerprint(title, text)
        self.fingerprint_seconds += time.perf_counter() - started
        story = self.index.find(fp, url_hash=url_hash, now=now)
        if story is None:
            story = self.new_story()
        self.index.add(story, fp, url_hash=url_hash, seen_at=now)
        return story

    def expire(self, now: datetime) -> int:
        return self.index.expire(now)

    def live(self) -> int:
        return len(self.index)


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

    def expire(self, now: datetime) -> int:
        before = len(self.seen)
        self.seen = {k: v for k, v in self.seen.items() if now - v[1] <= WINDOW}
        return before - len(self.seen)

    def live(self) -> int:
        return len(self.seen)


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

    def expire(self, now: datetime) -> int:
        before = len(self.window)
        self.window = [item for item in self.window if now - item[2] <= WINDOW]
        return before - len(self.window)

    def live(self) -> int:
        return len(self.window)


# ---------------------------------------------------------------- measurements


@dataclass(frozen=True)
class Row:
    name: str
    articles: int  # in the stream
    wall_per_s: float  # articles per second of wall-clock time (assignment and expiry)
    cpu_per_s: float  # the same per second of this process's CPU time
    precision: float  # pairs on the generated stream
    recall: float
    label_precision: float = 0.0  # pairs on the labelled set
    label_recall: float = 0.0
    index_per_s: float = 0.0  # StoryIndex only: fingerprints are made by worker processes
    live_peak: int = 0
    expired: int = 0


def run_stream(make: Callable[[], Assigner], articles: int, seed: int) -> Row:
    """Time assignment and expiry over the stream (its generation is not timed)."""
    assigner = make()
    truth: list[int] = []
    assigned: list[int] = []
    wall = cpu = 0.0
    live_peak = expired = 0
    for number, article in enumerate(ArticleStream(articles, seed)):
        started, started_cpu = time.perf_counter(), time.process_time()
        assigned.append(
            assigner.assign(article.title, article.text, article.url_hash, article.seen_at)
        )
        if number % EXPIRE_EVERY == EXPIRE_EVERY - 1:
            expired += assigner.expire(article.seen_at)
        wall += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
        truth.append(article.story)
        live_peak = max(live_peak, assigner.live())
    precision, recall = pair_scores(truth, assigned)
    fingerprinting = getattr(assigner, "fingerprint_seconds", 0.0)
    return Row(
        name=assigner.name,
        articles=articles,
        wall_per_s=articles / wall,
        cpu_per_s=articles / cpu,
        precision=precision,
        recall=recall,
        index_per_s=articles / (wall - fingerprinting) if fingerprinting else 0.0,
        live_peak=live_peak,
        expired=expired,
    )


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
    ours = run_stream(IndexAssigner, args.articles, args.seed)
    rss = peak_rss_mb()  # before the baselines, which keep their own state
    rows = [replace(ours, **labelled_scores(IndexAssigner, labelled))]
    for make, count in (
        (TitleAssigner, min(args.articles, TITLE_BASELINE_ARTICLES)),
        (JaccardAssigner, min(args.articles, BRUTE_FORCE_ARTICLES)),
    ):
        rows.append(replace(run_stream(make, count, args.seed), **labelled_scores(make, labelled)))
    print_table(rows, labelled, rss)
    title, brute = rows[1], rows[2]
    print(
        json.dumps(
            {
                "articles": ours.articles,
                "articles_per_s": round(ours.wall_per_s, 1),
                "articles_per_cpu_s": round(ours.cpu_per_s, 1),
                "index_only_articles_per_s": round(ours.index_per_s, 1),
                "rss_mb": round(rss, 1),
                "live_peak": ours.live_peak,
                "expired": ours.expired,
                "pair_precision": round(rows[0].label_precision, 4),
                "pair_recall": round(rows[0].label_recall, 4),
                "stream_pair_precision": round(ours.precision, 4),
                "stream_pair_recall": round(ours.recall, 4),
                "baseline_title_articles_per_s": round(title.wall_per_s, 1),
                "baseline_title_pair_precision": round(title.label_precision, 4),
                "baseline_title_pair_recall": round(title.label_recall, 4),
                "baseline_jaccard_articles_per_s": round(brute.wall_per_s, 1),
                "baseline_jaccard_pair_precision": round(brute.label_precision, 4),
                "baseline_jaccard_pair_recall": round(brute.label_recall, 4),
            }
        )
    )


def labelled_scores(
    make: Callable[[], Assigner], articles: list[LabelledArticle]
) -> dict[str, float]:
    precision, recall = run_labelled(make, articles)
    return {"label_precision": precision, "label_recall": recall}


def print_table(rows: list[Row], labelled: list[LabelledArticle], rss: float) -> None:
    print(labelled_summary(labelled))
    ours = rows[0]
    print(
        f"stream: {ours.articles} generated articles over {SPREAD}, window {WINDOW},"
        f" expiry every {EXPIRE_EVERY}; peak live entries {ours.live_peak},"
        f" expired {ours.expired}; peak RSS {rss:.0f} MB;"
        f" StoryIndex alone (fingerprints made elsewhere) {ours.index_per_s:.0f} articles/s"
    )
    header = (
        f"{'assigner':<44} {'articles':>8} {'art/s':>7} {'art/cpu-s':>9}"
        f" {'stream P':>8} {'stream R':>8} {'label P':>8} {'label R':>8}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row.name:<44} {row.articles:>8} {row.wall_per_s:>7.0f} {row.cpu_per_s:>9.0f}"
            f" {row.precision:>8.4f} {row.recall:>8.4f}"
            f" {row.label_precision:>8.4f} {row.label_recall:>8.4f}"
        )


if __name__ == "__main__":
    main()
