"""Check a webhook body the way Slack, Discord and Teams accept one, from their documented limits.

Each validator takes the raw request body and returns the problems a real service would
answer 400 for (an empty list means accepted). Pass one to `WebhookReceiver(validate=...)`
to make the loopback receiver refuse what the service would refuse. They are written from
the services' public documentation, independently of `monitor.alerts.webhook_formats`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from tests.support.webhook_receiver import WebhookReceiver

Validator = Callable[[bytes], list[str]]


def _parse(body: bytes) -> tuple[Any, list[str]]:
    try:
        return json.loads(body), []
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [f"body is not JSON: {exc}"]


def _too_long(where: str, value: object, limit: int, *, minimum: int = 0) -> list[str]:
    if not isinstance(value, str):
        return [f"{where}: must be a string"]
    if len(value) > limit:
        return [f"{where}: {len(value)} characters, at most {limit}"]
    if len(value) < minimum:
        return [f"{where}: must be at least {minimum} character(s)"]
    return []


# --- Slack ------------------------------------------------------------------------------------
# Block Kit reference, https://api.slack.com/reference/block-kit/blocks: "up to 50 blocks in each
# message"; section: text <= 3000 characters, fields <= 10 items of <= 2000 each, text or fields
# required; header: plain_text <= 150; context: <= 10 elements; block_id <= 255.
# Text objects, https://api.slack.com/reference/block-kit/composition-objects#text: type
# plain_text | mrkdwn, text 1..3000 characters.
# chat.postMessage (#truncating), which incoming webhooks share: text over 40,000 is refused.
SLACK_MAX_BLOCKS = 50
SLACK_MAX_TEXT = 40_000
SLACK_BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "video",
    }
)


def _slack_text_object(where: str, obj: object, limit: int, types: set[str]) -> list[str]:
    if not isinstance(obj, dict):
        return [f"{where}: must be a text object"]
    if obj.get("type") not in types:
        return [f"{where}.type: must be one of {sorted(types)}"]
    return _too_long(f"{where}.text", obj.get("text"), limit, minimum=1)


def _slack_block(where: str, block: object) -> list[str]:
    if not isinstance(block, dict):
        return [f"{where}: must be an object"]
    kind = block.get("type")
    if kind not in SLACK_BLOCK_TYPES:
        return [f"{where}.type: unknown block type {kind!r}"]
    problems: list[str] = []
    if "block_id" in block:
        problems += _too_long(f"{where}.block_id", block["block_id"], 255)
    any_text = {"plain_text", "mrkdwn"}
    if kind == "header":
        problems += _slack_text_object(f"{where}.text", block.get("text"), 150, {"plain_text"})
    elif kind == "section":
        if "text" not in block and "fields" not in block:
            problems.append(f"{where}: a section needs text or fields")
        if "text" in block:
            problems += _slack_text_object(f"{where}.text", block["text"], 3000, any_text)
        fields = block.get("fields", [])
        if not isinstance(fields, list) or len(fields) > 10:
            problems.append(f"{where}.fields: at most 10 items")
        else:
            for i, field in enumerate(fields):
                problems += _slack_text_object(f"{where}.fields[{i}]", field, 2000, any_text)
    elif kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
            problems.append(f"{where}.elements: 1 to 10 elements")
        else:
            for i, element in enumerate(elements):
                if isinstance(element, dict) and element.get("type") == "image":
                    continue
                problems += _slack_text_object(f"{where}.elements[{i}]", element, 3000, any_text)
    return problems


def slack_problems(body: bytes) -> list[str]:
    """What Slack's incoming webhook would refuse in this body (`invalid_blocks`, `no_text`...)."""
    data, problems = _parse(body)
    if problems:
        return problems
    if not isinstance(data, dict):
        return ["body must be a JSON object"]
    text, blocks = data.get("text"), data.get("blocks")
    if text is not None:
        problems += _too_long("text", text, SLACK_MAX_TEXT)
    if blocks is not None:
        if not isinstance(blocks, list):
            return [*problems, "blocks: must be an array"]
        if len(blocks) > SLACK_MAX_BLOCKS:
            problems.append(f"blocks: {len(blocks)} blocks, at most {SLACK_MAX_BLOCKS}")
        for i, block in enumerate(blocks):
            problems += _slack_block(f"blocks[{i}]", block)
    if not (isinstance(text, str) and text.strip()) and not blocks:
        problems.append("no_text: text or blocks required")
    return problems


