"""Password reset: POST /api/auth/password-reset emails a link, .../confirm sets the password."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import transaction
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import TokenFamily, User
from accounts.services import password_reset_request
from accounts.tests.factories import UserFactory
from core.throttling import PasswordResetConfirmThrottle, PasswordResetThrottle

pytestmark = pytest.mark.django_db

PASSWORD = "a-Strong-passphrase-42"
NEW_PASSWORD = "another-Strong-phrase-77"
ACCEPTED = {"detail": "If an account has this address, a reset link is on its way."}
RESET_URL = "/api/auth/password-reset"
CONFIRM_URL = "/api/auth/password-reset/confirm"


def expected_body(uid, token):
    link = settings.PASSWORD_RESET_URL.format(uid=uid, token=token)
    return (
        "Someone asked to reset the password of your FitCore account.\n\n"
        f"Open this link on your phone to choose a new password:\n{link}\n\n"
        f"Or enter this code in the app: uid {uid}, token {token}\n\n"
        "The link works once and expires in 60 minutes. If you did not ask for it, "
        "ignore this email: your password stays as it is."
    )


def request_reset(client, capture, email="alice@example.com"):
    """POST the request and run what was deferred to the commit (the email task)."""
    with capture(execute=True):
        response = client.post(RESET_URL, {"email": email})
    assert response.status_code == 202
    return response


def link_params(message):
    """The uid and token of the emailed link (the default PASSWORD_RESET_URL is a deep link)."""
    link = next(line for line in message.body.splitlines() if line.startswith("fitcore://"))
    query = parse_qs(urlsplit(link).query)
    return {"uid": query["uid"][0], "token": query["token"][0]}


def emailed_reset(client, capture, email="alice@example.com"):
    request_reset(client, capture, email=email)
    assert len(mail.outbox) == 1
    return link_params(mail.outbox[0])


def confirm(client, uid, token, new_password=NEW_PASSWORD):
    return client.post(CONFIRM_URL, {"uid": uid, "token": token, "new_password": new_password})


def login(client, password, email="alice@example.com"):
    return client.post("/api/auth/login", {"email": email, "password": password})


def assert_reset_token_refused(response):
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert body["code"] == "invalid_input"
    assert body["message"] == "token: This password reset link is invalid or has expired."
    assert body["errors"] == [
        {
            "code": "reset_token_invalid",
            "detail": "This password reset link is invalid or has expired.",
            "attr": "token",
        }
    ]


# --- Requesting a reset ---------------------------------------------------------------------


def test_request_emails_a_single_use_link_to_the_account(
    api_client, alice, django_capture_on_commit_callbacks
):
    response = request_reset(api_client, django_capture_on_commit_callbacks)

    assert response.json() == ACCEPTED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert message.from_email == "FitCore <no-reply@fitcore.local>"
    assert message.subject == "Reset your FitCore password"
    params = link_params(message)
    assert params["uid"] == str(alice.public_id)
    assert default_token_generator.check_token(alice, params["token"]) is True
    assert message.body == expected_body(params["uid"], params["token"])


def test_the_link_is_built_from_the_configured_url(
    api_client, alice, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_URL = "https://app.example.com/reset/{uid}/{token}"

    request_reset(api_client, django_capture_on_commit_callbacks)

    token = mail.outbox[0].body.split("token ")[1].split("\n")[0]
    link = f"https://app.example.com/reset/{alice.public_id}/{token}"
    assert f"choose a new password:\n{link}\n" in mail.outbox[0].body
    assert default_token_generator.check_token(alice, token) is True


def test_the_address_is_matched_whatever_its_case(
    api_client, alice, django_capture_on_commit_callbacks
):
    request_reset(api_client, django_capture_on_commit_callbacks, email="ALICE@Example.COM")

    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


def test_unknown_address_gets_the_same_answer_and_no_email(
    api_client, alice, django_capture_on_commit_callbacks
):
    known = request_reset(api_client, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        unknown = api_client.post(RESET_URL, {"email": "nobody@example.com"})

    assert unknown.status_code == known.status_code == 202
    assert unknown.content == known.content
    assert callbacks == []
    assert mail.outbox == []


def test_inactive_account_gets_no_email(api_client, django_capture_on_commit_callbacks):
    UserFactory(email="gone@example.com", is_active=False)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api_client.post(RESET_URL, {"email": "gone@example.com"})

    assert response.status_code == 202
    assert response.json() == ACCEPTED
    assert callbacks == []
    assert mail.outbox == []


def test_account_deactivated_before_the_task_runs_gets_no_email(
    api_client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        api_client.post(RESET_URL, {"email": "alice@example.com"})
    User.objects.filter(pk=alice.pk).update(is_active=False)

    for callback in callbacks:
        callback()

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_invalid_address_is_a_validation_error(api_client):
    response = api_client.post(RESET_URL, {"email": "not-an-email"})

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"code": "invalid", "detail": "Enter a valid email address.", "attr": "email"}
    ]
    assert mail.outbox == []


def test_the_email_waits_for_the_commit(api_client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_client.post(RESET_URL, {"email": "alice@example.com"})
        assert response.status_code == 202
        assert mail.outbox == []

    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


@pytest.mark.django_db(transaction=True)
def test_no_email_leaves_when_the_transaction_rolls_back():
    # Real transactions (no test-wide atomic block), so commit and rollback really happen.
    UserFactory(email="alice@example.com")

    with transaction.atomic():
        password_reset_request(email="alice@example.com")
        transaction.set_rollback(True)
    assert mail.outbox == []

    with transaction.atomic():
        password_reset_request(email="alice@example.com")
        assert mail.outbox == []
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


# --- Confirming -----------------------------------------------------------------------------


def test_confirm_sets_the_password_and_signs_every_session_out(
    api_client, alice, bob, django_capture_on_commit_callbacks
):
    phone = login(api_client, PASSWORD).json()
    tablet = login(api_client, PASSWORD).json()
    bobs = login(api_client, PASSWORD, email="bob@example.com").json()
    params = emailed_reset(api_client, django_capture_on_commit_callbacks)

    response = confirm(api_client, **params)

    assert response.status_code == 204
    assert response.content == b""
    families = TokenFamily.objects.filter(user=alice)
    assert families.count() == 2
    assert {(f.revoked_at is not None, f.revoked_reason) for f in families} == {
        (True, "password_reset")
    }
    for session in (phone, tablet):
        refreshed = api_client.post("/api/auth/refresh-token", {"refresh": session["refresh"]})
        assert refreshed.status_code == 401
        assert refreshed.json()["code"] == "token_not_valid"
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {session['access']}")
        denied = api_client.get("/api/bench/baseline")
        assert denied.status_code == 401
        assert denied.json()["code"] == "token_not_valid"
    # A stranger's sign-in is not touched.
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {bobs['access']}")
    assert api_client.get("/api/bench/baseline").json() == {"ok": True}
    api_client.credentials()

    old = login(api_client, PASSWORD)
    assert old.status_code == 401
    assert old.json()["code"] == "invalid_credentials"
    new = login(api_client, NEW_PASSWORD)
    assert new.status_code == 200
    assert new.json()["user"]["id"] == str(alice.public_id)


def test_the_token_works_once(api_client, alice, django_capture_on_commit_callbacks):
    params = emailed_reset(api_client, django_capture_on_commit_callbacks)
    assert confirm(api_client, **params).status_code == 204

    second = confirm(api_client, **params, new_password="yet-another-Phrase-99")

    assert_reset_token_refused(second)
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD) is True


def test_the_token_expires(api_client, alice, monkeypatch, django_capture_on_commit_callbacks):
    params = emailed_reset(api_client, django_capture_on_commit_callbacks)
    # Django's generator dates its tokens with _now(); move that clock past the timeout.
    later = default_token_generator._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)

    monkeypatch.setattr(default_token_generator, "_now", lambda: later - timedelta(seconds=5))
    assert default_token_generator.check_token(alice, params["token"]) is True
    monkeypatch.setattr(default_token_generator, "_now", lambda: later + timedelta(seconds=5))
    response = confirm(api_client, **params)

    assert_reset_token_refused(response)
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD) is True


def test_the_timeout_comes_from_settings(
    api_client, alice, settings, django_capture_on_commit_callbacks
):
    params = emailed_reset(api_client, django_capture_on_commit_callbacks)
    settings.PASSWORD_RESET_TIMEOUT = -1  # every token is already past its lifetime

    assert_reset_token_refused(confirm(api_client, **params))
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD) is True


def test_a_token_for_a_deactivated_account_is_refused(
    api_client, alice, django_capture_on_commit_callbacks
):
    params = emailed_reset(api_client, django_capture_on_commit_callbacks)
    User.objects.filter(pk=alice.pk).update(is_active=False)

    assert_reset_token_refused(confirm(api_client, **params))
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD) is True


@pytest.mark.parametrize(
    "case",
    [
        "garbage uid",
        "unknown uid",
        "another account's uid",
        "garbage token",
        "token of another account",
        "token with a wrong signature",
    ],
)
def test_garbage_uid_or_token_is_refused(api_client, alice, bob, case):
    token = default_token_generator.make_token(alice)
    timestamp, _, signature = token.partition("-")
    uid, token = {
        "garbage uid": ("not-a-uuid", token),
        "unknown uid": ("00000000-0000-4000-8000-000000000000", token),
        "another account's uid": (str(bob.public_id), token),
        "garbage token": (str(alice.public_id), "garbage"),
        "token of another account": (
            str(alice.public_id),
            default_token_generator.make_token(bob),
        ),
        "token with a wrong signature": (
            str(alice.public_id),
            f"{timestamp}-{'0' * len(signature)}",
        ),
    }[case]

    response = confirm(api_client, uid, token)

    assert_reset_token_refused(response)
    for user in (alice, bob):
        user.refresh_from_db()
        assert user.check_password(PASSWORD) is True


@pytest.mark.parametrize(
    ("new_password", "codes"),
    [
        ("12345678", {"password_too_common", "password_entirely_numeric"}),
        ("short", {"password_too_short"}),
        ("alice@example.com", {"password_too_similar"}),
    ],
)
def test_weak_new_password_is_refused_and_nothing_changes(
    api_client, alice, new_password, codes, django_capture_on_commit_callbacks
):
    session = login(api_client, PASSWORD).json()
    params = emailed_reset(api_client, django_capture_on_commit_callbacks)

    response = confirm(api_client, **params, new_password=new_password)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert {e["attr"] for e in body["errors"]} == {"new_password"}
    assert {e["code"] for e in body["errors"]} == codes
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD) is True
    assert TokenFamily.objects.get(user=alice).revoked_at is None
    refreshed = api_client.post("/api/auth/refresh-token", {"refresh": session["refresh"]})
    assert refreshed.status_code == 200
    # The token was not spent: the user can try again with a better password.
    assert confirm(api_client, **params).status_code == 204


def test_confirm_refuses_unknown_fields(api_client, alice, django_capture_on_commit_callbacks):
    params = emailed_reset(api_client, django_capture_on_commit_callbacks)

    response = api_client.post(
        CONFIRM_URL, {**params, "new_password": NEW_PASSWORD, "is_staff": True}
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "unknown_field",
            "detail": "Unknown field(s): is_staff.",
            "attr": "non_field_errors",
        }
    ]
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD) is True
    assert alice.is_staff is False


# --- Throttling -----------------------------------------------------------------------------


@pytest.fixture
def reset_rate_two_per_minute(monkeypatch):
    """Lower the password_reset and password_reset_confirm rates to 2/min, with a clock that
    stands still.

    DRF copies ``DEFAULT_THROTTLE_RATES`` into ``SimpleRateThrottle.THROTTLE_RATES`` when
    rest_framework.throttling is imported, so changing settings.REST_FRAMEWORK in a test (which
    reloads api_settings) does not reach the throttles. The class attribute is what
    ``get_rate()`` reads: set it on our throttle (monkeypatch puts the inherited dict back).
    The frozen clock makes the advertised wait exact.
    """
    rates = {
        **PasswordResetThrottle.THROTTLE_RATES,
        "password_reset": "2/min",
        "password_reset_confirm": "2/min",
    }
    monkeypatch.setattr(PasswordResetThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(PasswordResetConfirmThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(SimpleRateThrottle, "timer", staticmethod(lambda: 1_800_000_000.0))


@pytest.mark.usefixtures("reset_rate_two_per_minute")
def test_reset_requests_are_throttled_per_client(
    api_client, alice, django_capture_on_commit_callbacks
):
    for _ in range(2):
        request_reset(api_client, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        throttled = api_client.post(RESET_URL, {"email": "alice@example.com"})

    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "60"
    body = throttled.json()
    assert body["type"] == "client_error"
    assert body["code"] == "throttled"
    assert body["message"] == "Request was throttled. Expected available in 60 seconds."
    assert body["errors"] == [
        {
            "code": "throttled",
            "detail": "Request was throttled. Expected available in 60 seconds.",
            "attr": None,
        }
    ]
    assert body["request_id"] == throttled.headers["X-Request-ID"]
    assert callbacks == []
    assert len(mail.outbox) == 2
    # Another client (another IP) still has its own budget.
    other = api_client.post(RESET_URL, {"email": "alice@example.com"}, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 202


@pytest.mark.usefixtures("reset_rate_two_per_minute")
def test_confirm_attempts_are_throttled(api_client, alice):
    uid = str(alice.public_id)
    for _ in range(2):
        assert_reset_token_refused(confirm(api_client, uid, "1-guess"))

    throttled = confirm(api_client, uid, "2-guess")

    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD) is True
