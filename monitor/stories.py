"""Assign each new article to a story: one story, many near-duplicate articles.

Two articles are the same story when they share a canonical URL hash, the same
normalised headline (when it is specific enough to trust), or most of their
body text. Body text is compared as sets of word 4-gram shingles through a
bottom-k sketch: the k smallest 32-bit BLAKE2b hashes of the shingle set plus
the set's size (Broder 1997, "On the resemblance and containment of
documents"). The score is the *containment* of the shorter text in the longer
one, not the Jaccard resemblance, because syndicated copies are mostly trimmed
or padded versions of the original: a copy that keeps the first half of the
paragraphs shares only ~0.5 Jaccard with the original but ~1.0 containment,
while two different reports on the same subject share a few phrases and names
(containment below 0.1 on the labelled set). A match also needs an estimated
overlap of at least `MIN_SHARED_SHINGLES` shingles, so short feed summaries
never cluster on a few common words.

Candidates come from an inverted index of each stored text's `INDEX_KEYS`
smallest hashes, probed with all k hashes of the new text; that finds copies
whose sizes differ by a factor of several, where MinHash LSH banding (built for
Jaccard) misses them, and costs `INDEX_KEYS` dictionary entries per article.
Keys shared by very many stored texts (site boilerplate) are skipped.

Why not datasketch's MinHash + MinHashLSH or SimHash, measured on the labelled
set and `bench/stories.py` (2 shared cores, 100,000 articles, 72 h window):

- datasketch MinHash(128) signs ~0.6 k articles/s (one SHA-1 per shingle, then
  128 permutations in numpy) against ~2 k/s here, needs numpy, and its LSH
  keeps a list of byte keys per band per article (~3 kB each); Jaccard LSH
  also loses trimmed copies.
- SimHash (64 bits) is compact but estimates cosine similarity over the whole
  text, so a copy with a long added trailer or half its paragraphs cut drifts
  past any threshold that still separates same-topic stories.

Fingerprints are pure and stable across processes (BLAKE2b, never `hash()`),
so the daemon stores them and rebuilds the index at start. The index keeps
only the window's entries; `expire` bounds its memory.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import struct
import unicodedata
from array import array
from dataclasses import dataclass
from datetime import datetime, timedelta

SHINGLE_WORDS = 4
SKETCH_SIZE = 64  # k: hashes kept per text
INDEX_KEYS = 8  # smallest hashes of each stored text that go into the inverted index
MIN_SHINGLES = 24  # fewer distinct shingles than this: no body signature at all
MIN_SAMPLE = 6  # fewer comparable hashes than this (sizes too far apart): no verdict
MIN_SHARED_SHINGLES = 20  # estimated shared shingles needed before containment counts
HOT_KEY_POSTINGS = 64  # a key on more stored texts than this is boilerplate: not probed
BOILERPLATE_STORIES = 3  # a hash in this many live stories' sketches is site boilerplate
_BOILERPLATE_BITS = 22  # counters for boilerplate detection: 2**22 of 16 bits, 8 MiB
DEFAULT_THRESHOLD = 0.5  # containment of the shorter text in the longer one
MIN_TITLE_WORDS = 4

_SIGNATURE_VERSION = 1
_FINGERPRINT_VERSION = 1
_SIGNATURE_HEADER = struct.Struct(">BI")
_WORD = re.compile(r"\w+")
_SITE_SUFFIX = re.compile(r"\s+(?:[-|–—:]|::)\s+(?P<suffix>[^-|–—:]+)$")
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
        return cls(title_key=data[2:end].decode("utf-8"), signature=bytes(data[end:]))


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
    """Bottom-k sketch of the text's shingles, or b"" when there are too few to judge by."""
    digests = _shingle_digests(text)
    if len(digests) < MIN_SHINGLES:
        return b""
    # Big-endian digests sort as the integers they spell, so the k smallest
    # are found and packed without converting each one.
    smallest = sorted(digests)[:SKETCH_SIZE]
    return _SIGNATURE_HEADER.pack(_SIGNATURE_VERSION, len(digests)) + b"".join(smallest)


def _shingle_digests(text: str) -> set[bytes]:
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    shingles = set(map(" ".join, zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False)))
    blake2b = hashlib.blake2b
    return {blake2b(s.encode("utf-8"), digest_size=4).digest() for s in shingles}