# --- Discord ----------------------------------------------------------------------------------
# Execute Webhook, https://discord.com/developers/docs/resources/webhook#execute-webhook:
# content <= 2000 characters, up to 10 embeds, one of content/embeds/files/components/poll.
# Embed limits, https://discord.com/developers/docs/resources/message#embed-object-embed-limits:
# title 256, description 4096, 25 fields, field name 256 and value 1024, footer text 2048, author
# name 256, and 6000 characters summed over those in all embeds of the message.
# Allowed mentions, https://discord.com/developers/docs/resources/message#allowed-mentions-object:
# parse is a subset of roles/users/everyone; roles/users at most 100 ids each, and each is
# mutually exclusive with the same name in parse.
DISCORD_MAX_CONTENT = 2000
DISCORD_MAX_EMBEDS = 10
DISCORD_MAX_EMBED_TOTAL = 6000
DISCORD_MENTION_KINDS = frozenset({"roles", "users", "everyone"})


def _discord_embed(where: str, embed: object) -> tuple[list[str], int]:
    """Problems of one embed, and how many characters it counts toward the 6000."""
    if not isinstance(embed, dict):
        return [f"{where}: must be an object"], 0
    problems: list[str] = []
    counted = 0
    for key, limit in (("title", 256), ("description", 4096)):
        if key in embed:
            problems += _too_long(f"{where}.{key}", embed[key], limit)
            counted += len(embed[key]) if isinstance(embed[key], str) else 0
    for key, inner, limit in (("footer", "text", 2048), ("author", "name", 256)):
        if key in embed:
            part = embed[key]
            value = part.get(inner) if isinstance(part, dict) else None
            problems += _too_long(f"{where}.{key}.{inner}", value, limit, minimum=1)
            counted += len(value) if isinstance(value, str) else 0
    fields = embed.get("fields", [])
    if not isinstance(fields, list) or len(fields) > 25:
        problems.append(f"{where}.fields: at most 25 fields")
        fields = []
    for i, field in enumerate(fields):
        name = field.get("name") if isinstance(field, dict) else None
        value = field.get("value") if isinstance(field, dict) else None
        problems += _too_long(f"{where}.fields[{i}].name", name, 256, minimum=1)
        problems += _too_long(f"{where}.fields[{i}].value", value, 1024, minimum=1)
        counted += sum(len(v) for v in (name, value) if isinstance(v, str))
    if "url" in embed and not str(embed["url"]).startswith(("http://", "https://")):
        problems.append(f"{where}.url: not a well formed URL")
    if "timestamp" in embed:
        try:
            datetime.fromisoformat(str(embed["timestamp"]))
        except ValueError:
            problems.append(f"{where}.timestamp: not an ISO8601 timestamp")
    return problems, counted


def _allowed_mentions(value: object) -> list[str]:
    if not isinstance(value, dict):
        return ["allowed_mentions: must be an object"]
    problems = [
        f"allowed_mentions.{key}: unknown key"
        for key in value
        if key not in {"parse", "roles", "users", "replied_user"}
    ]
    parse = value.get("parse", [])
    if not isinstance(parse, list) or not set(parse) <= DISCORD_MENTION_KINDS:
        problems.append("allowed_mentions.parse: a list of roles, users, everyone")
        parse = []
    for kind in ("roles", "users"):
        ids = value.get(kind)
        if ids is None:
            continue
        if not isinstance(ids, list) or len(ids) > 100:
            problems.append(f"allowed_mentions.{kind}: a list of at most 100 ids")
        if kind in parse:
            problems.append(f"allowed_mentions: parse:[{kind}] and {kind} are mutually exclusive")
    if "replied_user" in value and not isinstance(value["replied_user"], bool):
        problems.append("allowed_mentions.replied_user: must be a boolean")
    return problems


def discord_problems(body: bytes) -> list[str]:
    """What Discord's Execute Webhook would answer 400 for in this body."""
    data, problems = _parse(body)
    if problems:
        return problems
    if not isinstance(data, dict):
        return ["body must be a JSON object"]
    content = data.get("content")
    if content is not None:
        problems += _too_long("content", content, DISCORD_MAX_CONTENT)
    embeds = data.get("embeds") or []
    if not isinstance(embeds, list):
        return [*problems, "embeds: must be an array"]
    if len(embeds) > DISCORD_MAX_EMBEDS:
        problems.append(f"embeds: {len(embeds)} embeds, at most {DISCORD_MAX_EMBEDS}")
    total = 0
    for i, embed in enumerate(embeds):
        found, counted = _discord_embed(f"embeds[{i}]", embed)
        problems += found
        total += counted
    if total > DISCORD_MAX_EMBED_TOTAL:
        problems.append(f"embeds: {total} characters in all, at most {DISCORD_MAX_EMBED_TOTAL}")
    if not content and not embeds and not any(data.get(k) for k in ("files", "components", "poll")):
        problems.append("Cannot send an empty message (50006)")
    if "allowed_mentions" in data:
        problems += _allowed_mentions(data["allowed_mentions"])
    return problems


