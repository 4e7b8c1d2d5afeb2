"""GET/PUT/PATCH /api/users/settings: defaults, replace vs update, time zone and language."""

import pytest

from core.testing import QueryCounter
from profiles.models import UserSettings

pytestmark = pytest.mark.django_db

URL = "/api/users/settings"

DEFAULTS = {
    "unit_system": "metric",
    "time_zone": "UTC",
    "language": "en",
    "week_start": "monday",
    "share_activity_with_friends": False,
    "analytics_opt_in": False,
    "personalized_ads": False,
    "profile_visibility": "private",
}
CHANGED = {
    "unit_system": "imperial",
    "time_zone": "America/New_York",
    "language": "pt-BR",
    "week_start": "sunday",
    "share_activity_with_friends": True,
    "analytics_opt_in": True,
    "personalized_ads": True,
    "profile_visibility": "friends",
}


def snapshot():
    return list(UserSettings.objects.order_by("user_id").values())


def test_settings_never_changed_read_as_the_private_defaults_and_nothing_is_written(
    alice_client,
):
    with QueryCounter() as queries:
        response = alice_client.get(URL)

    assert response.status_code == 200
    assert response.json() == {**DEFAULTS, "updated_at": None}
    assert not UserSettings.objects.exists()
    assert queries.count == 2


def test_put_saves_every_setting(alice_client, alice):
    response = alice_client.put(URL, CHANGED)

    assert response.status_code == 200
    body = dict(response.json())
    assert body.pop("updated_at") is not None
    assert body == CHANGED
    stored = UserSettings.objects.get(user=alice)
    assert {name: getattr(stored, name) for name in CHANGED} == CHANGED
    assert alice_client.get(URL).json() == response.json()


def test_put_resets_the_settings_left_out(alice_client):
    alice_client.put(URL, CHANGED)

    response = alice_client.put(URL, {"time_zone": "Asia/Tokyo"})

    assert {k: v for k, v in response.json().items() if k != "updated_at"} == {
        **DEFAULTS,
        "time_zone": "Asia/Tokyo",
    }


def test_patch_changes_only_the_settings_sent(alice_client, alice):
    alice_client.put(URL, CHANGED)

    response = alice_client.patch(URL, {"personalized_ads": False, "time_zone": "Europe/Paris"})

    assert response.status_code == 200
    assert {k: v for k, v in response.json().items() if k != "updated_at"} == {
        **CHANGED,
        "personalized_ads": False,
        "time_zone": "Europe/Paris",
    }
    assert UserSettings.objects.get(user=alice).time_zone == "Europe/Paris"


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("pt-BR", "pt-BR"), ("pt_br", "pt-BR"), ("ZH-hans", "zh-Hans"), ("JA", "ja")],
)
def test_language_tags_are_matched_case_insensitively_and_stored_canonically(
    alice_client, sent, stored
):
    response = alice_client.patch(URL, {"language": sent})

    assert response.status_code == 200
    assert response.json()["language"] == stored


@pytest.mark.parametrize(
    "zone", ["Europe/Paris", "America/Argentina/Buenos_Aires", "Asia/Kolkata", "UTC", "Etc/GMT+5"]
)
def test_iana_time_zones_are_accepted(alice_client, alice, zone):
    assert alice_client.patch(URL, {"time_zone": zone}).status_code == 200
    assert UserSettings.objects.get(user=alice).time_zone == zone


REFUSED = [
    ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "unknown_time_zone"),
    ({"time_zone": "europe/paris"}, "time_zone", "unknown_time_zone"),  # names are case-sensitive
    ({"time_zone": "CEST"}, "time_zone", "unknown_time_zone"),
    ({"time_zone": "+02:00"}, "time_zone", "unknown_time_zone"),
    ({"time_zone": "localtime"}, "time_zone", "unknown_time_zone"),
    ({"time_zone": "../../etc/passwd"}, "time_zone", "unknown_time_zone"),
    ({"time_zone": ""}, "time_zone", "blank"),
    ({"time_zone": "A/" + "b" * 70}, "time_zone", "max_length"),
    ({"time_zone": 2}, "time_zone", "invalid"),
    ({"language": "xx"}, "language", "invalid_choice"),
    ({"language": "pt-PT"}, "language", "invalid_choice"),
    ({"unit_system": "furlongs"}, "unit_system", "invalid_choice"),
    ({"week_start": "friday"}, "week_start", "invalid_choice"),
    ({"week_start": 1}, "week_start", "invalid_choice"),
    ({"profile_visibility": "everyone"}, "profile_visibility", "invalid_choice"),
    ({"personalized_ads": "perhaps"}, "personalized_ads", "invalid"),
    ({"personalized_ads": 0}, "personalized_ads", "invalid"),  # true or false only
    ({"share_activity_with_friends": "true"}, "share_activity_with_friends", "invalid"),
    ({"analytics_opt_in": None}, "analytics_opt_in", "null"),
    ({"timezone": "UTC"}, "non_field_errors", "unknown_field"),
]


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize("existing", [False, True], ids=["no-settings-yet", "existing-settings"])
@pytest.mark.parametrize(
    ("body", "attr", "code"),
    REFUSED,
    ids=[f"{i}-{attr}-{code}" for i, (_, attr, code) in enumerate(REFUSED)],
)
def test_invalid_settings_are_a_400_naming_the_field_and_nothing_changes(
    alice_client, alice, method, existing, body, attr, code
):
    if existing:
        UserSettings.objects.create(user=alice, **CHANGED)
    before = snapshot()

    response = getattr(alice_client, method)(URL, body)

    assert response.status_code == 400
    assert (attr, code) in {(e["attr"], e["code"]) for e in response.json()["errors"]}
    assert snapshot() == before


@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_anonymous_callers_get_a_401_and_nothing_is_written(api_client, method):
    response = getattr(api_client, method)(URL, {"time_zone": "UTC"})

    assert response.status_code == 401
    assert not UserSettings.objects.exists()


def test_a_user_only_ever_reaches_their_own_settings(alice_client, api_client, alice, bob):
    alice_client.put(URL, CHANGED)
    alices_row = snapshot()
    bob_client = api_client.as_user(bob)

    read = bob_client.get(URL)
    bob_client.put(URL, {"time_zone": "Asia/Tokyo"})
    bob_client.patch(URL, {"unit_system": "imperial"})

    assert read.json() == {**DEFAULTS, "updated_at": None}
    assert [row for row in snapshot() if row["user_id"] == alice.pk] == alices_row
    assert UserSettings.objects.get(user=bob).time_zone == "Asia/Tokyo"


def test_writes_cost_a_fixed_number_of_queries(alice_client):
    counts = []
    for method, body in (("put", CHANGED), ("put", CHANGED), ("patch", {"language": "fr"})):
        with QueryCounter() as queries:
            assert getattr(alice_client, method)(URL, body).status_code == 200
        counts.append(queries.count)

    # authentication; savepoint, create if missing, lock, update, release (no re-read: the
    # saved row is the answer)
    assert counts == [6, 6, 6]
