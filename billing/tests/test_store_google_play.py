"""Google Play purchases and notifications through our endpoints: the Play Developer API and
Google's token and certificate endpoints answered by a local server
(billing/tests/providers_support/google_play.py), through the real client library."""

import json

import pytest
from werkzeug import Response

from billing.entitlements import user_is_premium, workout_access
from billing.models import Entitlement, Payment, Purchase, Subscription, WebhookEvent
from billing.providers import google_play
from billing.tests.providers_support.google_play import (
    API_PREFIX,
    PACKAGE,
    PUSH_ACCOUNT,
    PUSH_AUDIENCE,
    PushSigner,
    ServiceAccount,
    developer_notification,
    product_purchase,
    push_body,
    subscription_purchase,
)

pytestmark = pytest.mark.django_db
URL = "/api/payments/purchases"
HOOK = "/api/payments/webhooks/google-play"
TOKEN = "opaque-token-up-to-1950-characters.AO-J1OwExample"


@pytest.fixture(scope="module")
def push_signer():
    return PushSigner.create()


@pytest.fixture
def play(settings, httpserver, tmp_path, push_signer, catalog):
    account = ServiceAccount.create()
    google_play.credentials_cache_clear()
    google_play.certs_cache_clear()
    httpserver.expect_request("/token", method="POST").respond_with_handler(
        account.token_handler([])
    )
    httpserver.expect_request("/certs", method="GET").respond_with_json(push_signer.certs())
    settings.GOOGLE_PLAY_PACKAGE_NAME = PACKAGE
    settings.GOOGLE_PLAY_SERVICE_ACCOUNT_FILE = str(
        account.write(tmp_path / "sa.json", token_uri=httpserver.url_for("/token"))
    )
    settings.GOOGLE_PLAY_API_ENDPOINT = httpserver.url_for("/")
    settings.GOOGLE_PLAY_PUSH_AUDIENCE = PUSH_AUDIENCE
    settings.GOOGLE_PLAY_PUSH_SERVICE_ACCOUNT = PUSH_ACCOUNT
    settings.GOOGLE_PLAY_PUSH_CERTS_URL = httpserver.url_for("/certs")
    yield httpserver
    google_play.credentials_cache_clear()
    google_play.certs_cache_clear()


def google_calls(httpserver):
    return [(r.method, r.path) for r, _ in httpserver.log if r.path.startswith("/androidpublisher")]


def post_token(client, product_id, key="k"):
    return client.post(
        URL,
        {"provider": "google_play", "purchase_token": TOKEN, "product_id": product_id},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_play_product_purchase_is_verified_granted_and_acknowledged(
    alice, alice_client, play, catalog, django_capture_on_commit_callbacks
):
    play.expect_request(
        f"{API_PREFIX}/products/workout_sold/tokens/{TOKEN}", method="GET"
    ).respond_with_json(
        product_purchase(productId="workout_sold", obfuscatedExternalAccountId=str(alice.public_id))
    )
    play.expect_request(
        f"{API_PREFIX}/products/workout_sold/tokens/{TOKEN}:acknowledge", method="POST"
    ).respond_with_data("", status=200)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_token(alice_client, "workout_sold")

    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["purchase"]["status"]) == (
        "purchase",
        "completed",
    )
    assert workout_access(user=alice, workout=catalog["workout"]).reason == "purchased"
    assert Purchase.objects.get().provider_purchase_id == TOKEN
    assert google_calls(play) == [
        ("GET", f"{API_PREFIX}/products/workout_sold/tokens/{TOKEN}"),
        ("POST", f"{API_PREFIX}/products/workout_sold/tokens/{TOKEN}:acknowledge"),
    ]


def test_a_play_subscription_makes_the_user_premium(alice, alice_client, play, catalog):
    play.expect_request(
        f"{API_PREFIX}/subscriptionsv2/tokens/{TOKEN}", method="GET"
    ).respond_with_json(
        subscription_purchase(
            externalAccountIdentifiers={"obfuscatedExternalAccountId": str(alice.public_id)}
        )
    )

    response = post_token(alice_client, "premium")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["subscription"]["provider"], body["subscription"]["status"]) == (
        "subscription",
        "google_play",
        "active",
    )
    assert Subscription.objects.get().price == catalog["monthly"]
    assert user_is_premium(user=alice) is True
    # Already acknowledged at Google: no acknowledge call.
    assert google_calls(play) == [("GET", f"{API_PREFIX}/subscriptionsv2/tokens/{TOKEN}")]


def test_a_token_for_another_app_or_product_grants_nothing(alice, alice_client, play):
    response = post_token(alice_client, "not_ours")

    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "code": "unknown_product",
        "detail": "This store product is not one of ours.",
        "attr": "product_id",
    }
    assert google_calls(play) == []
    assert (Purchase.objects.count(), Entitlement.objects.count()) == (0, 0)


def test_a_token_for_another_product_than_the_one_named_grants_nothing(alice, alice_client, play):
    play.expect_request(
        f"{API_PREFIX}/subscriptionsv2/tokens/{TOKEN}", method="GET"
    ).respond_with_json(
        subscription_purchase(
            line_item={"productId": "premium_trial_only"},
            externalAccountIdentifiers={"obfuscatedExternalAccountId": str(alice.public_id)},
        )
    )

    response = post_token(alice_client, "premium")

    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "code": "product_mismatch",
        "detail": "This purchase token is for another product than product_id.",
        "attr": "purchase_token",
    }
    assert (Subscription.objects.count(), Entitlement.objects.count()) == (0, 0)


