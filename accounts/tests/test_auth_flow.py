import pytest

from accounts.models import TokenFamily, User

pytestmark = pytest.mark.django_db

PASSWORD = "a-Strong-passphrase-42"


def register(client, email="ada@example.com", password=PASSWORD, **extra):
    return client.post(
        "/api/auth/register", {"email": email, "password": password, **extra}, format="json"
    )


def test_register_creates_the_user_and_returns_a_token_pair(api_client):
    response = register(api_client, email="Ada@Example.com", name="Ada")

    assert response.status_code == 201
    body = response.json()
    assert body["user"]["email"] == "ada@example.com"
    assert body["user"]["name"] == "Ada"
    assert body["token_type"] == "Bearer"
    user = User.objects.get(email="ada@example.com")
    assert str(user.public_id) == body["user"]["id"]
    assert user.password.startswith(("argon2", "md5"))
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert api_client.get("/api/bench/baseline").json() == {"ok": True}


def test_duplicate_email_is_a_validation_error_like_any_other(api_client, alice):
    response = register(api_client, email="ALICE@example.com")

    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert body["code"] == "invalid_input"
    assert body["errors"] == [
        {
            "code": "email_unavailable",
            "detail": "This email address cannot be used to register.",
            "attr": "email",
        }
    ]
    assert User.objects.count() == 1


def test_weak_password_is_refused_with_the_validator_codes(api_client):
    response = register(api_client, password="12345678")

    assert response.status_code == 400
    codes = {e["code"] for e in response.json()["errors"] if e["attr"] == "password"}
    assert codes == {"password_too_common", "password_entirely_numeric"}
    assert not User.objects.exists()


def test_unknown_fields_are_refused(api_client):
    response = register(api_client, is_staff=True)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "unknown_field"
    assert not User.objects.exists()


def test_login_returns_a_pair_and_wrong_password_equals_unknown_email(api_client, alice):
    ok = api_client.post(
        "/api/auth/login", {"email": "alice@example.com", "password": PASSWORD}, format="json"
    )
    wrong = api_client.post(
        "/api/auth/login", {"email": "alice@example.com", "password": "nope-nope-1"}, format="json"
    )
    unknown = api_client.post(
        "/api/auth/login", {"email": "nobody@example.com", "password": "nope-nope-1"}, format="json"
    )

    assert ok.status_code == 200
    assert ok.json()["user"]["id"] == str(alice.public_id)
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda body: {k: v for k, v in body.items() if k != "request_id"}  # noqa: E731
    assert strip(wrong.json()) == strip(unknown.json())
    assert wrong.json()["code"] == "invalid_credentials"


