"""Find an article's main text in its DOM and render it as paragraphs.

lxml, not BeautifulSoup, on this hot path: the scorer walks every node of
pages that often hold 5,000-20,000 of them, and BeautifulSoup's Python-level
tree is 5-10x slower to build and walk than lxml's (measured on the benchmark:
the whole extraction would fall below the throughput target). BeautifulSoup
remains the parser for the small listing pages in ``monitor.sources.html``.

The method, in the spirit of readability and trafilatura:

1. Strip what is never content (scripts, forms, navigation, asides, footers,
   hidden nodes) and nodes whose class/id names boilerplate (share bars,
   related and most-read lists, cookie and newsletter prompts, comments),
   unless the name also says "article"/"content".
2. Score paragraphs by length and commas, credit their ancestors, weight by
   class/id hints and tag, discount by link density; the best node is the body.
3. Join siblings that score close to it (articles split across containers).
4. Inside the body, drop link-heavy blocks, short teaser lists and lines that
   are boilerplate on any site ("Advertisement", "Share this article").
5. Render block elements as paragraphs separated by blank lines, keeping
   headings, lists and quotes in document order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

_NEVER_CONTENT = (
    "script",
    "style",
    "noscript",
    "iframe",
    "svg",
    "canvas",
    "template",
    "object",
    "embed",
    "button",
    "input",
    "select",
    "textarea",
    "nav",
    "aside",
    "footer",
    "menu",
    "dialog",
    "head",
    "link",
    "meta",
    "video",
    "audio",
    "map",
    "figcaption",
)
_BLOCK_TAG_NAMES = (
    "p div section article main h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre table "
    "tr td th tbody thead figure figcaption header address hr center form fieldset details "
    "summary caption"
)
_BLOCK_TAGS = frozenset(_BLOCK_TAG_NAMES.split(" "))
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_BOILERPLATE_NAMES = re.compile(
    r"(?:^|[-_\s])(?:comment|comments|disqus|share|sharing|social|sociable|related|recommend\w*"
    r"|outbrain|taboola|promo|advert\w*|ads?|sponsor\w*|cookie\w*|consent|gdpr|newsletter"
    r"|subscribe|subscription|signup|sign-up|popular|most-?read|mostread|trending|breadcrumbs?"
    r"|sidebar|side-bar|widget|banner|masthead|menu|navbar|nav|navigation|footer|pagination"
    r"|pager|tags|tag-list|taglist|byline|author-bio|bio|rating|print|toolbar|tools|jump"
    r"|skip|modal|popup|overlay|read-more|readmore|more-stories|next-article|prev-next"
    r"|login|paywall-prompt|hidden|visually-hidden|sr-only|screen-reader\w*|caption|credit"
    r"|meta|timestamp|dateline|date)(?:$|[-_\s\d])",
    re.IGNORECASE,
)
_ALWAYS_BOILERPLATE = re.compile(
    r"(?:^|[-_\s])(?:comments?|disqus|cookie\w*|consent|gdpr)(?:$|[-_\s\d])", re.IGNORECASE
)
_CONTENT_NAMES = re.compile(
    r"article|body|content|entry|main|post|story|text|blog|hentry|h-entry|page",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"hidden|banner|combx|comment|com-|contact|foot|footer|footnote|gdpr|masthead|media|meta"
    r"|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags"
    r"|tool|widget|ad-|teaser|recirc|newsletter|cookie",
    re.IGNORECASE,
)
_HIDDEN_CANDIDATES = etree.XPath(
    "descendant-or-self::*[@hidden or @aria-hidden or @style or @role]"
)
_CAMEL_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BOILERPLATE_LINE = re.compile(
    r"^(?:advertisement|advertising|anzeige|publicidade|publicidad|реклама|sponsored"
    r"|share(?: this(?: article| story)?)?|read more|related(?: articles| stories)?"
    r"|click here.*|sign up.*newsletter.*|subscribe.*|follow us.*|image(?: source)?:.*"
    r"|photo:.*|\(?(?:photo|image|credit)s?\)?)[.:!]?$",
    re.IGNORECASE,
)
# "Read more: <link>" lines point at other stories, in any of the languages we watch.
_LEAD_IN = re.compile(
    r"^\W*(?:(?:read more|read also|also read|see more|see also|don'?t miss|must read"
    r"|leggi anche|leia também|leia mais|veja também|lea también|lire aussi|à lire aussi"
    r"|lesen sie auch|mehr zum thema|читайте также|смотрите также|baca juga)\b"
    r"|(?:more|related|recommended|watch|listen|also)\s*[:：»|–—-])",
    re.IGNORECASE,
)
# A link's edges separate words where the script uses no spaces (Chinese, Japanese):
# marked while rendering, they become a space only next to such a script's letters.
_LINK_EDGE = "\x00"
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD_LINK_EDGE = re.compile(rf"(?<=[{_UNSPACED}])\x00+(?=\w)|(?<=\w)\x00+(?=[{_UNSPACED}])")
_RECIRCULATION = re.compile(
    r"^\W*(?:more\b.{0,30}\b(?:stories|news|articles|posts|from|on|in|like this)\b"
    r"|related\b|recommended|you (?:may|might) (?:also )?(?:like|enjoy)|also on\b|popular\b"
    r"|most (?:read|popular|viewed|shared)|trending|read next|up next|top stories"
    r"|latest (?:news|stories)|further reading"
    r"|don'?t miss|leia também|veja também|você pode gostar|leggi anche|lesen sie auch"
    r"|mehr zum thema|читайте также|смотрите также|baca juga|artikel terkait|関連記事|관련 기사)",
    re.IGNORECASE,
)
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE_LIKE = re.compile(
    r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b"
    rf"|\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?(?:\s+\d{{4}})?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?(?:\s+\d{{4}})?"
    r"|\b\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?",
    re.IGNORECASE,
)
_DATE_WORDS = frozenset(
    ("updated", "posted", "published", "by", "on", "at", "am", "pm", "gmt", "utc", "est", "edt")
)
_DATE_LINE_CHARS = 60
_WORDS = re.compile(r"\w+")
_COMMAS = re.compile(r"[,，、،]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_MIN_PARAGRAPH = 25
_MIN_PROSE = 40
_CLIMB_LEVELS = 6
_MIN_CHUNK_SHARE = 0.25
_TEASER_SUMMARY_CHARS = 400
_PRUNED_TAGS = ("div", "section", "ul", "ol", "table", "form", "dl", "header", "article", "p", "li")
_PRUNED_TAGS += tuple(sorted(_HEADINGS))


@dataclass(slots=True)
class _Stats:
    """Text length of a node's subtree and how much of it sits inside links."""

    text: int = 0
    link: int = 0
    prose: int = 0  # text inside paragraph-like blocks that are not mostly links


