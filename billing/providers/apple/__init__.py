"""Apple in-app purchases (StoreKit 2 JWS transactions, App Store Server Notifications V2).

Public interface (see ``billing/providers/README.md``):

* ``is_configured() -> bool`` / ``configuration_problem() -> str | None``
* ``transaction_verify(*, signed_transaction: str) -> StoreTransaction``
* ``notification_verify(*, body: bytes) -> NotificationEvent``
"""

from .client import configuration_problem, is_configured, transaction_verify, verifier_cache_clear
from .notifications import notification_verify, subscription_status

__all__ = [
    "configuration_problem",
    "is_configured",
    "notification_verify",
    "subscription_status",
    "transaction_verify",
    "verifier_cache_clear",
]
