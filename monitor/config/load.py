"""Load rules.yaml: parse, interpolate, validate, cross-check, and report every problem at once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError

from monitor.config.checks import cross_reference_problems
from monitor.config.errors import ConfigError, ConfigProblem
from monitor.config.loader import Document, read_document
from monitor.config.models import Config
from monitor.config.problems import problems_from

DATABASE_URL_VARIABLE = "MONITOR_DATABASE_URL"


def load_config(path: str | os.PathLike[str], env: Mapping[str, str] | None = None) -> Config:
    """Return the validated config at ``path``; ConfigError listing every problem otherwise.

    ``env`` (default ``os.environ``) supplies ``${VAR}`` values and
    MONITOR_DATABASE_URL, which overrides ``storage.url``.
    """
    environment = os.environ if env is None else env
    document, problems = read_document(Path(path), environment)
    if not isinstance(document.data, dict):
        message = "the config must be a mapping with version, sources, channels and rules"
        raise ConfigError([*problems, ConfigProblem(document.file, 1, 1, "", message)])
    _drop_empty_sections(document.data)
    _override_database_url(document, environment)
    config: Config | None = None
    try:
        config = Config.model_validate(document.data)
    except ValidationError as error:
        # A value whose ${VAR} failed is already reported; its empty stand-in would only add noise.
        unresolved = {problem.path for problem in problems}
        problems += [p for p in problems_from(error, document) if p.path not in unresolved]
    problems += cross_reference_problems(document)
    if problems or config is None:
        raise ConfigError(_unique(problems))
    return config


def _drop_empty_sections(data: dict[str, object]) -> None:
    """``sources:`` with nothing under it is how a new file starts: read it as an empty list."""
    for section in ("storage", "defaults", "sources", "channels", "rules", "regions"):
        if section in data and data[section] is None:
            del data[section]


def _override_database_url(document: Document, env: Mapping[str, str]) -> None:
    """Deployments set the database per machine, keeping one rules.yaml for all of them."""
    url = env.get(DATABASE_URL_VARIABLE)
    if not url:
        return
    data = document.data
    assert isinstance(data, dict)
    storage = data.get("storage")
    if storage is None:
        data["storage"] = {"url": url}
    elif isinstance(storage, dict):
        storage["url"] = url
        document.strings.pop(("storage", "url"), None)


def _unique(problems: list[ConfigProblem]) -> list[ConfigProblem]:
    return list(dict.fromkeys(problems))