def extract_main_text(root: HtmlElement) -> str:
    """Return the article body of a parsed page as paragraphs; "" when none is found."""
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
    core = best
    best = widen_to_split_article(best, stats)
    parts = with_related_siblings(best, stats, scores)
    for part in parts:
        drop_link_heavy_blocks(part, stats, core)
    return render_blocks(parts)


def render_selected(nodes: Iterable[HtmlElement]) -> str:
    """Render nodes a per-site rule chose, after the same boilerplate stripping."""
    chosen = list(nodes)
    for node in chosen:
        strip_never_content(node)
    return render_blocks(chosen)


def strip_never_content(root: HtmlElement) -> None:
    """Remove elements that never hold article text, and hidden ones."""
    doomed = [
        el
        for el in root.iter(*_NEVER_CONTENT, etree.Comment, etree.ProcessingInstruction)
        if el is not root
    ]
    # XPath preselects the few candidates, sparing a Python proxy for every node.
    doomed.extend(
        el
        for el in _HIDDEN_CANDIDATES(root)
        if el.tag not in ("html", "body")
        and (
            el.get("hidden") is not None
            or el.get("aria-hidden") == "true"
            or _HIDDEN_STYLE.search(el.get("style") or "")
            or (el.get("role") or "") in ("navigation", "complementary", "banner", "contentinfo")
        )
    )
    _drop_all(doomed)


def strip_boilerplate_by_name(root: HtmlElement, stats: dict[HtmlElement, _Stats]) -> None:
    """Remove nodes whose class/id names boilerplate, unless the name also says content.

    Class names are compound ("m-advertisement-off-canvas--pusher" wraps whole
    pages), so a name alone condemns only a node holding a minor share of the
    page's text; comment threads and consent prompts go whatever their size.
    """
    total = stats[root].text if root in stats else 0
    doomed = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "article", "main"):
            continue
        names = _names(el)
        if not names or not _BOILERPLATE_NAMES.search(names) or _CONTENT_NAMES.search(names):
            continue
        info = stats.get(el)
        minor = info is None or info.text < 0.25 * total
        if minor or _ALWAYS_BOILERPLATE.search(names):
            doomed.append(el)
    _drop_all(doomed)


