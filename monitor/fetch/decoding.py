"""Undo Content-Encoding in bounded steps, so a gzip bomb never inflates past the byte cap.

httpx's own decoders inflate each network read in one call: 64 KB of
compressed zeros becomes about 64 MB at once, before any size check can run.
Here every decompress call is capped (`max_length`), and the caller counts the
output after each step, so memory stays near the cap whatever the ratio.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence

__all__ = ["ACCEPT_ENCODING", "Decoder", "UnsupportedEncodingError", "decoders_for", "run_chain"]

ACCEPT_ENCODING = "gzip, deflate"
_STEP = 64 * 1024


class UnsupportedEncodingError(ValueError):
    """The server used a content coding we did not offer and cannot undo."""


class Decoder:
    """One content coding, inflated at most `_STEP` bytes per yielded piece."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._identity = coding == "identity"
        self._first = True
        wbits = 16 + zlib.MAX_WBITS if coding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._identity:
            if data:
                yield data
            return
        if self._first and data and self.coding == "deflate":
            self._first = False
            # Some servers send raw DEFLATE without the zlib header (as httpx also tolerates).
            if not _looks_like_zlib_header(data):
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
        pending = data
        while pending and not self._zlib.eof:
            piece = self._zlib.decompress(pending, _STEP)
            pending = self._zlib.unconsumed_tail
            if piece:
                yield piece

    def flush(self) -> Iterator[bytes]:
        if self._identity or self._zlib.eof:
            return
        tail = self._zlib.flush(_STEP)
        if tail:
            yield tail


def _looks_like_zlib_header(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and ((data[0] << 8) | data[1]) % 31 == 0


def decoders_for(content_encoding: str) -> list[Decoder]:
    """Decoders in the order to apply them (the reverse of the header's, RFC 9110 §8.4)."""
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    for coding in codings:
        if coding not in ("gzip", "x-gzip", "deflate", "identity"):
            raise UnsupportedEncodingError(f"unsupported Content-Encoding {coding!r}")
    return [Decoder(coding) for coding in reversed(codings)]


def run_chain(data: bytes, decoders: Sequence[Decoder], *, final: bool = False) -> Iterator[bytes]:
    """Push `data` through every decoder, lazily, one bounded piece at a time."""
    if not decoders:
        if data:
            yield data
        return
    head, rest = decoders[0], decoders[1:]
    for piece in head.feed(data):
        yield from run_chain(piece, rest)
    if final:
        for piece in head.flush():
            yield from run_chain(piece, rest)
        yield from run_chain(b"", rest, final=True)
