"""Story clustering: syndicated copies become one story, different stories stay apart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.stories import (
    StoryFingerprint,
    StoryIndex,
    body_signature,
    fingerprint,
    normalise_title,
    title_key,
)
from tests.support.story_corpus import BaseStory, labelled_articles, load_bases, true_pairs

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
BASES = {base.slug: base for base in load_bases()}
FOOTER = (
    "Sign up for our morning newsletter to get the most important stories from Eurasia "
    "delivered to your inbox every weekday. © 2026 Eurasia Daily Monitor. All rights reserved. "
    "This material may not be published, broadcast, rewritten or redistributed without "
    "permission. Follow us on Telegram and X for the latest updates from the region."
)


def body(slug: str, *, first: int | None = None, lead: str = "", trailer: str = "") -> str:
    paragraphs = list(BASES[slug].paragraphs[:first])
    return "\n\n".join(p for p in (lead, *paragraphs, trailer) if p)


def base(slug: str) -> BaseStory:
    return BASES[slug]


@dataclass(frozen=True)
class Case:
    first: tuple[str, str]  # title, text of the article already seen
    second: tuple[str, str]  # title, text of the new article
    same: bool
    same_url: bool = False


CASES = {
    "same canonical URL, page rewritten since": Case(
        (base("06-ecb-holds").title, body("06-ecb-holds")),
        ("ECB decision: live reaction", "Markets react to the decision."),
        same=True,
        same_url=True,
    ),
    "same headline with and without the site name": Case(
        (base("13-eu-dma-fine").title, body("13-eu-dma-fine", first=1)),
        (base("13-eu-dma-fine").title + " - The Capital Times", "Short teaser."),
        same=True,
    ),
    "rewritten headline over the same body and another site's footer": Case(
        (base("01-batken-clash").title, body("01-batken-clash")),
        (base("01-batken-clash").alt_titles[0], body("01-batken-clash", trailer=FOOTER)),
        same=True,
    ),
    "trimmed wire copy with a dateline lead": Case(
        (base("04-turkey-quake").title, body("04-turkey-quake")),
        (
            base("04-turkey-quake").alt_titles[1],
            "ANKARA, Nov 24 (Steppe Wire) - " + body("04-turkey-quake", first=3),
        ),
        same=True,
    ),
    "copy with an editor's lead and a related-coverage trailer": Case(
        (base("21-caspian-pipeline").title, body("21-caspian-pipeline")),
        (
            base("21-caspian-pipeline").alt_titles[0],
            body(
                "21-caspian-pipeline",
                lead="(Adds comment from the Kazakh energy ministry in paragraph 2)",
                trailer="Related coverage: read our explainer on Kazakhstan's export routes.",
            ),
        ),
        same=True,
    ),
    "the same feed summary under two headlines": Case(
        (base("22-uzbek-gas").title, body("22-uzbek-gas", first=1)),
        (base("22-uzbek-gas").alt_titles[0], body("22-uzbek-gas", first=1)),
        same=True,
    ),
    "same border, same day, different story sharing a background paragraph": Case(
        (base("01-batken-clash").title, body("01-batken-clash")),
        (base("19-kyrgyz-tajik-talks").title, body("19-kyrgyz-tajik-talks")),
        same=False,
    ),
    "same day, same region, border security from another country": Case(
        (base("03-csto-drill-tajik").title, body("03-csto-drill-tajik")),
        (base("02-kazakh-china-checks").title, body("02-kazakh-china-checks")),
        same=False,
    ),
    "two rate decisions on the same day": Case(
        (base("06-ecb-holds").title, body("06-ecb-holds")),
        (base("07-boe-cuts").title, body("07-boe-cuts")),
        same=False,
    ),
    "feed summaries of different stories sharing names and phrases": Case(
        (base("01-batken-clash").alt_titles[1], body("01-batken-clash", first=1)),
        (base("19-kyrgyz-tajik-talks").alt_titles[0], body("19-kyrgyz-tajik-talks", first=1)),
        same=False,
    ),
    "generic live-blog headline over different stories": Case(
        ("Live updates", body("15-california-fire")),
        ("Live updates", body("16-australia-bushfire")),
        same=False,
    ),
    "headline too short to trust over different stories": Case(
        ("Border tensions", "Kyrgyz and Tajik guards exchanged fire near Batken."),
        ("Border tensions", "Kazakhstan ordered full inspections of lorries at Khorgos."),
        same=False,
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_new_article_joins_the_story_of_its_near_duplicate_only(case: Case) -> None:
    index = StoryIndex()
    index.add(7, fingerprint(*case.first), url_hash="u-first", seen_at=T0)
    found = index.find(
        fingerprint(*case.second),
        url_hash="u-first" if case.same_url else "u-second",
        now=T0 + timedelta(hours=5),
    )
    assert found == (7 if case.same else None)


def test_later_copies_join_the_first_story_not_a_new_one() -> None:
    index = StoryIndex()
    slug = "11-sindh-floods"
    copies = [
        (base(slug).title, body(slug)),
        (base(slug).alt_titles[0], body(slug, first=4, trailer=FOOTER)),
        (base(slug).alt_titles[1], "(KARACHI) " + body(slug, first=3)),
    ]
    for number, (title, text) in enumerate(copies):
        fp = fingerprint(title, text)
        now = T0 + timedelta(minutes=30 * number)
        story = index.find(fp, url_hash=f"u{number}", now=now)
        index.add(
            story if story is not None else 100 + number, fp, url_hash=f"u{number}", seen_at=now
        )
        assert story == (None if number == 0 else 100)


def test_a_story_syndicated_by_many_sites_keeps_collecting_its_copies() -> None:
    index = StoryIndex()
    slug = "25-red-sea-ship"
    index.add(1, fingerprint(base(slug).title, body(slug)), url_hash="u0", seen_at=T0)
    for number in range(1, 41):
        copy = body(slug, first=4 + number % 2, lead=f"(Site {number}) By staff reporter {number}")
        fp = fingerprint(f"{base(slug).alt_titles[number % 2]} {number}", copy)
        now = T0 + timedelta(minutes=number)
        assert index.find(fp, url_hash=f"u{number}", now=now) == 1
        index.add(1, fp, url_hash=f"u{number}", seen_at=now)


def test_a_sites_footer_does_not_make_its_short_stories_one_story() -> None:
    index = StoryIndex()
    slugs = ["20-opec-output", "22-uzbek-gas", "23-measles", "24-malaria-vaccine"]
    for number, slug in enumerate(slugs[:3]):
        text = body(slug, first=1) + "\n\n" + FOOTER
        index.add(number, fingerprint(base(slug).title, text), url_hash=slug, seen_at=T0)
    brief = body(slugs[3], first=1) + "\n\n" + FOOTER

    # Half of this brief is the footer: against one story of the site it would join it...
    fresh = StoryIndex()
    fresh.add(
        0, fingerprint("a", body(slugs[0], first=1) + "\n\n" + FOOTER), url_hash="a", seen_at=T0
    )
    assert fresh.find(fingerprint("b", brief), url_hash="b", now=T0) == 0
    # ...but once several stories carry the footer, it counts as boilerplate.
    assert index.find(fingerprint("Malaria shot", brief), url_hash="new", now=T0) is None


def test_labelled_set_pairs_meet_precision_and_recall_floors() -> None:
    articles = labelled_articles()
    index = StoryIndex()
    assigned: list[int] = []
    for number, article in enumerate(articles):
        fp = fingerprint(article.title, article.text)
        now = T0 + timedelta(minutes=10 * number)
        story = index.find(fp, url_hash=article.url_hash, now=now)
        story = number if story is None else story
        index.add(story, fp, url_hash=article.url_hash, seen_at=now)
        assigned.append(story)
    counts = {"tp": 0, "fp": 0, "fn": 0}
    for i, j, same in true_pairs(articles):
        predicted = assigned[i] == assigned[j]
        if predicted:
            counts["tp" if same else "fp"] += 1
        elif same:
            counts["fn"] += 1
    precision = counts["tp"] / (counts["tp"] + counts["fp"])
    recall = counts["tp"] / (counts["tp"] + counts["fn"])
    assert precision >= 0.95, counts
    assert recall >= 0.85, counts


def test_index_rebuilt_from_stored_fingerprints_decides_the_same() -> None:
    articles = labelled_articles()[:60]
    stored: list[tuple[int, bytes, str, datetime]] = []
    live = StoryIndex()
    for number, article in enumerate(articles):
        fp = fingerprint(article.title, article.text)
        now = T0 + timedelta(minutes=number)
        story = live.find(fp, url_hash=article.url_hash, now=now)
        story = number if story is None else story
        live.add(story, fp, url_hash=article.url_hash, seen_at=now)
        stored.append((story, fp.to_bytes(), article.url_hash, now))

    rebuilt = StoryIndex()
    for story, data, url_hash, seen_at in stored:
        rebuilt.add(story, StoryFingerprint.from_bytes(data), url_hash=url_hash, seen_at=seen_at)
    later = T0 + timedelta(hours=1)
    for article in labelled_articles()[60:]:
        fp = fingerprint(article.title, article.text)
        assert rebuilt.find(fp, url_hash="new", now=later) == live.find(
            fp, url_hash="new", now=later
        )


def test_articles_leave_the_window_and_are_dropped_on_expiry() -> None:
    index = StoryIndex(window=timedelta(hours=72))
    fp = fingerprint(base("25-red-sea-ship").title, body("25-red-sea-ship"))
    index.add(1, fp, url_hash="a", seen_at=T0)
    index.add(
        2,
        fingerprint("Other", body("26-black-sea-grain")),
        url_hash="b",
        seen_at=T0 + timedelta(hours=10),
    )

    assert index.find(fp, url_hash="c", now=T0 + timedelta(hours=71)) == 1
    # Outside the window before any expiry has run: no longer a match.
    assert index.find(fp, url_hash="c", now=T0 + timedelta(hours=73)) is None
    assert index.expire(T0 + timedelta(hours=73)) == 1
    assert len(index) == 1
    assert index.expire(T0 + timedelta(hours=73)) == 0
    assert index.expire(T0 + timedelta(hours=83)) == 1
    assert len(index) == 0


def test_memory_is_bounded_by_the_window_not_by_history() -> None:
    index = StoryIndex(window=timedelta(hours=2))
    fps = [fingerprint(b.title, "\n\n".join(b.paragraphs)) for b in BASES.values()]
    for minute in range(0, 24 * 60, 5):
        now = T0 + timedelta(minutes=minute)
        index.add(minute, fps[minute % len(fps)], url_hash=f"u{minute}", seen_at=now)
        index.expire(now)
        assert len(index) <= 25  # 2 hours of one article every 5 minutes, plus the new one


def test_expired_story_no_longer_matches_and_a_fresh_copy_starts_a_new_one() -> None:
    index = StoryIndex(window=timedelta(hours=1))
    fp = fingerprint(base("18-airline-strike").title, body("18-airline-strike"))
    index.add(5, fp, url_hash="a", seen_at=T0)
    index.expire(T0 + timedelta(hours=2))
    assert index.find(fp, url_hash="a", now=T0 + timedelta(hours=2)) is None


def test_fingerprints_are_identical_in_another_process() -> None:
    samples = [(a.title, a.text) for a in labelled_articles()[:12]]
    here = [fingerprint(title, text).to_bytes().hex() for title, text in samples]
    program = (
        "import json, sys\n"
        "from monitor.stories import fingerprint\n"
        "samples = json.load(sys.stdin)\n"
        "print(json.dumps([fingerprint(t, x).to_bytes().hex() for t, x in samples]))\n"
    )
    for seed in ("1", "4242"):
        result = subprocess.run(
            [sys.executable, "-c", program],
            input=json.dumps(samples),
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=Path(__file__).resolve().parent.parent,
        )
        assert json.loads(result.stdout) == here


@given(
    key=st.text(max_size=80).filter(lambda s: len(s.encode("utf-8")) <= 255),
    signature=st.binary(max_size=600),
)
def test_fingerprint_bytes_round_trip(key: str, signature: bytes) -> None:
    fp = StoryFingerprint(title_key=key, signature=signature)
    assert StoryFingerprint.from_bytes(fp.to_bytes()) == fp


@given(title=st.text(max_size=200), text=st.text(max_size=3000))
def test_any_article_fingerprints_and_round_trips(title: str, text: str) -> None:
    fp = fingerprint(title, text)
    assert StoryFingerprint.from_bytes(fp.to_bytes()) == fp
    index = StoryIndex()
    index.add(1, fp, url_hash="u", seen_at=T0)
    assert index.find(fp, url_hash="v", now=T0) in (None, 1)


@pytest.mark.parametrize(
    "data",
    [b"", b"\x01", b"\x09\x00", b"\x01\x10short"],
    ids=["empty", "no length", "unknown version", "truncated title key"],
)
def test_unreadable_fingerprint_bytes_are_rejected(data: bytes) -> None:
    with pytest.raises(ValueError, match="fingerprint"):
        StoryFingerprint.from_bytes(data)


def test_malformed_signature_is_an_error_and_another_version_is_ignored() -> None:
    good = fingerprint("t", body("09-moldova-runoff")).signature
    index = StoryIndex()
    with pytest.raises(ValueError, match="malformed story signature"):
        index.add(1, StoryFingerprint("", good[:-3]), url_hash="a", seen_at=T0)
    index.add(2, StoryFingerprint("", b"\x01" + good[1:]), url_hash="b", seen_at=T0)
    assert index.find(StoryFingerprint("", good), url_hash="c", now=T0) is None


def test_short_text_has_no_body_signature_and_short_title_no_key() -> None:
    assert body_signature("Troops deployed along the border on Tuesday, officials said.") == b""
    assert title_key("Border clash") == ""
    assert title_key("Live updates") == ""
    assert title_key("Kyrgyz and Tajik guards exchange fire") != ""


@pytest.mark.parametrize(
    ("title", "normal"),
    [
        ("Quake hits eastern Turkey - The Capital Times", "quake hits eastern turkey"),
        ("Quake hits eastern Turkey | Eurasia Daily Monitor", "quake hits eastern turkey"),
        ("QUAKE hits eastern   Turkey!", "quake hits eastern turkey"),
        ("Kazakhstan - Kyrgyzstan border reopens", "kazakhstan kyrgyzstan border reopens"),
        ("Quake hits eastern Turkey: dozens hurt", "quake hits eastern turkey dozens hurt"),
        ("Граница Киргизии и Таджикистана — Азаттык", "граница киргизии и таджикистана"),
        ("Floods cut off villages in Sindh - Al-Jazeera", "floods cut off villages in sindh"),
        ("Talks in Khujand - Day two - Border commission", "talks in khujand day two"),
    ],
    ids=[
        "dash site suffix",
        "pipe site suffix",
        "case and punctuation",
        "dash inside headline",
        "colon is part of the headline",
        "cyrillic with em dash",
        "hyphenated site name",
        "only the last separator",
    ],
)
def test_titles_normalise_without_site_names(title: str, normal: str) -> None:
    assert normalise_title(title) == normal


def test_naive_times_are_refused() -> None:
    index = StoryIndex()
    with pytest.raises(ValueError, match="naive"):
        index.add(1, fingerprint("t", "x"), url_hash="a", seen_at=datetime(2026, 11, 24))


def test_invalid_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="window"):
        StoryIndex(window=timedelta(0))
    with pytest.raises(ValueError, match="threshold"):
        StoryIndex(threshold=1.5)