@dataclass(frozen=True)
class Sketch:
    """A parsed body signature: the size of the shingle set and its smallest hashes, ascending."""

    size: int
    hashes: tuple[int, ...]

    @classmethod
    def parse(cls, signature: bytes) -> Sketch | None:
        """None for an empty or other-version signature; ValueError for a malformed one."""
        if len(signature) < _SIGNATURE_HEADER.size:
            return None
        version, size = _SIGNATURE_HEADER.unpack_from(signature)
        if version != _SIGNATURE_VERSION:
            return None
        body = len(signature) - _SIGNATURE_HEADER.size
        count = body // 4
        if body % 4 or not 0 < count <= SKETCH_SIZE or count > size:
            raise ValueError(f"malformed story signature ({len(signature)} bytes)")
        return cls(size, struct.unpack_from(f">{count}I", signature, _SIGNATURE_HEADER.size))

    @property
    def complete(self) -> bool:
        """True when the sketch holds every hash of the set, so comparisons are exact."""
        return len(self.hashes) >= self.size


def containment(
    a: Sketch, b: Sketch, *, ignore: frozenset[int] = frozenset()
) -> tuple[float, float]:
    """Estimated (share of the shorter text found in the longer, shingles they share).

    Every hash of the longer text below its sketch's largest value is in its
    sketch, so the shorter text's hashes under that bound are a uniform sample
    whose membership in the longer sketch is known exactly. Hashes in `ignore`
    are left out of the sample.
    """
    short, long = (a, b) if a.size <= b.size else (b, a)
    bound = 1 << 32 if long.complete else long.hashes[-1]
    sample = [h for h in short.hashes if h <= bound and h not in ignore]
    if len(sample) < MIN_SAMPLE:
        return 0.0, 0.0
    present = set(long.hashes)
    share = sum(1 for h in sample if h in present) / len(sample)
    return share, share * short.size


class _Entry:
    """One stored article: only what matching and expiry need, kept small on purpose."""

    __slots__ = ("counted", "number", "seen_at", "signature", "story_id", "title_key", "url_key")

    def __init__(
        self,
        number: int,
        story_id: int,
        seen_at: float,
        url_key: int,
        title_key: int | None,
        signature: bytes,
    ) -> None:
        self.number = number
        self.story_id = story_id
        self.seen_at = seen_at
        self.url_key = url_key
        self.title_key = title_key
        self.signature = signature
        self.counted = False  # its hashes are in the boilerplate counters


# Postings hold one entry number, or a list when several entries share the key:
# most keys belong to a single article, and a bare int costs a fraction of a list.
_Postings = dict[int, "int | list[int]"]


