"""POST /api/auth/social/google against a local server serving our own certs."""

from __future__ import annotations

import jwt
import pytest
from werkzeug import Response

from accounts.models import SocialIdentity, TokenFamily, User
from accounts.providers import google
from accounts.tests.jwks import (
    closed_port_url,
    google_certs_body,
    impostor_key,
    now_seconds,
    signing_key,
    without_request_id,
)

pytestmark = pytest.mark.django_db

URL = "/api/auth/social/google"
CERTS_PATH = "/oauth2/v1/certs"
KID = "google-test-kid-1"
CLIENT_ID = "fitcore-web.apps.googleusercontent.com"
SUBJECT = "110169484474386276334"
REMOVE = object()

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
EMAIL_UNVERIFIED_DETAIL = (
    "The sign-in provider has not verified this email address. Verify it with the provider, "
    "or sign in with your password."
)


@pytest.fixture(autouse=True)
def _fresh_certs_cache():
    google.certs_cache_clear()
    yield
    google.certs_cache_clear()


@pytest.fixture
def certs_server(httpserver, settings):
    httpserver.expect_request(CERTS_PATH, method="GET").respond_with_json(
        google_certs_body(signing_key(KID), signing_key("google-test-kid-2")),
        headers={"Cache-Control": "public, max-age=19800, must-revalidate, no-transform"},
    )
    settings.GOOGLE_CLIENT_IDS = [CLIENT_ID, "fitcore-other.apps.googleusercontent.com"]
    settings.GOOGLE_CERTS_URL = httpserver.url_for(CERTS_PATH)
    return httpserver


def claims(**overrides):
    now = now_seconds()
    values = {
        "iss": "https://accounts.google.com",
        "azp": "fitcore-ios.apps.googleusercontent.com",
        "aud": CLIENT_ID,
        "sub": SUBJECT,
        "email": "ada@example.com",
        "email_verified": True,
        "name": "Ada Lovelace",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "iat": now,
        "exp": now + 3600,
        **overrides,
    }
    return {key: value for key, value in values.items() if value is not REMOVE}


def token(**overrides):
    return signing_key(KID).sign(claims(**overrides))


def sign_in(client, id_token):
    return client.post(URL, {"id_token": id_token}, format="json")


def db_state():
    return (User.objects.count(), SocialIdentity.objects.count(), TokenFamily.objects.count())


def certs_fetches(server):
    return sum(1 for request, _response in server.log if request.path == CERTS_PATH)


def test_first_sign_in_creates_the_user_and_returns_a_session(api_client, certs_server):
    response = sign_in(api_client, token())

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
    assert user.email == "ada@example.com"
    assert user.name == "Ada Lovelace"
    assert not user.has_usable_password()
    assert user.last_login is not None
    identity = SocialIdentity.objects.get()
    assert (identity.user_id, identity.provider, identity.subject, identity.email) == (
        user.pk,
        "google",
        SUBJECT,
        "ada@example.com",
    )
    assert identity.is_private_relay is False
    assert TokenFamily.objects.filter(user=user).count() == 1
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert api_client.get("/api/bench/baseline").json() == {"ok": True}


def test_second_sign_in_signs_in_the_same_user(api_client, certs_server):
    first = sign_in(api_client, token())
    second = sign_in(api_client, token())

    assert second.status_code == 200
    assert second.json()["created"] is False
    assert second.json()["user"]["id"] == first.json()["user"]["id"]
    assert (User.objects.count(), SocialIdentity.objects.count()) == (1, 1)
    assert TokenFamily.objects.count() == 2


def test_email_changed_at_google_signs_in_the_same_user(api_client, certs_server):
    first = sign_in(api_client, token())

    response = sign_in(api_client, token(email="ada.lovelace@example.org", name="Ada L."))

    assert response.status_code == 200
    assert response.json()["created"] is False
    assert response.json()["user"]["id"] == first.json()["user"]["id"]
    assert User.objects.count() == 1
    user = User.objects.get()
    assert (user.email, user.name) == ("ada@example.com", "Ada Lovelace")
    assert SocialIdentity.objects.get().email == "ada.lovelace@example.org"


def test_known_identity_signs_in_even_if_the_email_is_no_longer_verified(api_client, certs_server):
    first = sign_in(api_client, token())

    response = sign_in(api_client, token(email="new@example.com", email_verified=False))

    assert response.status_code == 200
    assert response.json()["user"]["id"] == first.json()["user"]["id"]
    assert User.objects.count() == 1


