"""GET/PUT/PATCH /api/users/profile: defaults, replace vs update, validation, targets."""

from decimal import Decimal

import pytest

from core.testing import QueryCounter
from profiles.models import Profile, UserSettings
from profiles.tests.factories import ProfileFactory, years_ago

pytestmark = pytest.mark.django_db

URL = "/api/users/profile"

NEVER_FILLED_IN = {
    "date_of_birth": None,
    "age_years": None,
    "sex": None,
    "height_cm": None,
    "weight_kg": None,
    "activity_level": "sedentary",
    "goal": "maintain",
    "target_weight_kg": None,
    "weekly_pace_kg": None,
    "diet_type": "omnivore",
    "allergies": [],
    "excluded_foods": [],
    "liked_cuisines": [],
    "targets": None,
    "missing_fields": ["date_of_birth", "sex", "height_cm", "weight_kg"],
    "unit_system": "metric",
    "display": None,
    "updated_at": None,
}


def full_body(**overrides):
    """A woman of 35 (birthday today), 165 cm, 68 kg, lightly active, losing 0.25 kg/week."""
    return {
        "date_of_birth": years_ago(35).isoformat(),
        "sex": "female",
        "height_cm": 165,
        "weight_kg": 68,
        "activity_level": "light",
        "goal": "lose",
        "target_weight_kg": 62,
        "weekly_pace_kg": 0.25,
        "diet_type": "vegetarian",
        "allergies": ["peanuts"],
        "excluded_foods": ["mushrooms"],
        "liked_cuisines": ["indian", "italian"],
        **overrides,
    }


# BMR 680 + 1031.25 - 175 - 161 = 1375.25; TDEE x1.375 = 1890.97; minus 275 = 1615.97.
# Protein 68 x 1.6 = 108.8 -> 109 g; fat 1616 x 0.28 / 9 = 50.3 -> 50 g;
# carbohydrate (1616 - 436 - 450) / 4 = 182.5 -> 183 g.
FULL_BODY_TARGETS = {
    "bmr_kcal": 1375,
    "tdee_kcal": 1891,
    "calorie_target_kcal": 1616,
    "protein_g": 109,
    "carbs_g": 183,
    "fat_g": 50,
    "floor_applied": False,
}


def snapshot():
    return list(Profile.objects.order_by("user_id").values())


def test_a_profile_never_filled_in_reads_as_the_defaults_and_nothing_is_written(alice_client):
    with QueryCounter() as queries:
        response = alice_client.get(URL)

    assert response.status_code == 200
    assert response.json() == NEVER_FILLED_IN
    assert not Profile.objects.exists()
    assert not UserSettings.objects.exists()
    # authentication, then the user's profile and settings in one query
    assert queries.count == 2


def test_put_saves_the_profile_and_answers_it_with_the_targets(alice_client, alice):
    response = alice_client.put(URL, full_body())

    assert response.status_code == 200
    body = dict(response.json())
    assert body.pop("updated_at") is not None
    assert body == {
        **full_body(),
        "height_cm": 165.0,
        "weight_kg": 68.0,
        "target_weight_kg": 62.0,
        "age_years": 35,
        "targets": FULL_BODY_TARGETS,
        "missing_fields": [],
        "unit_system": "metric",
        "display": None,
    }
    profile = Profile.objects.get(user=alice)
    assert profile.height_cm == Decimal("165.0")
    assert profile.weight_kg == Decimal("68.00")
    assert profile.weekly_pace_kg == Decimal("0.25")
    assert profile.allergies == ["peanuts"]
    assert alice_client.get(URL).json() == response.json()


def test_put_replaces_the_whole_profile_omitted_fields_go_back_to_defaults(alice_client, alice):
    alice_client.put(URL, full_body())

    response = alice_client.put(URL, {"height_cm": 170})

    assert response.status_code == 200
    body = response.json()
    assert body["height_cm"] == 170.0
    for name in ("date_of_birth", "sex", "weight_kg", "target_weight_kg", "weekly_pace_kg"):
        assert body[name] is None, name
    assert (body["activity_level"], body["goal"], body["diet_type"]) == (
        "sedentary",
        "maintain",
        "omnivore",
    )
    assert body["allergies"] == body["excluded_foods"] == body["liked_cuisines"] == []
    assert body["missing_fields"] == ["date_of_birth", "sex", "weight_kg"]
    assert body["targets"] is None
    assert Profile.objects.get(user=alice).date_of_birth is None


