"""Render an alert's mail subject, plain-text and HTML bodies from its contract payload.

Article fields are untrusted: the HTML template autoescapes, and the subject is cut to one
line with encoded-word syntax broken (see `sanitize.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2

from monitor.alerts.messages import alert_title, message_for
from monitor.alerts.sanitize import one_line_header_text, strip_control_characters

SUBJECT_TITLE_LIMIT = 150
SUBJECT_LIMIT = 250


@dataclass(frozen=True)
class RenderedAlert:
    """One alert as a mail: a safe one-line subject and two bodies."""

    subject: str
    text: str
    html: str


def _is_web_url(value: object) -> bool:
    """Only http(s) links become anchors: a `javascript:` URL from a feed must not be clickable."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def make_template_environment() -> jinja2.Environment:
    """Return the Jinja2 environment for alert mails (autoescape on for HTML, strict undefined)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("monitor.alerts", "templates"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "html.j2"), default_for_string=False, default=False
        ),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["is_web_url"] = _is_web_url
    return env


def alert_subject(payload: Mapping[str, Any]) -> str:
    """Return `[monitor] <severity> <rule>: <title>`, one line, capped, safe for a header."""
    rule = payload.get("rule") or {}
    severity = one_line_header_text(str(rule.get("severity", "")), limit=20)
    name = one_line_header_text(str(rule.get("name", "")), limit=60)
    title = one_line_header_text(alert_title(payload), limit=SUBJECT_TITLE_LIMIT)
    return one_line_header_text(f"[monitor] {severity} {name}: {title}", limit=SUBJECT_LIMIT)


def template_context(alert_id: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten the payload into the names the templates use."""
    rule = payload.get("rule") or {}
    article = payload.get("article") or {}
    matched = payload.get("matched") or {}
    return {
        "alert_id": alert_id,
        "subject": alert_subject(payload),
        "rule": strip_control_characters(str(rule.get("name", ""))),
        "severity": strip_control_characters(str(rule.get("severity", ""))),
        "title": alert_title(payload),
        "url": strip_control_characters(str(article.get("url") or "")),
        "source": strip_control_characters(str(article.get("source") or "")),
        "published_at": article.get("published_at"),
        "language": article.get("language"),
        "summary": str(article.get("summary") or "").strip(),
        "terms": [strip_control_characters(str(t)) for t in matched.get("terms", [])],
        "regions": [strip_control_characters(str(r)) for r in matched.get("regions", [])],
        "places": [strip_control_characters(str(p)) for p in matched.get("places", [])],
        "snippets": [strip_control_characters(str(s)) for s in matched.get("snippets", [])],
    }


def render_alert_mail(
    env: jinja2.Environment, alert_id: str, payload: Mapping[str, Any]
) -> RenderedAlert:
    """Render one message's subject and bodies: an alert or update, a digest, a fold, a notice."""
    message = message_for(payload)
    if message is not None:
        subject = one_line_header_text(f"[monitor] {message.headline}", limit=SUBJECT_LIMIT)
        context = {"alert_id": alert_id, "subject": subject, "message": message}
        return RenderedAlert(
            subject=subject,
            text=env.get_template("message.txt.j2").render(context),
            html=env.get_template("message.html.j2").render(context),
        )
    context = template_context(alert_id, payload)
    return RenderedAlert(
        subject=context["subject"],
        text=env.get_template("alert.txt.j2").render(context),
        html=env.get_template("alert.html.j2").render(context),
    )