class StoryIndex:
    """The articles of the last `window`, searchable by URL hash, title key and body sketch.

    Not thread-safe; one owner (the poll step) calls it. Times must be aware datetimes.
    """

    def __init__(
        self, *, window: timedelta = timedelta(hours=72), threshold: float = DEFAULT_THRESHOLD
    ) -> None:
        if window <= timedelta(0):
            raise ValueError(f"window must be positive, got {window}")
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        self._window = window.total_seconds()
        self._threshold = threshold
        self._entries: dict[int, _Entry] = {}
        self._by_url: _Postings = {}
        self._by_title: _Postings = {}
        self._by_body: _Postings = {}
        self._expiry: list[tuple[float, int]] = []  # heap of (seen_at, entry number)
        self._live_stories: dict[int, int] = {}  # story id -> entries in the index
        # How many live stories have each hash (folded to _BOILERPLATE_BITS) in their
        # first article's sketch. A shingle in many different stories is the site's
        # boilerplate that the extractor left in (footers, share buttons); it says
        # nothing about the story, and in short texts it can be half of the words.
        self._stories_with = array("H", bytes(2 << _BOILERPLATE_BITS))
        self._next_number = 0

    def __len__(self) -> int:
        return len(self._entries)

    def find(self, fp: StoryFingerprint, *, url_hash: str, now: datetime) -> int | None:
        """Story id of a near-duplicate seen within the window before `now`, else None.

        Preference: same URL, then same title, then the most similar body;
        among equals, the earliest stored article.
        """
        oldest = _timestamp(now) - self._window
        for postings, key in (
            (self._by_url, _key_of(url_hash)),
            (self._by_title, _title_int(fp.title_key)),
        ):
            if key is not None:
                entry = self._first_live(postings.get(key), oldest)
                if entry is not None:
                    return entry.story_id
        sketch = Sketch.parse(fp.signature)
        if sketch is None:
            return None
        best = self._most_similar(sketch, oldest)
        return None if best is None else best.story_id

    def add(self, story_id: int, fp: StoryFingerprint, *, url_hash: str, seen_at: datetime) -> None:
        """Remember an article of `story_id` until it leaves the window."""
        sketch = Sketch.parse(fp.signature)
        number = self._next_number
        self._next_number += 1
        stamp = _timestamp(seen_at)
        entry = _Entry(
            number, story_id, stamp, _key_of(url_hash), _title_int(fp.title_key), fp.signature
        )
        self._entries[number] = entry
        _post(self._by_url, entry.url_key, number)
        if entry.title_key is not None:
            _post(self._by_title, entry.title_key, number)
        if sketch is not None:
            for key in sketch.hashes[:INDEX_KEYS]:
                _post(self._by_body, key, number)
            if story_id not in self._live_stories:
                self._count_hashes(sketch, +1)
                entry.counted = True
        self._live_stories[story_id] = self._live_stories.get(story_id, 0) + 1
        heapq.heappush(self._expiry, (stamp, number))

    def expire(self, now: datetime) -> int:
        """Forget articles seen before the window; return how many were dropped."""
        oldest = _timestamp(now) - self._window
        dropped = 0
        while self._expiry and self._expiry[0][0] < oldest:
            _, number = heapq.heappop(self._expiry)
            self._forget(self._entries.pop(number))
            dropped += 1
        return dropped

    def _forget(self, entry: _Entry) -> None:
        remaining = self._live_stories.pop(entry.story_id) - 1
        if remaining:
            self._live_stories[entry.story_id] = remaining
        _unpost(self._by_url, entry.url_key, entry.number)
        if entry.title_key is not None:
            _unpost(self._by_title, entry.title_key, entry.number)
        sketch = Sketch.parse(entry.signature)
        if sketch is not None:
            for key in sketch.hashes[:INDEX_KEYS]:
                _unpost(self._by_body, key, entry.number)
            if entry.counted:
                self._count_hashes(sketch, -1)

    def _count_hashes(self, sketch: Sketch, step: int) -> None:
        counts = self._stories_with
        mask = (1 << _BOILERPLATE_BITS) - 1
        for h in sketch.hashes:
            slot = h & mask
            counts[slot] = min(0xFFFF, max(0, counts[slot] + step))

    def _is_boilerplate(self, h: int) -> bool:
        return self._stories_with[h & ((1 << _BOILERPLATE_BITS) - 1)] >= BOILERPLATE_STORIES

    def _first_live(self, posting: int | list[int] | None, oldest: float) -> _Entry | None:
        for number in _numbers(posting):
            entry = self._entries[number]
            if entry.seen_at >= oldest:
                return entry
        return None

    def _most_similar(self, sketch: Sketch, oldest: float) -> _Entry | None:
        best: tuple[float, int] | None = None
        # Only the new text's boilerplate can inflate a match: a stored text's own
        # boilerplate that the new text lacks only counts against it.
        boilerplate = frozenset(h for h in sketch.hashes if self._is_boilerplate(h))
        for number in self._candidates(sketch):
            entry = self._entries[number]
            if entry.seen_at < oldest:
                continue
            other = Sketch.parse(entry.signature)
            if other is None:
                continue
            share, shared = containment(sketch, other, ignore=boilerplate)
            if share < self._threshold or shared < MIN_SHARED_SHINGLES:
                continue
            rank = (share, -number)
            if best is None or rank > best:
                best = rank
        return None if best is None else self._entries[-best[1]]

    def _candidates(self, sketch: Sketch) -> set[int]:
        found: set[int] = set()
        by_body = self._by_body
        for key in sketch.hashes:
            posting = by_body.get(key)
            if posting is None:
                continue
            if isinstance(posting, int):
                found.add(posting)
            elif len(posting) <= HOT_KEY_POSTINGS:
                found.update(posting)
        return found


def _timestamp(moment: datetime) -> float:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: pass an aware UTC time")
    return moment.timestamp()


def _key_of(url_hash: str) -> int:
    """56 bits of a hash: as unique as all of it within a window, at a third of the memory."""
    return int.from_bytes(hashlib.blake2b(url_hash.encode("utf-8"), digest_size=7).digest())


def _title_int(title_key: str) -> int | None:
    return _key_of(title_key) if title_key else None


def _numbers(posting: int | list[int] | None) -> list[int]:
    if posting is None:
        return []
    return [posting] if isinstance(posting, int) else posting


def _post(postings: _Postings, key: int, number: int) -> None:
    current = postings.get(key)
    if current is None:
        postings[key] = number
    elif isinstance(current, int):
        postings[key] = [current, number]
    else:
        current.append(number)


def _unpost(postings: _Postings, key: int, number: int) -> None:
    current = postings.get(key)
    if current is None:
        return
    if isinstance(current, int):
        if current == number:
            del postings[key]
        return
    if number in current:
        current.remove(number)
    if len(current) == 1:
        postings[key] = current[0]
    elif not current:
        del postings[key]