def test_patch_changes_only_the_fields_sent(alice_client, alice):
    alice_client.put(URL, full_body())

    response = alice_client.patch(URL, {"weight_kg": 70.5, "activity_level": "moderate"})

    assert response.status_code == 200
    body = response.json()
    assert body["weight_kg"] == 70.5
    assert body["activity_level"] == "moderate"
    assert body["sex"] == "female"
    assert body["goal"] == "lose"
    assert body["allergies"] == ["peanuts"]
    profile = Profile.objects.get(user=alice)
    assert profile.weight_kg == Decimal("70.50")
    assert profile.liked_cuisines == ["indian", "italian"]


def test_the_first_patch_creates_the_profile_from_the_defaults(alice_client, alice):
    response = alice_client.patch(URL, {"sex": "unspecified"})

    assert response.status_code == 200
    assert response.json() == {
        **NEVER_FILLED_IN,
        "sex": "unspecified",
        "missing_fields": ["date_of_birth", "height_cm", "weight_kg"],
        "updated_at": response.json()["updated_at"],
    }
    assert Profile.objects.get(user=alice).sex == "unspecified"


def test_switching_to_maintain_needs_the_pace_and_target_cleared_in_the_same_call(alice_client):
    alice_client.put(URL, full_body())
    before = snapshot()

    refused = alice_client.patch(URL, {"goal": "maintain"})

    assert refused.status_code == 400
    assert {(e["attr"], e["code"]) for e in refused.json()["errors"]} == {
        ("weekly_pace_kg", "not_allowed_for_goal"),
        ("target_weight_kg", "not_allowed_for_goal"),
    }
    assert snapshot() == before

    accepted = alice_client.patch(
        URL, {"goal": "maintain", "weekly_pace_kg": 0, "target_weight_kg": None}
    )

    assert accepted.status_code == 200
    assert accepted.json()["weekly_pace_kg"] is None
    assert accepted.json()["targets"]["calorie_target_kcal"] == 1891  # the TDEE


