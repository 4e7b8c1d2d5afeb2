"""Apple StoreKit 2 transactions and Server Notifications V2, verified by Apple's library against
a certificate chain made for this test session (never the XCODE/LOCAL_TESTING environments,
which skip verification)."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from werkzeug import Request, Response

from billing.providers import apple
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
from billing.tests.providers_support.apple import (
    APP_APPLE_ID,
    BUNDLE_ID,
    EXPIRES,
    PURCHASED,
    SIGNED,
    AppleSigner,
    ms,
    notification_payload,
    ocsp_answer,
    renewal_payload,
    transaction_payload,
)

GRACE_ENDS = dt.datetime(2026, 12, 17, 12, 0, tzinfo=dt.UTC)
REFUNDED_AT = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def signer() -> AppleSigner:
    return AppleSigner.create()


@pytest.fixture(scope="session")
def stranger() -> AppleSigner:
    """A chain that looks like Apple's (same markers) under a root we do not trust."""
    return AppleSigner.create(name="Impostor")


@pytest.fixture
def configured(settings, signer):
    apple.verifier_cache_clear()
    settings.APPLE_IAP_BUNDLE_ID = BUNDLE_ID
    settings.APPLE_IAP_APP_APPLE_ID = str(APP_APPLE_ID)
    settings.APPLE_IAP_ENVIRONMENT = "Production"
    settings.APPLE_IAP_ROOT_CERTIFICATES = [base64.b64encode(signer.root_der).decode()]
    settings.APPLE_IAP_ONLINE_CHECKS = False
    settings.APPLE_IAP_ALLOW_SANDBOX = False
    yield settings
    apple.verifier_cache_clear()


def body(signed_payload: str) -> bytes:
    return json.dumps({"signedPayload": signed_payload}).encode()


def expected_transaction(**overrides) -> StoreTransaction:
    values = {
        "provider": Provider.APPLE,
        "original_transaction_id": "2000000100000000",
        "transaction_id": "2000000123456789",
        "product_id": "com.fitcore.premium.monthly",
        "kind": PurchaseKind.SUBSCRIPTION,
        "purchased_at": PURCHASED,
        "environment": Environment.PRODUCTION,
        "expires_at": EXPIRES,
        "revoked_at": None,
        "revocation_reason": "",
        "app_account_token": "7e3fb20b-4cdb-47cc-936d-99d65f608138",
        "is_trial": False,
        "quantity": 1,
        "amount": 999,
        "currency": "USD",
    }
    values.update(overrides)
    return StoreTransaction(**values)


# --- Transactions -----------------------------------------------------------------------------


def test_a_signed_transaction_verifies_into_a_store_transaction(configured, signer):
    transaction = apple.transaction_verify(signed_transaction=signer.sign(transaction_payload()))

    assert transaction == expected_transaction()
    assert transaction.raw["transactionReason"] == "PURCHASE"


@pytest.mark.parametrize("form", ["der_file", "pem_file"])
def test_the_trusted_root_may_be_a_der_or_pem_file(configured, signer, tmp_path, form):
    path = tmp_path / f"root.{form}"
    path.write_bytes(signer.root_der if form == "der_file" else signer.root_pem)
    configured.APPLE_IAP_ROOT_CERTIFICATES = [str(path)]

    transaction = apple.transaction_verify(signed_transaction=signer.sign(transaction_payload()))

    assert transaction.transaction_id == "2000000123456789"


def test_a_transaction_signed_under_another_root_is_rejected(configured, stranger):
    with pytest.raises(VerificationError) as caught:
        apple.transaction_verify(signed_transaction=stranger.sign(transaction_payload()))

    assert caught.value.code == "invalid_signature"


def test_a_chain_without_apples_certificate_markers_is_rejected(configured):
    unmarked = AppleSigner.create(name="Unmarked", markers=False)
    configured.APPLE_IAP_ROOT_CERTIFICATES = [base64.b64encode(unmarked.root_der).decode()]

    with pytest.raises(VerificationError) as caught:
        apple.transaction_verify(signed_transaction=unmarked.sign(transaction_payload()))

    assert caught.value.code == "invalid_signature"


def test_a_transaction_for_another_bundle_id_is_rejected(configured, signer):
    signed = signer.sign(transaction_payload(bundleId="com.someone.else"))

    with pytest.raises(VerificationError) as caught:
        apple.transaction_verify(signed_transaction=signed)

    assert caught.value.code == "wrong_app"


