import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        email="root@example.com", password="x-Pass-123"
    )


def test_admin_lists_searches_and_edits_users(client, superuser, alice, bob):
    client.force_login(superuser)

    listing = client.get("/admin/accounts/user/?q=alice")
    change = client.get(f"/admin/accounts/user/{alice.pk}/change/")
    add = client.get("/admin/accounts/user/add/")

    assert listing.status_code == 200
    assert b"alice@example.com" in listing.content
    assert b"bob@example.com" not in listing.content
    assert change.status_code == 200
    assert str(alice.public_id).encode() in change.content
    assert add.status_code == 200


def test_admin_creates_a_user_with_a_hashed_password(client, superuser, django_user_model):
    client.force_login(superuser)

    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "new@example.com",
            "usable_password": "true",
            "password1": "a-Strong-passphrase-42",
            "password2": "a-Strong-passphrase-42",
            # the social identities inline's management form
            "social_identities-TOTAL_FORMS": "0",
            "social_identities-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content[:3000]
    user = django_user_model.objects.get(email="new@example.com")
    assert user.check_password("a-Strong-passphrase-42")


def test_admin_is_closed_to_non_staff(client, alice):
    client.force_login(alice)

    response = client.get("/admin/accounts/user/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
