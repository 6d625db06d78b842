"""Source parsers: bytes of a feed, listing page or sitemap in, entries out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Entry:
    """One item a source lists: enough to decide whether it is new and to fetch it."""

    url: str
    guid: str | None = None
    title: str = ""
    summary: str = ""
    published: datetime | None = None  # aware UTC
    authors: tuple[str, ...] = field(default_factory=tuple)
    language: str | None = None


class SourceParseError(Exception):
    """The body could not be read as the source kind it claims to be."""

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        self.kind = kind
