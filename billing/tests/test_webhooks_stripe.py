import datetime as dt
import json

import pytest
from django.utils import timezone

from billing.entitlements import user_is_premium, workout_access
from billing.models import Entitlement, Payment, PaymentMethod, Purchase, Subscription, WebhookEvent
from billing.providers.types import Provider, StoreSubscriptionState, SubscriptionStatus
from billing.services.customers import stripe_customer_get_or_create
from billing.services.subscriptions import subscription_state_apply
from billing.tests.stripe_fake import event, post_event, signed

pytestmark = pytest.mark.django_db
URL = "/api/payments/webhooks/stripe"


def nothing_stored():
    return (
        WebhookEvent.objects.count(),
        Subscription.objects.count(),
        Payment.objects.count(),
        Entitlement.objects.count(),
        PaymentMethod.objects.count(),
    ) == (0, 0, 0, 0, 0)


def stripe_subscription(stripe_api, user, *, status="active", price="price_monthly"):
    customer = stripe_customer_get_or_create(user=user)
    obj = stripe_api.subscription_object(
        sub_id=stripe_api._id("sub"),
        customer=customer,
        price_id=price,
        status=status,
        start=int(timezone.now().timestamp()),
        user_ref=str(user.public_id),
    )
    stripe_api.subscriptions[obj["id"]] = obj
    return obj