def test_a_sandbox_transaction_is_rejected_in_production(configured, signer):
    signed = signer.sign(transaction_payload(environment="Sandbox"))

    with pytest.raises(VerificationError) as caught:
        apple.transaction_verify(signed_transaction=signed)

    assert caught.value.code == "wrong_environment"


def test_a_sandbox_server_accepts_sandbox_transactions_and_says_so(configured, signer):
    configured.APPLE_IAP_ENVIRONMENT = "Sandbox"
    configured.APPLE_IAP_APP_APPLE_ID = ""
    signed = signer.sign(transaction_payload(environment="Sandbox"))

    transaction = apple.transaction_verify(signed_transaction=signed)

    assert transaction == expected_transaction(environment=Environment.SANDBOX)


def test_a_production_server_may_accept_sandbox_purchases_for_app_review(configured, signer):
    configured.APPLE_IAP_ALLOW_SANDBOX = True

    sandbox = apple.transaction_verify(
        signed_transaction=signer.sign(transaction_payload(environment="Sandbox"))
    )
    production = apple.transaction_verify(signed_transaction=signer.sign(transaction_payload()))

    assert sandbox == expected_transaction(environment=Environment.SANDBOX)
    assert production == expected_transaction()


def test_the_sandbox_fallback_still_checks_everything_else(configured, signer, stranger):
    configured.APPLE_IAP_ALLOW_SANDBOX = True

    with pytest.raises(VerificationError) as foreign:
        apple.transaction_verify(
            signed_transaction=stranger.sign(transaction_payload(environment="Sandbox"))
        )
    with pytest.raises(VerificationError) as other_app:
        apple.transaction_verify(
            signed_transaction=signer.sign(
                transaction_payload(environment="Sandbox", bundleId="com.someone.else")
            )
        )

    assert (foreign.value.code, other_app.value.code) == ("invalid_signature", "wrong_app")


def test_a_tampered_payload_is_rejected(configured, signer):
    header, _, signature = signer.sign(transaction_payload()).split(".")
    forged = base64.urlsafe_b64encode(
        json.dumps(transaction_payload(productId="com.fitcore.premium.yearly")).encode()
    )
    tampered = f"{header}.{forged.decode().rstrip('=')}.{signature}"

    with pytest.raises(VerificationError) as caught:
        apple.transaction_verify(signed_transaction=tampered)

    assert caught.value.code == "invalid_signature"


def test_garbage_is_rejected_before_any_check(configured):
    with pytest.raises(VerificationError) as caught:
        apple.transaction_verify(signed_transaction="")
    assert caught.value.code == "invalid_payload"

    with pytest.raises(VerificationError) as caught:
        apple.transaction_verify(signed_transaction="not.a.jws")
    assert caught.value.code == "invalid_signature"


def test_a_free_trial_and_a_zero_decimal_currency(configured, signer):
    trial = apple.transaction_verify(
        signed_transaction=signer.sign(
            transaction_payload(offerType=1, offerDiscountType="FREE_TRIAL", price=0)
        )
    )
    yen = apple.transaction_verify(
        signed_transaction=signer.sign(
            transaction_payload(
                type="Non-Consumable",
                productId="com.fitcore.workout.hiit42",
                expiresDate=None,
                price=1_200_000,
                currency="JPY",
            )
        )
    )

    assert (trial.is_trial, trial.amount, trial.currency) == (True, 0, "USD")
    assert yen == expected_transaction(
        product_id="com.fitcore.workout.hiit42",
        kind=PurchaseKind.ONE_TIME,
        expires_at=None,
        amount=1200,
        currency="JPY",
    )


def test_unconfigured_apple_is_unavailable(settings):
    apple.verifier_cache_clear()
    settings.APPLE_IAP_BUNDLE_ID = ""

    assert apple.is_configured() is False
    assert apple.configuration_problem() == "APPLE_IAP_BUNDLE_ID is not set."
    with pytest.raises(ProviderUnavailable) as caught:
        apple.transaction_verify(signed_transaction="a.b.c")
    assert caught.value.not_configured is True