# --- Microsoft Teams --------------------------------------------------------------------------
# Send Adaptive Cards using an incoming webhook / Workflows,
# https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook:
# {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
# "content": {AdaptiveCard}}]}. "The message size limit is 28 KB", add-incoming-webhook
# (the same page); 28,000 bytes here, the strict reading. Card elements and versions:
# https://adaptivecards.io/explorer/ (Teams renders schema versions up to 1.5).
TEAMS_MAX_BYTES = 28_000
TEAMS_CARD_TYPE = "application/vnd.microsoft.card.adaptive"
TEAMS_ELEMENTS = frozenset(
    {
        "TextBlock",
        "RichTextBlock",
        "Image",
        "ImageSet",
        "Media",
        "Container",
        "ColumnSet",
        "FactSet",
        "ActionSet",
        "Table",
        "Input.Text",
        "Input.Number",
        "Input.Date",
        "Input.Time",
        "Input.Toggle",
        "Input.ChoiceSet",
    }
)
TEAMS_ACTIONS = frozenset(
    {
        "Action.OpenUrl",
        "Action.Submit",
        "Action.ShowCard",
        "Action.ToggleVisibility",
        "Action.Execute",
    }
)


def _teams_element(where: str, element: object) -> list[str]:
    if not isinstance(element, dict):
        return [f"{where}: must be an object"]
    kind = element.get("type")
    if kind not in TEAMS_ELEMENTS:
        return [f"{where}.type: unknown element type {kind!r}"]
    problems: list[str] = []
    if kind == "TextBlock" and not isinstance(element.get("text"), str):
        problems.append(f"{where}.text: a TextBlock needs a string text")
    elif kind == "FactSet":
        facts = element.get("facts")
        if not isinstance(facts, list):
            return [f"{where}.facts: must be an array"]
        for i, fact in enumerate(facts):
            if not (
                isinstance(fact, dict)
                and isinstance(fact.get("title"), str)
                and isinstance(fact.get("value"), str)
            ):
                problems.append(f"{where}.facts[{i}]: title and value must be strings")
    elif kind == "Container":
        problems += _teams_elements(f"{where}.items", element.get("items"))
    elif kind == "ColumnSet":
        for i, column in enumerate(element.get("columns") or []):
            items = column.get("items", []) if isinstance(column, dict) else None
            problems += _teams_elements(f"{where}.columns[{i}].items", items)
    return problems


def _teams_elements(where: str, elements: object) -> list[str]:
    if not isinstance(elements, list):
        return [f"{where}: must be an array"]
    return [p for i, e in enumerate(elements) for p in _teams_element(f"{where}[{i}]", e)]


def _teams_card(where: str, card: object) -> list[str]:
    if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
        return [f"{where}.type: must be AdaptiveCard"]
    problems: list[str] = []
    version = card.get("version")
    if not (isinstance(version, str) and re.fullmatch(r"1\.[0-5]", version)):
        problems.append(f"{where}.version: {version!r} is not a version Teams renders (1.0-1.5)")
    if "$schema" in card and not isinstance(card["$schema"], str):
        problems.append(f"{where}.$schema: must be a string")
    problems += _teams_elements(f"{where}.body", card.get("body"))
    for i, action in enumerate(card.get("actions") or []):
        kind = action.get("type") if isinstance(action, dict) else None
        if kind not in TEAMS_ACTIONS:
            problems.append(f"{where}.actions[{i}].type: unknown action {kind!r}")
        elif kind == "Action.OpenUrl" and not isinstance(action.get("url"), str):
            problems.append(f"{where}.actions[{i}].url: Action.OpenUrl needs a url")
    return problems


def teams_problems(body: bytes) -> list[str]:
    """What a Teams incoming webhook (or Workflows flow) would refuse in this body."""
    problems: list[str] = []
    if len(body) > TEAMS_MAX_BYTES:
        problems.append(f"Request Entity Too Large: {len(body)} bytes, at most {TEAMS_MAX_BYTES}")
    data, parse_problems = _parse(body)
    if parse_problems:
        return problems + parse_problems
    if not isinstance(data, dict) or data.get("type") != "message":
        return [*problems, "type: must be 'message'"]
    attachments = data.get("attachments")
    if not isinstance(attachments, list) or not attachments:
        return [*problems, "attachments: at least one attachment"]
    for i, attachment in enumerate(attachments):
        where = f"attachments[{i}]"
        if not isinstance(attachment, dict) or attachment.get("contentType") != TEAMS_CARD_TYPE:
            problems.append(f"{where}.contentType: must be {TEAMS_CARD_TYPE}")
            continue
        problems += _teams_card(f"{where}.content", attachment.get("content"))
    return problems


VALIDATORS: dict[str, Validator] = {
    "slack": slack_problems,
    "discord": discord_problems,
    "teams": teams_problems,
}


@contextmanager
def chat_receiver(webhook_format: str) -> Iterator[WebhookReceiver]:
    """A loopback receiver that answers 400, with the problems, to what the service refuses."""
    with WebhookReceiver(validate=VALIDATORS[webhook_format]) as receiver:
        yield receiver