def measure(root: HtmlElement) -> dict[HtmlElement, _Stats]:
    """Compute text and link-text lengths of every subtree in one bottom-up pass."""
    stats: dict[HtmlElement, _Stats] = {}
    for el in reversed(list(root.iter())):
        if not isinstance(el.tag, str):
            continue
        own = _Stats(text=len((el.text or "").strip()))
        for child in el:
            if isinstance(child.tag, str):
                sub = stats[child]
                own.text += sub.text
                own.link += sub.link
                own.prose += sub.prose
            own.text += len((child.tail or "").strip())
        if el.tag == "a":
            own.link = own.text
        if (
            el.tag in _BLOCK_TAGS
            and own.text >= _MIN_PROSE
            and own.link < 0.3 * own.text
            and not _has_block_child(el)
        ):
            own.prose = own.text
        stats[el] = own
    return stats


def score_candidates(
    body: HtmlElement, stats: dict[HtmlElement, _Stats]
) -> dict[HtmlElement, float]:
    """Score paragraphs into their ancestors (readability's rule), discounted by link density."""
    scores: dict[HtmlElement, float] = {}
    for el in body.iter("p", "pre", "td", "blockquote", "div", "section", "li", "dd"):
        if el.tag in ("div", "section", "li", "dd", "td") and _has_block_child(el):
            continue
        text = _own_text(el)
        if len(text) < _MIN_PARAGRAPH:
            continue
        score = 1 + len(_COMMAS.findall(text)) + min(len(text) // 100, 3)
        for level, ancestor in enumerate(_ancestors(el, 3)):
            if ancestor not in scores:
                scores[ancestor] = _initial_score(ancestor)
            scores[ancestor] += score / (1 if level == 0 else 2 if level == 1 else level * 3)
    for el, score in scores.items():
        info = stats.get(el)
        density = info.link / info.text if info and info.text else 0.0
        scores[el] = score * (1 - density)
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


def widen_to_split_article(best: HtmlElement, stats: dict[HtmlElement, _Stats]) -> HtmlElement:
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
    best: HtmlElement, stats: dict[HtmlElement, _Stats], scores: dict[HtmlElement, float]
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
            or (info.text > 0 and density == 0 and re.search(r"\.( |$)", _own_text(sibling)))
        ):
            parts.append(sibling)
    return parts


def drop_link_heavy_blocks(
    container: HtmlElement, stats: dict[HtmlElement, _Stats], core: HtmlElement | None = None
) -> None:
    """Remove what sits inside the body without being the article.

    Link lists and negatively named blocks; "More stories" headings with the
    list they introduce; "Read more: <link>" lines; teaser cards (a heading
    that is wholly a link, with its summary); nested ``<article>`` elements
    holding a minor share of the prose (teasers of other stories); date and
    byline lines; and the page's own ``<h1>`` headline, which
    ``Article.title`` already carries. ``core``, the best-scoring node, and
    its ancestors are never dropped.
    """
    protected = {core, *core.iterancestors()} if core is not None else set()
    total_prose = stats[container].prose if container in stats else 0
    doomed: list[HtmlElement] = []
    for el in container.iter(*_PRUNED_TAGS):
        info = stats.get(el)
        if el is container or el in protected or info is None:
            continue
        if _is_recirculation_heading(el, info):
            doomed.append(el)
            following = el.getnext()
            if following is not None and _is_link_list(following, stats):
                doomed.append(following)
        elif el.tag in _HEADINGS:
            if el.tag == "h1" or (info.text and info.link >= 0.8 * info.text):
                doomed.append(_teaser_card(el, container, stats) if el.tag != "h1" else el)
        elif el.tag == "article":
            if info.prose < 0.5 * total_prose:
                doomed.append(el)
        elif _is_boilerplate_block(el, info):
            doomed.append(el)
    _drop_all(doomed)


def _is_boilerplate_block(el: HtmlElement, info: _Stats) -> bool:
    text_len = info.text
    if (
        text_len <= _DATE_LINE_CHARS
        and not _has_block_child(el)
        and _is_date_line(_own_text(el))
        and not any(a.tag == "blockquote" for a in el.iterancestors())  # a quoted post's date
    ):
        return True
    if info.link and text_len < 600 and _LEAD_IN.match(_own_text(el)):
        return True
    if el.tag in ("p", "li"):
        return bool(info.link) and info.link >= 0.9 * text_len
    density = info.link / text_len if text_len else 0.0
    names = _names(el)
    negative = bool(names and _NEGATIVE.search(names) and not _POSITIVE.search(names))
    return density > 0.5 or (negative and text_len < 1000) or (density > 0.3 and text_len < 300)


