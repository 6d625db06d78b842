"""Recognise what is not the article: tags, class names and blocks that are boilerplate anywhere.

Three layers, from the bluntest to the finest: tags that never hold article
text (scripts, navigation, asides, footers, hidden nodes); nodes whose class
or id names boilerplate (share bars, related and most-read lists, cookie and
newsletter prompts, comments); and, inside the chosen body only, blocks whose
shape gives them away (link lists, "More stories" headings and their lists,
"Read more: ..." lines, teaser cards, datelines and bylines). The rules are
deliberately site-agnostic; per-site selectors belong in ``ExtractRules``.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from monitor.extract.dom import (
    HEADINGS,
    Stats,
    class_names,
    drop_all,
    has_block_child,
    own_text,
)

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
POSITIVE_NAMES = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story",
    re.IGNORECASE,
)
NEGATIVE_NAMES = re.compile(
    r"hidden|banner|combx|comment|com-|contact|foot|footer|footnote|gdpr|masthead|media|meta"
    r"|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags"
    r"|tool|widget|ad-|teaser|recirc|newsletter|cookie",
    re.IGNORECASE,
)
_HIDDEN_CANDIDATES = etree.XPath(
    "descendant-or-self::*[@hidden or @aria-hidden or @style or @role]"
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# "Read more: <link>" lines point at other stories, in any of the languages we watch.
_LEAD_IN = re.compile(
    r"^\W*(?:(?:read more|read also|also read|see more|see also|don'?t miss|must read"
    r"|leggi anche|leia também|leia mais|veja também|lea también|lire aussi|à lire aussi"
    r"|lesen sie auch|mehr zum thema|читайте также|смотрите также|baca juga)\b"
    r"|(?:more|related|recommended|watch|listen|also)\s*[:：»|–—-])",
    re.IGNORECASE,
)
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
_TEASER_SUMMARY_CHARS = 400
_PRUNED_TAGS: tuple[str, ...] = (
    *("div", "section", "ul", "ol", "table", "form", "dl", "header", "article", "p", "li"),
    *sorted(HEADINGS),
)


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
    drop_all(doomed)


def strip_boilerplate_by_name(root: HtmlElement, stats: dict[HtmlElement, Stats]) -> None:
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
        names = class_names(el)
        if not names or not _BOILERPLATE_NAMES.search(names) or _CONTENT_NAMES.search(names):
            continue
        if _ALWAYS_BOILERPLATE.search(names):
            doomed.append(el)
            continue
        info = stats.get(el)
        minor = info is None or info.text < 0.25 * total
        # An embedded post ("social-media-embed" around a quoted tweet) is quoted content.
        if minor and el.find(".//blockquote") is None:
            doomed.append(el)
    drop_all(doomed)


def drop_link_heavy_blocks(
    container: HtmlElement, stats: dict[HtmlElement, Stats], core: HtmlElement | None = None
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
        elif el.tag in HEADINGS:
            if el.tag == "h1" or (info.text and info.link >= 0.8 * info.text):
                doomed.append(_teaser_card(el, container, stats) if el.tag != "h1" else el)
        elif el.tag == "article":
            if info.prose < 0.5 * total_prose:
                doomed.append(el)
        elif _is_boilerplate_block(el, info):
            doomed.append(el)
    drop_all(doomed)


def _is_boilerplate_block(el: HtmlElement, info: Stats) -> bool:
    text_len = info.text
    if (
        text_len <= _DATE_LINE_CHARS
        and not has_block_child(el)
        and _is_date_line(own_text(el))
        and not any(a.tag == "blockquote" for a in el.iterancestors())  # a quoted post's date
    ):
        return True
    if info.link and text_len < 600 and _LEAD_IN.match(own_text(el)):
        return True
    if el.tag in ("p", "li"):
        return bool(info.link) and info.link >= 0.9 * text_len
    if el.tag == "div" and el.find(".//blockquote") is not None:
        return False  # an embedded post: quoted content, however many links it carries
    density = info.link / text_len if text_len else 0.0
    names = class_names(el)
    negative = bool(names and NEGATIVE_NAMES.search(names) and not POSITIVE_NAMES.search(names))
    return density > 0.5 or (negative and text_len < 1000) or (density > 0.3 and text_len < 300)


def _is_recirculation_heading(el: HtmlElement, info: Stats) -> bool:
    """A short title such as "More Great Stories" or "Leia também" that introduces other links."""
    if not info.text or info.text > 60 or info.link > 0.5 * info.text:
        return False
    if el.tag not in HEADINGS and (el.tag not in ("div", "p") or has_block_child(el)):
        return False
    return bool(_RECIRCULATION.match(own_text(el)))


def _is_link_list(el: HtmlElement, stats: dict[HtmlElement, Stats]) -> bool:
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
    heading: HtmlElement, container: HtmlElement, stats: dict[HtmlElement, Stats]
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