def test_verified_email_links_to_the_existing_account(api_client, certs_server, alice):
    response = sign_in(api_client, token(email="Alice@Example.com", name="Alice G."))

    assert response.status_code == 200
    body = response.json()
    assert body["created"] is False
    assert body["user"]["id"] == str(alice.public_id)
    assert body["user"]["name"] == "Alice"
    identity = SocialIdentity.objects.get()
    assert (identity.user_id, identity.email) == (alice.pk, "alice@example.com")
    assert User.objects.count() == 1
    alice.refresh_from_db()
    assert alice.has_usable_password()


@pytest.mark.parametrize("email_verified", [False, "false", REMOVE], ids=["false", "str", "absent"])
def test_unverified_email_matching_an_account_is_refused_and_nothing_is_written(
    api_client, certs_server, alice, email_verified
):
    before = db_state()

    response = sign_in(api_client, token(email="alice@example.com", email_verified=email_verified))

    assert response.status_code == 409
    assert without_request_id(response.json()) == {
        "type": "client_error",
        "code": "social_email_unverified",
        "message": EMAIL_UNVERIFIED_DETAIL,
        "errors": [
            {"code": "social_email_unverified", "detail": EMAIL_UNVERIFIED_DETAIL, "attr": None}
        ],
    }
    assert db_state() == before == (1, 0, 0)


def test_unverified_or_missing_email_cannot_create_an_account_either(api_client, certs_server):
    unverified = sign_in(api_client, token(email_verified=False))
    no_email = sign_in(api_client, token(email=REMOVE))

    assert unverified.status_code == no_email.status_code == 409
    assert unverified.json()["code"] == no_email.json()["code"] == "social_email_unverified"
    assert db_state() == (0, 0, 0)


def test_the_issuer_without_scheme_is_accepted_too(api_client, certs_server):
    response = sign_in(api_client, token(iss="accounts.google.com"))

    assert response.status_code == 200
    assert response.json()["created"] is True


def test_a_disabled_account_is_refused(api_client, certs_server):
    sign_in(api_client, token())
    User.objects.update(is_active=False)
    before = db_state()

    response = sign_in(api_client, token())

    assert response.status_code == 401
    assert without_request_id(response.json()) == {
        "type": "client_error",
        "code": "authentication_failed",
        "message": "This account is disabled.",
        "errors": [
            {"code": "authentication_failed", "detail": "This account is disabled.", "attr": None}
        ],
    }
    assert db_state() == before


INVALID_TOKENS = {
    "expired": lambda: token(iat=now_seconds() - 7200, exp=now_seconds() - 3600),
    "issued_in_the_future": lambda: token(iat=now_seconds() + 600, exp=now_seconds() + 4200),
    "wrong_audience": lambda: token(aud="someone-else.apps.googleusercontent.com"),
    "wrong_issuer": lambda: token(iss="https://accounts.example.com"),
    "no_issuer": lambda: token(iss=REMOVE),
    "no_subject": lambda: token(sub=REMOVE),
    "bad_signature": lambda: impostor_key(KID).sign(claims()),
    "unknown_kid": lambda: signing_key("google-unknown-kid").sign(claims()),
    "not_a_jwt": lambda: "not-a-jwt",
    "unsigned": lambda: token()[: token().rindex(".") + 1],
    "hs256": lambda: jwt.encode(claims(), "a-shared-secret-of-32-bytes-long!", algorithm="HS256"),
}


@pytest.mark.parametrize("make_token", INVALID_TOKENS.values(), ids=INVALID_TOKENS.keys())
def test_an_invalid_token_is_refused_and_nothing_is_written(api_client, certs_server, make_token):
    response = sign_in(api_client, make_token())

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert without_request_id(response.json()) == TOKEN_INVALID
    assert db_state() == (0, 0, 0)


@pytest.mark.parametrize("id_token", ["not-a-jwt", "a.b.c", "eyJhbGciOiJub25lIn0.e30."])
def test_a_malformed_token_is_refused_without_fetching_certs(api_client, certs_server, id_token):
    response = sign_in(api_client, id_token)

    assert response.status_code == 401
    assert without_request_id(response.json()) == TOKEN_INVALID
    assert certs_fetches(certs_server) == 0


