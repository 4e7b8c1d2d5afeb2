from datetime import timedelta

import pytest

from core.testing import QueryCounter, SchemaValidatingClient
from health.catalog import Metric
from health.models import Goals, Sample
from health.tests.payloads import T0, batch, heart_rates, iso

pytestmark = pytest.mark.django_db
DATA = "/api/health/data"


def manual(client, *samples):
    return client.post(DATA, {"samples": list(samples)}, format="json")


def entry(metric, value, unit, **extra):
    return {"metric": metric, "value": value, "unit": unit, "start": iso(T0), **extra}


@pytest.mark.parametrize(
    ("metric", "value", "unit", "stored"),
    [
        ("weight", 154.32, "lb", 70.0),
        ("weight", 11, "st", 69.853),
        ("weight", 70, "kg", 70.0),
        ("active_energy", 418.4, "kJ", 100.0),
        ("active_energy", 100, "kcal", 100.0),
        ("distance", 1, "mi", 1609.344),
        ("distance", 5, "km", 5000.0),
        ("water", 0.5, "L", 500.0),
        ("body_fat", 21.5, "%", 21.5),
    ],
)
def test_manual_entries_are_converted_to_canonical_units(alice_client, metric, value, unit, stored):
    response = manual(alice_client, entry(metric, value, unit))

    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 1
    assert Sample.objects.get().value == pytest.approx(stored, abs=0.01)
    assert response.json()["samples"][0]["source"]["platform"] == "manual"


def test_many_entries_in_one_request(alice_client):
    response = manual(
        alice_client,
        entry("weight", 70, "kg"),
        entry("water", 250, "mL"),
        entry("sleep", 1, "h", kind="deep", end=iso(T0 + timedelta(hours=1))),
    )

    assert response.status_code == 201
    assert Sample.objects.count() == 3


@pytest.mark.parametrize(
    ("bad", "attr"),
    [
        (entry("weight", 2, "kg"), "samples.1.value"),
        (entry("weight", 70, "kcal"), "samples.1.unit"),
        (entry("steps", 10, "count", end=iso(T0 - timedelta(hours=1))), "samples.1.end"),
        (entry("sleep", 1, "h"), "samples.1.kind"),
        ({**entry("weight", 70, "kg"), "start": "2026-11-20T08:00:00"}, "samples.1.start"),
        ({**entry("weight", 70, "kg"), "start": "2526-11-20T08:00:00+00:00"}, "samples.1.start"),
        (entry("mood", 3, "count"), "samples.1.metric"),
        (entry("weight", -70, "kg"), "samples.1.value"),
    ],
)
def test_a_bad_entry_refuses_all_and_names_it(alice_client, bad, attr):
    response = manual(alice_client, entry("weight", 70, "kg"), bad)

    assert response.status_code == 400, response.json()
    assert attr in {error["attr"] for error in response.json()["errors"]}
    assert Sample.objects.count() == 0


def test_the_list_is_newest_first_filtered_and_cursor_paginated(alice_client):
    alice_client.post(
        "/api/health/sync/apple-health", batch(quantity_samples=heart_rates(30)), format="json"
    )
    manual(alice_client, entry("weight", 70, "kg"))

    first = alice_client.get(DATA, {"metric": "heart_rate", "limit": 10})
    body = first.json()
    second = alice_client.get(body["next"])

    assert first.status_code == 200
    assert [item["value"] for item in body["results"]] == [float(60 + i) for i in range(29, 19, -1)]
    assert {item["unit"] for item in body["results"]} == {"bpm"}
    assert body["results"][0]["source"]["device_name"] == "Apple Watch"
    assert [item["value"] for item in second.json()["results"]] == [
        float(60 + i) for i in range(19, 9, -1)
    ]


