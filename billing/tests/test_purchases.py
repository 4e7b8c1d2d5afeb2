import uuid

import pytest

from billing.models import Entitlement, IdempotencyKey, Payment, Purchase
from billing.tests.stripe_fake import event, post_event
from core.testing import SchemaValidatingClient

pytestmark = pytest.mark.django_db
URL = "/api/payments/purchases"


def buy(client, price, key="buy", **extra):
    body = {"provider": "stripe", "price_id": str(price.pk), **extra}
    return client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def snapshot():
    return (
        list(Purchase.objects.values_list("status", flat=True)),
        Entitlement.objects.count(),
        Payment.objects.count(),
    )


def test_a_web_purchase_is_a_pending_payment_intent_until_stripe_confirms(
    alice, alice_client, catalog, stripe_api
):
    response = buy(alice_client, catalog["workout_price"])

    assert response.status_code == 201, response.content
    body = response.json()
    purchase = Purchase.objects.get()
    assert body["kind"] == "purchase"
    assert body["subscription"] is None
    assert body["client_secret"] == f"{purchase.provider_purchase_id}_secret_xyz"
    assert body["purchase"]["status"] == "pending"
    assert (body["purchase"]["amount"], body["purchase"]["currency"]) == (499, "EUR")
    intent = stripe_api.payment_intents[purchase.provider_purchase_id]
    assert (intent["amount"], intent["currency"]) == (499, "eur")
    assert intent["metadata"] == {
        "user_id": str(alice.public_id),
        "price_id": str(catalog["workout_price"].pk),
    }
    assert Entitlement.objects.count() == 0


def test_the_list_shows_the_callers_purchases(alice_client, bob, catalog, stripe_api):
    buy(alice_client, catalog["workout_price"])
    buy(SchemaValidatingClient().as_user(bob), catalog["workout_price"])

    body = alice_client.get(URL).json()

    assert body["count"] == 1
    assert body["results"][0]["price"]["product"]["grants"] == "workout"
    assert SchemaValidatingClient().get(URL).status_code == 401


def test_buying_what_you_own_is_refused(alice_client, api_client, catalog, stripe_api):
    buy(alice_client, catalog["workout_price"])
    purchase = Purchase.objects.get()
    intent = dict(
        stripe_api.payment_intents[purchase.provider_purchase_id],
        status="succeeded",
        amount_received=499,
    )
    post_event(api_client, event("payment_intent.succeeded", intent))
    before = snapshot()

    response = buy(alice_client, catalog["workout_price"], key="again")

    assert response.status_code == 409
    assert response.json()["code"] == "already_purchased"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "attr", "code"),
    [
        ({"price_id": str(uuid.uuid4())}, "price_id", "unknown_price"),
        ({"currency": "usd"}, "currency", "currency_mismatch"),
        ({"provider": "paypal"}, "provider", "invalid_choice"),
        ({"price_id": None}, "price_id", "null"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_charged(
    alice_client, catalog, stripe_api, body, attr, code
):
    data = {"provider": "stripe", "price_id": str(catalog["workout_price"].pk), **body}

    response = alice_client.post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 400
    assert (response.json()["errors"][0]["attr"], response.json()["errors"][0]["code"]) == (
        attr,
        code,
    )
    assert snapshot() == ([], 0, 0)
    assert stripe_api.calls == []


def test_a_subscription_price_is_not_a_one_time_purchase(alice_client, catalog, stripe_api):
    response = buy(alice_client, catalog["monthly"])

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "price_not_for_this"
    assert snapshot() == ([], 0, 0)


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ({"provider": "apple"}, "signed_transaction"),
        ({"provider": "google_play", "product_id": "workout_sold"}, "purchase_token"),
    ],
)
def test_a_store_purchase_needs_what_the_store_gave_the_app(alice_client, body, missing):
    response = alice_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "code": "required",
        "detail": "This field is required.",
        "attr": missing,
    }


def test_an_unconfigured_store_is_unavailable_and_grants_nothing(alice_client, settings):
    settings.APPLE_IAP_BUNDLE_ID = ""

    response = alice_client.post(
        URL,
        {"provider": "apple", "signed_transaction": "e30.e30.sig"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )

    assert response.status_code == 503
    assert response.json()["code"] == "provider_unavailable"
    assert snapshot() == ([], 0, 0)
    # The operation began: the 503 is the key's answer (a retry replays it; a new key retries).
    assert list(IdempotencyKey.objects.values_list("key", "response_status")) == [("k", 503)]


def test_payments_stay_on_the_books_when_the_account_is_deleted(
    alice, alice_client, api_client, catalog, stripe_api
):
    buy(alice_client, catalog["workout_price"])
    purchase = Purchase.objects.get()
    intent = dict(
        stripe_api.payment_intents[purchase.provider_purchase_id],
        status="succeeded",
        amount_received=499,
    )
    post_event(api_client, event("payment_intent.succeeded", intent))

    alice.delete()

    assert list(Payment.objects.values_list("user_id", "kind", "amount", "currency")) == [
        (None, "charge", 499, "EUR")
    ]
    assert (Purchase.objects.count(), Entitlement.objects.count()) == (0, 0)