def _is_recirculation_heading(el: HtmlElement, info: _Stats) -> bool:
    """A short title such as "More Great Stories" or "Leia também" that introduces other links."""
    if not info.text or info.text > 60 or info.link > 0.5 * info.text:
        return False
    if el.tag not in _HEADINGS and (el.tag not in ("div", "p") or _has_block_child(el)):
        return False
    return bool(_RECIRCULATION.match(_own_text(el)))


def _is_link_list(el: HtmlElement, stats: dict[HtmlElement, _Stats]) -> bool:
    info = stats.get(el)
    if info is None or not info.text or not isinstance(el.tag, str):
        return False
    return el.tag in ("ul", "ol") or info.link > 0.25 * info.text


def _is_date_line(text: str) -> bool:
    """True for a dateline or byline: a date and at most three other words."""
    if not _DATE_LIKE.search(text):
        return False
    rest = _DATE_LIKE.sub(" ", text)
    words = [w for w in _WORDS.findall(rest) if w.lower() not in _DATE_WORDS]
    return len(words) <= 3


def _teaser_card(
    heading: HtmlElement, container: HtmlElement, stats: dict[HtmlElement, _Stats]
) -> HtmlElement:
    """Return the smallest block around a linked headline that is still only a teaser."""
    card = heading
    for ancestor in heading.iterancestors():
        if ancestor is container or ancestor.tag in ("body", "html"):
            break
        info = stats.get(ancestor)
        if info is None or info.text > stats[heading].text + _TEASER_SUMMARY_CHARS:
            break
        card = ancestor
    return card


def render_blocks(nodes: Iterable[HtmlElement]) -> str:
    """Render nodes as text: one paragraph per block element, blank lines between them."""
    paragraphs: list[str] = []
    for node in nodes:
        current: list[str] = []
        for event, el in etree.iterwalk(node, events=("start", "end")):
            tag = el.tag if isinstance(el.tag, str) else ""
            if event == "start":
                if tag in _BLOCK_TAGS:
                    _flush(current, paragraphs)
                elif tag == "br":
                    current.append("\n")
                elif tag == "a":
                    current.append(_LINK_EDGE)
                if el.text and tag:
                    current.append(el.text)
            else:
                if tag in _BLOCK_TAGS:
                    _flush(current, paragraphs)
                elif tag == "a":
                    current.append(_LINK_EDGE)
                if el.tail and el is not node:
                    current.append(el.tail)
        _flush(current, paragraphs)
    return "\n\n".join(paragraphs)


def _flush(current: list[str], paragraphs: list[str]) -> None:
    if not current:
        return
    joined = _WORD_LINK_EDGE.sub(" ", "".join(current)).replace(_LINK_EDGE, "")
    lines = [_SPACES.sub(" ", line).strip() for line in joined.split("\n")]
    text = "\n".join(line for line in lines if line)
    current.clear()
    if text and not _BOILERPLATE_LINE.match(text):
        paragraphs.append(text)


def _initial_score(el: HtmlElement) -> float:
    tag = el.tag
    score = 0.0
    if tag in ("div", "article", "main", "section"):
        score += 5
    elif tag in ("pre", "td", "blockquote"):
        score += 3
    elif tag in ("address", "ol", "ul", "dl", "dd", "dt", "li", "form"):
        score -= 3
    elif tag in _HEADINGS or tag == "th":
        score -= 5
    if tag in ("article", "main"):
        score += 10
    names = _names(el)
    if names:
        if _NEGATIVE.search(names):
            score -= 25
        if _POSITIVE.search(names):
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


def _has_block_child(el: HtmlElement) -> bool:
    return any(isinstance(child.tag, str) and child.tag in _BLOCK_TAGS for child in el)


def _own_text(el: HtmlElement) -> str:
    return _SPACES.sub(" ", el.text_content()).strip()


def _names(el: HtmlElement) -> str:
    """Return class and id, camelCase split ("imageCaption" -> "image-Caption") for word matches."""
    names = f"{el.get('class') or ''} {el.get('id') or ''}".strip()
    return _CAMEL_HUMP.sub("-", names) if names else names


def _drop_all(elements: list[HtmlElement]) -> None:
    for el in elements:
        parent = el.getparent()
        if parent is None:
            continue
        if isinstance(el.tag, str):
            el.drop_tree()
        else:
            _remove_keeping_tail(el, parent)


def _remove_keeping_tail(el: etree._Element, parent: etree._Element) -> None:
    tail = el.tail
    previous = el.getprevious()
    parent.remove(el)
    if not tail:
        return
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