@pytest.mark.parametrize(
    ("environment", "app_apple_id", "problem"),
    [
        ("Production", "", "APPLE_IAP_APP_APPLE_ID is required in the Production environment."),
        ("Xcode", "", "APPLE_IAP_ENVIRONMENT must be Production or Sandbox."),
        ("LocalTesting", "", "APPLE_IAP_ENVIRONMENT must be Production or Sandbox."),
        ("Sandbox", "12ab", "APPLE_IAP_APP_APPLE_ID must be the app's numeric Apple id."),
        ("Sandbox", "", None),
        ("production", "42", None),
    ],
)
def test_configuration_problems_are_named(configured, environment, app_apple_id, problem):
    configured.APPLE_IAP_ENVIRONMENT = environment
    configured.APPLE_IAP_APP_APPLE_ID = app_apple_id

    assert apple.configuration_problem() == problem
    assert apple.is_configured() is (problem is None)


def test_an_unreadable_root_setting_is_a_configuration_error(configured, signer):
    configured.APPLE_IAP_ROOT_CERTIFICATES = ["/nonexistent/AppleRootCA-G3.cer"]

    with pytest.raises(ProviderUnavailable) as caught:
        apple.transaction_verify(signed_transaction=signer.sign(transaction_payload()))

    assert caught.value.not_configured is True


# --- Online checks (OCSP) against a local responder --------------------------------------------


@pytest.fixture
def ocsp_signer(httpserver) -> AppleSigner:
    return AppleSigner.create(name="Online", ocsp_url=httpserver.url_for("/ocsp"))


@pytest.fixture
def online(configured, ocsp_signer):
    configured.APPLE_IAP_ROOT_CERTIFICATES = [base64.b64encode(ocsp_signer.root_der).decode()]
    configured.APPLE_IAP_ONLINE_CHECKS = True
    return configured


def test_online_checks_ask_ocsp_about_the_leaf_and_the_intermediate(
    online, ocsp_signer, httpserver
):
    asked: list[int] = []

    def responder(request: Request) -> Response:
        asked.append(len(request.get_data()))
        return Response(
            ocsp_answer(ocsp_signer, request.get_data()),
            content_type="application/ocsp-response",
        )

    httpserver.expect_request("/ocsp", method="POST").respond_with_handler(responder)

    transaction = apple.transaction_verify(
        signed_transaction=ocsp_signer.sign(transaction_payload())
    )

    assert transaction == expected_transaction()
    assert len(asked) == 2


def test_a_revoked_signing_certificate_is_rejected(online, ocsp_signer, httpserver):
    httpserver.expect_request("/ocsp", method="POST").respond_with_handler(
        lambda request: Response(ocsp_answer(ocsp_signer, request.get_data(), revoked=True))
    )

    with pytest.raises(VerificationError) as caught:
        apple.transaction_verify(signed_transaction=ocsp_signer.sign(transaction_payload()))

    assert caught.value.code == "invalid_signature"


def test_an_unreachable_ocsp_responder_is_transient(online, ocsp_signer, httpserver):
    httpserver.expect_request("/ocsp", method="POST").respond_with_data("busy", status=503)

    with pytest.raises(ProviderUnavailable) as caught:
        apple.transaction_verify(signed_transaction=ocsp_signer.sign(transaction_payload()))

    assert caught.value.not_configured is False


# --- Notifications ----------------------------------------------------------------------------

TRIAL = {"offerType": 1, "offerDiscountType": "FREE_TRIAL", "price": 0}
REFUNDED = {"revocationDate": ms(REFUNDED_AT), "revocationReason": 0}
FAMILY_REVOKED = {
    "revocationDate": ms(REFUNDED_AT),
    "revocationReason": 0,
    "revocationType": "FAMILY_REVOKE",
    "inAppOwnershipType": "FAMILY_SHARED",
}


