"""App Store purchases and notifications through our endpoints: transactions signed by a
certificate chain made for the test session (billing/tests/providers_support/apple.py)."""

import base64
import datetime as dt
import json

import pytest

from billing.entitlements import user_is_premium, workout_access
from billing.models import (
    Entitlement,
    Payment,
    Purchase,
    Subscription,
    WebhookEvent,
)
from billing.providers import apple
from billing.tests.providers_support.apple import (
    APP_APPLE_ID,
    BUNDLE_ID,
    AppleSigner,
    notification_payload,
    renewal_payload,
    transaction_payload,
)
from core.testing import SchemaValidatingClient

pytestmark = pytest.mark.django_db
URL = "/api/payments/purchases"
HOOK = "/api/payments/webhooks/apple"


@pytest.fixture(scope="module")
def signer():
    return AppleSigner.create()


@pytest.fixture
def apple_store(settings, signer, catalog):
    apple.verifier_cache_clear()
    settings.APPLE_IAP_BUNDLE_ID = BUNDLE_ID
    settings.APPLE_IAP_APP_APPLE_ID = str(APP_APPLE_ID)
    settings.APPLE_IAP_ENVIRONMENT = "Production"
    settings.APPLE_IAP_ROOT_CERTIFICATES = [base64.b64encode(signer.root_der).decode()]
    settings.APPLE_IAP_ONLINE_CHECKS = False
    yield signer
    apple.verifier_cache_clear()


def post_transaction(client, signed, key="k1"):
    return client.post(
        URL,
        {"provider": "apple", "signed_transaction": signed},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def state():
    return (
        list(Subscription.objects.values_list("user_id", "status")),
        list(Purchase.objects.values_list("user_id", "status")),
        Entitlement.objects.count(),
        Payment.objects.count(),
    )


def test_an_app_store_subscription_makes_the_user_premium_everywhere(
    alice, alice_client, apple_store
):
    signed = apple_store.sign(transaction_payload(appAccountToken=str(alice.public_id)))

    response = post_transaction(alice_client, signed)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["purchase"], body["client_secret"]) == ("subscription", None, None)
    assert (body["subscription"]["provider"], body["subscription"]["status"]) == ("apple", "active")
    sub = Subscription.objects.get()
    assert (sub.user, sub.provider_subscription_id, sub.price.app_store_product_id) == (
        alice,
        "2000000100000000",
        "com.fitcore.premium.monthly",
    )
    assert user_is_premium(user=alice) is True
    # Auto-renewing: premium lasts BILLING_RENEWAL_LEEWAY_SECONDS (6 h) past the period's end.
    assert Entitlement.objects.get().valid_until == sub.current_period_end + dt.timedelta(hours=6)


def test_a_one_time_app_store_purchase_unlocks_that_workout(
    alice, alice_client, apple_store, catalog
):
    signed = apple_store.sign(
        transaction_payload(
            productId="com.fitcore.workout.sold",
            type="Non-Consumable",
            originalTransactionId="2000000200000000",
            transactionId="2000000200000000",
            expiresDate=None,
            subscriptionGroupIdentifier=None,
            webOrderLineItemId=None,
            price=4990,
            currency="EUR",
            appAccountToken=str(alice.public_id),
        )
    )

    body = post_transaction(alice_client, signed).json()

    assert (body["kind"], body["purchase"]["status"], body["purchase"]["provider"]) == (
        "purchase",
        "completed",
        "apple",
    )
    assert workout_access(user=alice, workout=catalog["workout"]).reason == "purchased"
    assert user_is_premium(user=alice) is False
    payment = Payment.objects.get()
    assert (payment.kind, payment.amount, payment.currency, payment.provider_payment_id) == (
        "charge",
        499,
        "EUR",
        "2000000200000000",
    )


def test_a_transaction_for_another_account_is_refused(alice, bob, apple_store):
    signed = apple_store.sign(transaction_payload(appAccountToken=str(alice.public_id)))

    response = post_transaction(SchemaValidatingClient().as_user(bob), signed)

    assert response.status_code == 409
    assert response.json()["code"] == "purchase_claimed_by_another_user"
    assert state() == ([], [], 0, 0)


def test_a_transaction_already_claimed_by_another_user_is_refused(
    alice, alice_client, bob, apple_store
):
    signed = apple_store.sign(transaction_payload(appAccountToken=None))
    post_transaction(alice_client, signed)
    before = state()

    response = post_transaction(SchemaValidatingClient().as_user(bob), signed)

    assert response.status_code == 409
    assert response.json()["code"] == "purchase_claimed_by_another_user"
    assert state() == before
    assert user_is_premium(user=bob) is False


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda signer, other: other.sign(transaction_payload()), "invalid_signature"),
        (
            lambda signer, other: signer.sign(transaction_payload(bundleId="com.other.app")),
            "wrong_app",
        ),
        (
            lambda signer, other: signer.sign(transaction_payload(environment="Sandbox")),
            "wrong_environment",
        ),
        (lambda signer, other: "not-a-jws", "invalid_signature"),
    ],
)
def test_an_unverifiable_transaction_grants_nothing(alice, alice_client, apple_store, make, code):
    signed = make(apple_store, AppleSigner.create(name="Impostor"))

    response = post_transaction(alice_client, signed)

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == ("signed_transaction", code)
    assert state() == ([], [], 0, 0)
    replay = post_transaction(alice_client, signed)
    assert (replay.status_code, replay["Idempotent-Replayed"]) == (400, "true")
    assert replay.json() == response.json()
    assert state() == ([], [], 0, 0)


