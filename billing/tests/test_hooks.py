import datetime as dt

import pytest
from django.utils import timezone

from billing.entitlements import meal_plan_package_access, user_is_premium
from billing.hooks import (
    BillingStateChange,
    billing_state_receiver_register,
    billing_state_receiver_unregister,
)
from billing.models import Entitlement, Price, Product, Purchase, Subscription
from billing.providers.types import Provider, StoreSubscriptionState, SubscriptionStatus
from billing.services.purchases import purchase_complete
from billing.services.subscriptions import subscription_state_apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    seen = []
    billing_state_receiver_register(seen.append)
    yield seen
    billing_state_receiver_unregister(seen.append)


def apple_state(status, minutes=0, **extra):
    now = timezone.now()
    return StoreSubscriptionState(
        provider=Provider.APPLE,
        original_transaction_id="2000000555",
        product_id="com.fitcore.premium.monthly",
        status=status,
        expires_at=now + dt.timedelta(days=3),
        auto_renew=True,
        provider_event_time=now + dt.timedelta(minutes=minutes),
        **extra,
    )


def apply(alice, catalog, state):
    return subscription_state_apply(
        user_id=alice.pk,
        provider="apple",
        provider_subscription_id="2000000555",
        price=catalog["monthly"],
        state=state,
        source="webhook",
    )[0]


def test_each_state_change_reaches_the_receivers_after_commit(
    alice, catalog, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sub = apply(alice, catalog, apple_state(SubscriptionStatus.ACTIVE))
        apply(alice, catalog, apple_state(SubscriptionStatus.ACTIVE, 1))  # no change: no call
        apply(alice, catalog, apple_state(SubscriptionStatus.BILLING_RETRY, 2))

    assert received == [
        BillingStateChange(alice.pk, "subscription", sub.pk, "", "active", "apple"),
        BillingStateChange(alice.pk, "subscription", sub.pk, "active", "billing_retry", "apple"),
    ]


def test_a_failing_receiver_does_not_break_billing(
    alice, catalog, django_capture_on_commit_callbacks
):
    def broken(change):
        raise RuntimeError("boom")

    billing_state_receiver_register(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            sub = apply(alice, catalog, apple_state(SubscriptionStatus.ACTIVE))
    finally:
        billing_state_receiver_unregister(broken)

    assert sub.status == "active"


@pytest.mark.parametrize(
    ("status", "premium"),
    [
        (SubscriptionStatus.ACTIVE, True),
        (SubscriptionStatus.TRIALING, True),
        (SubscriptionStatus.GRACE, True),
        (SubscriptionStatus.BILLING_RETRY, True),
        (SubscriptionStatus.ON_HOLD, False),
        (SubscriptionStatus.PAUSED, False),
        (SubscriptionStatus.EXPIRED, False),
        (SubscriptionStatus.REVOKED, False),
        (SubscriptionStatus.REFUNDED, False),
    ],
)
def test_premium_follows_the_store_state(alice, catalog, status, premium):
    apply(alice, catalog, apple_state(status))

    assert user_is_premium(user=alice) is premium


def test_grace_ends_when_the_store_says_it_ends(alice, catalog):
    ended = timezone.now() - dt.timedelta(minutes=1)

    apply(alice, catalog, apple_state(SubscriptionStatus.GRACE, grace_expires_at=ended))

    assert user_is_premium(user=alice) is False
    assert Entitlement.objects.get().valid_until == ended


def test_a_bought_meal_plan_package_unlocks_that_package_only(alice):
    product = Product.objects.create(
        name="Keto month",
        kind="one_time",
        grants="meal_plan_package",
        meal_plan_package="keto-month",
    )
    price = Price.objects.create(product=product, interval="none", amount=1299, currency="EUR")
    purchase = Purchase.objects.create(
        user=alice,
        provider="stripe",
        provider_purchase_id="pi_1",
        price=price,
        status="pending",
        amount=1299,
        currency="EUR",
    )

    purchase_complete(purchase=purchase, source="webhook")

    assert meal_plan_package_access(user=alice, package="keto-month").reason == "purchased"
    assert meal_plan_package_access(user=alice, package="vegan-month").allowed is False
    assert Subscription.objects.count() == 0


def test_a_half_configured_stripe_fails_the_system_checks(settings):
    from billing.checks import stripe_settings_check

    settings.STRIPE_SECRET_KEY = "sk_live_x"
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert [p.id for p in stripe_settings_check(None)] == ["billing.E001"]

    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    assert [p.id for p in stripe_settings_check(None)] == ["billing.E002"]

    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.STRIPE_API_VERSION = "2024-06-20"
    assert [p.id for p in stripe_settings_check(None)] == ["billing.W002"]
