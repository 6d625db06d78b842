"""Configuration problems: each one names its place in the file, all of them raised together.

Exception tree::

    ConfigError (ValueError)   .problems: list[ConfigProblem]

A ``ConfigProblem`` is plain data; its ``str`` is the one line ``monitor check``
prints, ``file:line:col: path: message``. Messages never carry a secret value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One thing wrong with a config file; line and column are 1-based, 0 when unknown."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{place}: {self.path}: {self.message}" if self.path else f"{place}: {self.message}"


class ConfigError(ValueError):
    """The config cannot be used; ``problems`` lists every reason found, in file order."""

    def __init__(self, problems: Iterable[ConfigProblem]) -> None:
        self.problems: list[ConfigProblem] = sorted(
            problems, key=lambda p: (p.file, p.line, p.column, p.path, p.message)
        )
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)
