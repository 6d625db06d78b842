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

from monitor.stories.fingerprint import (
    StoryFingerprint,
    body_signature,
    fingerprint,
    normalise_title,
    title_key,
)
from monitor.stories.index import StoryIndex

__all__ = [
    "StoryFingerprint",
    "StoryIndex",
    "body_signature",
    "fingerprint",
    "normalise_title",
    "title_key",
]
