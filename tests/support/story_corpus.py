"""The labelled near-duplicate set: hand-written base stories and their syndicated copies.

The bases in tests/data/stories/bases/ are written by hand; the copies are derived
from them by the edits syndication really makes (rewritten headline, trimmed
paragraphs, another site's boilerplate, an added dateline lead or trailer, light
copy-editing, a feed summary, a two-paragraph brief). Bases that share a topic
were written as different stories about the same subject on the same day, so
they are the hard negatives. The derivation is seeded: every run sees the same set.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

BASES_DIR = Path(__file__).resolve().parent.parent / "data" / "stories" / "bases"


@dataclass(frozen=True)
class BaseStory:
    slug: str
    topic: str
    title: str
    alt_titles: tuple[str, ...]
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Site:
    name: str
    city_style: str
    header: tuple[str, ...]
    footer: tuple[str, ...]
    title_suffix: str


@dataclass(frozen=True)
class LabelledArticle:
    story: str  # slug of the base story: the ground truth
    topic: str
    variant: str
    site: str
    title: str
    text: str
    url_hash: str


SITES = (
    Site(
        name="Steppe Wire",
        city_style="{city}, Nov 24 (Steppe Wire) - ",
        header=(),
        footer=("Reporting by Aigerim Sadykova; Editing by Mark Potter",),
        title_suffix="",
    ),
    Site(
        name="Eurasia Daily Monitor",
        city_style="",
        header=("Share this article on social media. Listen to this article: 4 minutes.",),
        footer=(
            "Sign up for our morning newsletter to get the most important stories from "
            "Eurasia delivered to your inbox every weekday.",
            "© 2026 Eurasia Daily Monitor. All rights reserved. This material may not be "
            "published, broadcast, rewritten or redistributed without permission.",
        ),
        title_suffix=" | Eurasia Daily Monitor",
    ),
    Site(
        name="The Capital Times",
        city_style="{CITY} — ",
        header=("Advertisement",),
        footer=(
            "Related coverage: read our live blog and our explainer on the background to "
            "this story.",
            "Have a news tip? Contact our newsroom securely using the details on our contact page.",
        ),
        title_suffix=" - The Capital Times",
    ),
    Site(
        name="Global Brief",
        city_style="",
        header=("Breaking news", "Updated 2 hours ago"),
        footer=(
            "This story has been updated with additional details. Global Brief's editorial "
            "standards are available on our website.",
        ),
        title_suffix="",
    ),
    Site(
        name="Region Today",
        city_style="({city}) ",
        header=("By Region Today staff and agencies",),
        footer=(
            "Follow Region Today on Telegram and X for the latest updates. Comments are "
            "moderated and will appear after review.",
        ),
        title_suffix=" — Region Today",
    ),
)

CITIES = {
    "central-asia-border": "Bishkek",
    "earthquake": "Ankara",
    "central-banks": "Frankfurt",
    "elections": "Chisinau",
    "floods": "Karachi",
    "tech-regulation": "Brussels",
    "wildfire": "Los Angeles",
    "aviation": "Baku",
    "energy": "Astana",
    "health": "Geneva",
    "shipping": "Dubai",
    "football": "Almaty",
    "cyber": "Berlin",
}

# Copy-editors' substitutions: each keeps the meaning and breaks a few shingles.
EDITS = (
    (" said on ", " announced on "),
    (" about ", " around "),
    (" told reporters", " said"),
    (" more than ", " over "),
    (" including ", " among them "),
    (" after ", " following "),
    ("%", " percent"),
    (" on Tuesday", ""),
    (" on Wednesday", ""),
    (" on Thursday", ""),
    (" people", " residents"),
)


def load_bases(directory: Path = BASES_DIR) -> list[BaseStory]:
    """Read every base story file (headers, a blank line, then paragraphs)."""
    return [_parse_base(path) for path in sorted(directory.glob("*.txt"))]


def _parse_base(path: Path) -> BaseStory:
    head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    fields: dict[str, list[str]] = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), []).append(value.strip())
    paragraphs = tuple(p.strip() for p in body.split("\n\n") if p.strip())
    return BaseStory(
        slug=path.stem,
        topic=fields["topic"][0],
        title=fields["title"][0],
        alt_titles=tuple(fields.get("alt", ())),
        paragraphs=paragraphs,
    )


def labelled_articles(seed: int = 20261124) -> list[LabelledArticle]:
    """Every base with its derived copies, in a fixed shuffled order."""
    rng = random.Random(seed)
    articles = [
        article for base in load_bases() for article in _variants_of(base, random.Random(base.slug))
    ]
    rng.shuffle(articles)
    return articles


def true_pairs(articles: list[LabelledArticle]) -> Iterator[tuple[int, int, bool]]:
    """Every unordered pair of article indexes with whether they are the same story."""
    for i, j in combinations(range(len(articles)), 2):
        yield i, j, articles[i].story == articles[j].story


def _variants_of(base: BaseStory, rng: random.Random) -> list[LabelledArticle]:
    sites = list(SITES)
    rng.shuffle(sites)
    city = CITIES.get(base.topic, "London")
    original = list(base.paragraphs)
    alts = list(base.alt_titles) or [base.title]
    made = [
        ("original", sites[0], base.title, _dress(original, sites[0], city, lead=False)),
        (
            "syndicated",
            sites[1],
            alts[0],
            _dress(_copy_edit(original, rng, 2), sites[1], city, lead=True),
        ),
        (
            "trimmed",
            sites[2],
            alts[1 % len(alts)],
            _dress(_trim(original, rng), sites[2], city, lead=True),
        ),
        (
            "edited",
            sites[3],
            base.title + sites[3].title_suffix,
            _dress(_drop_sentence(_copy_edit(original, rng, 4), rng), sites[3], city, lead=False),
        ),
        (
            "lead-and-trailer",
            sites[4],
            alts[-1],
            _dress(_with_context(original, base), sites[4], city, lead=True),
        ),
        ("summary", sites[4], base.title + sites[4].title_suffix, original[0]),
        (
            "brief",
            sites[0],
            alts[-1] + sites[0].title_suffix,
            _dress(_copy_edit(original[:2], rng, 1), sites[0], city, lead=True),
        ),
    ]
    return [
        LabelledArticle(
            story=base.slug,
            topic=base.topic,
            variant=variant,
            site=site.name,
            title=title,
            text=text,
            url_hash=hashlib.sha256(f"{site.name}/{base.slug}/{variant}".encode()).hexdigest(),
        )
        for variant, site, title, text in made
    ]


def _dress(paragraphs: list[str], site: Site, city: str, *, lead: bool) -> str:
    body = list(paragraphs)
    if lead and site.city_style:
        body[0] = site.city_style.format(city=city, CITY=city.upper()) + body[0]
    return "\n\n".join([*site.header, *body, *site.footer])


def _copy_edit(paragraphs: list[str], rng: random.Random, count: int) -> list[str]:
    edits = rng.sample(EDITS, count)
    out = []
    for paragraph in paragraphs:
        for old, new in edits:
            paragraph = paragraph.replace(old, new, 1)
        out.append(paragraph)
    return out


def _trim(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Keep the top of the story, as sites that run a shortened wire copy do."""
    keep = max(2, len(paragraphs) - rng.choice((1, 2)))
    return paragraphs[:keep]


def _drop_sentence(paragraphs: list[str], rng: random.Random) -> list[str]:
    index = rng.randrange(1, len(paragraphs))
    sentences = re.split(r"(?<=[.!?\"”])\s+", paragraphs[index])
    if len(sentences) > 1:
        del sentences[rng.randrange(len(sentences))]
    return [*paragraphs[:index], " ".join(sentences), *paragraphs[index + 1 :]]


def _with_context(paragraphs: list[str], base: BaseStory) -> list[str]:
    """Add an editor's lead and a trailer pointing to earlier coverage."""
    lead = f"(Adds background in paragraphs 4 and 5; updates headline to: {base.alt_titles[0]})"
    trailer = (
        "Earlier coverage of this topic is collected on our "
        f"{base.topic.replace('-', ' ')} page, along with analysis from our correspondents."
    )
    return [lead, *paragraphs, trailer]
