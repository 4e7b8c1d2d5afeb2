"""POST /api/auth/social/apple against a local server serving our own JWKS."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, datetime

import pytest
from werkzeug import Response

from accounts.models import SocialIdentity, TokenFamily, UsedNonce, User
from accounts.providers import apple
from accounts.tests.jwks import (
    apple_jwks_body,
    closed_port_url,
    impostor_key,
    now_seconds,
    signing_key,
    without_request_id,
)

pytestmark = pytest.mark.django_db

URL = "/api/auth/social/apple"
JWKS_PATH = "/auth/keys"
KID = "apple-test-kid-1"
BUNDLE_ID = "com.fitcore.app"
SERVICES_ID = "com.fitcore.web"
SUBJECT = "001234.5f6e7d8c9b0a4f3e2d1c0b9a8f7e6d5c.1234"
REMOVE = object()
_nonces = itertools.count()

TOKEN_INVALID = {
    "type": "client_error",
    "code": "social_token_invalid",
    "message": "The sign-in token is invalid, expired or already used.",
    "errors": [
        {
            "code": "social_token_invalid",
            "detail": "The sign-in token is invalid, expired or already used.",
            "attr": None,
        }
    ],
}


@pytest.fixture(autouse=True)
def _fresh_jwks_cache():
    apple.jwks_cache_clear()
    yield
    apple.jwks_cache_clear()


@pytest.fixture
def jwks_server(httpserver, settings):
    httpserver.expect_request(JWKS_PATH, method="GET").respond_with_json(
        apple_jwks_body(signing_key(KID), signing_key("apple-test-kid-2"))
    )
    settings.APPLE_CLIENT_IDS = [BUNDLE_ID, SERVICES_ID]
    settings.APPLE_JWKS_URL = httpserver.url_for(JWKS_PATH)
    return httpserver


def new_nonce():
    return f"raw-nonce-{next(_nonces)}-Zx8vQ2"


def sha256_hex(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def claims(raw_nonce, **overrides):
    now = now_seconds()
    values = {
        "iss": "https://appleid.apple.com",
        "aud": BUNDLE_ID,
        "exp": now + 600,
        "iat": now,
        "sub": SUBJECT,
        "nonce": sha256_hex(raw_nonce),
        "nonce_supported": True,
        "c_hash": "q4d1LtKZzmRwWQ3lZ9sVxg",
        "email": "ada@example.com",
        "email_verified": "true",
        "is_private_email": "false",
        "auth_time": now,
        "real_user_status": 2,
        **overrides,
    }
    return {key: value for key, value in values.items() if value is not REMOVE}


def sign_in(client, *, raw_nonce=None, token=None, **body):
    """Sign in with a fresh nonce and a token for it (claims overridable through ``body``)."""
    raw_nonce = raw_nonce or new_nonce()
    names = {key: body.pop(key) for key in ("first_name", "last_name") if key in body}
    token = token or signing_key(KID).sign(claims(raw_nonce, **body))
    return client.post(URL, {"identity_token": token, "nonce": raw_nonce, **names}, format="json")


def db_state():
    return (
        User.objects.count(),
        SocialIdentity.objects.count(),
        TokenFamily.objects.count(),
        UsedNonce.objects.count(),
    )


def jwks_fetches(server):
    return sum(1 for request, _response in server.log if request.path == JWKS_PATH)


def test_first_sign_in_creates_the_user_with_the_name_sent_by_the_app(api_client, jwks_server):
    response = sign_in(api_client, first_name="Ada", last_name="Lovelace")

    assert response.status_code == 200
    body = response.json()
    user = User.objects.get()
    assert body["created"] is True
    assert body["token_type"] == "Bearer"
    assert body["user"] == {
        "id": str(user.public_id),
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "date_joined": body["user"]["date_joined"],
    }
    assert (user.email, user.name, user.has_usable_password()) == (
        "ada@example.com",
        "Ada Lovelace",
        False,
    )
    identity = SocialIdentity.objects.get()
    assert (identity.user_id, identity.provider, identity.subject, identity.email) == (
        user.pk,
        "apple",
        SUBJECT,
        "ada@example.com",
    )
    assert identity.is_private_relay is False
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert api_client.get("/api/bench/baseline").json() == {"ok": True}


def test_the_nonce_is_spent_until_the_token_expires(api_client, jwks_server):
    raw_nonce = new_nonce()
    exp = now_seconds() + 600

    assert sign_in(api_client, raw_nonce=raw_nonce, exp=exp).status_code == 200

    spent = UsedNonce.objects.get()
    assert spent.digest == sha256_hex(raw_nonce)
    assert spent.expires_at == datetime.fromtimestamp(exp, tz=UTC)


def test_the_name_comes_only_from_the_first_authorization(api_client, jwks_server):
    first = sign_in(api_client, first_name="Ada", last_name="Lovelace")
    second = sign_in(api_client)
    third = sign_in(api_client, first_name="Someone", last_name="Else")

    assert [r.status_code for r in (first, second, third)] == [200, 200, 200]
    assert [r.json()["created"] for r in (first, second, third)] == [True, False, False]
    assert {r.json()["user"]["id"] for r in (first, second, third)} == {first.json()["user"]["id"]}
    assert second.json()["user"]["name"] == third.json()["user"]["name"] == "Ada Lovelace"
    assert User.objects.get().name == "Ada Lovelace"
    assert db_state() == (1, 1, 3, 3)


def test_a_later_name_fills_an_account_created_without_one(api_client, jwks_server):
    sign_in(api_client)
    assert User.objects.get().name == ""

    response = sign_in(api_client, first_name="Ada", last_name="")

    assert response.json()["user"]["name"] == "Ada"
    assert User.objects.get().name == "Ada"


def test_email_changed_at_apple_signs_in_the_same_user(api_client, jwks_server):
    first = sign_in(api_client)

    response = sign_in(api_client, email="ada@other.example")

    assert response.status_code == 200
    assert response.json()["user"]["id"] == first.json()["user"]["id"]
    assert User.objects.get().email == "ada@example.com"
    assert SocialIdentity.objects.get().email == "ada@other.example"


def test_a_token_without_email_signs_in_a_linked_identity(api_client, jwks_server):
    first = sign_in(api_client)

    response = sign_in(api_client, email=REMOVE, email_verified=REMOVE, is_private_email=REMOVE)

    assert response.status_code == 200
    assert response.json()["user"]["id"] == first.json()["user"]["id"]
    assert SocialIdentity.objects.get().email == "ada@example.com"


@pytest.mark.parametrize(
    ("email", "is_private_email"),
    [
        ("x7yz2k9q4@privaterelay.appleid.com", "true"),
        ("x7yz2k9q4@privaterelay.appleid.com", True),
        ("x7yz2k9q4@privaterelay.appleid.com", REMOVE),
    ],
    ids=["claim_string", "claim_bool", "domain_only"],
)
def test_a_private_relay_email_is_recorded_as_such(
    api_client, jwks_server, email, is_private_email
):
    response = sign_in(api_client, email=email, is_private_email=is_private_email)

    assert response.status_code == 200
    identity = SocialIdentity.objects.get()
    assert (identity.email, identity.is_private_relay) == (email, True)
    assert User.objects.get().email == email


@pytest.mark.parametrize("email_verified", ["true", True], ids=["string", "bool"])
def test_verified_email_links_to_the_existing_account(
    api_client, jwks_server, alice, email_verified
):
    response = sign_in(
        api_client,
        email="alice@example.com",
        email_verified=email_verified,
        first_name="Alicia",
        last_name="X",
    )

    assert response.status_code == 200
    assert response.json()["created"] is False
    assert response.json()["user"]["id"] == str(alice.public_id)
    assert response.json()["user"]["name"] == "Alice"
    assert SocialIdentity.objects.get().user_id == alice.pk
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "email_verified", ["false", False, REMOVE], ids=["string", "bool", "absent"]
)
def test_unverified_email_matching_an_account_is_refused_and_nothing_is_written(
    api_client, jwks_server, alice, email_verified
):
    before = db_state()

    response = sign_in(api_client, email="alice@example.com", email_verified=email_verified)

    assert response.status_code == 409
    detail = (
        "The sign-in provider has not verified this email address. Verify it with the "
        "provider, or sign in with your password."
    )
    assert without_request_id(response.json()) == {
        "type": "client_error",
        "code": "social_email_unverified",
        "message": detail,
        "errors": [{"code": "social_email_unverified", "detail": detail, "attr": None}],
    }
    assert db_state() == before == (1, 0, 0, 0)


def test_a_replayed_token_is_refused(api_client, jwks_server):
    raw_nonce = new_nonce()
    token = signing_key(KID).sign(claims(raw_nonce))
    assert sign_in(api_client, raw_nonce=raw_nonce, token=token).status_code == 200
    before = db_state()

    replay = sign_in(api_client, raw_nonce=raw_nonce, token=token)

    assert replay.status_code == 401
    assert without_request_id(replay.json()) == TOKEN_INVALID
    assert db_state() == before == (1, 1, 1, 1)


def test_a_new_token_reusing_a_spent_nonce_is_refused(api_client, jwks_server):
    raw_nonce = new_nonce()
    assert sign_in(api_client, raw_nonce=raw_nonce).status_code == 200

    response = sign_in(api_client, raw_nonce=raw_nonce, iat=now_seconds() + 1)

    assert response.status_code == 401
    assert response.json()["code"] == "social_token_invalid"
    assert db_state() == (1, 1, 1, 1)


def test_a_disabled_account_is_refused(api_client, jwks_server):
    sign_in(api_client)
    User.objects.update(is_active=False)
    before = db_state()

    response = sign_in(api_client)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response.json()["message"] == "This account is disabled."
    assert db_state() == before


def test_the_services_id_is_an_accepted_audience(api_client, jwks_server):
    response = sign_in(api_client, aud=SERVICES_ID)

    assert response.status_code == 200


def _signed(key, **overrides):
    raw_nonce = new_nonce()
    return raw_nonce, key.sign(claims(raw_nonce, **overrides))


def _mismatched_nonce():
    _raw_nonce, token = _signed(signing_key(KID))
    return new_nonce(), token


def _raw_nonce_in_claim():
    raw_nonce = new_nonce()
    return raw_nonce, signing_key(KID).sign(claims(raw_nonce, nonce=raw_nonce))


INVALID_TOKENS = {
    "expired": lambda: _signed(signing_key(KID), iat=now_seconds() - 1200, exp=now_seconds() - 600),
    "wrong_audience": lambda: _signed(signing_key(KID), aud="com.example.other"),
    "wrong_issuer": lambda: _signed(signing_key(KID), iss="https://appleid.example.com"),
    "no_subject": lambda: _signed(signing_key(KID), sub=REMOVE),
    "no_iat": lambda: _signed(signing_key(KID), iat=REMOVE),
    "no_exp": lambda: _signed(signing_key(KID), exp=REMOVE),
    "bad_signature": lambda: _signed(impostor_key(KID)),
    "unknown_kid": lambda: _signed(signing_key("apple-unknown-kid")),
    "nonce_mismatch": _mismatched_nonce,
    "raw_nonce_in_claim": _raw_nonce_in_claim,
    "no_nonce_claim": lambda: _signed(signing_key(KID), nonce=REMOVE),
    "not_a_jwt": lambda: (new_nonce(), "not-a-jwt"),
}


@pytest.mark.parametrize("make_token", INVALID_TOKENS.values(), ids=INVALID_TOKENS.keys())
def test_an_invalid_token_is_refused_and_nothing_is_written(api_client, jwks_server, make_token):
    raw_nonce, token = make_token()

    response = sign_in(api_client, raw_nonce=raw_nonce, token=token)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert without_request_id(response.json()) == TOKEN_INVALID
    assert db_state() == (0, 0, 0, 0)


def test_the_jwks_is_fetched_once_for_many_sign_ins(api_client, jwks_server):
    for _ in range(3):
        assert sign_in(api_client).status_code == 200

    assert jwks_fetches(jwks_server) == 1


def test_an_unconfigured_provider_answers_503_without_fetching(api_client, jwks_server, settings):
    settings.APPLE_CLIENT_IDS = []

    response = sign_in(api_client)

    assert response.status_code == 503
    detail = "This sign-in provider is not configured on this server."
    assert without_request_id(response.json()) == {
        "type": "server_error",
        "code": "social_provider_unavailable",
        "message": detail,
        "errors": [{"code": "social_provider_unavailable", "detail": detail, "attr": None}],
    }
    assert jwks_fetches(jwks_server) == 0
    assert db_state() == (0, 0, 0, 0)


@pytest.mark.parametrize("failure", ["http_503", "not_json", "not_an_object", "refused"])
def test_an_unreachable_jwks_answers_503_not_500(api_client, httpserver, settings, failure):
    settings.APPLE_CLIENT_IDS = [BUNDLE_ID]
    settings.APPLE_JWKS_URL = httpserver.url_for(JWKS_PATH)
    if failure == "http_503":
        httpserver.expect_request(JWKS_PATH).respond_with_response(
            Response("unavailable", status=503)
        )
    elif failure == "not_json":
        httpserver.expect_request(JWKS_PATH).respond_with_data(
            "<html>maintenance</html>", content_type="text/html"
        )
    elif failure == "not_an_object":
        httpserver.expect_request(JWKS_PATH).respond_with_json(["not", "a", "jwks"])
    else:
        settings.APPLE_JWKS_URL = closed_port_url(JWKS_PATH)

    response = sign_in(api_client)

    assert response.status_code == 503
    detail = "The sign-in provider cannot be reached right now. Try again shortly."
    assert without_request_id(response.json()) == {
        "type": "server_error",
        "code": "social_provider_unavailable",
        "message": detail,
        "errors": [{"code": "social_provider_unavailable", "detail": detail, "attr": None}],
    }
    assert db_state() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "body",
    [
        {"identity_token": "x"},
        {"identity_token": "x", "nonce": ""},
        {"identity_token": "x", "nonce": "n" * 257},
        {"identity_token": "x", "nonce": "n", "first_name": "a" * 76},
        {"identity_token": "x", "nonce": "n", "email": "a@b.c"},
    ],
    ids=["nonce_missing", "nonce_blank", "nonce_too_long", "name_too_long", "unknown_field"],
)
def test_a_malformed_body_is_a_validation_error(api_client, jwks_server, body):
    response = api_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert jwks_fetches(jwks_server) == 0