@pytest.mark.parametrize(
    ("notification_type", "subtype", "status", "transaction", "renewal", "expected", "money"),
    [
        ("SUBSCRIBED", "INITIAL_BUY", 1, {}, {}, SubscriptionStatus.ACTIVE, ("charge", 999)),
        ("SUBSCRIBED", "INITIAL_BUY", 1, TRIAL, {}, SubscriptionStatus.TRIALING, None),
        ("SUBSCRIBED", "RESUBSCRIBE", None, {}, {}, SubscriptionStatus.ACTIVE, ("charge", 999)),
        ("DID_RENEW", None, 1, {}, {}, SubscriptionStatus.ACTIVE, ("renewal", 999)),
        ("DID_FAIL_TO_RENEW", "GRACE_PERIOD", 4, {}, {}, SubscriptionStatus.GRACE, None),
        ("DID_FAIL_TO_RENEW", None, 3, {}, {}, SubscriptionStatus.BILLING_RETRY, None),
        ("GRACE_PERIOD_EXPIRED", None, 3, {}, {}, SubscriptionStatus.ON_HOLD, None),
        ("EXPIRED", "VOLUNTARY", 2, {}, {"autoRenewStatus": 0}, SubscriptionStatus.EXPIRED, None),
        ("EXPIRED", "BILLING_RETRY", None, {}, {}, SubscriptionStatus.EXPIRED, None),
        ("REFUND", None, 5, REFUNDED, {}, SubscriptionStatus.REFUNDED, ("refund", 999)),
        ("REVOKE", None, 5, FAMILY_REVOKED, {}, SubscriptionStatus.REVOKED, None),
        (
            "DID_CHANGE_RENEWAL_STATUS",
            "AUTO_RENEW_DISABLED",
            1,
            {},
            {"autoRenewStatus": 0},
            SubscriptionStatus.ACTIVE,
            None,
        ),
    ],
)
def test_notification_types_map_to_subscription_states(
    configured, signer, notification_type, subtype, status, transaction, renewal, expected, money
):
    renewal_fields = {"gracePeriodExpiresDate": ms(GRACE_ENDS)} if expected == "grace" else {}
    renewal_fields.update(renewal)
    payload = notification_payload(
        signer,
        notification_type=notification_type,
        subtype=subtype,
        transaction=transaction_payload(**transaction),
        renewal=renewal_payload(**renewal_fields),
        status=status,
        notification_uuid="002e14d5-51f5-4503-b5a8-c3a1af68eb20",
    )

    event = apple.notification_verify(body=body(signer.sign(payload)))

    assert (event.provider, event.event_id, event.event_type, event.subtype) == (
        Provider.APPLE,
        "002e14d5-51f5-4503-b5a8-c3a1af68eb20",
        notification_type,
        subtype or "",
    )
    assert (event.occurred_at, event.environment, event.is_test) == (
        SIGNED,
        Environment.PRODUCTION,
        False,
    )
    assert event.state is not None
    assert event.state.status == expected
    assert event.state.auto_renew is (renewal_fields.get("autoRenewStatus", 1) == 1)
    assert event.state.grace_expires_at == (GRACE_ENDS if expected == "grace" else None)
    assert event.transaction == event.state.latest_transaction
    if money is None:
        assert event.money is None
    else:
        kind, amount = money
        assert event.money == MoneyMovement(
            kind=kind,
            provider_payment_id=(
                "2000000123456789:refund" if kind == "refund" else "2000000123456789"
            ),
            amount=amount,
            currency="USD",
            occurred_at=REFUNDED_AT if kind == "refund" else PURCHASED,
        )


def test_a_renewal_notification_carries_the_whole_state(configured, signer):
    payload = notification_payload(
        signer,
        notification_type="DID_RENEW",
        transaction=transaction_payload(),
        renewal=renewal_payload(),
        status=1,
        notification_uuid="6b5ee1a5-8b3a-4d6a-9a38-3bfb7f4c0b8e",
    )

    event = apple.notification_verify(body=body(signer.sign(payload)))

    assert event.state == StoreSubscriptionState(
        provider=Provider.APPLE,
        original_transaction_id="2000000100000000",
        product_id="com.fitcore.premium.monthly",
        status=SubscriptionStatus.ACTIVE,
        expires_at=EXPIRES,
        auto_renew=True,
        provider_event_time=SIGNED,
        environment=Environment.PRODUCTION,
        app_account_token="7e3fb20b-4cdb-47cc-936d-99d65f608138",
        grace_expires_at=None,
        latest_transaction=expected_transaction(),
    )
    assert event.raw == {
        "notificationType": "DID_RENEW",
        "subtype": "",
        "notificationUUID": "6b5ee1a5-8b3a-4d6a-9a38-3bfb7f4c0b8e",
        "signedDate": ms(SIGNED),
        "status": 1,
    }


def test_a_partial_refund_logs_the_refunded_share(configured, signer):
    payload = notification_payload(
        signer,
        notification_type="REFUND",
        transaction=transaction_payload(**REFUNDED, revocationPercentage=50_000),
        status=5,
    )

    event = apple.notification_verify(body=body(signer.sign(payload)))

    assert event.money is not None
    assert (event.money.kind, event.money.amount) == ("refund", 499)


