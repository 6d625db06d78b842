"""Find an article's main text in its DOM and render it as paragraphs.

lxml directly, not BeautifulSoup (the project's default parser), on this
hot path: the scorer walks every node several times, and on the benchmark's
181 pages just building and walking the trees takes 3.7 s with BeautifulSoup
(lxml parser) against 0.27 s with lxml itself, 14x, which alone would cap
extraction below 50 pages/s, under trafilatura's speed before any scoring.
BeautifulSoup remains the parser for the small listing pages in
``monitor.sources.html``.

The method, in the spirit of readability and trafilatura:

1. Strip what is never content and boilerplate by class/id name
   (``monitor.extract.boilerplate``).
2. Score paragraphs by length and commas, credit their ancestors, weight by
   class/id hints and tag, discount by link density; the best node is the core.
3. Widen to the ancestor that adds much prose and little else (articles cut
   into chunks by ads), and join siblings that score close to it.
4. Inside that body, drop link lists, "More stories" blocks, teaser cards,
   datelines and the headline; never the core itself.
5. Render block elements as paragraphs separated by blank lines, keeping
   headings, lists and quotes in document order (``monitor.extract.render``).
6. When all that leaves almost nothing, fall back on JSON-LD ``articleBody``,
   then on every prose paragraph of the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml.html import HtmlElement

from monitor.extract.boilerplate import (
    NEGATIVE_NAMES,
    POSITIVE_NAMES,
    drop_link_heavy_blocks,
    strip_boilerplate_by_name,
    strip_never_content,
)
from monitor.extract.dom import (
    BLOCK_TAGS,
    HEADINGS,
    Stats,
    class_names,
    has_block_child,
    is_prose_block,
    measure,
    own_text,
)
from monitor.extract.render import render_blocks

_COMMAS = re.compile(r"[,，、،]")
_MIN_PARAGRAPH = 25
_MIN_RESULT_CHARS = 200
_CLIMB_LEVELS = 6
_MIN_CHUNK_SHARE = 0.25


def extract_main_text(root: HtmlElement, full_text_hint: str | None = None) -> str:
    """Return the article body of a parsed page as paragraphs; "" when none is found.

    ``full_text_hint`` (JSON-LD ``articleBody``) is the first fallback when the
    chosen node renders to almost nothing; every prose paragraph is the last.
    """
    strip_never_content(root)
    body = root.find("body")
    if body is None:
        body = root
    strip_boilerplate_by_name(body, measure(body))
    stats = measure(body)
    scores = score_candidates(body, stats)
    best = best_candidate(scores)
    if best is None:
        return render_blocks([body])
    prose = [el for el in body.iter(*BLOCK_TAGS) if is_prose_block(el, stats)]
    core = best
    best = widen_to_split_article(best, stats)
    parts = with_related_siblings(best, stats, scores)
    for part in parts:
        drop_link_heavy_blocks(part, stats, core)
    text = render_blocks(parts)
    if len(text) >= _MIN_RESULT_CHARS:
        return text
    # The chosen node turned out to be boilerplate: fall back.
    if full_text_hint and len(full_text_hint) > len(text):
        return full_text_hint
    if sum(stats[el].text for el in prose) > 2 * len(text):
        return render_blocks(prose)
    return text


def render_selected(nodes: Iterable[HtmlElement]) -> str:
    """Render nodes a per-site rule chose, after the same boilerplate stripping."""
    chosen = list(nodes)
    for node in chosen:
        strip_never_content(node)
    return render_blocks(chosen)


def score_candidates(
    body: HtmlElement, stats: dict[HtmlElement, Stats]
) -> dict[HtmlElement, float]:
    """Score paragraphs into their ancestors (readability's rule), discounted by link density."""
    scores: dict[HtmlElement, float] = {}
    for el in body.iter("p", "pre", "td", "blockquote", "div", "section", "li", "dd"):
        if el.tag in ("div", "section", "li", "dd", "td") and has_block_child(el):
            continue
        text = own_text(el)
        if len(text) < _MIN_PARAGRAPH:
            continue
        score = 1.0 + len(_COMMAS.findall(text)) + min(len(text) // 100, 3)
        for level, ancestor in enumerate(_ancestors(el, 3)):
            if ancestor not in scores:
                scores[ancestor] = _initial_score(ancestor)
            scores[ancestor] += score / (1 if level == 0 else 2 if level == 1 else level * 3)
    for el, raw in scores.items():
        info = stats.get(el)
        density = info.link / info.text if info and info.text else 0.0
        scores[el] = raw * (1 - density)
    return scores


def best_candidate(scores: dict[HtmlElement, float]) -> HtmlElement | None:
    """Pick the best-scoring node, or a common ancestor of several near-best ones."""
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    best, best_score = ranked[0]
    if best_score <= 0:
        return None
    rivals = [el for el, score in ranked[1:5] if score >= 0.75 * best_score]
    if len(rivals) >= 2:
        # Several strong candidates under one ancestor: the article is split across them.
        for ancestor in best.iterancestors():
            if ancestor.tag in ("body", "html"):
                break
            inside = sum(1 for el in rivals if _is_ancestor(ancestor, el))
            if inside >= 2:
                best = ancestor
                break
    while True:
        parent = best.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return best
        if sum(1 for child in parent if isinstance(child.tag, str)) != 1:
            return best
        best = parent


def widen_to_split_article(best: HtmlElement, stats: dict[HtmlElement, Stats]) -> HtmlElement:
    """Climb to the ancestor that adds the most prose for the least other text.

    Articles are often cut into chunks by ads and embeds (one container per
    chunk); an ancestor that holds the other chunks gains much prose and little
    else, while one that adds a sidebar or a menu gains mostly short, linked text.
    """
    base = stats[best]
    chosen, best_gain = best, 0.0
    for level, ancestor in enumerate(best.iterancestors()):
        if level >= _CLIMB_LEVELS or ancestor.tag in ("body", "html"):
            break
        info = stats.get(ancestor)
        if info is None:
            break
        more_prose = info.prose - base.prose
        more_other = (info.text - info.prose) - (base.text - base.prose)
        gain = more_prose - 3 * more_other
        if gain > best_gain and more_prose >= _MIN_CHUNK_SHARE * base.prose:
            chosen, best_gain = ancestor, gain
    return chosen


def with_related_siblings(
    best: HtmlElement, stats: dict[HtmlElement, Stats], scores: dict[HtmlElement, float]
) -> list[HtmlElement]:
    """Return the best node plus siblings that look like more of the same article."""
    parent = best.getparent()
    if parent is None or best.tag in ("body", "html"):
        return [best]
    best_score = scores.get(best, 0.0)
    threshold = max(10.0, best_score * 0.2)
    best_class = best.get("class")
    parts = []
    for sibling in parent:
        if not isinstance(sibling.tag, str):
            continue
        if sibling is best:
            parts.append(sibling)
            continue
        info = stats.get(sibling)
        if info is None or not info.text:
            continue
        bonus = best_score * 0.2 if best_class and sibling.get("class") == best_class else 0.0
        if scores.get(sibling, 0.0) + bonus >= threshold:
            parts.append(sibling)
            continue
        density = info.link / info.text
        if sibling.tag == "p" and (
            (info.text > 80 and density < 0.25)
            or (info.text > 0 and density == 0 and re.search(r"\.( |$)", own_text(sibling)))
        ):
            parts.append(sibling)
    return parts


def _initial_score(el: HtmlElement) -> float:
    tag = el.tag
    score = 0.0
    if tag in ("div", "article", "main", "section"):
        score += 5
    elif tag in ("pre", "td", "blockquote"):
        score += 3
    elif tag in ("address", "ol", "ul", "dl", "dd", "dt", "li", "form"):
        score -= 3
    elif tag in HEADINGS or tag == "th":
        score -= 5
    if tag in ("article", "main"):
        score += 10
    names = class_names(el)
    if names:
        if NEGATIVE_NAMES.search(names):
            score -= 25
        if POSITIVE_NAMES.search(names):
            score += 25
    if el.get("itemprop") == "articleBody":
        score += 50
    return score


def _ancestors(el: HtmlElement, depth: int) -> Iterable[HtmlElement]:
    node = el.getparent()
    level = 0
    while node is not None and level < depth:
        if node.tag in ("body", "html"):
            return
        yield node
        node = node.getparent()
        level += 1


def _is_ancestor(ancestor: HtmlElement, el: HtmlElement) -> bool:
    return any(node is ancestor for node in el.iterancestors())
