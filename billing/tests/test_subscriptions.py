import datetime as dt
import uuid

import pytest

from billing.entitlements import user_is_premium
from billing.models import (
    BillingAuditEvent,
    BillingCustomer,
    Entitlement,
    IdempotencyKey,
    Payment,
    Subscription,
)
from billing.tests.stripe_fake import event, post_event
from core.testing import SchemaValidatingClient, assert_owner_only

pytestmark = pytest.mark.django_db
URL = "/api/payments/subscriptions"


def subscribe(client, price, key="key-1", **extra):
    return client.post(
        URL, {"price_id": str(price.pk), **extra}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


def snapshot():
    return (
        list(Subscription.objects.values_list("status", "price_id", "cancel_at_period_end")),
        Entitlement.objects.count(),
        Payment.objects.count(),
        BillingCustomer.objects.count(),
    )


def activate(stripe_api, api_client, sub):
    """What Stripe does once the app confirms the first payment: the subscription turns
    active, and it sends the invoice and the subscription's update."""
    obj = stripe_api.activate(sub.provider_subscription_id)
    post_event(api_client, event("customer.subscription.updated", obj))
    invoice = {
        "id": "in_first",
        "object": "invoice",
        "status": "paid",
        "amount_paid": 999,
        "amount_due": 999,
        "currency": "eur",
        "customer": obj["customer"],
        "billing_reason": "subscription_create",
        "parent": {"subscription_details": {"subscription": obj["id"]}},
        "payments": {
            "data": [{"payment": {"type": "payment_intent", "payment_intent": "pi_first"}}]
        },
    }
    post_event(api_client, event("invoice.paid", invoice))
    sub.refresh_from_db()
    return obj


def test_creating_a_subscription_answers_the_client_secret_and_waits_for_payment(
    alice, alice_client, catalog, stripe_api
):
    response = subscribe(alice_client, catalog["monthly"])

    assert response.status_code == 201, response.content
    body = response.json()
    sub = Subscription.objects.get()
    assert body["client_secret"].startswith("pi_test_for_in_")
    assert body["subscription"]["id"] == str(sub.pk)
    assert body["subscription"]["status"] == "incomplete"
    assert body["subscription"]["has_access"] is False
    assert body["subscription"]["price"]["interval"] == "month"
    assert body["subscription"]["price"]["amount"] == 999
    assert (sub.user, sub.provider, sub.status) == (alice, "stripe", "incomplete")
    assert sub.provider_subscription_id in stripe_api.subscriptions
    created = next(c for c in stripe_api.calls if c[1] == "/v1/subscriptions")[2]
    assert created["payment_behavior"] == "default_incomplete"
    assert created["items"] == {"0": {"price": "price_monthly"}}
    assert created["metadata"] == {"user_id": str(alice.public_id)}
    assert created["expand"] == {"0": "latest_invoice.confirmation_secret"}
    assert BillingCustomer.objects.get().user == alice
    assert user_is_premium(user=alice) is False
    assert list(
        BillingAuditEvent.objects.values_list("object_type", "from_status", "to_status")
    ) == [("subscription", "", "incomplete")]


def test_stripe_events_after_payment_make_it_active_premium_and_log_the_charge(
    alice, alice_client, api_client, catalog, stripe_api
):
    subscribe(alice_client, catalog["monthly"])
    sub = Subscription.objects.get()

    obj = activate(stripe_api, api_client, sub)

    period_end = dt.datetime.fromtimestamp(obj["items"]["data"][0]["current_period_end"], tz=dt.UTC)
    assert (sub.status, sub.current_period_end) == ("active", period_end)
    entitlement = Entitlement.objects.get(subscription=sub)
    assert (entitlement.kind, entitlement.source, entitlement.valid_until) == (
        "premium",
        "subscription",
        period_end + dt.timedelta(hours=6),  # the renewal leeway
    )
    assert user_is_premium(user=alice) is True
    payment = Payment.objects.get()
    assert (payment.kind, payment.amount, payment.currency, payment.status) == (
        "charge",
        999,
        "EUR",
        "succeeded",
    )
    assert (payment.provider_payment_id, payment.stripe_payment_intent_id) == (
        "in_first",
        "pi_first",
    )
    assert payment.subscription == sub


def test_a_trial_subscription_is_premium_at_once(alice, alice_client, catalog, stripe_api):
    catalog["monthly"].trial_days = 7
    catalog["monthly"].save()

    body = subscribe(alice_client, catalog["monthly"]).json()

    assert body["subscription"]["status"] == "trialing"
    assert body["subscription"]["has_access"] is True
    assert body["client_secret"] == ""
    assert user_is_premium(user=alice) is True


def test_the_same_idempotency_key_answers_the_first_answer_without_a_second_subscription(
    alice_client, catalog, stripe_api
):
    first = subscribe(alice_client, catalog["monthly"], key="same")
    again = subscribe(alice_client, catalog["monthly"], key="same")

    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Subscription.objects.count() == 1
    assert len([c for c in stripe_api.calls if c[1] == "/v1/subscriptions"]) == 1


def test_the_same_idempotency_key_with_another_body_is_a_conflict(
    alice_client, catalog, stripe_api
):
    subscribe(alice_client, catalog["monthly"], key="same")
    before = snapshot()

    response = subscribe(alice_client, catalog["yearly"], key="same")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert snapshot() == before


def test_a_money_moving_post_without_an_idempotency_key_is_refused(
    alice_client, catalog, stripe_api
):
    response = alice_client.post(URL, {"price_id": str(catalog["monthly"].pk)}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "code": "idempotency_key_required",
        "detail": "Send an Idempotency-Key header (a UUID per operation).",
        "attr": "idempotency_key",
    }
    assert snapshot() == ([], 0, 0, 0)
    assert stripe_api.calls == []


@pytest.mark.parametrize(
    ("data", "attr", "code"),
    [
        ({"price_id": str(uuid.uuid4())}, "price_id", "unknown_price"),
        ({"currency": "USD"}, "currency", "currency_mismatch"),
        ({"price": "x"}, "non_field_errors", "unknown_field"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    alice_client, catalog, stripe_api, data, attr, code
):
    body = {"price_id": str(catalog["monthly"].pk), **data}

    response = alice_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == attr
    assert response.json()["errors"][0]["code"] == code
    assert snapshot() == ([], 0, 0, 0)
    assert stripe_api.calls == []
    assert IdempotencyKey.objects.count() == 0


def test_a_one_time_price_is_not_a_subscription(alice_client, catalog, stripe_api):
    response = subscribe(alice_client, catalog["workout_price"])

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "price_not_for_this"
    assert snapshot() == ([], 0, 0, 0)


def test_a_second_subscription_while_one_gives_access_is_refused(
    alice, alice_client, api_client, catalog, stripe_api
):
    subscribe(alice_client, catalog["monthly"])
    activate(stripe_api, api_client, Subscription.objects.get())
    before = snapshot()

    response = subscribe(alice_client, catalog["yearly"], key="another")

    assert response.status_code == 409
    assert response.json()["code"] == "already_subscribed"
    assert snapshot() == before


def test_a_lapsed_store_subscription_whose_expiry_never_arrived_neither_shows_access_nor_blocks(
    alice, alice_client, catalog, stripe_api
):
    from django.utils import timezone

    from billing.providers.types import Provider, StoreSubscriptionState, SubscriptionStatus
    from billing.services.subscriptions import subscription_state_apply

    bought = timezone.now() - dt.timedelta(days=40)
    subscription_state_apply(
        user_id=alice.pk,
        provider="apple",
        provider_subscription_id="2000000999",
        price=catalog["monthly"],
        state=StoreSubscriptionState(
            provider=Provider.APPLE,
            original_transaction_id="2000000999",
            product_id="com.fitcore.premium.monthly",
            status=SubscriptionStatus.ACTIVE,
            expires_at=bought + dt.timedelta(days=30),
            auto_renew=True,
            provider_event_time=bought,
        ),
        source="webhook",
    )
    assert user_is_premium(user=alice) is False

    listed = alice_client.get(URL).json()["results"]
    response = subscribe(alice_client, catalog["monthly"])

    assert [(s["provider"], s["status"], s["has_access"]) for s in listed] == [
        ("apple", "active", False)
    ]
    assert response.status_code == 201, response.content
    assert response.json()["subscription"]["provider"] == "stripe"


def test_without_stripe_credentials_the_provider_is_unavailable(alice_client, catalog, settings):
    settings.STRIPE_SECRET_KEY = ""

    response = subscribe(alice_client, catalog["monthly"])

    assert response.status_code == 503
    assert response.json()["code"] == "provider_unavailable"
    assert snapshot() == ([], 0, 0, 0)
    assert list(IdempotencyKey.objects.values_list("key", "response_status")) == [("key-1", 503)]


def test_stripe_down_is_a_503_that_the_key_replays_and_a_new_key_tries_again(
    alice_client, catalog, stripe_api
):
    stripe_api.fail_with = 500

    response = subscribe(alice_client, catalog["monthly"], key="first")

    assert response.status_code == 503
    assert snapshot() == ([], 0, 0, 0)
    calls = len(stripe_api.calls)
    stripe_api.fail_with = None
    replay = subscribe(alice_client, catalog["monthly"], key="first")
    assert (replay.status_code, replay["Idempotent-Replayed"]) == (503, "true")
    assert replay.json() == response.json()
    assert len(stripe_api.calls) == calls
    assert snapshot() == ([], 0, 0, 0)
    assert subscribe(alice_client, catalog["monthly"], key="second").status_code == 201


def test_a_conflict_is_the_keys_answer_even_after_the_state_changes(
    alice, alice_client, api_client, catalog, stripe_api
):
    subscribe(alice_client, catalog["monthly"])
    activate(stripe_api, api_client, Subscription.objects.get())
    refused = subscribe(alice_client, catalog["yearly"], key="second")
    assert refused.status_code == 409
    Subscription.objects.update(status="expired")
    before = snapshot()

    replay = subscribe(alice_client, catalog["yearly"], key="second")

    assert (replay.status_code, replay["Idempotent-Replayed"]) == (409, "true")
    assert replay.json() == refused.json()
    assert snapshot() == before


def test_a_request_refused_for_its_own_input_keeps_nothing_under_its_key(
    alice_client, catalog, stripe_api
):
    body = {"price_id": str(catalog["monthly"].pk), "currency": "USD"}
    first = alice_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k")

    again = alice_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert (first.status_code, again.status_code) == (400, 400)
    assert again.json()["errors"] == first.json()["errors"]
    assert "Idempotent-Replayed" not in again
    assert IdempotencyKey.objects.count() == 0
    assert stripe_api.calls == []


def test_list_shows_only_the_callers_subscriptions(alice, bob, alice_client, catalog, stripe_api):
    subscribe(alice_client, catalog["monthly"])
    SchemaValidatingClient().as_user(bob).post(
        URL, {"price_id": str(catalog["yearly"].pk)}, format="json", HTTP_IDEMPOTENCY_KEY="b"
    )

    body = alice_client.get(URL).json()

    assert body["count"] == 1
    assert body["results"][0]["price"]["interval"] == "month"
    assert SchemaValidatingClient().get(URL).status_code == 401


def test_the_free_trial_is_for_a_first_subscription_only(alice, alice_client, catalog, stripe_api):
    catalog["monthly"].trial_days = 7
    catalog["monthly"].save()
    first = subscribe(alice_client, catalog["monthly"]).json()["subscription"]
    ended = alice_client.post(
        f"{URL}/{first['id']}/cancel",
        {"at_period_end": False},
        format="json",
        HTTP_IDEMPOTENCY_KEY="cancel-1",
    )
    assert (first["status"], ended.json()["status"]) == ("trialing", "canceled")
    assert user_is_premium(user=alice) is False

    again = subscribe(alice_client, catalog["monthly"], key="key-2")

    assert again.status_code == 201
    assert again.json()["subscription"]["status"] == "incomplete"
    assert again.json()["client_secret"] != ""
    assert user_is_premium(user=alice) is False
    created = [c for c in stripe_api.calls if c[0] == "POST" and c[1] == "/v1/subscriptions"]
    assert [c[2].get("trial_period_days") for c in created] == ["7", None]


def test_switching_monthly_to_yearly_is_prorated_at_stripe(
    alice, alice_client, api_client, catalog, stripe_api
):
    subscribe(alice_client, catalog["monthly"])
    sub = Subscription.objects.get()
    activate(stripe_api, api_client, sub)

    response = alice_client.put(
        f"{URL}/{sub.pk}", {"price_id": str(catalog["yearly"].pk)}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["price"]["interval"] == "year"
    sub.refresh_from_db()
    assert sub.price == catalog["yearly"]
    update = [
        c for c in stripe_api.calls if c[0] == "POST" and c[1].startswith("/v1/subscriptions/")
    ][-1]
    assert update[2]["proration_behavior"] == "create_prorations"
    assert update[2]["items"]["0"]["price"] == "price_yearly"
    assert Entitlement.objects.get(
        subscription=sub
    ).valid_until == sub.current_period_end + dt.timedelta(hours=6)


@pytest.mark.parametrize(
    ("price", "code"), [("unknown", "unknown_price"), ("usd", "currency_mismatch")]
)
def test_switching_to_a_missing_price_or_another_currency_is_refused_and_changes_nothing(
    alice, alice_client, api_client, catalog, stripe_api, price, code
):
    from billing.tests.factories import PriceFactory

    subscribe(alice_client, catalog["monthly"])
    sub = Subscription.objects.get()
    activate(stripe_api, api_client, sub)
    usd = PriceFactory(
        product=catalog["premium"],
        interval="year",
        amount=8999,
        currency="USD",
        stripe_price_id="price_yearly_usd",
    )
    price_id = str(uuid.uuid4()) if price == "unknown" else str(usd.pk)
    before = snapshot()
    calls = len(stripe_api.calls)

    response = alice_client.put(f"{URL}/{sub.pk}", {"price_id": price_id}, format="json")

    assert response.status_code == 400
    assert (response.json()["errors"][0]["attr"], response.json()["errors"][0]["code"]) == (
        "price_id",
        code,
    )
    assert snapshot() == before
    assert len(stripe_api.calls) == calls


def test_cancel_at_period_end_keeps_access_and_can_be_resumed(
    alice, alice_client, api_client, catalog, stripe_api
):
    subscribe(alice_client, catalog["monthly"])
    sub = Subscription.objects.get()
    activate(stripe_api, api_client, sub)

    canceled = alice_client.post(
        f"{URL}/{sub.pk}/cancel", {}, format="json", HTTP_IDEMPOTENCY_KEY="c1"
    )

    assert canceled.status_code == 200
    assert (canceled.json()["status"], canceled.json()["cancel_at_period_end"]) == ("active", True)
    assert user_is_premium(user=alice) is True
    sub.refresh_from_db()
    # Not renewing: premium ends exactly at the period's end (no leeway).
    assert Entitlement.objects.get(subscription=sub).valid_until == sub.current_period_end

    resumed = alice_client.put(f"{URL}/{sub.pk}", {"cancel_at_period_end": False}, format="json")

    assert resumed.status_code == 200
    assert resumed.json()["cancel_at_period_end"] is False
    assert stripe_api.subscriptions[sub.provider_subscription_id]["cancel_at_period_end"] is False


def test_cancel_now_ends_access_now(alice, alice_client, api_client, catalog, stripe_api):
    subscribe(alice_client, catalog["monthly"])
    sub = Subscription.objects.get()
    activate(stripe_api, api_client, sub)

    response = alice_client.post(
        f"{URL}/{sub.pk}/cancel", {"at_period_end": False}, format="json", HTTP_IDEMPOTENCY_KEY="c"
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["has_access"]) == ("canceled", False)
    assert user_is_premium(user=alice) is False
    assert list(
        BillingAuditEvent.objects.filter(object_type="subscription").values_list(
            "from_status", "to_status", "source"
        )
    ) == [
        ("", "incomplete", "api"),
        ("incomplete", "active", "webhook"),
        ("active", "canceled", "api"),
    ]


def test_a_store_subscription_is_changed_in_the_store(alice, alice_client, catalog):
    sub = Subscription.objects.create(
        user=alice,
        provider="apple",
        provider_subscription_id="2000000111",
        price=catalog["monthly"],
        status="active",
    )

    response = alice_client.post(
        f"{URL}/{sub.pk}/cancel", {}, format="json", HTTP_IDEMPOTENCY_KEY="c"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "managed_by_store"
    sub.refresh_from_db()
    assert sub.status == "active"


@pytest.mark.parametrize(
    ("method", "suffix", "data"),
    [("put", "", {"cancel_at_period_end": True}), ("post", "/cancel", {})],
)
def test_another_users_subscription_is_not_found(
    alice, bob, catalog, stripe_api, method, suffix, data
):
    def make(owner):
        return Subscription.objects.create(
            user=owner,
            provider="stripe",
            provider_subscription_id=f"sub_{owner.pk}",
            price=catalog["monthly"],
            status="active",
        )

    assert_owner_only(
        method=method,
        url_for=lambda sub: f"{URL}/{sub.pk}{suffix}",
        owner=alice,
        stranger=bob,
        make_object=make,
        data=data,
        snapshot=snapshot,
    )
    assert stripe_api.calls == []


def test_a_request_still_running_under_the_key_is_a_conflict(
    alice, alice_client, catalog, stripe_api
):
    subscribe(alice_client, catalog["monthly"], key="k")
    IdempotencyKey.objects.update(response_status=None, response_body=None)  # as if running

    response = subscribe(alice_client, catalog["monthly"], key="k")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_request_in_progress"


def test_a_request_whose_process_died_is_taken_over_by_a_retry(
    alice, alice_client, catalog, stripe_api
):
    import datetime as dt

    from django.utils import timezone

    first = subscribe(alice_client, catalog["monthly"], key="k")
    # The process died after Stripe answered, before the answer was stored.
    IdempotencyKey.objects.update(
        response_status=None,
        response_body=None,
        created_at=timezone.now() - dt.timedelta(minutes=10),
    )

    retry = subscribe(alice_client, catalog["monthly"], key="k")

    assert retry.status_code == 201
    assert retry.json()["subscription"]["id"] == first.json()["subscription"]["id"]
    assert Subscription.objects.count() == 1
    # Stripe saw the same idempotency key twice and answered the first subscription again.
    assert len(stripe_api.subscriptions) == 1


def test_old_idempotency_keys_are_purged(alice, alice_client, catalog, stripe_api):
    import datetime as dt

    from django.utils import timezone

    from billing.tasks import idempotency_keys_purge

    subscribe(alice_client, catalog["monthly"], key="old")
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
    subscribe(alice_client, catalog["yearly"], key="new")

    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_a_second_tap_resumes_the_incomplete_subscription_instead_of_a_new_one(
    alice_client, catalog, stripe_api
):
    first = subscribe(alice_client, catalog["monthly"], key="tap-1").json()

    second = subscribe(alice_client, catalog["monthly"], key="tap-2")

    assert second.status_code == 201
    assert second.json() == first
    assert len(stripe_api.subscriptions) == 1
    assert Subscription.objects.count() == 1


def test_an_incomplete_subscription_stripe_already_moved_on_is_not_resumed(
    alice_client, catalog, stripe_api
):
    first = subscribe(alice_client, catalog["monthly"], key="tap-1").json()
    sub_id = Subscription.objects.get().provider_subscription_id
    stripe_api.subscriptions[sub_id]["status"] = "incomplete_expired"

    second = subscribe(alice_client, catalog["monthly"], key="tap-2").json()

    assert second["subscription"]["id"] != first["subscription"]["id"]
    assert sorted(Subscription.objects.values_list("status", flat=True)) == [
        "expired",
        "incomplete",
    ]


def test_a_webhook_while_stripe_is_down_is_a_503_and_stored_only_on_the_retry(
    alice, alice_client, api_client, catalog, stripe_api
):
    from billing.models import WebhookEvent

    subscribe(alice_client, catalog["monthly"])
    obj = stripe_api.activate(Subscription.objects.get().provider_subscription_id)
    payload = event("customer.subscription.updated", obj)
    stripe_api.fail_with = 500

    down = post_event(api_client, payload)

    assert down.status_code == 503
    assert WebhookEvent.objects.count() == 0
    assert Subscription.objects.get().status == "incomplete"
    stripe_api.fail_with = None
    assert post_event(api_client, payload).json() == {"received": True, "duplicate": False}
    assert Subscription.objects.get().status == "active"
