"""Benchmark article-body extraction against trafilatura and readability-lxml.

Runs every extractor over every page of the article-extraction benchmark,
scores each with the benchmark's own ``evaluate.py`` (run as a subprocess on a
predictions file in a temporary directory), and prints one table row per
extractor and, as the last line, one JSON object with the headline figures.

    python bench/extract.py [--data DIR] [--per-page TSV]

The data directory defaults to ``$MONITOR_BENCH_EXTRACTION`` or
``/work/shared/bench/extraction``. trafilatura and readability-lxml come from
the ``bench`` extra; they are never runtime dependencies.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from monitor.extract import extract

DEFAULT_DATA = "/work/shared/bench/extraction"
Page = tuple[str, str, bytes]  # id, url, html bytes
Extractor = Callable[[bytes, str], str]


def load_pages(data: Path) -> list[Page]:
    """Read every benchmark page (decompressed up front so timing measures extraction only)."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, item in sorted(truth.items()):
        with gzip.open(data / "html" / f"{page_id}.html.gz", "rb") as handle:
            pages.append((page_id, item.get("url", ""), handle.read()))
    return pages


def ours(html: bytes, url: str) -> str:
    return extract(html, url).text


def trafilatura_text(html: bytes, url: str) -> str:
    import trafilatura

    return (
        trafilatura.extract(html.decode("utf-8", "replace"), url=url, include_comments=False) or ""
    )


def readability_text(html: bytes, url: str) -> str:
    from lxml.html import fromstring
    from readability import Document

    summary = Document(html.decode("utf-8", "replace"), url=url).summary(html_partial=True)
    blocks = fromstring(summary).xpath("//p|//h1|//h2|//h3|//h4|//h5|//h6|//li|//pre|//td")
    text = "\n\n".join(b.text_content().strip() for b in blocks if b.text_content().strip())
    return text or fromstring(summary).text_content()


def run(extractor: Extractor, pages: list[Page]) -> tuple[dict[str, str], float]:
    """Return predictions and pages per second (a failing page counts as empty)."""
    predictions: dict[str, str] = {}
    start = time.perf_counter()
    for page_id, url, html in pages:
        try:
            predictions[page_id] = extractor(html, url)
        except Exception as error:  # a benchmark scores a failure as empty
            print(f"warning: {page_id}: {type(error).__name__}: {error}", file=sys.stderr)
            predictions[page_id] = ""
    elapsed = time.perf_counter() - start
    return predictions, len(pages) / elapsed if elapsed else 0.0


def score(data: Path, predictions: dict[str, str], per_page: str | None) -> dict[str, float]:
    """Score predictions with the benchmark's evaluate.py, run as a separate process."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "predictions.json"
        path.write_text(json.dumps(predictions, ensure_ascii=False), encoding="utf-8")
        command = [sys.executable, str(data / "evaluate.py"), str(path), "--json"]
        command += ["--n-bootstrap", "200"]
        if per_page:
            command += ["--per-page", per_page]
        done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=300)
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("MONITOR_BENCH_EXTRACTION", DEFAULT_DATA))
    parser.add_argument("--per-page", help="write our per-page scores to this TSV")
    parser.add_argument("--only-ours", action="store_true", help="skip the other extractors")
    args = parser.parse_args(argv)
    data = Path(args.data)
    pages = load_pages(data)

    extractors: list[tuple[str, Extractor]] = [("monitor", ours)]
    if not args.only_ours:
        extractors += [("trafilatura", trafilatura_text), ("readability", readability_text)]
    results: dict[str, dict[str, float]] = {}
    print(f"{len(pages)} pages from {data}")
    print(
        f"{'extractor':<12} {'precision':>9} {'recall':>7} {'F1':>7} {'accuracy':>8} {'pages/s':>8}"
    )
    for name, extractor in extractors:
        predictions, speed = run(extractor, pages)
        res = score(data, predictions, args.per_page if name == "monitor" else None)
        res["pages_per_s"] = speed
        results[name] = res
        print(
            f"{name:<12} {res['precision']:>9.3f} {res['recall']:>7.3f} {res['f1']:>7.3f}"
            f" {res['accuracy']:>8.3f} {speed:>8.1f}"
        )
    summary: dict[str, float] = {
        key: round(results["monitor"][key], 4)
        for key in ("f1", "precision", "recall", "accuracy", "pages_per_s")
    }
    for name in ("trafilatura", "readability"):
        if name in results:
            for key in ("f1", "precision", "recall", "accuracy", "pages_per_s"):
                summary[f"{name}_{key}"] = round(results[name][key], 4)
    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    main()