def test_a_one_time_purchase_notification_has_no_subscription_state(configured, signer):
    payload = notification_payload(
        signer,
        notification_type="ONE_TIME_CHARGE",
        transaction=transaction_payload(
            type="Non-Consumable",
            productId="com.fitcore.workout.hiit42",
            expiresDate=None,
            price=4990,
        ),
    )

    event = apple.notification_verify(body=body(signer.sign(payload)))

    assert event.state is None
    assert event.transaction == expected_transaction(
        product_id="com.fitcore.workout.hiit42",
        kind=PurchaseKind.ONE_TIME,
        expires_at=None,
        amount=499,
    )
    assert event.money == MoneyMovement(
        kind="charge",
        provider_payment_id="2000000123456789",
        amount=499,
        currency="USD",
        occurred_at=PURCHASED,
    )


def test_a_test_notification_is_marked_as_such(configured, signer):
    payload = notification_payload(
        signer, notification_type="TEST", notification_uuid="9ad2a9ec-06c4-4aa5-8f11-d25e1e2ec4c1"
    )

    event = apple.notification_verify(body=body(signer.sign(payload)))

    assert (event.event_id, event.is_test, event.state, event.transaction, event.money) == (
        "9ad2a9ec-06c4-4aa5-8f11-d25e1e2ec4c1",
        True,
        None,
        None,
        None,
    )


def test_a_notification_signed_under_another_root_is_rejected(configured, stranger):
    payload = notification_payload(
        stranger, notification_type="DID_RENEW", transaction=transaction_payload(), status=1
    )

    with pytest.raises(VerificationError) as caught:
        apple.notification_verify(body=body(stranger.sign(payload)))

    assert caught.value.code == "invalid_signature"


def test_a_genuine_notification_carrying_a_foreign_transaction_is_rejected(
    configured, signer, stranger
):
    payload = notification_payload(signer, notification_type="DID_RENEW", status=1)
    payload["data"]["signedTransactionInfo"] = stranger.sign(transaction_payload())

    with pytest.raises(VerificationError) as caught:
        apple.notification_verify(body=body(signer.sign(payload)))

    assert caught.value.code == "invalid_signature"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"bundle_id": "com.someone.else"}, "wrong_app"),
        ({"app_apple_id": 999}, "wrong_app"),
        ({"app_apple_id": None}, "wrong_app"),
        ({"environment": "Sandbox"}, "wrong_environment"),
    ],
)
def test_a_notification_for_another_app_or_environment_is_rejected(
    configured, signer, overrides, code
):
    payload = notification_payload(signer, notification_type="TEST", **overrides)

    with pytest.raises(VerificationError) as caught:
        apple.notification_verify(body=body(signer.sign(payload)))

    assert caught.value.code == code


def test_a_sandbox_notification_is_accepted_when_sandbox_is_allowed(configured, signer):
    configured.APPLE_IAP_ALLOW_SANDBOX = True
    payload = notification_payload(
        signer,
        notification_type="DID_RENEW",
        transaction=transaction_payload(environment="Sandbox"),
        renewal=renewal_payload(environment="Sandbox"),
        status=1,
        environment="Sandbox",
        app_apple_id=None,
    )

    event = apple.notification_verify(body=body(signer.sign(payload)))

    assert event.environment == Environment.SANDBOX
    assert event.state is not None
    assert (event.state.status, event.state.environment) == (
        SubscriptionStatus.ACTIVE,
        Environment.SANDBOX,
    )


def test_the_sandbox_fallback_keeps_refusing_another_apps_production_notification(
    configured, signer
):
    configured.APPLE_IAP_ALLOW_SANDBOX = True
    payload = notification_payload(signer, notification_type="TEST", app_apple_id=999)

    with pytest.raises(VerificationError) as caught:
        apple.notification_verify(body=body(signer.sign(payload)))

    assert caught.value.code == "wrong_app"


def test_a_tampered_notification_is_rejected(configured, signer):
    payload = notification_payload(signer, notification_type="TEST")
    header, _, signature = signer.sign(payload).split(".")
    payload["notificationType"] = "REFUND"
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")

    with pytest.raises(VerificationError) as caught:
        apple.notification_verify(body=body(f"{header}.{forged}.{signature}"))

    assert caught.value.code == "invalid_signature"


@pytest.mark.parametrize(
    "raw",
    [b"", b"not json", b"[]", b'{"signedPayload": 42}', b'{"payload": "a.b.c"}'],
)
def test_a_body_without_a_signed_payload_is_rejected(configured, raw):
    with pytest.raises(VerificationError) as caught:
        apple.notification_verify(body=raw)

    assert caught.value.code == "invalid_payload"
