"""PayPal webhooks through our endpoint: PayPal's verify call answered by a local stand-in that
checks PayPal's signature scheme (billing/tests/providers_support/paypal.py)."""

import datetime as dt
import json

import pytest

from billing.entitlements import user_is_premium
from billing.models import Entitlement, Payment, Subscription, WebhookEvent
from billing.providers import paypal
from billing.tests.providers_support.paypal import (
    CLIENT_ID,
    CLIENT_SECRET,
    WEBHOOK_ID,
    PayPalStandIn,
    event,
    sale_resource,
    subscription_resource,
)

pytestmark = pytest.mark.django_db
HOOK = "/api/payments/webhooks/paypal"


@pytest.fixture
def stand_in(settings, httpserver, catalog):
    paypal.token_cache_clear()
    server = PayPalStandIn.create()
    server.install(httpserver)
    settings.PAYPAL_CLIENT_ID = CLIENT_ID
    settings.PAYPAL_CLIENT_SECRET = CLIENT_SECRET
    settings.PAYPAL_WEBHOOK_ID = WEBHOOK_ID
    settings.PAYPAL_API_BASE = httpserver.url_for("/").rstrip("/")
    yield server
    paypal.token_cache_clear()


def deliver(client, stand_in, payload, *, signer=None):
    body = json.dumps(payload).encode()
    headers = (signer or stand_in).sign(body)
    headers.pop("Content-Type")
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return client.generic("POST", HOOK, body, content_type="application/json", **extra)


def sub_event(alice, event_type, status, *, event_id, at):
    payload = event(
        event_type,
        subscription_resource(plan_id="P-MONTHLY", custom_id=str(alice.public_id), status=status),
        event_id=event_id,
    )
    payload["create_time"] = at
    return payload


def test_paypal_subscription_events_follow_the_subscription(alice, api_client, stand_in, catalog):
    activated = sub_event(
        alice,
        "BILLING.SUBSCRIPTION.ACTIVATED",
        "ACTIVE",
        event_id="WH-1",
        at="2026-11-01T12:00:07Z",
    )
    sale = event("PAYMENT.SALE.COMPLETED", sale_resource(), event_id="WH-2", resource_type="sale")
    cancelled = sub_event(
        alice,
        "BILLING.SUBSCRIPTION.CANCELLED",
        "CANCELLED",
        event_id="WH-3",
        at="2026-11-20T09:00:00Z",
    )
    del cancelled["resource"]["billing_info"]["next_billing_time"]  # PayPal drops it

    answers = [
        deliver(api_client, stand_in, p).json() for p in (activated, sale, activated, cancelled)
    ]

    assert [a["duplicate"] for a in answers] == [False, False, True, False]
    sub = Subscription.objects.get()
    assert (sub.user, sub.provider, sub.price, sub.status) == (
        alice,
        "paypal",
        catalog["monthly"],
        "canceled",
    )
    # Cancelled = will not renew: the paid month runs to its end (kept from ACTIVATED).
    paid_until = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)
    assert sub.current_period_end == paid_until
    assert Entitlement.objects.get(subscription=sub).valid_until == paid_until
    payment = Payment.objects.get()
    assert (payment.kind, payment.amount, payment.currency, payment.subscription) == (
        "charge",
        999,
        "USD",
        sub,
    )


def test_a_late_older_paypal_event_does_not_reactivate(alice, api_client, stand_in):
    cancelled = sub_event(
        alice,
        "BILLING.SUBSCRIPTION.CANCELLED",
        "CANCELLED",
        event_id="WH-3",
        at="2026-11-20T09:00:00Z",
    )
    activated = sub_event(
        alice,
        "BILLING.SUBSCRIPTION.ACTIVATED",
        "ACTIVE",
        event_id="WH-1",
        at="2026-11-01T12:00:07Z",
    )

    deliver(api_client, stand_in, cancelled)
    deliver(api_client, stand_in, activated)

    assert Subscription.objects.get().status == "canceled"


def test_a_delivery_signed_by_someone_else_is_refused_and_not_stored(alice, api_client, stand_in):
    payload = sub_event(
        alice,
        "BILLING.SUBSCRIPTION.ACTIVATED",
        "ACTIVE",
        event_id="WH-9",
        at="2026-11-01T12:00:07Z",
    )
    impostor = PayPalStandIn.create()
    impostor.cert_url = stand_in.cert_url

    response = deliver(api_client, stand_in, payload, signer=impostor)
    unsigned = api_client.generic(
        "POST", HOOK, json.dumps(payload).encode(), content_type="application/json"
    )

    assert (response.status_code, unsigned.status_code) == (400, 400)
    assert (WebhookEvent.objects.count(), Subscription.objects.count()) == (0, 0)


@pytest.mark.parametrize(("days_left", "premium"), [(3, True), (-1, False)])
def test_a_cancelled_paypal_subscription_keeps_premium_to_the_end_of_the_paid_period(
    alice, api_client, stand_in, days_left, premium
):
    from django.utils import timezone

    now = timezone.now()
    paid_until = (now + dt.timedelta(days=days_left)).replace(microsecond=0)
    activated = sub_event(
        alice,
        "BILLING.SUBSCRIPTION.ACTIVATED",
        "ACTIVE",
        event_id="WH-A",
        at=(now - dt.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    activated["resource"]["billing_info"]["next_billing_time"] = paid_until.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    cancelled = sub_event(
        alice,
        "BILLING.SUBSCRIPTION.CANCELLED",
        "CANCELLED",
        event_id="WH-C",
        at=(now - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    del cancelled["resource"]["billing_info"]["next_billing_time"]

    deliver(api_client, stand_in, activated)
    deliver(api_client, stand_in, cancelled)

    sub = Subscription.objects.get()
    assert (sub.status, sub.current_period_end) == ("canceled", paid_until)
    assert user_is_premium(user=alice) is premium
