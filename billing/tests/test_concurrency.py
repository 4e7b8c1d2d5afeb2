"""A webhook and an API call on one subscription at once, against PostgreSQL with real
threads (each with its own connection): the row lock serialises them and the end state is
Stripe's latest, with one audit row per transition and one entitlement."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from billing.entitlements import user_is_premium
from billing.models import BillingAuditEvent, Entitlement, Subscription, WebhookEvent
from billing.services.customers import stripe_customer_get_or_create
from billing.tests.stripe_fake import event, post_event
from core.testing import SchemaValidatingClient

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = []

    def worker(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


@pytest.fixture
def active_subscription(alice, catalog, stripe_api):
    customer = stripe_customer_get_or_create(user=alice)
    obj = stripe_api.subscription_object(
        sub_id="sub_race",
        customer=customer,
        price_id="price_monthly",
        status="active",
        start=int(timezone.now().timestamp()),
        user_ref=str(alice.public_id),
    )
    stripe_api.subscriptions[obj["id"]] = obj
    post_event(SchemaValidatingClient(), event("customer.subscription.created", obj))
    return Subscription.objects.get()


def test_a_webhook_and_a_cancel_at_once_end_in_stripes_latest_state(
    alice, active_subscription, stripe_api
):
    sub = active_subscription
    renewal = event("customer.subscription.updated", stripe_api.subscriptions["sub_race"])
    user_client = SchemaValidatingClient().as_user(alice)

    cancel, hook = run_together(
        lambda: user_client.post(
            f"/api/payments/subscriptions/{sub.pk}/cancel",
            {"at_period_end": False},
            format="json",
            HTTP_IDEMPOTENCY_KEY="race",
        ),
        lambda: post_event(SchemaValidatingClient(), renewal),
    )

    assert (cancel.status_code, hook.status_code) == (200, 200)
    sub.refresh_from_db()
    assert stripe_api.subscriptions["sub_race"]["status"] == "canceled"
    assert sub.status == "canceled"
    assert user_is_premium(user=alice) is False
    assert Entitlement.objects.filter(subscription=sub).count() == 1
    assert list(
        BillingAuditEvent.objects.filter(object_type="subscription").values_list(
            "from_status", "to_status"
        )
    ) == [("", "active"), ("active", "canceled")]


def test_one_event_delivered_twice_at_once_is_processed_once(alice, catalog, stripe_api):
    customer = stripe_customer_get_or_create(user=alice)
    obj = stripe_api.subscription_object(
        sub_id="sub_twice",
        customer=customer,
        price_id="price_monthly",
        status="active",
        start=int(timezone.now().timestamp()),
        user_ref=str(alice.public_id),
    )
    stripe_api.subscriptions[obj["id"]] = obj
    payload = event("customer.subscription.created", obj)

    answers = run_together(
        *[lambda: post_event(SchemaValidatingClient(), payload) for _ in range(4)]
    )

    assert sorted(a.json()["duplicate"] for a in answers) == [False, True, True, True]
    assert WebhookEvent.objects.count() == 1
    assert Subscription.objects.count() == 1
    assert Entitlement.objects.count() == 1
    assert BillingAuditEvent.objects.count() == 1


def test_one_idempotency_key_sent_twice_at_once_creates_one_subscription(
    alice, catalog, stripe_api
):
    def call():
        return (
            SchemaValidatingClient()
            .as_user(alice)
            .post(
                "/api/payments/subscriptions",
                {"price_id": str(catalog["monthly"].pk)},
                format="json",
                HTTP_IDEMPOTENCY_KEY="double-tap",
            )
        )

    answers = run_together(call, call)

    codes = sorted(a.status_code for a in answers)
    assert codes in ([201, 201], [201, 409])
    if codes == [201, 409]:
        assert (
            next(a for a in answers if a.status_code == 409).json()["code"]
            == "idempotency_request_in_progress"
        )
    assert Subscription.objects.count() == 1
    assert len([c for c in stripe_api.calls if c[1] == "/v1/subscriptions"]) == 1


@pytest.mark.parametrize("kind", ["one_time", "subscription"])
def test_one_app_store_transaction_claimed_by_two_users_at_once_goes_to_one(
    alice, bob, catalog, settings, kind
):
    import base64

    from billing.models import Payment, Purchase
    from billing.providers import apple
    from billing.tests.providers_support.apple import (
        APP_APPLE_ID,
        BUNDLE_ID,
        AppleSigner,
        transaction_payload,
    )

    signer = AppleSigner.create()
    apple.verifier_cache_clear()
    settings.APPLE_IAP_BUNDLE_ID = BUNDLE_ID
    settings.APPLE_IAP_APP_APPLE_ID = str(APP_APPLE_ID)
    settings.APPLE_IAP_ENVIRONMENT = "Production"
    settings.APPLE_IAP_ROOT_CERTIFICATES = [base64.b64encode(signer.root_der).decode()]
    settings.APPLE_IAP_ONLINE_CHECKS = False
    one_time = {
        "productId": "com.fitcore.workout.sold",
        "type": "Non-Consumable",
        "originalTransactionId": "2000000500000000",
        "transactionId": "2000000500000000",
        "expiresDate": None,
        "subscriptionGroupIdentifier": None,
        "webOrderLineItemId": None,
        "price": 4990,
        "currency": "EUR",
    }
    payload = transaction_payload(appAccountToken=None, **(one_time if kind == "one_time" else {}))
    signed = signer.sign(payload)

    def claim(user):
        return lambda: (
            SchemaValidatingClient()
            .as_user(user)
            .post(
                "/api/payments/purchases",
                {"provider": "apple", "signed_transaction": signed},
                format="json",
                HTTP_IDEMPOTENCY_KEY="claim",
            )
        )

    answers = run_together(claim(alice), claim(bob))
    apple.verifier_cache_clear()

    assert sorted(a.status_code for a in answers) == [201, 409]
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.json()["code"] == "purchase_claimed_by_another_user"
    owners = (
        list(Purchase.objects.values_list("user_id", flat=True))
        if kind == "one_time"
        else list(Subscription.objects.values_list("user_id", flat=True))
    )
    assert len(owners) == 1
    assert list(Entitlement.objects.values_list("user_id", flat=True)) == owners
    assert Payment.objects.count() == (1 if kind == "one_time" else 0)
