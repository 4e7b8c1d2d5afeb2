"""System checks of the payments settings: a half-configured provider fails at start-up."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def stripe_settings_check(app_configs: Any, **kwargs: Any) -> list[Error | Warning]:
    import stripe

    problems: list[Error | Warning] = []
    key = settings.STRIPE_SECRET_KEY
    if key and not settings.STRIPE_WEBHOOK_SECRET:
        problems.append(
            Error(
                "STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: payments could start "
                "but no event would ever confirm them.",
                id="billing.E001",
            )
        )
    if settings.STRIPE_WEBHOOK_SECRET and not key:
        problems.append(
            Error(
                "STRIPE_WEBHOOK_SECRET is set but STRIPE_SECRET_KEY is not: webhooks re-read "
                "subscriptions from Stripe's API and would all answer 503.",
                id="billing.E002",
            )
        )
    if settings.PRODUCTION and key.startswith(("sk_test_", "rk_test_")):
        problems.append(
            Warning("STRIPE_SECRET_KEY is a test-mode key in production.", id="billing.W001")
        )
    if stripe.api_version != settings.STRIPE_API_VERSION:
        problems.append(
            Warning(
                f"STRIPE_API_VERSION is {settings.STRIPE_API_VERSION!r} but the stripe SDK is "
                f"built for {stripe.api_version!r}: the SDK's types and our readers follow the "
                "latter; update both together.",
                id="billing.W002",
            )
        )
    return problems
