import pytest

from profiles.models import Profile, UserSettings
from profiles.tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        email="root@example.com", password="x-Pass-123"
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_profiles_are_listed_searched_by_email_and_filtered(admin_client, alice, bob):
    ProfileFactory(user=alice, goal="lose", weekly_pace_kg="0.5")
    ProfileFactory(user=bob)

    searched = admin_client.get("/admin/profiles/profile/?q=alice")
    filtered = admin_client.get("/admin/profiles/profile/?goal__exact=maintain")

    assert searched.status_code == filtered.status_code == 200
    assert b"alice@example.com" in searched.content
    assert b"bob@example.com" not in searched.content
    assert b"bob@example.com" in filtered.content
    assert b"alice@example.com" not in filtered.content


def test_settings_are_listed_searched_by_email_and_filtered(admin_client, alice, bob):
    UserSettings.objects.create(user=alice, unit_system="imperial")
    UserSettings.objects.create(user=bob)

    searched = admin_client.get("/admin/profiles/usersettings/?q=bob")
    filtered = admin_client.get("/admin/profiles/usersettings/?unit_system__exact=imperial")

    assert b"bob@example.com" in searched.content
    assert b"alice@example.com" not in searched.content
    assert b"alice@example.com" in filtered.content
    assert b"bob@example.com" not in filtered.content


def test_the_change_pages_render(admin_client, alice):
    ProfileFactory(user=alice, allergies=["milk"])
    UserSettings.objects.create(user=alice)

    profile_page = admin_client.get(f"/admin/profiles/profile/{alice.pk}/change/")
    settings_page = admin_client.get(f"/admin/profiles/usersettings/{alice.pk}/change/")
    add_page = admin_client.get("/admin/profiles/profile/add/")

    assert profile_page.status_code == settings_page.status_code == add_page.status_code == 200
    assert b"Wheat / gluten" in profile_page.content  # allergies as checkboxes


def admin_form(**overrides):
    return {
        "date_of_birth": "",
        "sex": "female",
        "height_cm": "165",
        "weight_kg": "68",
        "activity_level": "light",
        "goal": "lose",
        "target_weight_kg": "62",
        "weekly_pace_kg": "0.5",
        "diet_type": "vegan",
        "allergies": ["soy", "sesame"],
        "excluded_foods": "okra,kale",
        "liked_cuisines": ["thai"],
        **overrides,
    }


def test_an_admin_edit_is_validated_like_the_api(admin_client, alice):
    ProfileFactory(user=alice)
    url = f"/admin/profiles/profile/{alice.pk}/change/"

    refused = admin_client.post(url, admin_form(target_weight_kg="70", weight_kg="60"))
    accepted = admin_client.post(url, admin_form())

    assert refused.status_code == 200  # the form again, with the error
    assert b"below the current weight" in refused.content
    assert accepted.status_code == 302, accepted.content[:2000]
    profile = Profile.objects.get(user=alice)
    assert (profile.goal, profile.allergies, profile.excluded_foods) == (
        "lose",
        ["soy", "sesame"],
        ["okra", "kale"],
    )


def test_an_admin_cannot_set_an_unknown_time_zone(admin_client, alice):
    UserSettings.objects.create(user=alice)
    url = f"/admin/profiles/usersettings/{alice.pk}/change/"
    form = {
        "unit_system": "metric",
        "time_zone": "Mars/Olympus_Mons",
        "language": "en",
        "week_start": "monday",
        "profile_visibility": "private",
    }

    refused = admin_client.post(url, form)

    assert refused.status_code == 200
    assert b"Not a known IANA time zone name" in refused.content
    assert UserSettings.objects.get(user=alice).time_zone == "UTC"
