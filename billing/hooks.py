"""The hook other apps plug into when a user's billing state changes.

``billing_state_changed`` runs after the transaction that made the change commits, once per
change: a subscription moving status (trialing -> active, active -> grace, -> expired, ...), a
purchase completing or being refunded/revoked. The Notifications app does not exist yet, so the
only receiver logs (ids and statuses, no personal data); when it lands it registers a receiver
(``billing_state_receiver_register(fn)``) from its ``AppConfig.ready`` and sends the user an
in-app/push message. Receivers must be quick and must not raise (an exception is logged and the
next receiver still runs): enqueue a Celery task for real work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

logger = logging.getLogger("billing.state")


@dataclass(frozen=True)
class BillingStateChange:
    user_id: Any
    object_type: str  # "subscription" | "purchase"
    object_id: Any
    from_status: str
    to_status: str
    provider: str


Receiver = Callable[[BillingStateChange], None]
_receivers: list[Receiver] = []


def billing_state_receiver_register(receiver: Receiver) -> Receiver:
    if receiver not in _receivers:
        _receivers.append(receiver)
    return receiver


def billing_state_receiver_unregister(receiver: Receiver) -> None:
    if receiver in _receivers:
        _receivers.remove(receiver)


def _log_receiver(change: BillingStateChange) -> None:
    logger.info(
        "billing state changed: user=%s %s=%s %s -> %s (%s)",
        change.user_id,
        change.object_type,
        change.object_id,
        change.from_status or "-",
        change.to_status,
        change.provider,
    )


billing_state_receiver_register(_log_receiver)


def _dispatch(change: BillingStateChange) -> None:
    for receiver in list(_receivers):
        try:
            receiver(change)
        except Exception:  # a receiver's bug must not break billing or the next receiver
            logger.exception("billing_state_changed receiver %r failed", receiver)


def billing_state_changed(change: BillingStateChange) -> None:
    """Tell the receivers about ``change`` once the current transaction commits."""
    transaction.on_commit(lambda: _dispatch(change))
