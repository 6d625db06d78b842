"""Read rules.yaml into plain data, remembering where every key and value was written.

ruamel.yaml's round-trip loader keeps the line and column of each node; we copy
them into a map from data path (``("rules", 2, "channels")``) to position, so a
problem found later, by pydantic or by a cross-reference check, can name its
``file:line:col``. ``${VAR}`` interpolation happens here too, while the
position of each string is at hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarfloat import ScalarFloat
from ruamel.yaml.scalarint import ScalarInt
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from monitor.config.errors import ConfigError, ConfigProblem

DataPath = tuple[str | int, ...]
Position = tuple[int, int]

MAX_CONFIG_BYTES = 4 * 1024 * 1024  # a rules file is hand-written; anything larger is a mistake
MAX_CONFIG_VALUES = 200_000  # bounds alias expansion ("billion laughs") as well as size

_REFERENCE = re.compile(r"\$\$\{|\$\{([^}]*)\}|\$\{")
_VARIABLE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?", re.DOTALL)
_DUPLICATE_KEY = re.compile(r'found duplicate key "([^"]*)"')


@dataclass(frozen=True, slots=True)
class StringScalar:
    """How a string was written, so an offset inside it can become a column in the file."""

    raw: str
    style: str  # plain | single | double | block
    interpolated: bool


@dataclass(frozen=True)
class Document:
    """A parsed config file: plain data plus the position of each key and value (1-based)."""

    file: str
    data: object
    lines: list[str]
    values: dict[DataPath, Position] = field(default_factory=dict)
    keys: dict[DataPath, Position] = field(default_factory=dict)
    strings: dict[DataPath, StringScalar] = field(default_factory=dict)

    def position(self, path: DataPath, *, of_key: bool = False) -> Position:
        """Return where ``path`` was written, or its nearest written ancestor."""
        if of_key and path in self.keys:
            return self.keys[path]
        while path:
            if path in self.values:
                return self.values[path]
            if path in self.keys:
                return self.keys[path]
            path = path[:-1]
        return self.values.get((), (1, 1))

    def problem(self, path: DataPath, message: str, *, of_key: bool = False) -> ConfigProblem:
        """Build a problem located at ``path``."""
        line, column = self.position(path, of_key=of_key)
        return ConfigProblem(self.file, line, column, format_path(path), message)


def format_path(path: DataPath) -> str:
    """Write a data path the way users read it: ``rules[2].channels``, ``channels.ops-hook``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z0-9_-]+", part):
            text += f".{part}" if text else part
        else:
            text += f"[{part!r}]"
    return text


def read_document(path: Path, env: Mapping[str, str]) -> tuple[Document, list[ConfigProblem]]:
    """Parse the file at ``path``; ConfigError if it cannot be read or is not YAML at all."""
    name = str(path)
    text = _read_text(path, name)
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    try:
        root = yaml.load(text)
    except MarkedYAMLError as error:
        raise ConfigError([_yaml_problem(name, error)]) from None
    except YAMLError as error:
        raise ConfigError([ConfigProblem(name, 0, 0, "", f"invalid YAML: {error}")]) from None
    builder = _Builder(name, env)
    data = builder.convert(root, ())
    document = Document(
        name, data, text.splitlines(), builder.values, builder.keys, builder.strings
    )
    return document, builder.problems


def _read_text(path: Path, name: str) -> str:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ConfigError(
            [ConfigProblem(name, 0, 0, "", f"cannot read config: {reason}")]
        ) from None
    if len(raw) > MAX_CONFIG_BYTES:
        message = f"config file is larger than {MAX_CONFIG_BYTES // (1024 * 1024)} MB"
        raise ConfigError([ConfigProblem(name, 0, 0, "", message)])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError([ConfigProblem(name, line, 0, "", "config is not UTF-8 text")]) from None


def _yaml_problem(name: str, error: MarkedYAMLError) -> ConfigProblem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    problem = error.problem or ""
    if isinstance(error, DuplicateKeyError):
        # ruamel's own message quotes both values, which may be secrets.
        found = _DUPLICATE_KEY.search(problem)
        message = f"duplicate key {found.group(1)!r}" if found else "duplicate key"
        return ConfigProblem(name, line, column, "", message)
    context = f" ({error.context})" if error.context else ""
    return ConfigProblem(name, line, column, "", f"invalid YAML: {problem}{context}")


