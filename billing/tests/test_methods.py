import pytest

from billing.models import PaymentMethod, Subscription
from billing.services.customers import stripe_customer_get_or_create
from core.testing import SchemaValidatingClient, assert_owner_only

pytestmark = pytest.mark.django_db
URL = "/api/payments/methods"


def card(user, pm_id, *, default=False, last4="4242"):
    return PaymentMethod.objects.create(
        user=user,
        stripe_payment_method_id=pm_id,
        brand="visa",
        last4=last4,
        exp_month=12,
        exp_year=2030,
        is_default=default,
    )


def methods_state():
    return sorted(PaymentMethod.objects.values_list("stripe_payment_method_id", "is_default"))


def test_adding_a_card_answers_a_setup_intent_secret(alice, alice_client, stripe_api):
    response = alice_client.post(URL, {}, format="json", HTTP_IDEMPOTENCY_KEY="add-1")

    assert response.status_code == 201
    body = response.json()
    intent = stripe_api.setup_intents[body["setup_intent_id"]]
    assert body["client_secret"] == intent["client_secret"]
    assert intent["customer"] == stripe_customer_get_or_create(user=alice)
    assert intent["usage"] == "off_session"
    assert PaymentMethod.objects.count() == 0


def test_the_list_shows_brand_last4_expiry_and_the_default_first(alice, bob, alice_client):
    card(alice, "pm_old", last4="1881")
    card(alice, "pm_default", default=True)
    card(bob, "pm_bob", default=True)

    body = alice_client.get(URL).json()

    assert body["count"] == 2
    assert [
        (r["last4"], r["is_default"], r["brand"], r["exp_month"], r["exp_year"])
        for r in body["results"]
    ] == [
        ("4242", True, "visa", 12, 2030),
        ("1881", False, "visa", 12, 2030),
    ]
    assert SchemaValidatingClient().get(URL).status_code == 401


def test_removing_a_card_detaches_it_at_stripe(alice, alice_client, stripe_api):
    card(alice, "pm_default", default=True)
    spare = card(alice, "pm_spare")

    response = alice_client.delete(f"{URL}/{spare.pk}")

    assert response.status_code == 204
    assert stripe_api.detached == ["pm_spare"]
    assert methods_state() == [("pm_default", True)]


def test_removing_the_default_card_promotes_another_when_no_subscription_needs_it(
    alice, alice_client, stripe_api
):
    default = card(alice, "pm_default", default=True)
    card(alice, "pm_spare")

    assert alice_client.delete(f"{URL}/{default.pk}").status_code == 204

    assert methods_state() == [("pm_spare", True)]


def test_the_default_card_of_an_active_subscription_cannot_be_removed(
    alice, alice_client, catalog, stripe_api
):
    default = card(alice, "pm_default", default=True)
    Subscription.objects.create(
        user=alice,
        provider="stripe",
        provider_subscription_id="sub_1",
        price=catalog["monthly"],
        status="active",
    )

    response = alice_client.delete(f"{URL}/{default.pk}")

    assert response.status_code == 409
    assert response.json()["code"] == "default_payment_method_in_use"
    assert "pays for your active subscription" in response.json()["message"]
    assert methods_state() == [("pm_default", True)]
    assert stripe_api.detached == []


def test_another_users_card_is_not_found(alice, bob, stripe_api):
    assert_owner_only(
        method="delete",
        url_for=lambda m: f"{URL}/{m.pk}",
        owner=alice,
        stranger=bob,
        make_object=lambda owner: card(owner, "pm_alice", default=True),
        snapshot=methods_state,
    )
    assert stripe_api.detached == []


def test_without_stripe_adding_a_card_is_unavailable(alice_client, settings):
    settings.STRIPE_SECRET_KEY = ""

    response = alice_client.post(URL, {}, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 503
    assert response.json()["code"] == "provider_unavailable"


def test_payments_writes_have_their_own_per_user_throttle(
    alice_client, bob, stripe_api, monkeypatch, settings
):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {**settings.THROTTLE_RATES, "payments": "2/min"}
    )
    statuses = [
        alice_client.post(URL, {}, format="json", HTTP_IDEMPOTENCY_KEY=f"add-{i}").status_code
        for i in range(3)
    ]
    setups = len(stripe_api.setup_intents)

    assert statuses == [201, 201, 429]
    assert setups == 2
    # Reads stay on the general per-user scope; another user has a budget of their own.
    assert alice_client.get(URL).status_code == 200
    bob_client = SchemaValidatingClient().as_user(bob)
    assert bob_client.post(URL, {}, format="json", HTTP_IDEMPOTENCY_KEY="b").status_code == 201
