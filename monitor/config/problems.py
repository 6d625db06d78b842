"""Turn pydantic's validation errors into ConfigProblems that name a place and a remedy.

pydantic reports a ``loc`` through the model tree, which includes the tag of a
discriminated union (``channels.ops.email.to``) and ``[key]`` for a bad
mapping key; we walk the same tree to drop those, find the position of the
value in the file, and, for an unknown key, the keys that would have been valid.
Messages are built from the error type and never quote an input value of a
secret field.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from monitor.config.errors import ConfigProblem
from monitor.config.loader import DataPath, Document
from monitor.config.models import CHANNEL_TYPES, Config
from monitor.config.validators import suggestion

_PLAIN_MESSAGES = {
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "list_type": "expected a list, e.g. [a, b]",
    "dict_type": "expected a mapping of keys and values",
    "string_type": "expected text",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
}


def problems_from(error: ValidationError, document: Document) -> list[ConfigProblem]:
    """Locate and phrase every error pydantic found in ``document``."""
    return [_problem(detail, document) for detail in error.errors()]


def _problem(detail: ErrorDetails, document: Document) -> ConfigProblem:
    path, on_key, model = _resolve(detail["loc"])
    kind = detail["type"]
    if kind == "extra_forbidden":
        unknown = str(path[-1])
        valid = _keys_of(model)
        hint = suggestion(unknown, valid) or f" (valid keys: {', '.join(valid)})"
        return document.problem(path, f"unknown key {unknown!r}{hint}", of_key=True)
    if kind == "missing":
        return document.problem(path[:-1], f"missing required key {path[-1]!r}")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return _channel_type_problem(detail, path, document)
    return document.problem(path, _message(detail, path), of_key=on_key)


def _channel_type_problem(
    detail: ErrorDetails, path: DataPath, document: Document
) -> ConfigProblem:
    valid = ", ".join(CHANNEL_TYPES)
    if detail["type"] == "union_tag_not_found":
        return document.problem(path, f"missing key 'type' (one of: {valid})")
    tag = str(detail.get("ctx", {}).get("tag", ""))
    hint = suggestion(tag, CHANNEL_TYPES)
    message = f"unknown channel type {tag!r}{hint}; valid types: {valid}"
    return document.problem((*path, "type"), message)


def _message(detail: ErrorDetails, path: DataPath) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", detail["msg"]))
    if kind == "literal_error":
        return _literal_message(detail["input"], str(ctx.get("expected", "")), path)
    if kind == "model_type" or kind == "model_attributes_type":
        return "expected a mapping of keys and values"
    if kind == "too_short":
        return "must not be empty"
    if kind in _PLAIN_MESSAGES:
        return _PLAIN_MESSAGES[kind]
    return detail["msg"][:1].lower() + detail["msg"][1:]


def _literal_message(given: Any, expected: str, path: DataPath) -> str:
    noun = str(path[-1]) if path and isinstance(path[-1], str) else "value"
    if not isinstance(given, str | int | float | bool):
        return f"expected one of: {expected}"
    choices = [part.strip(" '") for part in expected.replace(" or ", ", ").split(",")]
    hint = suggestion(given, choices) if isinstance(given, str) else ""
    return f"unknown {noun} {given!r}{hint}; expected one of: {', '.join(choices)}"


def _resolve(loc: tuple[int | str, ...]) -> tuple[DataPath, bool, type[BaseModel] | None]:
    """Return the data path of ``loc``, whether it points at a mapping key, and the last model."""
    current: Any = Config
    model: type[BaseModel] | None = None
    path: list[str | int] = []
    on_key = False
    for part in loc:
        if part == "[key]":  # pydantic's marker after a mapping key that failed validation
            on_key = True
            continue
        current = _unwrap(current)
        members = _union_members(current)
        if members and isinstance(part, str) and _tagged(members, part) is not None:
            current = _tagged(members, part)
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            model = current
            current = _field_type(current, str(part))
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        elif typing.get_origin(current) is list:
            current = typing.get_args(current)[0]
        else:
            current = None
        path.append(part)
    return tuple(path), on_key, model


def _unwrap(annotation: Any) -> Any:
    while True:
        if typing.get_origin(annotation) is Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        members = _union_members(annotation)
        others = [member for member in members if member is not type(None)]
        if members and len(others) == 1:
            annotation = others[0]
            continue
        return annotation


def _union_members(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        return typing.get_args(annotation)
    return ()


def _tagged(members: tuple[Any, ...], tag: str) -> type[BaseModel] | None:
    for member in members:
        if isinstance(member, type) and issubclass(member, BaseModel):
            field = member.model_fields.get("type")
            annotation = field.annotation if field is not None else None
            if typing.get_origin(annotation) is Literal and tag in typing.get_args(annotation):
                return member
    return None


def _field_type(model: type[BaseModel], key: str) -> Any:
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return field.annotation
    return None


def _keys_of(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [field.alias or name for name, field in model.model_fields.items()]
