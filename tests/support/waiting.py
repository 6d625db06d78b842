"""Wait for a state another thread or process reaches, polling it, instead of guessing a time."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(
    condition: Callable[[], bool], *, what: str = "the condition", timeout: float = 30.0
) -> None:
    """Return once `condition()` holds; fail the test naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)