def test_the_time_range_is_start_inclusive_end_exclusive(alice_client):
    alice_client.post(
        "/api/health/sync/apple-health", batch(quantity_samples=heart_rates(10)), format="json"
    )
    response = alice_client.get(
        DATA,
        {
            "metric": "heart_rate",
            "start": iso(T0 + timedelta(minutes=2)),
            "end": iso(T0 + timedelta(minutes=5)),
        },
    )

    assert [item["value"] for item in response.json()["results"]] == [64.0, 63.0, 62.0]


@pytest.mark.parametrize(
    ("params", "attr"),
    [
        ({"metric": "mood"}, "metric"),
        ({"start": "yesterday"}, "start"),
        ({"start": iso(T0), "end": iso(T0)}, "end"),
        ({"limit": 5000}, "limit"),
        ({"sort": "value"}, "non_field_errors"),
    ],
)
def test_bad_filters_are_refused(alice_client, params, attr):
    response = alice_client.get(DATA, params)

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == attr


def test_a_user_sees_only_their_own_samples(alice_client, bob):
    manual(alice_client, entry("weight", 70, "kg"))
    bob_client = SchemaValidatingClient().as_user(bob)

    assert bob_client.get(DATA).json()["results"] == []


def test_listing_costs_a_fixed_number_of_queries(alice_client):
    counts = []
    for size in (5, 200):
        alice_client.post(
            "/api/health/sync/apple-health",
            batch(quantity_samples=heart_rates(size, start=T0 + timedelta(days=size))),
            format="json",
        )
        with QueryCounter() as queries:
            alice_client.get(DATA, {"limit": 100})
        counts.append(queries.count)

    assert counts == [2, 2]  # authentication, one page (samples joined with stream and source)


def test_anonymous_callers_are_refused(api_client):
    assert api_client.get(DATA).status_code == 401
    assert manual(api_client, entry("weight", 70, "kg")).status_code == 401
    assert api_client.get("/api/health/goals").status_code == 401


def test_goals_default_to_empty_without_writing(alice_client):
    response = alice_client.get("/api/health/goals")

    assert response.json() == {
        "daily_steps": None,
        "daily_active_energy_kcal": None,
        "sleep_minutes": None,
        "daily_water_ml": None,
        "target_weight_kg": None,
        "updated_at": None,
    }
    assert not Goals.objects.exists()


def test_goals_are_replaced_by_put(alice_client, alice):
    alice_client.put(
        "/api/health/goals", {"daily_steps": 8000, "sleep_minutes": 450}, format="json"
    )
    response = alice_client.put(
        "/api/health/goals", {"daily_steps": 10000, "target_weight_kg": "68.5"}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["daily_steps"], body["sleep_minutes"], body["target_weight_kg"]) == (
        10000,
        None,
        68.5,
    )
    assert Goals.objects.get(user=alice).daily_steps == 10000


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("daily_steps", 500_000),
        ("daily_steps", -5),
        ("sleep_minutes", 20),
        ("daily_water_ml", 50_000),
        ("target_weight_kg", 2),
        ("daily_steps", "many"),
    ],
)
def test_goals_out_of_range_are_refused(alice_client, field, value):
    response = alice_client.put("/api/health/goals", {field: value}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == field
    assert not Goals.objects.exists()


def test_metric_names_in_the_api_match_the_catalog():
    from health.api.serializers import METRIC_NAMES

    assert [m.name.lower() for m in Metric] == METRIC_NAMES


def test_goals_and_sources_cost_a_fixed_number_of_queries(alice_client):
    alice_client.put("/api/health/goals", {"daily_steps": 8000}, format="json")
    alice_client.post(
        "/api/health/sync/apple-health", batch(quantity_samples=heart_rates(5)), format="json"
    )
    with QueryCounter() as goals:
        alice_client.get("/api/health/goals")
    with QueryCounter() as sources:
        alice_client.get("/api/health/sources")

    assert goals.count == 2  # authentication, goals
    assert sources.count == 2  # authentication, streams joined with their sources