def test_certs_are_fetched_once_while_their_max_age_lasts(api_client, certs_server):
    assert sign_in(api_client, token()).status_code == 200
    assert sign_in(api_client, token()).status_code == 200

    assert certs_fetches(certs_server) == 1


@pytest.mark.parametrize(
    "cache_control",
    ["no-store", "no-cache, max-age=3600", ""],
    ids=["no-store", "no-cache", "none"],
)
def test_certs_without_a_usable_max_age_are_fetched_every_time(
    api_client, httpserver, settings, cache_control
):
    headers = {"Cache-Control": cache_control} if cache_control else {}
    httpserver.expect_request(CERTS_PATH).respond_with_json(
        google_certs_body(signing_key(KID)), headers=headers
    )
    settings.GOOGLE_CLIENT_IDS = [CLIENT_ID]
    settings.GOOGLE_CERTS_URL = httpserver.url_for(CERTS_PATH)

    assert sign_in(api_client, token()).status_code == 200
    assert sign_in(api_client, token()).status_code == 200

    assert certs_fetches(httpserver) == 2


def test_certs_age_counts_against_max_age(api_client, httpserver, settings):
    httpserver.expect_request(CERTS_PATH).respond_with_json(
        google_certs_body(signing_key(KID)),
        headers={"Cache-Control": "public, max-age=600", "Age": "600"},
    )
    settings.GOOGLE_CLIENT_IDS = [CLIENT_ID]
    settings.GOOGLE_CERTS_URL = httpserver.url_for(CERTS_PATH)

    sign_in(api_client, token())
    sign_in(api_client, token())

    assert certs_fetches(httpserver) == 2


def test_an_unconfigured_provider_answers_503_without_fetching(api_client, certs_server, settings):
    settings.GOOGLE_CLIENT_IDS = []

    response = sign_in(api_client, token())

    assert response.status_code == 503
    detail = "This sign-in provider is not configured on this server."
    assert without_request_id(response.json()) == {
        "type": "server_error",
        "code": "social_provider_unavailable",
        "message": detail,
        "errors": [{"code": "social_provider_unavailable", "detail": detail, "attr": None}],
    }
    assert certs_fetches(certs_server) == 0
    assert db_state() == (0, 0, 0)


@pytest.mark.parametrize("failure", ["http_503", "not_json", "refused"])
def test_unreachable_certs_answer_503_not_500(api_client, httpserver, settings, failure):
    settings.GOOGLE_CLIENT_IDS = [CLIENT_ID]
    settings.GOOGLE_CERTS_URL = httpserver.url_for(CERTS_PATH)
    if failure == "http_503":
        httpserver.expect_request(CERTS_PATH).respond_with_response(
            Response("unavailable", status=503)
        )
    elif failure == "not_json":
        httpserver.expect_request(CERTS_PATH).respond_with_data(
            "<html>maintenance</html>", content_type="text/html"
        )
    else:
        settings.GOOGLE_CERTS_URL = closed_port_url(CERTS_PATH)

    response = sign_in(api_client, token())

    assert response.status_code == 503
    detail = "The sign-in provider cannot be reached right now. Try again shortly."
    assert without_request_id(response.json()) == {
        "type": "server_error",
        "code": "social_provider_unavailable",
        "message": detail,
        "errors": [{"code": "social_provider_unavailable", "detail": detail, "attr": None}],
    }
    assert db_state() == (0, 0, 0)


def test_a_failed_certs_fetch_is_not_cached(api_client, httpserver, settings):
    settings.GOOGLE_CLIENT_IDS = [CLIENT_ID]
    settings.GOOGLE_CERTS_URL = httpserver.url_for(CERTS_PATH)
    httpserver.expect_ordered_request(CERTS_PATH).respond_with_response(Response(status=503))
    httpserver.expect_ordered_request(CERTS_PATH).respond_with_json(
        google_certs_body(signing_key(KID)), headers={"Cache-Control": "max-age=60"}
    )

    assert sign_in(api_client, token()).status_code == 503
    assert sign_in(api_client, token()).status_code == 200


@pytest.mark.parametrize(
    "body",
    [{}, {"id_token": ""}, {"id_token": "x" * 4097}, {"id_token": "x", "email": "a@b.c"}],
    ids=["missing", "blank", "too_long", "unknown_field"],
)
def test_a_malformed_body_is_a_validation_error(api_client, certs_server, body):
    response = api_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert certs_fetches(certs_server) == 0
