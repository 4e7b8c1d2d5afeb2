"""The Stripe customer behind a user, created once."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from billing.models import BillingCustomer
from billing.providers.stripe import client as stripe_client


def stripe_customer_get_or_create(*, user: Any) -> str:
    """The user's Stripe customer id. Stripe's idempotency key is the user's, so two racing
    requests get the same customer from Stripe, and the unique row keeps one here."""
    existing = BillingCustomer.objects.filter(user=user).values_list(
        "stripe_customer_id", flat=True
    )
    for customer_id in existing:
        return customer_id
    customer_id = stripe_client.customer_create(
        user_ref=str(user.public_id), idempotency_key=f"fitcore-customer-{user.public_id}"
    )
    try:
        with transaction.atomic():
            BillingCustomer.objects.create(user=user, stripe_customer_id=customer_id)
    except IntegrityError:
        return BillingCustomer.objects.get(user=user).stripe_customer_id
    return customer_id
