"""Name a page's language (ISO 639-1): trust the markup, else guess from script and stopwords.

A light heuristic on purpose: rules filter by language, and a wrong guess on a
short text costs less than a heavy model in every worker process. Scripts
decide the non-Latin languages; for Latin-script text the language whose
commonest words occur most often wins, and nothing is returned when no
language clearly does.
"""

from __future__ import annotations

import re
from collections import Counter

_LANG_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_]|$)")
_WORD = re.compile(r"[^\W\d_]+")
_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split(" "))
    for lang, words in (
        ("en", "the of and to in is that for it was on with as are by be this have from"),
        ("de", "der die und den das ist nicht mit sich des auf für von dem ein eine auch"),
        ("fr", "le la les et des est une pour dans que qui pas sur du au avec sont par"),
        ("es", "el la los las de que y en del se por con una para es al lo como más"),
        ("pt", "o a os as de que e do da em um uma para com não por dos das mais ao"),
        ("it", "il la di che e le per un una del della non sono con gli è al nel"),
        ("nl", "de het een van en is dat op te in voor niet met zijn er aan ook"),
        ("id", "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke ada"),
        ("tr", "ve bir bu da de için ile olarak daha çok gibi olan ama ne değil"),
        ("pl", "i w na nie się z do że jest to jak o po przez od za tym"),
        ("sv", "och i att det som en på är av för med till den inte har"),
    )
}
# Characters specific enough to name the language of a Cyrillic or CJK text.
_UKRAINIAN = frozenset("іїєґ")
_MIN_WORDS = 5


def normalise_language_tag(tag: str | None) -> str | None:
    """Map "en-GB", "pt_BR", "ru" to the ISO 639-1 code; None when it is not a language tag."""
    if not tag:
        return None
    match = _LANG_TAG.match(tag.strip())
    if not match:
        return None
    code = match.group(1).lower()
    return code if len(code) == 2 else None


def detect_language(text: str) -> str | None:
    """Guess the language of a text; None when the text is too short or ambiguous."""
    sample = text[:5000]
    script = _script_language(sample)
    if script is not None:
        return script
    words = [w.lower() for w in _WORD.findall(sample)]
    if len(words) < _MIN_WORDS:
        return None
    counts = Counter(words)
    scores = {lang: sum(counts[w] for w in stopwords) for lang, stopwords in _STOPWORDS.items()}
    best, best_score = max(scores.items(), key=lambda item: item[1])
    runner_up = max(score for lang, score in scores.items() if lang != best)
    if best_score < 2 or best_score < 1.2 * runner_up:
        return None
    return best


def _script_language(text: str) -> str | None:
    """Name the language of a text written mostly in a non-Latin script."""
    counts: Counter[str] = Counter()
    for char in text:
        if not char.isalpha():
            continue
        counts[_script_of(char)] += 1
    total = sum(counts.values())
    if not total:
        return None
    script, count = counts.most_common(1)[0]
    if script == "latin" or count < 0.3 * total:
        return None
    if script == "cyrillic":
        if any(c in _UKRAINIAN for c in text.lower()):
            return "uk"
        return "ru"
    if script == "han" and (counts["kana"] or counts["hangul"]):
        return "ja" if counts["kana"] >= counts["hangul"] else "ko"
    return {
        "kana": "ja",
        "hangul": "ko",
        "han": "zh",
        "greek": "el",
        "arabic": "ar",
        "hebrew": "he",
        "thai": "th",
        "devanagari": "hi",
        "georgian": "ka",
        "armenian": "hy",
    }.get(script)


def _script_of(char: str) -> str:
    code = ord(char)
    ranges = (
        (0x0370, 0x03FF, "greek"),
        (0x0400, 0x052F, "cyrillic"),
        (0x0530, 0x058F, "armenian"),
        (0x0590, 0x05FF, "hebrew"),
        (0x0600, 0x06FF, "arabic"),
        (0x0900, 0x097F, "devanagari"),
        (0x0E00, 0x0E7F, "thai"),
        (0x10A0, 0x10FF, "georgian"),
        (0x3040, 0x30FF, "kana"),
        (0x4E00, 0x9FFF, "han"),
        (0xAC00, 0xD7AF, "hangul"),
    )
    if code < 0x0370:
        return "latin"
    for low, high, name in ranges:
        if low <= code <= high:
            return name
    return "other"
