"""PayPal webhooks verified through PayPal's verify call, against a local stand-in that checks
the signature (made with our own key, PayPal's scheme) over the bytes our client sends back."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from werkzeug import Response

from billing.providers import paypal
from billing.providers.types import (
    Environment,
    MoneyMovement,
    Provider,
    ProviderUnavailable,
    PurchaseKind,
    StoreSubscriptionState,
    StoreTransaction,
    SubscriptionStatus,
    VerificationError,
)
from billing.tests.providers_support.paypal import (
    ACCOUNT,
    CLIENT_ID,
    CLIENT_SECRET,
    EVENT_TIME,
    PLAN_ID,
    SUBSCRIPTION_ID,
    WEBHOOK_ID,
    PayPalStandIn,
    event,
    refund_resource,
    sale_resource,
    subscription_resource,
)

NEXT_BILLING = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
LAST_PAID = dt.datetime(2026, 11, 1, 12, 0, 5, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def signing() -> PayPalStandIn:
    return PayPalStandIn.create()


@pytest.fixture
def stand_in(settings, httpserver, signing) -> PayPalStandIn:
    paypal.token_cache_clear()
    server = PayPalStandIn(key=signing.key, certificate=signing.certificate)
    server.install(httpserver)
    settings.PAYPAL_CLIENT_ID = CLIENT_ID
    settings.PAYPAL_CLIENT_SECRET = CLIENT_SECRET
    settings.PAYPAL_WEBHOOK_ID = WEBHOOK_ID
    settings.PAYPAL_API_BASE = httpserver.url_for("/").rstrip("/")
    yield server
    paypal.token_cache_clear()


def deliver(stand_in: PayPalStandIn, document: dict, **sign_options):
    body = json.dumps(document, indent=1).encode()
    return body, stand_in.sign(body, **sign_options)


def expected_state(**overrides) -> StoreSubscriptionState:
    values = {
        "provider": Provider.PAYPAL,
        "original_transaction_id": SUBSCRIPTION_ID,
        "product_id": PLAN_ID,
        "status": SubscriptionStatus.ACTIVE,
        "expires_at": NEXT_BILLING,
        "auto_renew": True,
        "provider_event_time": EVENT_TIME,
        "environment": Environment.PRODUCTION,
        "app_account_token": ACCOUNT,
        "latest_transaction": StoreTransaction(
            provider=Provider.PAYPAL,
            original_transaction_id=SUBSCRIPTION_ID,
            transaction_id=f"{SUBSCRIPTION_ID}:2026-11-01T12:00:05Z",
            product_id=PLAN_ID,
            kind=PurchaseKind.SUBSCRIPTION,
            purchased_at=LAST_PAID,
            expires_at=overrides.get("expires_at", NEXT_BILLING),
            app_account_token=ACCOUNT,
            amount=999,
            currency="USD",
        ),
    }
    values.update(overrides)
    return StoreSubscriptionState(**values)


def paths(httpserver) -> list[str]:
    return [request.path for request, _ in httpserver.log]


def test_an_activated_subscription_is_verified_and_mapped(stand_in, httpserver):
    body, headers = deliver(
        stand_in, event("BILLING.SUBSCRIPTION.ACTIVATED", subscription_resource())
    )

    notification = paypal.notification_verify(body=body, headers=headers)

    assert (
        notification.provider,
        notification.event_id,
        notification.event_type,
        notification.occurred_at,
        notification.environment,
    ) == (
        Provider.PAYPAL,
        "WH-77687562XN25889J8-8Y6T55435R66168T6",
        "BILLING.SUBSCRIPTION.ACTIVATED",
        EVENT_TIME,
        Environment.PRODUCTION,
    )
    assert notification.state == expected_state()
    assert (notification.transaction, notification.money) == (None, None)
    assert paths(httpserver) == [
        "/v1/oauth2/token",
        "/v1/notifications/verify-webhook-signature",
    ]
    sent = stand_in.verify_requests[0]
    assert {key: sent[key] for key in ("auth_algo", "cert_url", "webhook_id")} == {
        "auth_algo": "SHA256withRSA",
        "cert_url": stand_in.cert_url,
        "webhook_id": WEBHOOK_ID,
    }
    assert sent["transmission_id"] == headers["Paypal-Transmission-Id"]
    assert sent["webhook_event"] == json.loads(body)


@pytest.mark.parametrize(
    ("event_type", "paypal_status", "expected", "auto_renew"),
    [
        ("BILLING.SUBSCRIPTION.CANCELLED", "CANCELLED", SubscriptionStatus.CANCELED, False),
        ("BILLING.SUBSCRIPTION.EXPIRED", "EXPIRED", SubscriptionStatus.EXPIRED, False),
        ("BILLING.SUBSCRIPTION.SUSPENDED", "SUSPENDED", SubscriptionStatus.PAUSED, False),
        ("BILLING.SUBSCRIPTION.RE-ACTIVATED", "ACTIVE", SubscriptionStatus.ACTIVE, True),
        ("BILLING.SUBSCRIPTION.CREATED", "APPROVAL_PENDING", SubscriptionStatus.INCOMPLETE, False),
    ],
)
def test_subscription_events_map_to_states(
    stand_in, event_type, paypal_status, expected, auto_renew
):
    body, headers = deliver(
        stand_in, event(event_type, subscription_resource(status=paypal_status))
    )

    notification = paypal.notification_verify(body=body, headers=headers)

    assert notification.event_type == event_type
    assert notification.state is not None
    assert (notification.state.status, notification.state.auto_renew) == (expected, auto_renew)
    assert notification.state.raw["status"] == paypal_status


def test_a_completed_sale_is_a_charge(stand_in):
    body, headers = deliver(
        stand_in,
        event(
            "PAYMENT.SALE.COMPLETED", sale_resource(), resource_type="sale", event_id="WH-SALE-1"
        ),
    )

    notification = paypal.notification_verify(body=body, headers=headers)

    paid_at = dt.datetime(2026, 12, 1, 10, 0, 4, tzinfo=dt.UTC)
    assert notification.state is None
    assert notification.money == MoneyMovement(
        kind="charge",
        provider_payment_id="80021663DE681814L",
        amount=999,
        currency="USD",
        occurred_at=paid_at,
    )
    assert notification.transaction == StoreTransaction(
        provider=Provider.PAYPAL,
        original_transaction_id=SUBSCRIPTION_ID,
        transaction_id="80021663DE681814L",
        product_id="",
        kind=PurchaseKind.SUBSCRIPTION,
        purchased_at=paid_at,
        app_account_token=ACCOUNT,
        amount=999,
        currency="USD",
    )
    assert notification.raw["sale_id"] == "80021663DE681814L"


def test_a_refunded_sale_is_a_refund_of_that_sale(stand_in):
    body, headers = deliver(
        stand_in,
        event(
            "PAYMENT.SALE.REFUNDED", refund_resource(), resource_type="refund", event_id="WH-REF-1"
        ),
    )

    notification = paypal.notification_verify(body=body, headers=headers)

    refunded_at = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    assert notification.money == MoneyMovement(
        kind="refund",
        provider_payment_id="1K3171457H1487722",
        amount=999,
        currency="USD",
        occurred_at=refunded_at,
    )
    assert notification.transaction == StoreTransaction(
        provider=Provider.PAYPAL,
        original_transaction_id="80021663DE681814L",
        transaction_id="80021663DE681814L",
        product_id="",
        kind=PurchaseKind.ONE_TIME,
        purchased_at=refunded_at,
        revoked_at=refunded_at,
        revocation_reason="refunded",
    )


def test_a_zero_decimal_currency_keeps_its_units(stand_in):
    resource = sale_resource(amount={"total": "1200", "currency": "JPY"})
    body, headers = deliver(
        stand_in, event("PAYMENT.SALE.COMPLETED", resource, resource_type="sale")
    )

    notification = paypal.notification_verify(body=body, headers=headers)

    assert notification.money is not None
    assert (notification.money.amount, notification.money.currency) == (1200, "JPY")


def test_other_events_are_verified_and_carry_nothing(stand_in):
    body, headers = deliver(
        stand_in,
        event("CUSTOMER.DISPUTE.CREATED", {"dispute_id": "PP-D-1"}, resource_type="dispute"),
    )

    notification = paypal.notification_verify(body=body, headers=headers)

    assert (notification.event_type, notification.state, notification.money) == (
        "CUSTOMER.DISPUTE.CREATED",
        None,
        None,
    )


def test_the_raw_bytes_go_back_to_paypal_unchanged(stand_in):
    """Escapes and spacing that json.dumps would rewrite must survive: PayPal signed the bytes."""
    body = (
        b'{"id":"WH-RAW-1","create_time":"2026-11-02T08:30:00.000Z","resource_type":"subscription",'
        b'"event_type":"BILLING.SUBSCRIPTION.ACTIVATED","summary":"Zo\\u00eb subscribed",'
        b'"resource":' + json.dumps(subscription_resource()).encode() + b"}"
    )
    headers = stand_in.sign(body)

    notification = paypal.notification_verify(body=body, headers=headers)

    assert notification.event_id == "WH-RAW-1"


def test_a_body_changed_after_signing_fails_verification(stand_in):
    body, headers = deliver(
        stand_in, event("BILLING.SUBSCRIPTION.ACTIVATED", subscription_resource())
    )
    forged = body.replace(b'"ACTIVE"', b'"EXPIRED"')

    with pytest.raises(VerificationError) as caught:
        paypal.notification_verify(body=forged, headers=headers)

    assert caught.value.code == "invalid_signature"
    assert len(stand_in.verify_requests) == 1


def test_a_delivery_signed_for_another_webhook_fails(stand_in):
    body, headers = deliver(
        stand_in,
        event("BILLING.SUBSCRIPTION.ACTIVATED", subscription_resource()),
        webhook_id="3WB12345AB6789012",
    )

    with pytest.raises(VerificationError) as caught:
        paypal.notification_verify(body=body, headers=headers)

    assert caught.value.code == "invalid_signature"


@pytest.mark.parametrize(
    "dropped", ["Paypal-Transmission-Sig", "Paypal-Cert-Url", "Paypal-Auth-Algo"]
)
def test_a_delivery_without_signature_headers_is_refused_without_asking(
    stand_in, httpserver, dropped
):
    body, headers = deliver(
        stand_in, event("BILLING.SUBSCRIPTION.ACTIVATED", subscription_resource())
    )
    del headers[dropped]

    with pytest.raises(VerificationError) as caught:
        paypal.notification_verify(body=body, headers=headers)

    assert caught.value.code == "invalid_signature"
    assert paths(httpserver) == []


@pytest.mark.parametrize(
    "raw",
    [b"", b"not json", b"[]", b'{"id": "WH-1", "event_type": "X", "resource": {}}'],
)
def test_a_body_that_is_not_an_event_is_refused_without_asking(stand_in, httpserver, raw):
    with pytest.raises(VerificationError) as caught:
        paypal.notification_verify(body=raw, headers=stand_in.sign(raw))

    assert caught.value.code == "invalid_payload"
    assert paths(httpserver) == []


def test_the_access_token_is_fetched_once_and_reused(stand_in, httpserver):
    for number in range(3):
        body, headers = deliver(
            stand_in,
            event(
                "BILLING.SUBSCRIPTION.ACTIVATED", subscription_resource(), event_id=f"WH-{number}"
            ),
        )
        paypal.notification_verify(body=body, headers=headers)

    assert paths(httpserver).count("/v1/oauth2/token") == 1
    assert len(stand_in.issued) == 1


def test_a_token_paypal_no_longer_accepts_is_replaced_once(stand_in, httpserver):
    body, headers = deliver(
        stand_in, event("BILLING.SUBSCRIPTION.ACTIVATED", subscription_resource())
    )
    paypal.notification_verify(body=body, headers=headers)
    stand_in.valid_tokens.clear()  # PayPal expired it before its announced expiry

    notification = paypal.notification_verify(body=body, headers=headers)

    assert notification.state is not None
    assert paths(httpserver) == [
        "/v1/oauth2/token",
        "/v1/notifications/verify-webhook-signature",
        "/v1/notifications/verify-webhook-signature",
        "/v1/oauth2/token",
        "/v1/notifications/verify-webhook-signature",
    ]


def test_refused_client_credentials_are_transient_for_the_sender(stand_in, httpserver):
    stand_in.token_status = 401
    body, headers = deliver(
        stand_in, event("BILLING.SUBSCRIPTION.ACTIVATED", subscription_resource())
    )

    with pytest.raises(ProviderUnavailable) as caught:
        paypal.notification_verify(body=body, headers=headers)

    assert (caught.value.code, caught.value.not_configured) == (
        "provider_credentials_refused",
        False,
    )
    assert paths(httpserver) == ["/v1/oauth2/token"]


def test_a_paypal_outage_is_transient_after_one_retry(stand_in, httpserver):
    httpserver.clear_all_handlers()
    httpserver.expect_request("/v1/oauth2/token").respond_with_json(
        {"name": "INTERNAL_SERVER_ERROR"}, status=503
    )
    body, headers = deliver(
        stand_in, event("BILLING.SUBSCRIPTION.ACTIVATED", subscription_resource())
    )

    with pytest.raises(ProviderUnavailable) as caught:
        paypal.notification_verify(body=body, headers=headers)

    assert caught.value.not_configured is False
    assert paths(httpserver) == ["/v1/oauth2/token", "/v1/oauth2/token"]


def test_a_verify_call_that_times_out_is_transient(stand_in, httpserver, settings):
    settings.OUTBOUND_HTTP_TIMEOUT_SECONDS = 0.3
    httpserver.clear_all_handlers()
    httpserver.expect_request("/v1/oauth2/token", method="POST").respond_with_handler(
        stand_in.token
    )

    def slow(request):
        time.sleep(0.6)
        return Response(
            json.dumps({"verification_status": "SUCCESS"}), content_type="application/json"
        )

    httpserver.expect_request(
        "/v1/notifications/verify-webhook-signature", method="POST"
    ).respond_with_handler(slow)
    body, headers = deliver(
        stand_in, event("BILLING.SUBSCRIPTION.ACTIVATED", subscription_resource())
    )

    with pytest.raises(ProviderUnavailable):
        paypal.notification_verify(body=body, headers=headers)

    deadline = time.monotonic() + 5  # let the slow answer land in this test's log
    while len(httpserver.log) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)


def test_unconfigured_paypal_is_unavailable(settings):
    settings.PAYPAL_CLIENT_ID = CLIENT_ID
    settings.PAYPAL_CLIENT_SECRET = CLIENT_SECRET
    settings.PAYPAL_WEBHOOK_ID = ""

    assert paypal.is_configured() is False
    assert paypal.configuration_problem() == "PAYPAL_WEBHOOK_ID is not set."
    with pytest.raises(ProviderUnavailable) as caught:
        paypal.notification_verify(body=b"{}", headers={})
    assert caught.value.not_configured is True


def test_a_subscription_is_re_read_over_rest(stand_in, httpserver):
    stand_in.subscriptions[SUBSCRIPTION_ID] = subscription_resource(status="SUSPENDED")
    httpserver.expect_request(
        f"/v1/billing/subscriptions/{SUBSCRIPTION_ID}", method="GET"
    ).respond_with_handler(stand_in.subscription)
    before = dt.datetime.now(dt.UTC)

    state = paypal.subscription_get(subscription_id=SUBSCRIPTION_ID)

    assert before <= state.provider_event_time <= dt.datetime.now(dt.UTC)
    assert state.status == SubscriptionStatus.PAUSED
    assert (state.product_id, state.app_account_token, state.expires_at) == (
        PLAN_ID,
        ACCOUNT,
        NEXT_BILLING,
    )


def test_an_unknown_subscription_is_permanent(stand_in, httpserver):
    httpserver.expect_request(
        "/v1/billing/subscriptions/I-UNKNOWN0000", method="GET"
    ).respond_with_handler(stand_in.subscription)

    with pytest.raises(VerificationError) as caught:
        paypal.subscription_get(subscription_id="I-UNKNOWN0000")

    assert caught.value.code == "purchase_not_found"
