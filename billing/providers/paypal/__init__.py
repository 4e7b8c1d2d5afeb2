"""PayPal: webhooks verified through PayPal's verify call, subscriptions read over REST.

Public interface (see ``billing/providers/README.md``):

* ``is_configured() -> bool`` / ``configuration_problem() -> str | None``
* ``notification_verify(*, body: bytes, headers: Mapping[str, str]) -> NotificationEvent``
* ``subscription_get(*, subscription_id: str) -> StoreSubscriptionState``
"""

from .client import (
    configuration_problem,
    is_configured,
    subscription_get,
    token_cache_clear,
    webhook_signature_verify,
)
from .webhooks import notification_verify

__all__ = [
    "configuration_problem",
    "is_configured",
    "notification_verify",
    "subscription_get",
    "token_cache_clear",
    "webhook_signature_verify",
]
