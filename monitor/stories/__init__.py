"""Assign each new article to a story: one story, many near-duplicate articles.

Two articles are the same story when they share a canonical URL hash, the same
normalised headline (when it is specific enough to trust), or most of their
body text. Body text is compared as sets of word 4-gram shingles through a
bottom-k sketch: the 64 smallest 32-bit shingle hashes plus the set's size
(Broder 1997, "On the resemblance and containment of documents"). The score is
the *containment* of the shorter text in the longer one, not the Jaccard
resemblance, because syndicated copies are mostly trimmed or padded versions
of the original. The estimate is taken less one standard error, so a verdict
drawn from few hashes must be clearer; a match also needs an estimated overlap
of at least 20 shingles, so short feed summaries never cluster on a few common
words; and hashes found in the first articles of three live stories (a site's
footer left in by the extractor) are left out of the comparison.

Candidates come from an inverted index of each stored text's 8 smallest hashes
and the 6 smallest of its first 60 words (where a feed summary or a brief comes
from), one article per story under each key, probed with all hashes of the new
text; keys found in more than 16 stories are common phrases and not probed.

Chosen by measurement (labelled set in tests/data/stories/, bench/stories.py):

- Jaccard cannot separate the classes, containment can. On the labelled set
  MinHash Jaccard of true copies has p10 0.15 and p25 0.23 while different
  stories reach 0.32; the cautious containment estimate is >= 0.5 for 97% of
  copy pairs (the rest: feed summaries, matched by headline or through other
  copies) and at most 0.26 between different stories on the same topic, 0.35
  between any two; hence the default threshold 0.5.
- Candidate recall on the labelled copy pairs: this index 99.8%; datasketch
  MinHashLSH (128 permutations) 70% at threshold 0.3, 39% at 0.5, since
  banding targets Jaccard and trimmed copies have little of it.
- Cost: datasketch MinHash(128) signs an article in ~0.7 ms (SHA-1 per shingle,
  then numpy), this sketch in ~0.35 ms; MinHashLSH holds ~7.8 kB per article
  (780 MB for 100,000), this index ~1 kB plus 8 MiB of counters; and
  datasketch would add numpy. A 96-hash sketch found the last few summaries
  of the labelled set but cost 20% of the throughput; 64 it is.
- SimHash (64 bits, pure Python) took ~3.3 ms per article, and its Hamming
  distances overlap: true copies up to 34 bits apart, different stories from 16.

Fingerprints are pure and stable across processes (CRC-32 and BLAKE2b, never
the salted built-in `hash()`), so the daemon stores them (`to_bytes`) and
rebuilds the index at start. The index keeps only the window's entries;
`expire` bounds its memory.
"""

from monitor.stories.index import StoryIndex
from monitor.stories.sketch import (
    StoryFingerprint,
    body_signature,
    fingerprint,
    normalise_title,
    title_key,
)

__all__ = [
    "StoryFingerprint",
    "StoryIndex",
    "body_signature",
    "fingerprint",
    "normalise_title",
    "title_key",
]
