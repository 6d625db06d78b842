"""What every delivery channel promises: send one alert, or say whether the failure is retryable.

A channel only classifies its failure; the retry policy lives in one place (`retry.py`),
as in Alertmanager's notifiers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class DeliveryError(Exception):
    """A failed delivery attempt, carrying the retry decision's inputs.

    The message is shown to users (`monitor alerts`) and logged, so channels must build it
    from safe parts only: never a secret, never a full URL query string.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        gone: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after
        # The target says it is gone for good (HTTP 410): the whole channel is disabled.
        self.gone = gone

    def __repr__(self) -> str:
        return (
            f"DeliveryError({self.message!r}, retryable={self.retryable}, "
            f"retry_after={self.retry_after})"
        )


class Channel(Protocol):
    """A configured destination; `send` returns on success and raises `DeliveryError` otherwise."""

    name: str

    async def send(self, alert_id: str, payload: Mapping[str, Any]) -> None:
        """Deliver the alert whose contract JSON body is `payload`."""
        ...
