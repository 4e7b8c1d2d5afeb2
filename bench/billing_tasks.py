"""Django-side data for the billing replay storm (bench/studies/billing.py).

Called through ``python -m bench.django_tasks billing-storm-setup|billing-storm-verify``
against the bench database. Setup removes the previous run's storm data (users
``bench-billing-NNN@example.com`` and everything of theirs, the storm's webhook events) and
creates the premium product, its monthly price (Stripe ``price_bench_monthly``) and 100 users,
each with a Stripe customer id (``cus_bench_NNN``). Verify answers what the storm left, for
the bench process to compare with what it expects.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

USERS = 100
EMAIL = "bench-billing-{:03d}@example.com"
PRICE_ID = "price_bench_monthly"
EVENT_PREFIX = "evt_storm_"


def storm_setup() -> dict[str, Any]:
    from accounts.models import User
    from billing.models import BillingCustomer, Payment, Price, Product, WebhookEvent

    User.objects.filter(email__startswith="bench-billing-").delete()
    # Payments outlive their user (the books): remove the previous run's by their ids.
    Payment.objects.filter(provider_payment_id__startswith="in_bench_").delete()
    WebhookEvent.objects.filter(event_id__startswith=EVENT_PREFIX).delete()
    Price.objects.filter(stripe_price_id=PRICE_ID).delete()
    Product.objects.filter(name="Bench premium").delete()
    product = Product.objects.create(name="Bench premium", kind="subscription", grants="premium")
    Price.objects.create(
        product=product, interval="month", amount=999, currency="EUR", stripe_price_id=PRICE_ID
    )
    users = User.objects.bulk_create(
        [User(email=EMAIL.format(i), name="Bench") for i in range(USERS)]
    )
    BillingCustomer.objects.bulk_create(
        [
            BillingCustomer(user=user, stripe_customer_id=f"cus_bench_{i:03d}")
            for i, user in enumerate(users)
        ]
    )
    return {"users": [str(u.public_id) for u in users]}


def storm_verify() -> dict[str, Any]:
    from django.db.models import Count

    from accounts.models import User
    from billing.entitlements import premium_active_exists
    from billing.models import Entitlement, Payment, Subscription, WebhookEvent

    users = User.objects.filter(email__startswith="bench-billing-")
    subs = Subscription.objects.filter(user__in=users)
    payments = Payment.objects.filter(user__in=users)
    entitlements = Entitlement.objects.filter(user__in=users)
    events = WebhookEvent.objects.filter(event_id__startswith=EVENT_PREFIX)
    return {
        "subscriptions": {
            s.provider_subscription_id: s.status
            for s in subs.only("provider_subscription_id", "status")
        },
        "payments": sorted(
            [p.provider_payment_id, p.kind, p.amount, p.status]
            for p in payments.only("provider_payment_id", "kind", "amount", "status")
        ),
        "entitlements_per_subscription": dict(
            Counter(
                entitlements.values("subscription_id")
                .annotate(n=Count("id"))
                .values_list("n", flat=True)
            )
        ),
        "entitlements_without_subscription": entitlements.filter(subscription__isnull=True).count(),
        "premium_users": users.filter(premium_active_exists()).count(),
        "events_stored": events.count(),
        "events_processed": events.filter(processed_at__isnull=False).count(),
    }
