"""Google Play Billing through Google's real client library against a local server that answers
the Developer API and the OAuth token endpoint in Google's wire format; Pub/Sub push tokens
signed with our own key."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import pytest
from werkzeug import Response

from billing.providers import google_play
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
from billing.tests.providers_support.google_play import (
    ACCESS_TOKEN,
    API_PREFIX,
    EVENT_TIME,
    PACKAGE,
    PRODUCT_PURCHASE_TIME,
    PUSH_ACCOUNT,
    PUSH_AUDIENCE,
    SERVICE_ACCOUNT_EMAIL,
    PushSigner,
    ServiceAccount,
    developer_notification,
    product_purchase,
    push_body,
    subscription_purchase,
)

TOKEN = "kbmdbhhgcgkkjolfhbjbkgng.AO-J1OzN3VbVv-Vk2pNqgE1aBcD"
AUTH = {"Authorization": f"Bearer {ACCESS_TOKEN}"}
EXPIRES = dt.datetime(2026, 12, 1, 12, 0, 0, 321000, tzinfo=dt.UTC)
STARTED = dt.datetime(2026, 9, 1, 12, 0, 0, 321000, tzinfo=dt.UTC)
ACCOUNT = "0b5c8c1e-3f1a-4d2e-9b7a-2f6d1c4e8a90"


@pytest.fixture(scope="session")
def service_account() -> ServiceAccount:
    return ServiceAccount.create()


@pytest.fixture(scope="session")
def push_signer() -> PushSigner:
    return PushSigner.create()


@pytest.fixture
def token_requests() -> list[dict]:
    return []


@pytest.fixture
def play(settings, httpserver, tmp_path, service_account, push_signer, token_requests):
    google_play.credentials_cache_clear()
    google_play.certs_cache_clear()
    token_uri = httpserver.url_for("/token")
    httpserver.expect_request("/token", method="POST").respond_with_handler(
        service_account.token_handler(token_requests)
    )
    httpserver.expect_request("/certs", method="GET").respond_with_json(
        push_signer.certs(), headers={"Cache-Control": "public, max-age=3600"}
    )
    settings.GOOGLE_PLAY_PACKAGE_NAME = PACKAGE
    settings.GOOGLE_PLAY_SERVICE_ACCOUNT_FILE = str(
        service_account.write(tmp_path / "play-service-account.json", token_uri=token_uri)
    )
    settings.GOOGLE_PLAY_API_ENDPOINT = httpserver.url_for("/")
    settings.GOOGLE_PLAY_PUSH_AUDIENCE = PUSH_AUDIENCE
    settings.GOOGLE_PLAY_PUSH_SERVICE_ACCOUNT = PUSH_ACCOUNT
    settings.GOOGLE_PLAY_PUSH_CERTS_URL = httpserver.url_for("/certs")
    yield settings
    google_play.credentials_cache_clear()
    google_play.certs_cache_clear()


def api_calls(httpserver) -> list[tuple[str, str]]:
    return [
        (request.method, request.path)
        for request, _ in httpserver.log
        if request.path.startswith("/androidpublisher/")
    ]


def serve_subscription(httpserver, purchase: dict, token: str = TOKEN) -> None:
    httpserver.expect_request(
        f"{API_PREFIX}/subscriptionsv2/tokens/{token}", method="GET", headers=AUTH
    ).respond_with_json(purchase)


def rfc3339(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def expected_state(**overrides) -> StoreSubscriptionState:
    transaction = StoreTransaction(
        provider=Provider.GOOGLE_PLAY,
        original_transaction_id=TOKEN,
        transaction_id="GPA.3372-1234-5678-90123..2",
        product_id="premium",
        kind=PurchaseKind.SUBSCRIPTION,
        purchased_at=STARTED,
        environment=Environment.PRODUCTION,
        expires_at=overrides.get("expires_at", EXPIRES),
        app_account_token=ACCOUNT,
        is_trial=overrides.pop("is_trial", False),
        base_plan_id="monthly",
        purchase_token=TOKEN,
        acknowledged=overrides.pop("acknowledged", True),
        amount=999,
        currency="USD",
    )
    values = {
        "provider": Provider.GOOGLE_PLAY,
        "original_transaction_id": TOKEN,
        "product_id": "premium",
        "status": SubscriptionStatus.ACTIVE,
        "expires_at": EXPIRES,
        "auto_renew": True,
        "provider_event_time": EVENT_TIME,
        "environment": Environment.PRODUCTION,
        "app_account_token": ACCOUNT,
        "base_plan_id": "monthly",
        "purchase_token": TOKEN,
        "grace_expires_at": None,
        "latest_transaction": transaction,
    }
    values.update(overrides)
    return StoreSubscriptionState(**values)


def read_now(state: StoreSubscriptionState, before: dt.datetime) -> StoreSubscriptionState:
    """A state read from the API is stamped with the read time: check it, then pin it."""
    assert before <= state.provider_event_time <= dt.datetime.now(dt.UTC)
    return dataclasses.replace(state, provider_event_time=EVENT_TIME)


# --- Developer API ------------------------------------------------------------------------------


def test_a_subscription_is_read_with_subscriptionsv2_through_our_service_account(
    play, httpserver, token_requests
):
    serve_subscription(httpserver, subscription_purchase())
    before = dt.datetime.now(dt.UTC)

    state = google_play.subscription_get(purchase_token=TOKEN)

    assert read_now(state, before) == expected_state()
    assert state.raw["subscriptionState"] == "SUBSCRIPTION_STATE_ACTIVE"
    assert api_calls(httpserver) == [
        ("GET", f"{API_PREFIX}/subscriptionsv2/tokens/{TOKEN}"),
    ]
    assert len(token_requests) == 1
    assert token_requests[0]["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert token_requests[0]["iss"] == SERVICE_ACCOUNT_EMAIL
    assert token_requests[0]["scope"] == "https://www.googleapis.com/auth/androidpublisher"


def test_the_access_token_is_reused_across_calls(play, httpserver, token_requests):
    serve_subscription(httpserver, subscription_purchase())

    google_play.subscription_get(purchase_token=TOKEN)
    google_play.subscription_get(purchase_token=TOKEN)

    assert len(api_calls(httpserver)) == 2
    assert len(token_requests) == 1


def in_days(days: int) -> dt.datetime:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).replace(microsecond=0)


@pytest.mark.parametrize(
    ("subscription_state", "expiry_days", "auto_renew", "expected"),
    [
        ("SUBSCRIPTION_STATE_ACTIVE", 10, True, SubscriptionStatus.ACTIVE),
        ("SUBSCRIPTION_STATE_IN_GRACE_PERIOD", 3, True, SubscriptionStatus.GRACE),
        ("SUBSCRIPTION_STATE_ON_HOLD", -2, True, SubscriptionStatus.ON_HOLD),
        ("SUBSCRIPTION_STATE_PAUSED", -5, True, SubscriptionStatus.PAUSED),
        ("SUBSCRIPTION_STATE_CANCELED", 10, False, SubscriptionStatus.ACTIVE),
        ("SUBSCRIPTION_STATE_CANCELED", -1, False, SubscriptionStatus.EXPIRED),
        ("SUBSCRIPTION_STATE_EXPIRED", -1, False, SubscriptionStatus.EXPIRED),
        ("SUBSCRIPTION_STATE_PENDING", 10, True, SubscriptionStatus.INCOMPLETE),
        ("SUBSCRIPTION_STATE_PENDING_PURCHASE_CANCELED", -1, False, SubscriptionStatus.EXPIRED),
    ],
)
def test_google_subscription_states_map_to_ours(
    play, httpserver, subscription_state, expiry_days, auto_renew, expected
):
    expiry = in_days(expiry_days)
    serve_subscription(
        httpserver,
        subscription_purchase(
            subscriptionState=subscription_state,
            line_item={
                "expiryTime": rfc3339(expiry),
                "autoRenewingPlan": {
                    # Google keeps autoRenewEnabled true on a canceled one only until it updates.
                    "autoRenewEnabled": subscription_state != "SUBSCRIPTION_STATE_CANCELED",
                    "recurringPrice": {"currencyCode": "USD", "units": "9", "nanos": 990000000},
                },
            },
        ),
    )

    state = google_play.subscription_get(purchase_token=TOKEN)

    assert (state.status, state.expires_at, state.auto_renew) == (expected, expiry, auto_renew)
    assert state.grace_expires_at == (expiry if expected == SubscriptionStatus.GRACE else None)


def test_a_free_trial_is_trialing_and_a_test_purchase_is_sandbox(play, httpserver):
    serve_subscription(
        httpserver,
        subscription_purchase(
            testPurchase={},
            acknowledgementState="ACKNOWLEDGEMENT_STATE_PENDING",
            line_item={
                "offerPhase": {"freeTrial": {}},
                "offerDetails": {"basePlanId": "yearly", "offerId": "trial-7d"},
            },
        ),
    )

    state = google_play.subscription_get(purchase_token=TOKEN)

    assert (state.status, state.environment, state.base_plan_id) == (
        SubscriptionStatus.TRIALING,
        Environment.SANDBOX,
        "yearly",
    )
    assert state.latest_transaction is not None
    assert (state.latest_transaction.is_trial, state.latest_transaction.acknowledged) == (
        True,
        False,
    )
    assert state.raw["offerId"] == "trial-7d"


def test_a_subscription_is_acknowledged_with_the_v1_acknowledge_call(play, httpserver):
    httpserver.expect_request(
        f"{API_PREFIX}/subscriptions/premium/tokens/{TOKEN}:acknowledge",
        method="POST",
        headers=AUTH,
    ).respond_with_data("", status=200)

    assert google_play.subscription_acknowledge(product_id="premium", purchase_token=TOKEN) is None

    assert api_calls(httpserver) == [
        ("POST", f"{API_PREFIX}/subscriptions/premium/tokens/{TOKEN}:acknowledge")
    ]
    assert httpserver.log[-1][0].get_json() == {}


def test_a_one_time_product_is_read_and_acknowledged(play, httpserver):
    httpserver.expect_request(
        f"{API_PREFIX}/products/workout.hiit42/tokens/{TOKEN}", method="GET", headers=AUTH
    ).respond_with_json(product_purchase())
    httpserver.expect_request(
        f"{API_PREFIX}/products/workout.hiit42/tokens/{TOKEN}:acknowledge",
        method="POST",
        headers=AUTH,
    ).respond_with_data("", status=200)

    transaction = google_play.product_purchase_get(
        product_id="workout.hiit42", purchase_token=TOKEN
    )
    google_play.product_acknowledge(product_id="workout.hiit42", purchase_token=TOKEN)

    assert transaction == StoreTransaction(
        provider=Provider.GOOGLE_PLAY,
        original_transaction_id=TOKEN,
        transaction_id="GPA.3398-7766-5544-33221",
        product_id="workout.hiit42",
        kind=PurchaseKind.ONE_TIME,
        purchased_at=PRODUCT_PURCHASE_TIME,
        environment=Environment.PRODUCTION,
        app_account_token=ACCOUNT,
        purchase_token=TOKEN,
        acknowledged=False,
    )
    assert api_calls(httpserver) == [
        ("GET", f"{API_PREFIX}/products/workout.hiit42/tokens/{TOKEN}"),
        ("POST", f"{API_PREFIX}/products/workout.hiit42/tokens/{TOKEN}:acknowledge"),
    ]


def test_a_pending_one_time_purchase_grants_nothing(play, httpserver):
    httpserver.expect_request(
        f"{API_PREFIX}/products/workout.hiit42/tokens/{TOKEN}", method="GET"
    ).respond_with_json(product_purchase(purchaseState=2))

    with pytest.raises(VerificationError) as caught:
        google_play.product_purchase_get(product_id="workout.hiit42", purchase_token=TOKEN)

    assert caught.value.code == "purchase_pending"


def test_a_canceled_one_time_purchase_comes_back_revoked(play, httpserver):
    httpserver.expect_request(
        f"{API_PREFIX}/products/workout.hiit42/tokens/{TOKEN}", method="GET"
    ).respond_with_json(product_purchase(purchaseState=1, purchaseType=0))
    before = dt.datetime.now(dt.UTC)

    transaction = google_play.product_purchase_get(
        product_id="workout.hiit42", purchase_token=TOKEN
    )

    assert transaction.revoked_at is not None
    assert before <= transaction.revoked_at <= dt.datetime.now(dt.UTC)
    assert (transaction.revocation_reason, transaction.environment) == (
        "canceled",
        Environment.SANDBOX,
    )


def test_a_purchase_for_another_package_is_refused_without_asking_google(play, httpserver):
    for call in (
        lambda: google_play.subscription_get(purchase_token=TOKEN, package_name="com.other.app"),
        lambda: google_play.product_purchase_get(
            product_id="workout.hiit42", purchase_token=TOKEN, package_name="com.other.app"
        ),
        lambda: google_play.subscription_acknowledge(
            product_id="premium", purchase_token=TOKEN, package_name="com.other.app"
        ),
    ):
        with pytest.raises(VerificationError) as caught:
            call()
        assert caught.value.code == "wrong_app"

    assert list(httpserver.log) == []


@pytest.mark.parametrize("status", [400, 404, 410])
def test_a_token_google_does_not_know_for_our_app_is_permanent(play, httpserver, status):
    httpserver.expect_request(
        f"{API_PREFIX}/subscriptionsv2/tokens/{TOKEN}", method="GET"
    ).respond_with_json(
        {
            "error": {
                "code": status,
                "message": "The purchase token is no longer valid.",
                "status": "INVALID_ARGUMENT",
            }
        },
        status=status,
    )

    with pytest.raises(VerificationError) as caught:
        google_play.subscription_get(purchase_token=TOKEN)

    assert caught.value.code == "purchase_not_found"
    assert len(api_calls(httpserver)) == 1


def test_a_google_outage_is_transient_after_one_retry(play, httpserver):
    httpserver.expect_request(
        f"{API_PREFIX}/subscriptionsv2/tokens/{TOKEN}", method="GET"
    ).respond_with_json({"error": {"code": 503, "message": "Backend Error"}}, status=503)

    with pytest.raises(ProviderUnavailable) as caught:
        google_play.subscription_get(purchase_token=TOKEN)

    assert caught.value.not_configured is False
    assert len(api_calls(httpserver)) == 2


def test_a_forbidden_service_account_is_a_provider_problem_not_the_purchases(play, httpserver):
    httpserver.expect_request(
        f"{API_PREFIX}/subscriptionsv2/tokens/{TOKEN}", method="GET"
    ).respond_with_json(
        {"error": {"code": 401, "message": "The current user has insufficient permissions"}},
        status=401,
    )

    with pytest.raises(ProviderUnavailable):
        google_play.subscription_get(purchase_token=TOKEN)


def test_a_refused_service_account_token_is_transient(play, httpserver, tmp_path):
    other = ServiceAccount.create()  # a key Google (our token endpoint) does not know
    play.GOOGLE_PLAY_SERVICE_ACCOUNT_FILE = str(
        other.write(tmp_path / "revoked.json", token_uri=httpserver.url_for("/token"))
    )

    with pytest.raises(ProviderUnavailable):
        google_play.subscription_get(purchase_token=TOKEN)

    assert api_calls(httpserver) == []
    assert [request.path for request, _ in httpserver.log] == ["/token"]


def test_a_slow_google_times_out_as_transient(play, httpserver):
    play.OUTBOUND_HTTP_TIMEOUT_SECONDS = 0.3

    def slow(request):
        time.sleep(0.6)
        return Response("{}", content_type="application/json")

    httpserver.expect_request(
        f"{API_PREFIX}/subscriptionsv2/tokens/{TOKEN}", method="GET"
    ).respond_with_handler(slow)

    with pytest.raises(ProviderUnavailable):
        google_play.subscription_get(purchase_token=TOKEN)

    # The server finishes the slow answers after we gave up: let them land in this test's log.
    deadline = time.monotonic() + 5
    while len(api_calls(httpserver)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(api_calls(httpserver)) == 2  # the first try and one retry


def test_unconfigured_google_play_is_unavailable(settings):
    settings.GOOGLE_PLAY_PACKAGE_NAME = ""

    assert google_play.is_configured() is False
    assert google_play.configuration_problem() == "GOOGLE_PLAY_PACKAGE_NAME is not set."
    with pytest.raises(ProviderUnavailable) as caught:
        google_play.subscription_get(purchase_token=TOKEN)
    assert caught.value.not_configured is True


def test_push_settings_are_part_of_the_configuration(play):
    assert google_play.is_configured() is True
    play.GOOGLE_PLAY_PUSH_SERVICE_ACCOUNT = ""

    assert google_play.is_configured() is False
    assert google_play.configuration_problem() is None
    assert google_play.notifications_configuration_problem() == (
        "GOOGLE_PLAY_PUSH_SERVICE_ACCOUNT is not set (the push subscription's account)."
    )


# --- Real-time developer notifications ---------------------------------------------------------


def bearer(push_signer: PushSigner, **claims) -> str:
    return f"Bearer {push_signer.token(**claims)}"


def renewal_notification(number: int = 2, token: str = TOKEN) -> dict:
    return developer_notification(
        subscriptionNotification={
            "version": "1.0",
            "notificationType": number,
            "purchaseToken": token,
            "subscriptionId": "premium",
        }
    )


def test_a_renewal_push_is_verified_and_the_state_re_read(play, httpserver, push_signer):
    serve_subscription(httpserver, subscription_purchase())
    before = dt.datetime.now(dt.UTC)

    event = google_play.notification_verify(
        body=push_body(renewal_notification(2), message_id="136969346945"),
        authorization=bearer(push_signer),
    )

    assert (event.provider, event.event_id, event.event_type, event.occurred_at) == (
        Provider.GOOGLE_PLAY,
        "136969346945",
        "SUBSCRIPTION_RENEWED",
        EVENT_TIME,
    )
    assert event.state is not None
    assert read_now(event.state, before) == expected_state()
    assert event.transaction == event.state.latest_transaction
    assert event.money == MoneyMovement(
        kind="renewal",
        provider_payment_id="GPA.3372-1234-5678-90123..2",
        amount=999,
        currency="USD",
        occurred_at=event.state.provider_event_time,
    )
    assert event.raw == {
        "messageId": "136969346945",
        "eventTimeMillis": str(int(EVENT_TIME.timestamp() * 1000)),
        "notificationType": 2,
        "subscriptionId": "premium",
    }
    assert api_calls(httpserver) == [("GET", f"{API_PREFIX}/subscriptionsv2/tokens/{TOKEN}")]


@pytest.mark.parametrize(
    ("number", "event_type", "google_state", "expected"),
    [
        (4, "SUBSCRIPTION_PURCHASED", "SUBSCRIPTION_STATE_ACTIVE", SubscriptionStatus.ACTIVE),
        (
            6,
            "SUBSCRIPTION_IN_GRACE_PERIOD",
            "SUBSCRIPTION_STATE_IN_GRACE_PERIOD",
            SubscriptionStatus.GRACE,
        ),
        (5, "SUBSCRIPTION_ON_HOLD", "SUBSCRIPTION_STATE_ON_HOLD", SubscriptionStatus.ON_HOLD),
        (10, "SUBSCRIPTION_PAUSED", "SUBSCRIPTION_STATE_PAUSED", SubscriptionStatus.PAUSED),
        (13, "SUBSCRIPTION_EXPIRED", "SUBSCRIPTION_STATE_EXPIRED", SubscriptionStatus.EXPIRED),
        (12, "SUBSCRIPTION_REVOKED", "SUBSCRIPTION_STATE_EXPIRED", SubscriptionStatus.REVOKED),
    ],
)
def test_subscription_notifications_carry_the_store_state(
    play, httpserver, push_signer, number, event_type, google_state, expected
):
    serve_subscription(httpserver, subscription_purchase(subscriptionState=google_state))

    event = google_play.notification_verify(
        body=push_body(renewal_notification(number)), authorization=bearer(push_signer)
    )

    assert event.event_type == event_type
    assert event.state is not None
    assert event.state.status == expected


def test_a_voided_subscription_purchase_is_refunded(play, httpserver, push_signer):
    serve_subscription(
        httpserver, subscription_purchase(subscriptionState="SUBSCRIPTION_STATE_EXPIRED")
    )
    notification = developer_notification(
        voidedPurchaseNotification={
            "purchaseToken": TOKEN,
            "orderId": "GPA.3372-1234-5678-90123..2",
            "productType": 1,
            "refundType": 1,
        }
    )

    event = google_play.notification_verify(
        body=push_body(notification, message_id="555"), authorization=bearer(push_signer)
    )

    assert (event.event_id, event.event_type) == ("555", "VOIDED_PURCHASE")
    assert event.state is not None
    assert event.state.status == SubscriptionStatus.REFUNDED


def test_a_voided_one_time_purchase_is_matched_by_its_token(play, httpserver, push_signer):
    notification = developer_notification(
        voidedPurchaseNotification={
            "purchaseToken": TOKEN,
            "orderId": "GPA.3398-7766-5544-33221",
            "productType": 2,
            "refundType": 1,
        }
    )

    event = google_play.notification_verify(
        body=push_body(notification), authorization=bearer(push_signer)
    )

    assert event.state is None
    assert event.transaction == StoreTransaction(
        provider=Provider.GOOGLE_PLAY,
        original_transaction_id=TOKEN,
        transaction_id="GPA.3398-7766-5544-33221",
        product_id="",
        kind=PurchaseKind.ONE_TIME,
        purchased_at=EVENT_TIME,
        revoked_at=EVENT_TIME,
        revocation_reason="refunded",
        purchase_token=TOKEN,
    )
    assert api_calls(httpserver) == []


def test_a_one_time_product_push_re_reads_the_purchase(play, httpserver, push_signer):
    httpserver.expect_request(
        f"{API_PREFIX}/products/workout.hiit42/tokens/{TOKEN}", method="GET", headers=AUTH
    ).respond_with_json(product_purchase())
    notification = developer_notification(
        oneTimeProductNotification={
            "version": "1.0",
            "notificationType": 1,
            "purchaseToken": TOKEN,
            "sku": "workout.hiit42",
        }
    )

    event = google_play.notification_verify(
        body=push_body(notification), authorization=bearer(push_signer)
    )

    assert (event.event_type, event.state) == ("ONE_TIME_PRODUCT_PURCHASED", None)
    assert event.transaction is not None
    assert (event.transaction.product_id, event.transaction.transaction_id) == (
        "workout.hiit42",
        "GPA.3398-7766-5544-33221",
    )


def test_a_test_notification_needs_no_api_call(play, httpserver, push_signer):
    event = google_play.notification_verify(
        body=push_body(
            developer_notification(testNotification={"version": "1.0"}), message_id="42"
        ),
        authorization=bearer(push_signer),
    )

    assert (event.event_id, event.event_type, event.is_test, event.state) == (
        "42",
        "TEST_NOTIFICATION",
        True,
        None,
    )
    assert api_calls(httpserver) == []


@pytest.mark.parametrize(
    "authorization",
    [
        "",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-jwt",
    ],
)
def test_a_push_without_a_valid_bearer_token_is_refused(play, httpserver, authorization):
    with pytest.raises(VerificationError) as caught:
        google_play.notification_verify(
            body=push_body(renewal_notification()), authorization=authorization
        )

    assert caught.value.code == "invalid_signature"
    assert api_calls(httpserver) == []


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "https://someone-else.example/push"},
        {"email": "attacker@evil-project.iam.gserviceaccount.com"},
        {"email_verified": False},
        {"email": None},
        {"iss": "https://evil.example"},
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
    ],
)
def test_a_push_token_with_wrong_claims_is_refused(play, httpserver, push_signer, claims):
    with pytest.raises(VerificationError) as caught:
        google_play.notification_verify(
            body=push_body(renewal_notification()), authorization=bearer(push_signer, **claims)
        )

    assert caught.value.code == "invalid_signature"
    assert api_calls(httpserver) == []


def test_a_push_token_signed_by_another_key_is_refused(play, httpserver):
    impostor = PushSigner.create(kid="push-key-1")  # same kid, other key

    with pytest.raises(VerificationError) as caught:
        google_play.notification_verify(
            body=push_body(renewal_notification()), authorization=bearer(impostor)
        )

    assert caught.value.code == "invalid_signature"


def test_googles_certs_are_fetched_once_and_cached(play, httpserver, push_signer):
    body = push_body(developer_notification(testNotification={"version": "1.0"}))

    google_play.notification_verify(body=body, authorization=bearer(push_signer))
    google_play.notification_verify(body=body, authorization=bearer(push_signer))

    assert [request.path for request, _ in httpserver.log].count("/certs") == 1


def test_unreachable_certs_are_transient(play, httpserver, push_signer):
    httpserver.clear_all_handlers()
    httpserver.expect_request("/certs").respond_with_data("oops", status=500)

    with pytest.raises(ProviderUnavailable):
        google_play.notification_verify(
            body=push_body(renewal_notification()), authorization=bearer(push_signer)
        )


def test_a_notification_for_another_package_is_refused(play, httpserver, push_signer):
    notification = renewal_notification()
    notification["packageName"] = "com.other.app"

    with pytest.raises(VerificationError) as caught:
        google_play.notification_verify(
            body=push_body(notification), authorization=bearer(push_signer)
        )

    assert caught.value.code == "wrong_app"
    assert api_calls(httpserver) == []


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"[]",
        b'{"message": {"messageId": "1", "data": "%%%"}}',
        b'{"message": {"messageId": "1", "data": "bm90IGpzb24="}}',
        b'{"message": {"data": "e30="}}',
    ],
)
def test_a_malformed_push_body_is_refused(play, push_signer, raw):
    with pytest.raises(VerificationError) as caught:
        google_play.notification_verify(body=raw, authorization=bearer(push_signer))

    assert caught.value.code == "invalid_payload"


def test_a_push_whose_re_read_fails_is_transient(play, httpserver, push_signer):
    httpserver.expect_request(
        f"{API_PREFIX}/subscriptionsv2/tokens/{TOKEN}", method="GET"
    ).respond_with_json({"error": {"code": 500, "message": "Internal error"}}, status=500)

    with pytest.raises(ProviderUnavailable):
        google_play.notification_verify(
            body=push_body(renewal_notification()), authorization=bearer(push_signer)
        )