class _Builder:
    """Walks ruamel's node tree once, collecting plain data, positions and interpolation errors."""

    def __init__(self, file: str, env: Mapping[str, str]) -> None:
        self.file = file
        self.env = env
        self.values: dict[DataPath, Position] = {(): (1, 1)}
        self.keys: dict[DataPath, Position] = {}
        self.strings: dict[DataPath, StringScalar] = {}
        self.problems: list[ConfigProblem] = []
        self.count = 0

    def convert(self, node: object, path: DataPath) -> object:
        self.count += 1
        if self.count > MAX_CONFIG_VALUES:
            message = f"config has more than {MAX_CONFIG_VALUES} values (are aliases nested?)"
            raise ConfigError([ConfigProblem(self.file, 0, 0, "", message)])
        if isinstance(node, CommentedMap):
            return self._convert_mapping(node, path)
        if isinstance(node, CommentedSeq):
            return self._convert_sequence(node, path)
        return self._convert_scalar(node, path)

    def _convert_mapping(self, node: CommentedMap, path: DataPath) -> dict[str, object]:
        if path not in self.values:
            self.values[path] = (node.lc.line + 1, node.lc.col + 1)
        result: dict[str, object] = {}
        for key, value in node.items():
            child = (*path, str(key))
            where = node.lc.data.get(key)
            if where is not None:
                self.keys[child] = (where[0] + 1, where[1] + 1)
                if not isinstance(value, CommentedMap | CommentedSeq):
                    self.values[child] = (where[2] + 1, where[3] + 1)
            result[str(key)] = self.convert(value, child)
        return result

    def _convert_sequence(self, node: CommentedSeq, path: DataPath) -> list[object]:
        if path not in self.values:
            self.values[path] = (node.lc.line + 1, node.lc.col + 1)
        result: list[object] = []
        for index, value in enumerate(node):
            child = (*path, index)
            where = node.lc.data.get(index)
            if where is not None and not isinstance(value, CommentedMap | CommentedSeq):
                self.values[child] = (where[0] + 1, where[1] + 1)
            result.append(self.convert(value, child))
        return result

    def _convert_scalar(self, node: object, path: DataPath) -> object:
        if isinstance(node, TaggedScalar):
            self._report(path, f"YAML tag {node.tag.value!r} is not supported here")
            return None
        if isinstance(node, ScalarBoolean):
            return bool(node)
        if isinstance(node, ScalarInt):
            return int(node)
        if isinstance(node, ScalarFloat):
            return float(node)
        if isinstance(node, str):
            return self._interpolate(str(node), _style_of(node), path)
        return node

    def _interpolate(self, raw: str, style: str, path: DataPath) -> str:
        interpolated = False

        def substitute(match: re.Match[str]) -> str:
            nonlocal interpolated
            interpolated = True
            if match.group(0) == "$${":
                return "${"
            body = match.group(1)
            if body is None:
                self._report(path, "unterminated '${' (write ${NAME}, or $${ for a literal '${')")
                return ""
            variable = _VARIABLE.fullmatch(body)
            if variable is None:
                self._report(
                    path,
                    f"bad variable reference '${{{body}}}': write ${{NAME}} or ${{NAME:-default}}",
                )
                return ""
            name, default = variable.group(1), variable.group(2)
            value = self.env.get(name)
            if value is None or (value == "" and default is not None):
                if default is not None:
                    return default
                self._report(
                    path,
                    f"environment variable {name!r} is not set "
                    f"(set it, or write ${{{name}:-default}})",
                )
                return ""
            return value

        value = _REFERENCE.sub(substitute, raw)
        self.strings[path] = StringScalar(raw, style, interpolated)
        return value

    def _report(self, path: DataPath, message: str) -> None:
        place = path
        while place and place not in self.values:
            place = place[:-1]  # a key merged in with "<<:" has no position of its own
        line, column = self.values.get(place, (0, 0))
        self.problems.append(ConfigProblem(self.file, line, column, format_path(path), message))


def _style_of(node: str) -> str:
    if isinstance(node, SingleQuotedScalarString):
        return "single"
    if isinstance(node, DoubleQuotedScalarString):
        return "double"
    if isinstance(node, LiteralScalarString | FoldedScalarString):
        return "block"
    return "plain"