def test_an_unknown_product_is_refused(alice, alice_client, apple_store):
    signed = apple_store.sign(
        transaction_payload(productId="com.fitcore.unknown", appAccountToken=str(alice.public_id))
    )

    response = post_transaction(alice_client, signed)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "unknown_product"
    assert state() == ([], [], 0, 0)


def notify(client, signer, **kwargs):
    payload = notification_payload(signer, **kwargs)
    body = json.dumps({"signedPayload": signer.sign(payload)}).encode()
    return client.generic("POST", HOOK, body, content_type="application/json")


def test_notifications_follow_the_subscription_and_replays_are_ignored(
    alice, alice_client, api_client, apple_store
):
    post_transaction(
        alice_client, apple_store.sign(transaction_payload(appAccountToken=str(alice.public_id)))
    )
    later = dt.datetime(2026, 12, 1, 13, 0, tzinfo=dt.UTC)

    expired = notify(
        api_client,
        apple_store,
        notification_type="EXPIRED",
        subtype="VOLUNTARY",
        transaction=transaction_payload(appAccountToken=str(alice.public_id)),
        renewal=renewal_payload(autoRenewStatus=0),
        status=2,
        notification_uuid="uuid-expired",
        signed_date=later,
    )
    replay = notify(
        api_client,
        apple_store,
        notification_type="EXPIRED",
        subtype="VOLUNTARY",
        transaction=transaction_payload(appAccountToken=str(alice.public_id)),
        renewal=renewal_payload(autoRenewStatus=0),
        status=2,
        notification_uuid="uuid-expired",
        signed_date=later,
    )
    # An older renewal notification arriving late does not bring it back.
    late = notify(
        api_client,
        apple_store,
        notification_type="DID_RENEW",
        transaction=transaction_payload(appAccountToken=str(alice.public_id)),
        renewal=renewal_payload(),
        status=1,
        notification_uuid="uuid-old-renew",
    )

    assert [r.json() for r in (expired, replay, late)] == [
        {"received": True, "duplicate": False},
        {"received": True, "duplicate": True},
        {"received": True, "duplicate": False},
    ]
    assert Subscription.objects.get().status == "expired"
    assert user_is_premium(user=alice) is False
    assert WebhookEvent.objects.filter(provider="apple").count() == 2


def test_a_notification_signed_by_another_chain_is_refused_and_not_stored(api_client, apple_store):
    response = notify(
        api_client,
        AppleSigner.create(name="Impostor"),
        notification_type="DID_RENEW",
        transaction=transaction_payload(),
        status=1,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert WebhookEvent.objects.count() == 0
    assert Subscription.objects.count() == 0


def test_without_apple_settings_purchases_and_notifications_are_unavailable(
    alice_client, api_client, catalog, settings
):
    settings.APPLE_IAP_BUNDLE_ID = ""
    apple.verifier_cache_clear()

    purchase = post_transaction(alice_client, "a.b.c")
    hook = api_client.generic(
        "POST", HOOK, b'{"signedPayload": "a.b.c"}', content_type="application/json"
    )

    assert (purchase.status_code, hook.status_code) == (503, 503)
    assert hook.json()["code"] == "provider_unavailable"
    assert WebhookEvent.objects.count() == 0


def test_an_app_store_refund_notification_ends_the_purchase_and_logs_the_refund(
    alice, alice_client, api_client, apple_store, catalog
):
    bought = transaction_payload(
        productId="com.fitcore.workout.sold",
        type="Non-Consumable",
        originalTransactionId="2000000300000000",
        transactionId="2000000300000000",
        expiresDate=None,
        subscriptionGroupIdentifier=None,
        webOrderLineItemId=None,
        price=4990,
        currency="EUR",
        appAccountToken=str(alice.public_id),
    )
    post_transaction(alice_client, apple_store.sign(bought))
    refunded = dict(
        bought, revocationDate=transaction_payload()["signedDate"] + 1000, revocationReason=0
    )

    response = notify(
        api_client,
        apple_store,
        notification_type="REFUND",
        transaction=refunded,
        notification_uuid="uuid-refund",
    )

    assert response.json() == {"received": True, "duplicate": False}
    assert Purchase.objects.get().status == "refunded"
    assert workout_access(user=alice, workout=catalog["workout"]).allowed is False
    assert sorted(Payment.objects.values_list("kind", "amount", "currency")) == [
        ("charge", 499, "EUR"),
        ("refund", 499, "EUR"),
    ]


def test_a_refund_notified_before_the_app_posts_the_purchase_is_never_granted(
    alice, alice_client, api_client, apple_store, catalog
):
    bought = transaction_payload(
        productId="com.fitcore.workout.sold",
        type="Non-Consumable",
        originalTransactionId="2000000400000000",
        transactionId="2000000400000000",
        expiresDate=None,
        subscriptionGroupIdentifier=None,
        webOrderLineItemId=None,
        price=4990,
        currency="EUR",
        appAccountToken=str(alice.public_id),
    )
    refunded = dict(
        bought, revocationDate=transaction_payload()["signedDate"] + 1000, revocationReason=0
    )
    notify(
        api_client,
        apple_store,
        notification_type="REFUND",
        transaction=refunded,
        notification_uuid="uuid-early-refund",
    )

    # The app then posts the transaction as StoreKit signed it before the refund.
    response = post_transaction(alice_client, apple_store.sign(bought))

    assert response.status_code == 201
    assert response.json()["purchase"]["status"] == "refunded"
    assert Purchase.objects.get().status == "refunded"
    assert workout_access(user=alice, workout=catalog["workout"]).allowed is False
    assert Entitlement.objects.count() == 0
