"""Google Play Billing: the Developer API (androidpublisher v3) and real-time developer
notifications (Pub/Sub push with a Google-signed OIDC token).

Public interface (see ``billing/providers/README.md``):

* ``is_configured() -> bool`` / ``configuration_problem()`` /
  ``notifications_configuration_problem() -> str | None``
* ``subscription_get(*, purchase_token, package_name=None) -> StoreSubscriptionState``
* ``product_purchase_get(*, product_id, purchase_token, package_name=None) -> StoreTransaction``
* ``subscription_acknowledge(*, product_id, purchase_token, package_name=None) -> None``
* ``product_acknowledge(*, product_id, purchase_token, package_name=None) -> None``
* ``notification_verify(*, body: bytes, authorization: str) -> NotificationEvent``
"""

from .client import (
    configuration_problem,
    credentials_cache_clear,
    is_configured,
    notifications_configuration_problem,
    product_acknowledge,
    product_purchase_get,
    subscription_acknowledge,
    subscription_get,
)
from .notifications import certs_cache_clear, notification_verify, push_token_verify

__all__ = [
    "certs_cache_clear",
    "configuration_problem",
    "credentials_cache_clear",
    "is_configured",
    "notification_verify",
    "notifications_configuration_problem",
    "product_acknowledge",
    "product_purchase_get",
    "push_token_verify",
    "subscription_acknowledge",
    "subscription_get",
]