def test_an_unsigned_event_is_refused_and_nothing_is_stored(api_client, catalog, stripe_api):
    response = api_client.generic(
        "POST",
        URL,
        json.dumps(event("invoice.paid", {"id": "in_1"})),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert nothing_stored()


def test_an_event_signed_with_another_secret_is_refused(api_client, alice, catalog, stripe_api):
    obj = stripe_subscription(stripe_api, alice)

    response = post_event(
        api_client, event("customer.subscription.created", obj), secret="whsec_other"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert nothing_stored()


def test_a_body_changed_after_signing_is_refused(api_client, alice, catalog, stripe_api):
    obj = stripe_subscription(stripe_api, alice)
    body, header = signed(event("customer.subscription.created", obj))

    response = api_client.generic(
        "POST",
        URL,
        body.replace(b"active", b"trialing"),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )

    assert response.status_code == 400
    assert nothing_stored()


def test_a_signed_body_that_is_not_an_event_is_a_400(api_client, stripe_api):
    body, header = signed('{"hello": "world"}')

    response = api_client.generic(
        "POST", URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_payload"
    assert nothing_stored()


def test_without_a_webhook_secret_stripe_webhooks_are_unavailable(api_client, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    body, header = signed(event("invoice.paid", {"id": "in_1"}))

    response = api_client.generic(
        "POST", URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )

    assert response.status_code == 503
    assert response.json()["code"] == "provider_unavailable"
    assert nothing_stored()


def test_a_replayed_event_is_acknowledged_and_ignored(api_client, alice, catalog, stripe_api):
    obj = stripe_subscription(stripe_api, alice)
    payload = event("customer.subscription.created", obj)

    first = post_event(api_client, payload)
    calls = len(stripe_api.calls)
    again = post_event(api_client, payload)
    on_the_spec_path = post_event(api_client, payload, path="/api/payments/webhooks")

    assert first.json() == {"received": True, "duplicate": False}
    assert again.json() == {"received": True, "duplicate": True}
    assert on_the_spec_path.json() == {"received": True, "duplicate": True}
    assert len(stripe_api.calls) == calls  # a processed replay costs no Stripe call
    assert WebhookEvent.objects.get().processed_at is not None
    assert Subscription.objects.get().status == "active"
    assert Entitlement.objects.count() == 1


def test_a_late_older_event_does_not_move_the_subscription_backwards(
    api_client, alice, catalog, stripe_api
):
    obj = stripe_subscription(stripe_api, alice)
    created = event("customer.subscription.created", dict(obj, status="incomplete"), created=1000)
    stripe_api.subscriptions[obj["id"]]["status"] = "canceled"
    deleted = event(
        "customer.subscription.deleted", stripe_api.subscriptions[obj["id"]], created=2000
    )

    post_event(api_client, deleted)
    post_event(api_client, created)  # arrives last, says "incomplete": Stripe says canceled

    assert Subscription.objects.get().status == "canceled"
    assert user_is_premium(user=alice) is False


def test_store_states_apply_in_the_order_of_the_stores_timestamps(alice, catalog):
    base = timezone.now()

    def state(status, minutes):
        return StoreSubscriptionState(
            provider=Provider.APPLE,
            original_transaction_id="2000000999",
            product_id="com.fitcore.premium.monthly",
            status=status,
            expires_at=base + dt.timedelta(days=30),
            auto_renew=True,
            provider_event_time=base + dt.timedelta(minutes=minutes),
        )

    kwargs = {
        "user_id": alice.pk,
        "provider": "apple",
        "provider_subscription_id": "2000000999",
        "price": catalog["monthly"],
        "source": "webhook",
    }
    _, applied_new = subscription_state_apply(state=state(SubscriptionStatus.EXPIRED, 10), **kwargs)
    sub, applied_old = subscription_state_apply(state=state(SubscriptionStatus.ACTIVE, 5), **kwargs)

    assert (applied_new, applied_old) == (True, False)
    assert sub.status == "expired"
    assert user_is_premium(user=alice) is False


@pytest.mark.parametrize(
    ("status", "premium"),
    [
        ("active", True),
        ("trialing", True),
        ("past_due", True),  # billing retry: Stripe still tries, access continues
        ("unpaid", False),
        ("canceled", False),
        ("incomplete_expired", False),
        ("paused", False),
    ],
)
def test_access_follows_the_stripe_status(api_client, alice, catalog, stripe_api, status, premium):
    obj = stripe_subscription(stripe_api, alice, status=status)

    post_event(api_client, event("customer.subscription.updated", obj))

    assert user_is_premium(user=alice) is premium


def test_an_invoice_before_its_subscription_learns_the_subscription_first(
    api_client, alice, catalog, stripe_api
):
    obj = stripe_subscription(stripe_api, alice)
    invoice = {
        "id": "in_renewal",
        "object": "invoice",
        "amount_paid": 999,
        "currency": "eur",
        "customer": obj["customer"],
        "billing_reason": "subscription_cycle",
        "parent": {"subscription_details": {"subscription": obj["id"]}},
    }

    post_event(api_client, event("invoice.paid", invoice))

    payment = Payment.objects.get()
    assert (payment.kind, payment.amount, payment.status) == ("renewal", 999, "succeeded")
    assert payment.subscription == Subscription.objects.get(provider_subscription_id=obj["id"])
    assert user_is_premium(user=alice) is True


def test_a_failed_renewal_then_a_paid_retry_ends_succeeded_whatever_the_order(
    api_client, alice, catalog, stripe_api
):
    obj = stripe_subscription(stripe_api, alice)
    invoice = {
        "id": "in_retry",
        "amount_due": 999,
        "amount_paid": 999,
        "currency": "eur",
        "customer": obj["customer"],
        "billing_reason": "subscription_cycle",
        "parent": {"subscription_details": {"subscription": obj["id"]}},
    }

    post_event(api_client, event("invoice.paid", invoice))
    post_event(api_client, event("invoice.payment_failed", invoice))

    assert list(Payment.objects.values_list("status", flat=True)) == ["succeeded"]


def web_purchase(alice_client, catalog):
    response = alice_client.post(
        "/api/payments/purchases",
        {"provider": "stripe", "price_id": str(catalog["workout_price"].pk)},
        format="json",
        HTTP_IDEMPOTENCY_KEY="buy-1",
    )
    assert response.status_code == 201, response.content
    return Purchase.objects.get()


def intent_event(stripe_api, purchase, event_type="payment_intent.succeeded"):
    intent = dict(stripe_api.payment_intents[purchase.provider_purchase_id])
    intent.update(status="succeeded", amount_received=intent["amount"])
    return event(event_type, intent)


def test_a_paid_payment_intent_completes_the_purchase_and_unlocks_that_workout_only(
    alice, alice_client, api_client, catalog, stripe_api
):
    from workouts.tests.factories import WorkoutFactory

    other = WorkoutFactory(is_premium=True, is_purchasable=True)
    purchase = web_purchase(alice_client, catalog)
    assert workout_access(user=alice, workout=catalog["workout"]).allowed is False

    post_event(api_client, intent_event(stripe_api, purchase))

    purchase.refresh_from_db()
    assert purchase.status == "completed"
    assert workout_access(user=alice, workout=catalog["workout"]).reason == "purchased"
    assert workout_access(user=alice, workout=other).allowed is False
    assert user_is_premium(user=alice) is False
    payment = Payment.objects.get()
    assert (payment.kind, payment.amount, payment.currency, payment.purchase) == (
        "charge",
        499,
        "EUR",
        purchase,
    )


def test_a_full_refund_ends_the_purchase_and_its_access(
    alice, alice_client, api_client, catalog, stripe_api
):
    purchase = web_purchase(alice_client, catalog)
    post_event(api_client, intent_event(stripe_api, purchase))
    refund = {
        "id": "re_1",
        "object": "refund",
        "amount": 499,
        "currency": "eur",
        "status": "succeeded",
        "payment_intent": purchase.provider_purchase_id,
    }

    post_event(api_client, event("refund.created", refund))

    purchase.refresh_from_db()
    assert purchase.status == "refunded"
    assert workout_access(user=alice, workout=catalog["workout"]).allowed is False
    assert sorted(Payment.objects.values_list("kind", "amount", "status")) == [
        ("charge", 499, "succeeded"),
        ("refund", 499, "succeeded"),
    ]


def test_a_refund_delivered_before_the_payment_does_not_unlock_the_purchase(
    alice, alice_client, api_client, catalog, stripe_api
):
    purchase = web_purchase(alice_client, catalog)
    refund = {
        "id": "re_early",
        "object": "refund",
        "amount": 499,
        "currency": "eur",
        "status": "succeeded",
        "payment_intent": purchase.provider_purchase_id,
    }
    post_event(api_client, event("refund.created", refund))

    post_event(api_client, intent_event(stripe_api, purchase))

    purchase.refresh_from_db()
    assert purchase.status == "refunded"
    assert workout_access(user=alice, workout=catalog["workout"]).allowed is False
    assert list(Entitlement.objects.filter(valid_until__isnull=True)) == []
    assert sorted(Payment.objects.values_list("kind", "amount", "status")) == [
        ("charge", 499, "succeeded"),
        ("refund", 499, "succeeded"),
    ]


def test_a_chargeback_revokes_the_purchase(alice, alice_client, api_client, catalog, stripe_api):
    purchase = web_purchase(alice_client, catalog)
    post_event(api_client, intent_event(stripe_api, purchase))
    dispute = {
        "id": "dp_1",
        "object": "dispute",
        "amount": 499,
        "currency": "eur",
        "payment_intent": purchase.provider_purchase_id,
    }

    post_event(api_client, event("charge.dispute.created", dispute))

    purchase.refresh_from_db()
    assert purchase.status == "revoked"
    assert workout_access(user=alice, workout=catalog["workout"]).allowed is False
    assert Payment.objects.get(kind="chargeback").amount == 499


def card_event(customer, pm_id, event_type="payment_method.attached", last4="4242"):
    return event(
        event_type,
        {
            "id": pm_id,
            "object": "payment_method",
            "type": "card",
            "customer": customer if event_type.endswith("attached") else None,
            "card": {"brand": "visa", "last4": last4, "exp_month": 12, "exp_year": 2030},
        },
    )


def test_attached_cards_are_recorded_and_the_first_is_the_default(
    alice, api_client, catalog, stripe_api
):
    customer = stripe_customer_get_or_create(user=alice)

    post_event(api_client, card_event(customer, "pm_1"))
    post_event(api_client, card_event(customer, "pm_2", last4="1881"))

    assert list(
        PaymentMethod.objects.order_by("created_at").values_list(
            "stripe_payment_method_id", "brand", "last4", "exp_month", "exp_year", "is_default"
        )
    ) == [("pm_1", "visa", "4242", 12, 2030, True), ("pm_2", "visa", "1881", 12, 2030, False)]

    assert stripe_api.customers[customer]["invoice_settings"]["default_payment_method"] == "pm_1"

    post_event(api_client, card_event(customer, "pm_1", "payment_method.detached"))

    assert list(PaymentMethod.objects.values_list("stripe_payment_method_id", "is_default")) == [
        ("pm_2", True)
    ]
    assert stripe_api.customers[customer]["invoice_settings"]["default_payment_method"] == "pm_2"


def test_a_card_added_during_a_trial_is_the_one_stripe_charges_when_it_ends(
    alice, alice_client, api_client, catalog, stripe_api
):
    catalog["monthly"].trial_days = 7
    catalog["monthly"].save()
    alice_client.post(
        "/api/payments/subscriptions",
        {"price_id": str(catalog["monthly"].pk)},
        format="json",
        HTTP_IDEMPOTENCY_KEY="trial",
    )
    customer = stripe_customer_get_or_create(user=alice)
    assert stripe_api.customers[customer]["invoice_settings"]["default_payment_method"] is None

    post_event(api_client, card_event(customer, "pm_trial"))

    assert PaymentMethod.objects.get().is_default is True
    assert (
        stripe_api.customers[customer]["invoice_settings"]["default_payment_method"] == "pm_trial"
    )


def test_an_event_for_a_subscription_stripe_does_not_know_is_stored_and_acknowledged(
    api_client, catalog, stripe_api
):
    ghost = {"id": "sub_ghost", "object": "subscription", "customer": "cus_x", "status": "active"}

    response = post_event(api_client, event("customer.subscription.updated", ghost))

    assert response.json() == {"received": True, "duplicate": False}
    assert WebhookEvent.objects.get().processed_at is not None
    assert Subscription.objects.count() == 0


def test_webhooks_need_no_csrf_token_even_with_a_session_cookie(alice, catalog, stripe_api):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)
    obj = stripe_subscription(stripe_api, alice)

    response = post_event(client, event("customer.subscription.created", obj))

    assert response.status_code == 200
    assert Subscription.objects.get().status == "active"