def test_a_token_google_does_not_know_is_refused(alice, alice_client, play):
    play.expect_request(
        f"{API_PREFIX}/products/workout_sold/tokens/{TOKEN}", method="GET"
    ).respond_with_json(
        {"error": {"code": 400, "message": "Invalid Value", "status": "INVALID_ARGUMENT"}},
        status=400,
    )

    response = post_token(alice_client, "workout_sold")

    assert response.status_code == 400
    assert (response.json()["errors"][0]["attr"], response.json()["errors"][0]["code"]) == (
        "purchase_token",
        "purchase_not_found",
    )
    assert (Purchase.objects.count(), Payment.objects.count()) == (0, 0)


def test_a_purchase_still_pending_payment_is_refused_and_grants_nothing(alice, alice_client, play):
    play.expect_request(
        f"{API_PREFIX}/products/workout_sold/tokens/{TOKEN}", method="GET"
    ).respond_with_json(
        product_purchase(
            productId="workout_sold",
            purchaseState=2,
            obfuscatedExternalAccountId=str(alice.public_id),
        )
    )

    response = post_token(alice_client, "workout_sold")

    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "code": "purchase_pending",
        "detail": "The purchase is pending payment.",
        "attr": "purchase_token",
    }
    assert (Purchase.objects.count(), Entitlement.objects.count(), Payment.objects.count()) == (
        0,
        0,
        0,
    )
    assert google_calls(play) == [("GET", f"{API_PREFIX}/products/workout_sold/tokens/{TOKEN}")]


def push(client, push_signer, notification, message_id="1001", **claims):
    return client.generic(
        "POST",
        HOOK,
        push_body(notification, message_id=message_id),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {push_signer.token(**claims)}",
    )


def test_a_notification_re_reads_the_subscription_and_replays_are_ignored(
    alice, alice_client, api_client, play, push_signer
):
    state = {
        "doc": subscription_purchase(
            externalAccountIdentifiers={"obfuscatedExternalAccountId": str(alice.public_id)}
        )
    }
    play.expect_request(
        f"{API_PREFIX}/subscriptionsv2/tokens/{TOKEN}", method="GET"
    ).respond_with_handler(
        lambda request: Response(json.dumps(state["doc"]), content_type="application/json")
    )
    post_token(alice_client, "premium")
    state["doc"] = dict(state["doc"], subscriptionState="SUBSCRIPTION_STATE_EXPIRED")
    expired = developer_notification(
        subscriptionNotification={
            "version": "1.0",
            "notificationType": 13,
            "purchaseToken": TOKEN,
            "subscriptionId": "premium",
        }
    )

    first = push(api_client, push_signer, expired)
    again = push(api_client, push_signer, expired)

    assert (first.json()["duplicate"], again.json()["duplicate"]) == (False, True)
    assert Subscription.objects.get().status == "expired"
    assert user_is_premium(user=alice) is False
    assert WebhookEvent.objects.filter(provider="google_play").count() == 1


def test_a_push_with_a_wrong_token_is_refused_and_not_stored(api_client, play, push_signer):
    notification = developer_notification(testNotification={"version": "1.0"})

    wrong_audience = push(api_client, push_signer, notification, aud="https://elsewhere.example")
    forged = push(api_client, PushSigner.create(kid="push-key-1"), notification)

    assert (wrong_audience.status_code, forged.status_code) == (400, 400)
    assert WebhookEvent.objects.count() == 0


def test_without_play_settings_purchases_are_unavailable(alice_client, catalog, settings):
    settings.GOOGLE_PLAY_PACKAGE_NAME = ""

    response = post_token(alice_client, "premium")

    assert response.status_code == 503
    assert response.json()["code"] == "provider_unavailable"
    assert Subscription.objects.count() == 0


def test_a_purchase_google_reports_before_the_app_is_granted_and_acknowledged(
    alice, api_client, play, push_signer, catalog, django_capture_on_commit_callbacks
):
    play.expect_request(
        f"{API_PREFIX}/products/workout_sold/tokens/{TOKEN}", method="GET"
    ).respond_with_json(
        product_purchase(productId="workout_sold", obfuscatedExternalAccountId=str(alice.public_id))
    )
    play.expect_request(
        f"{API_PREFIX}/products/workout_sold/tokens/{TOKEN}:acknowledge", method="POST"
    ).respond_with_data("", status=200)
    bought = developer_notification(
        oneTimeProductNotification={
            "version": "1.0",
            "notificationType": 1,
            "purchaseToken": TOKEN,
            "sku": "workout_sold",
        }
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = push(api_client, push_signer, bought, message_id="2001")

    assert response.json() == {"received": True, "duplicate": False}
    assert workout_access(user=alice, workout=catalog["workout"]).reason == "purchased"
    assert google_calls(play)[-1] == (
        "POST",
        f"{API_PREFIX}/products/workout_sold/tokens/{TOKEN}:acknowledge",
    )


def test_a_purchase_reported_for_no_known_user_is_stored_and_not_granted(
    api_client, play, push_signer, catalog
):
    play.expect_request(
        f"{API_PREFIX}/products/workout_sold/tokens/{TOKEN}", method="GET"
    ).respond_with_json(
        product_purchase(productId="workout_sold", obfuscatedExternalAccountId="not-a-uuid")
    )
    bought = developer_notification(
        oneTimeProductNotification={
            "version": "1.0",
            "notificationType": 1,
            "purchaseToken": TOKEN,
            "sku": "workout_sold",
        }
    )

    response = push(api_client, push_signer, bought, message_id="2002")

    assert response.json() == {"received": True, "duplicate": False}
    assert (Purchase.objects.count(), Entitlement.objects.count()) == (0, 0)
