"""Time one `run --once` cycle over a loopback news world, against a plain-fetch baseline.

The world: FEEDS feeds of ARTICLES entries each, every article page ~6 KB of
prose, one article in ten matching the rule. The baseline fetches the same feeds
and pages with a bare httpx client, as many at once as the daemon's per-host
limit, and does nothing else, so the ratio shows what extraction, tagging,
matching, storing and delivering cost on top of I/O.

    python bench/cycle.py [--feeds 20] [--articles 25] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor.app import App
from monitor.config import load_config
from monitor.fetch import FetchLimits
from tests.support.http_server import HttpServer, Reply
from tests.support.webhook_receiver import WebhookReceiver

WORDS = [
    "government",
    "officials",
    "said",
    "talks",
    "continued",
    "on",
    "monday",
    "about",
    "trade",
    "energy",
    "water",
    "security",
    "region",
    "border",
    "ministry",
    "agreement",
    "report",
    "week",
    "city",
    "people",
    "police",
    "court",
    "election",
    "president",
    "economy",
    "market",
    "prices",
    "company",
    "workers",
    "school",
    "health",
]


def paragraph(rng: random.Random, words: int = 60) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def article_page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html lang='en'><head><title>{title} | Bench News</title></head><body>"
        f"<nav><a href='/'>Home</a><a href='/world'>World</a></nav><article><h1>{title}</h1>"
        f"{body}</article><footer>Bench News</footer></body></html>"
    ).encode()


def build_world(server: HttpServer, feeds: int, articles: int) -> list[str]:
    rng = random.Random(7)
    urls = []
    for f in range(feeds):
        items = []
        for a in range(articles):
            slug = f"f{f}-a{a}"
            title = f"Report {slug} on regional affairs"
            paragraphs = [paragraph(rng) for _ in range(12)]
            if a % 10 == 0:
                paragraphs[3] += " Russian troops were seen near the border, CSTO officials said."
            server.route(f"/a/{slug}", Reply(body=article_page(title, paragraphs)))
            items.append(
                f"<item><title>{title}</title><link>{server.base_url}/a/{slug}</link>"
                f"<guid>{slug}</guid><description>{paragraphs[0]}</description></item>"
            )
        feed = (
            f"<rss version='2.0'><channel><title>Feed {f}</title>{''.join(items)}</channel></rss>"
        )
        urls.append(server.route(f"/feed{f}.xml", Reply(body=feed.encode())))
    return urls


def write_config(directory: Path, feed_urls: list[str], hook_url: str) -> Path:
    sources = "".join(
        f"  - name: feed{i}\n    url: {url}\n    kind: feed\n" for i, url in enumerate(feed_urls)
    )
    path = directory / "rules.yaml"
    path.write_text(
        "version: 1\n"
        f"storage:\n  url: sqlite:///{directory / 'bench.db'}\n"
        "defaults:\n  allow_private_networks: true\n"
        f"sources:\n{sources}"
        f"channels:\n  desk:\n    type: webhook\n    url: {hook_url}\n"
        'rules:\n  - name: border\n    keywords: [CSTO, "Russian troops"]\n    channels: [desk]\n'
    )
    return path


async def baseline(feed_urls: list[str], server: HttpServer) -> float:
    """Fetch every feed and page with a bare client: the cost of I/O alone.

    At most as many requests at once as the daemon allows per host (the whole world
    is on one loopback host), so the ratio shows the cost of the work, not politeness.
    """
    limit = asyncio.Semaphore(FetchLimits().per_host_concurrency)
    started = time.perf_counter()
    async with httpx.AsyncClient() as client:

        async def get(url: str) -> bytes:
            async with limit:
                return (await client.get(url)).content

        feeds = await asyncio.gather(*(get(u) for u in feed_urls))
        pages = [
            line.split("<link>")[1].split("</link>")[0]
            for body in feeds
            for line in body.decode().split("<item>")[1:]
        ]
        await asyncio.gather(*(get(u) for u in pages))
    return time.perf_counter() - started


async def cycle(config_path: Path, workers: int) -> tuple[float, int]:
    config = load_config(config_path)
    started = time.perf_counter()
    async with App(config, workers=workers) as app:
        begun = time.perf_counter()
        report = await app.run_once()
        elapsed = time.perf_counter() - begun
    total = time.perf_counter() - started
    articles = sum(p.new_articles for p in report.polls)
    print(f"(start-up and shutdown included: {total:.2f} s)", file=sys.stderr)
    return elapsed, articles


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--articles", type=int, default=25)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with HttpServer() as server, WebhookReceiver() as hook, tempfile.TemporaryDirectory() as tmp:
        feed_urls = build_world(server, args.feeds, args.articles)
        base_s = asyncio.run(baseline(feed_urls, server))
        config = write_config(Path(tmp), feed_urls, hook.url)
        cycle_s, articles = asyncio.run(cycle(config, args.workers))
        alerts = len(hook.deliveries)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        ("monitor run --once", cycle_s, articles / cycle_s),
        ("baseline: bare fetch", base_s, articles / base_s),
    ]
    print(f"{'what':<24}{'seconds':>10}{'articles/s':>12}")
    for name, seconds, rate in rows:
        print(f"{name:<24}{seconds:>10.2f}{rate:>12.1f}")
    print(
        f"articles={articles} alerts={alerts} feeds={args.feeds} "
        f"workers={args.workers} rss_mb={rss_mb:.0f}"
    )
    print(
        json.dumps(
            {
                "feeds": args.feeds,
                "articles": articles,
                "alerts": alerts,
                "workers": args.workers,
                "cycle_s": round(cycle_s, 3),
                "baseline_s": round(base_s, 3),
                "ratio": round(cycle_s / base_s, 2),
                "articles_per_s": round(articles / cycle_s, 1),
                "rss_mb": round(rss_mb, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
