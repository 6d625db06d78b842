"""Plain records the store takes, built with sensible defaults for tests."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from monitor.store import ArticleRecord


def an_article(fetched_at: datetime, **changes: object) -> ArticleRecord:
    """A new article (unique URL) fetched at `fetched_at`; `changes` override any field."""
    n = uuid.uuid4().hex[:8]
    record = ArticleRecord(
        source="steppe-asia",
        url=f"https://example.org/news/{n}",
        canonical_url=f"https://example.org/news/{n}",
        url_hash=f"hash-{n}",
        guid=None,
        title=f"Troops at the border {n}",
        text="Joint deployment of Russian troops along its border.",
        summary="Troops deployed.",
        published=fetched_at,
        modified=None,
        authors=(),
        language="en",
        site_name=None,
        image=None,
        description=None,
        fetched_at=fetched_at,
    )
    return replace(record, **changes)  # type: ignore[arg-type]