def test_values_are_normalized(alice_client, alice):
    response = alice_client.put(
        URL,
        {
            "height_cm": 175.26,  # 69 in, from an app converting
            "weight_kg": 69.853,
            "allergies": ["soy", "milk", "soy"],
            "excluded_foods": ["  Brussels   sprouts ", "brussels sprouts", "Okra"],
            "liked_cuisines": ["thai", "american", "thai"],
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["height_cm"], body["weight_kg"]) == (175.3, 69.85)
    assert body["allergies"] == ["milk", "soy"]  # de-duplicated, in the list's order
    assert body["excluded_foods"] == ["Brussels sprouts", "Okra"]
    assert body["liked_cuisines"] == ["american", "thai"]
    profile = Profile.objects.get(user=alice)
    assert (profile.height_cm, profile.weight_kg) == (Decimal("175.3"), Decimal("69.85"))


def test_the_imperial_unit_system_adds_a_display_block_and_keeps_metric_fields(alice_client, alice):
    UserSettings.objects.create(user=alice, unit_system="imperial")
    alice_client.put(URL, full_body(height_cm=175, weight_kg=70, target_weight_kg=65))

    with QueryCounter() as queries:
        body = alice_client.get(URL).json()

    assert body["unit_system"] == "imperial"
    assert (body["height_cm"], body["weight_kg"]) == (175.0, 70.0)
    assert body["display"] == {
        "height": "5 ft 9 in",
        "height_in": 68.9,
        "weight_lb": 154.3,
        "target_weight_lb": 143.3,
    }
    assert queries.count == 2


def test_the_imperial_display_shows_null_for_what_is_unknown(alice_client, alice):
    UserSettings.objects.create(user=alice, unit_system="imperial")

    body = alice_client.get(URL).json()

    assert body["display"] == {
        "height": None,
        "height_in": None,
        "weight_lb": None,
        "target_weight_lb": None,
    }


def test_the_floor_shows_in_the_response(alice_client):
    response = alice_client.put(
        URL,
        full_body(
            date_of_birth=years_ago(60).isoformat(),
            height_cm=150,
            weight_kg=45,
            target_weight_kg=40,
            activity_level="sedentary",
            weekly_pace_kg=1.0,
        ),
    )

    assert response.json()["targets"] == {
        "bmr_kcal": 927,
        "tdee_kcal": 1112,
        "calorie_target_kcal": 1200,
        "protein_g": 72,
        "carbs_g": 145,
        "fat_g": 37,
        "floor_applied": True,
    }


def test_unspecified_sex_gets_targets_from_the_averaged_formula(alice_client):
    response = alice_client.put(
        URL,
        {
            "date_of_birth": years_ago(40).isoformat(),
            "sex": "unspecified",
            "height_cm": 170,
            "weight_kg": 70,
            "activity_level": "moderate",
        },
    )

    # 700 + 1062.5 - 200 - 78 = 1484.5; x 1.55 = 2300.975
    targets = response.json()["targets"]
    assert (targets["bmr_kcal"], targets["tdee_kcal"], targets["calorie_target_kcal"]) == (
        1485,
        2301,
        2301,
    )


# -- refused input: 400 naming the field, nothing written --------------------------------------

TOO_LONG = "x" * 51

REFUSED = [
    ({"height_cm": 300}, "height_cm", "max_value"),
    ({"height_cm": 49.9}, "height_cm", "min_value"),
    ({"height_cm": "tall"}, "height_cm", "invalid"),
    ({"height_cm": "170"}, "height_cm", "invalid"),  # a number, not a string
    ({"height_cm": True}, "height_cm", "invalid"),
    ({"height_cm": 1e300}, "height_cm", "max_digits"),
    ({"weight_kg": 12345678}, "weight_kg", "max_digits"),
    ({"weight_kg": 2}, "weight_kg", "min_value"),
    ({"weight_kg": 400.01}, "weight_kg", "max_value"),
    ({"target_weight_kg": 19}, "target_weight_kg", "min_value"),
    ({"weekly_pace_kg": 1.5}, "weekly_pace_kg", "max_value"),
    ({"weekly_pace_kg": -0.1}, "weekly_pace_kg", "min_value"),
    ({"date_of_birth": "future"}, "date_of_birth", "date_in_future"),
    ({"date_of_birth": "age 12"}, "date_of_birth", "age_out_of_range"),
    ({"date_of_birth": "age 121"}, "date_of_birth", "age_out_of_range"),
    ({"date_of_birth": "1990-02-30"}, "date_of_birth", "invalid"),
    ({"sex": "robot"}, "sex", "invalid_choice"),
    ({"activity_level": "couch"}, "activity_level", "invalid_choice"),
    ({"activity_level": None}, "activity_level", "null"),
    ({"goal": "bulk"}, "goal", "invalid_choice"),
    ({"diet_type": "carnivore"}, "diet_type", "invalid_choice"),
    ({"allergies": ["milk", "gluten"]}, "allergies", "invalid_choice"),
    ({"allergies": "milk"}, "allergies", "not_a_list"),
    ({"liked_cuisines": ["martian"]}, "liked_cuisines", "invalid_choice"),
    ({"excluded_foods": ["ok"] * 31}, "excluded_foods", "max_length"),
    ({"excluded_foods": [TOO_LONG]}, "excluded_foods", "max_length"),
    ({"excluded_foods": [" "]}, "excluded_foods", "blank"),
    ({"excluded_foods": [None]}, "excluded_foods", "null"),
    ({"excluded_foods": [5]}, "excluded_foods", "invalid"),
    ({"weight": 70}, "non_field_errors", "unknown_field"),
    ({"height_in": 69}, "non_field_errors", "unknown_field"),
    # the goal, checked on the resulting profile
    ({"goal": "lose", "weekly_pace_kg": None}, "weekly_pace_kg", "required_for_goal"),
    ({"goal": "lose", "weekly_pace_kg": 0.05}, "weekly_pace_kg", "out_of_range_for_goal"),
    ({"goal": "gain", "weekly_pace_kg": 0.75}, "weekly_pace_kg", "out_of_range_for_goal"),
    ({"goal": "maintain", "weekly_pace_kg": 0.2}, "weekly_pace_kg", "not_allowed_for_goal"),
    (
        {"goal": "lose", "weekly_pace_kg": 0.5, "weight_kg": 80, "target_weight_kg": 85},
        "target_weight_kg",
        "inconsistent_with_goal",
    ),
    (
        {"goal": "lose", "weekly_pace_kg": 0.5, "weight_kg": 80, "target_weight_kg": 80},
        "target_weight_kg",
        "inconsistent_with_goal",
    ),
    (
        {"goal": "gain", "weekly_pace_kg": 0.25, "weight_kg": 80, "target_weight_kg": 75},
        "target_weight_kg",
        "inconsistent_with_goal",
    ),
    ({"goal": "maintain", "target_weight_kg": 75}, "target_weight_kg", "not_allowed_for_goal"),
]


def resolve(body):
    """Dates relative to today, spelled in REFUSED as "future", "age 12", ..."""
    dob = body.get("date_of_birth")
    relative = {
        "future": lambda: years_ago(0, days=-1),
        "age 12": lambda: years_ago(13, days=-1),
        "age 121": lambda: years_ago(121),
    }
    if dob in relative:
        return {**body, "date_of_birth": relative[dob]().isoformat()}
    return body


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize("existing", [False, True], ids=["no-profile-yet", "existing-profile"])
@pytest.mark.parametrize(
    ("body", "attr", "code"),
    REFUSED,
    ids=[f"{i}-{attr}-{code}" for i, (_, attr, code) in enumerate(REFUSED)],
)
def test_out_of_range_input_is_a_400_naming_the_field_and_nothing_changes(
    alice_client, alice, method, existing, body, attr, code
):
    if existing:
        ProfileFactory(user=alice)
    before = snapshot()

    response = getattr(alice_client, method)(URL, resolve(body))

    assert response.status_code == 400, response.json()
    envelope = response.json()
    assert envelope["code"] == "invalid_input"
    assert (attr, code) in {(e["attr"], e["code"]) for e in envelope["errors"]}
    assert snapshot() == before


def test_a_target_weight_is_accepted_without_a_current_weight_and_checked_once_it_comes(
    alice_client,
):
    first = alice_client.patch(URL, {"goal": "lose", "weekly_pace_kg": 0.5, "target_weight_kg": 70})
    refused = alice_client.patch(URL, {"weight_kg": 65})
    accepted = alice_client.patch(URL, {"weight_kg": 75})

    assert first.status_code == 200
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["attr"] == "target_weight_kg"
    assert accepted.status_code == 200


def test_the_boundaries_themselves_are_accepted(alice_client):
    for body in (
        {"height_cm": 50, "weight_kg": 20, "date_of_birth": years_ago(120).isoformat()},
        {"height_cm": 272, "weight_kg": 400, "date_of_birth": years_ago(13).isoformat()},
        {"goal": "lose", "weight_kg": 80, "weekly_pace_kg": 1.0, "target_weight_kg": 79.99},
        {"goal": "lose", "weight_kg": 80, "weekly_pace_kg": 0.1},
        {"goal": "gain", "weight_kg": 80, "weekly_pace_kg": 0.5, "target_weight_kg": 80.01},
    ):
        response = alice_client.put(URL, body)
        assert response.status_code == 200, (body, response.json())


# -- who may do what -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_anonymous_callers_get_a_401_and_nothing_is_written(api_client, method):
    response = getattr(api_client, method)(URL, {"height_cm": 170})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not Profile.objects.exists()


def test_a_user_only_ever_reaches_their_own_profile(alice_client, api_client, alice, bob):
    alice_client.put(URL, full_body())
    alices_row = snapshot()
    bob_client = api_client.as_user(bob)

    read = bob_client.get(URL)
    put = bob_client.put(URL, {"height_cm": 190, "sex": "male"})
    patch = bob_client.patch(URL, {"weight_kg": 90})

    assert read.json()["sex"] is None
    assert put.json()["height_cm"] == 190.0
    assert patch.json()["weight_kg"] == 90.0
    assert [row for row in snapshot() if row["user_id"] == alice.pk] == alices_row
    assert Profile.objects.get(user=bob).height_cm == Decimal("190.0")


# -- cost ------------------------------------------------------------------------------------------


def test_writes_cost_a_fixed_number_of_queries(alice_client):
    counts = []
    for method, body in (("put", full_body()), ("put", full_body()), ("patch", {"weight_kg": 69})):
        with QueryCounter() as queries:
            assert getattr(alice_client, method)(URL, body).status_code == 200
        counts.append(queries.count)

    # authentication; the write's transaction (a savepoint inside the test's own): create if
    # missing, lock, update; then the answer, read like a GET
    assert counts == [7, 7, 7]