def test_repeated_failed_logins_are_throttled_per_account(api_client, alice, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for _ in range(3):
        response = api_client.post(
            "/api/auth/login", {"email": "alice@example.com", "password": "bad-pass-1"}
        )
        assert response.status_code == 401
    blocked = api_client.post(
        "/api/auth/login", {"email": "alice@example.com", "password": PASSWORD}
    )

    assert blocked.status_code == 429
    assert blocked.json()["code"] == "too_many_failed_logins"


def test_repeated_failed_logins_are_throttled_per_ip(api_client, alice, bob, settings):
    settings.LOGIN_FAILURES_PER_IP = 2
    for email in ("x1@example.com", "x2@example.com"):
        assert (
            api_client.post(
                "/api/auth/login", {"email": email, "password": "bad-pass-1"}
            ).status_code
            == 401
        )
    blocked = api_client.post("/api/auth/login", {"email": "bob@example.com", "password": PASSWORD})

    assert blocked.status_code == 429


def login(client, email="alice@example.com"):
    response = client.post("/api/auth/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()


def refresh(client, token):
    return client.post("/api/auth/refresh-token", {"refresh": token})


def test_refresh_rotates_the_refresh_token(api_client, alice):
    first = login(api_client)
    response = refresh(api_client, first["refresh"])

    assert response.status_code == 200
    second = response.json()
    assert second["refresh"] != first["refresh"]
    assert second["access"] != first["access"]
    assert refresh(api_client, second["refresh"]).status_code == 200


def test_reused_refresh_token_revokes_the_family(api_client, alice, settings):
    settings.REFRESH_REUSE_GRACE_SECONDS = 0
    first = login(api_client)
    second = refresh(api_client, first["refresh"]).json()

    reuse = refresh(api_client, first["refresh"])

    assert reuse.status_code == 401
    assert reuse.json()["code"] == "token_reused"
    assert TokenFamily.objects.get().revoked_reason == "reuse"
    # Every token of that sign-in is dead: the rotated refresh token and its access token.
    assert refresh(api_client, second["refresh"]).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {second['access']}")
    assert api_client.get("/api/bench/baseline").status_code == 401


def test_parent_replayed_within_grace_gets_the_same_pair(api_client, alice, settings):
    settings.REFRESH_REUSE_GRACE_SECONDS = 10
    first = login(api_client)
    second = refresh(api_client, first["refresh"]).json()

    replay = refresh(api_client, first["refresh"])

    assert replay.status_code == 200
    assert replay.json()["refresh"] == second["refresh"]
    assert replay.json()["access"] == second["access"]
    assert TokenFamily.objects.get().revoked_at is None


def test_grandparent_replayed_within_grace_revokes(api_client, alice, settings):
    settings.REFRESH_REUSE_GRACE_SECONDS = 10
    first = login(api_client)
    second = refresh(api_client, first["refresh"]).json()
    refresh(api_client, second["refresh"])

    assert refresh(api_client, first["refresh"]).status_code == 401
    assert TokenFamily.objects.get().revoked_at is not None


def test_reuse_after_grace_window_revokes(api_client, alice, settings):
    from datetime import timedelta

    from accounts.models import RefreshToken

    settings.REFRESH_REUSE_GRACE_SECONDS = 10
    first = login(api_client)
    refresh(api_client, first["refresh"])
    RefreshToken.objects.filter(rotated_at__isnull=False).update(
        rotated_at=RefreshToken.objects.get(rotated_at__isnull=False).rotated_at
        - timedelta(seconds=11)
    )

    assert refresh(api_client, first["refresh"]).json()["code"] == "token_reused"


def test_logout_revokes_refresh_and_access(api_client, alice):
    pair = login(api_client)
    assert api_client.post("/api/auth/logout", {"refresh": pair["refresh"]}).status_code == 204

    assert refresh(api_client, pair["refresh"]).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert api_client.get("/api/bench/baseline").status_code == 401


def test_other_sign_ins_survive_a_logout(api_client, alice):
    phone, tablet = login(api_client), login(api_client)
    api_client.post("/api/auth/logout", {"refresh": phone["refresh"]})

    assert refresh(api_client, tablet["refresh"]).status_code == 200


@pytest.mark.parametrize(
    "token",
    ["garbage", "a.b.c", "", "x" * 3000],
)
def test_garbage_refresh_tokens_are_refused(api_client, token):
    response = refresh(api_client, token)

    assert response.status_code in {400, 401}
    assert response.json()["request_id"]


def test_an_access_token_is_not_a_refresh_token(api_client, alice):
    pair = login(api_client)
    response = refresh(api_client, pair["access"])

    assert response.status_code == 401


def test_expired_refresh_token_is_refused(api_client, alice, settings):
    from datetime import timedelta

    settings.REFRESH_TOKEN_LIFETIME = timedelta(seconds=-1)
    pair = login(api_client)

    assert refresh(api_client, pair["refresh"]).status_code == 401


def test_inactive_user_cannot_refresh_or_call(api_client, alice):
    pair = login(api_client)
    User.objects.filter(pk=alice.pk).update(is_active=False)

    assert refresh(api_client, pair["refresh"]).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert api_client.get("/api/bench/baseline").status_code == 401
