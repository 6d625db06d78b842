"""Test-wide settings: quiet, deterministic, and never touching the network beyond loopback."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# The real servers and databases of tests/support, as fixtures for every test module.
pytest_plugins = [
    "tests.support.databases",
    "tests.support.http_server",
    "tests.support.smtp_server",
    "tests.support.webhook_receiver",
]

# CI explores more examples, from a fixed seed so that a run can be repeated exactly;
# day-to-day runs draw fresh examples and so keep finding new cases.
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep a developer's own MONITOR_* settings out of every test."""
    for name in ("MONITOR_CONFIG", "MONITOR_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
