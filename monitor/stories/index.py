"""Find the story of an article's near-duplicate among those seen within a time window."""

from __future__ import annotations

import hashlib
import heapq
from array import array
from datetime import datetime, timedelta

from monitor.stories.sketch import Sketch, StoryFingerprint, containment

INDEX_KEYS = 8  # smallest hashes of each stored text that go into the inverted index
MIN_SHARED_SHINGLES = 20  # estimated shared shingles needed before containment counts
HOT_KEY_POSTINGS = 16  # a key on more stories than this is a common phrase: not probed
BOILERPLATE_STORIES = 3  # a hash in this many live stories' sketches is site boilerplate
_BOILERPLATE_BITS = 22  # counters for boilerplate detection: 2**22 of 16 bits, 8 MiB
_BOILERPLATE_MASK = (1 << _BOILERPLATE_BITS) - 1
_ALL = 1 << 32  # above every 32-bit hash
DEFAULT_THRESHOLD = 0.5  # containment of the shorter text in the longer one


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

    `threshold` is the share of the shorter text that must be found in the
    longer one (estimated cautiously, see `containment`) for a body match.
    Memory grows with the articles in the window, about 1 kB each, plus 8 MiB
    of boilerplate counters; call `expire` regularly. Not thread-safe: one
    owner (the poll step) calls it. Times must be aware datetimes.
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
            for key in _index_keys(sketch):
                self._post_body(key, entry)
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
            for key in _index_keys(sketch):
                _unpost(self._by_body, key, entry.number)
            if entry.counted:
                self._count_hashes(sketch, -1)

    def _count_hashes(self, sketch: Sketch, step: int) -> None:
        counts = self._stories_with
        for h in sketch.hashes:
            slot = h & _BOILERPLATE_MASK
            counts[slot] = min(0xFFFF, max(0, counts[slot] + step))

    def _boilerplate_among(self, hashes: tuple[int, ...], bound: int) -> frozenset[int]:
        """Those of `hashes` up to `bound` that are in several live stories."""
        counts = self._stories_with
        return frozenset(
            [
                h
                for h in hashes
                if h <= bound and counts[h & _BOILERPLATE_MASK] >= BOILERPLATE_STORIES
            ]
        )

    def _first_live(self, posting: int | list[int] | None, oldest: float) -> _Entry | None:
        for number in _numbers(posting):
            entry = self._entries[number]
            if entry.seen_at >= oldest:
                return entry
        return None

    def _most_similar(self, sketch: Sketch, oldest: float) -> _Entry | None:
        best: tuple[float, int] | None = None
        # Boilerplate is left out of the sample, which comes from the shorter text:
        # the new text's, and a shorter stored text's own.
        boilerplate = self._boilerplate_among(sketch.hashes, _ALL)
        bound = _ALL if sketch.complete else sketch.hashes[-1]
        for number in self._candidates(sketch):
            entry = self._entries[number]
            if entry.seen_at < oldest:
                continue
            other = Sketch.parse(entry.signature)
            if other is None:
                continue
            ignore = boilerplate
            if other.size < sketch.size:
                ignore = boilerplate | self._boilerplate_among(other.hashes, bound)
            share, shared = containment(sketch, other, ignore=ignore)
            if share < self._threshold or shared < MIN_SHARED_SHINGLES:
                continue
            rank = (share, -number)
            if best is None or rank > best:
                best = rank
        return None if best is None else self._entries[-best[1]]

    def _post_body(self, key: int, entry: _Entry) -> None:
        """Post one article per story under a key, and stop at HOT_KEY_POSTINGS.

        One article is enough to lead a new copy to its story, and a key then
        grows hot only by being in many different stories: common phrases and
        footers, not a story that fifty sites syndicate.
        """
        current = self._by_body.get(key)
        if current is None:
            self._by_body[key] = entry.number
            return
        numbers = [current] if isinstance(current, int) else current
        if len(numbers) > HOT_KEY_POSTINGS:
            return
        entries = self._entries
        if any(entries[n].story_id == entry.story_id for n in numbers):
            return
        if isinstance(current, int):
            self._by_body[key] = [current, entry.number]
        else:
            current.append(entry.number)

    def _candidates(self, sketch: Sketch) -> set[int]:
        found: set[int] = set()
        by_body = self._by_body
        for key in (*sketch.hashes, *sketch.lead):
            posting = by_body.get(key)
            if posting is None:
                continue
            if isinstance(posting, int):
                found.add(posting)
            elif len(posting) <= HOT_KEY_POSTINGS:
                found.update(posting)
        return found


def _index_keys(sketch: Sketch) -> set[int]:
    """The text's smallest hashes, and its lead's, under which other texts will look it up.

    A feed summary or brief is mostly the lead of the full text; the lead's own
    smallest hashes are then among the summary's, where the full text's
    overall smallest (most of them beyond the lead) would not be.
    """
    return {*sketch.hashes[:INDEX_KEYS], *sketch.lead}


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
