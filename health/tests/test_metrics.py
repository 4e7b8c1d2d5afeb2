from datetime import UTC, date, datetime, timedelta

import pytest

from core.testing import QueryCounter
from health.models import DailySummary
from health.tests.payloads import PHONE, WATCH, batch, quantity, sleep

pytestmark = pytest.mark.django_db
URL = "/api/health/metrics"
SYNC = "/api/health/sync/apple-health"


def sync(client, **parts):
    response = client.post(SYNC, batch(**parts), format="json")
    assert response.status_code == 200, response.json()


def steps(count, start, minutes, origin=WATCH):
    return quantity(
        "HKQuantityTypeIdentifierStepCount",
        count,
        "count",
        start=start,
        seconds=minutes * 60,
        origin=origin,
    )


def at(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def report(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.json()
    return {item["metric"]: item for item in response.json()["metrics"]}


def test_daily_steps_sum_per_local_day(alice_client):
    sync(
        alice_client,
        quantity_samples=[
            steps(1000, at(18, 9), 10),
            steps(500, at(18, 23, 30), 10),
            steps(700, at(19, 7), 10),
        ],
    )

    metrics = report(alice_client, metrics="steps", start="2026-11-18", end="2026-11-19")

    assert [b["value"] for b in metrics["steps"]["buckets"]] == [1500.0, 700.0]
    assert metrics["steps"]["value"] == 2200.0


def test_days_follow_the_users_time_zone(alice_client, alice):
    from profiles.models import UserSettings

    sync(alice_client, quantity_samples=[steps(500, at(18, 23, 30), 10)])
    UserSettings.objects.update_or_create(user=alice, defaults={"time_zone": "Europe/Paris"})

    metrics = report(alice_client, metrics="steps", start="2026-11-18", end="2026-11-19")

    # 23:30 UTC is 00:30 the next day in Paris.
    assert [b["value"] for b in metrics["steps"]["buckets"]] == [None, 500.0]
    assert set(DailySummary.objects.values_list("time_zone", flat=True)) == {"Europe/Paris"}


def test_phone_and_watch_counting_the_same_walk_do_not_double_count(alice_client):
    sync(
        alice_client,
        quantity_samples=[
            steps(1000, at(18, 9), 10, origin=WATCH),
            steps(1100, at(18, 9), 10, origin=PHONE),  # the same walk, seen by the phone
            steps(300, at(18, 12), 5, origin=PHONE),  # only the phone was there
        ],
    )

    metrics = report(alice_client, metrics="steps", start="2026-11-18", end="2026-11-18")

    assert metrics["steps"]["value"] == 1300.0


def test_partly_overlapping_sources_count_each_minute_once(alice_client):
    sync(
        alice_client,
        quantity_samples=[
            steps(600, at(18, 9), 10, origin=WATCH),  # 9:00-9:10, 60 a minute
            steps(1000, at(18, 9, 5), 10, origin=PHONE),  # 9:05-9:15, 100 a minute
        ],
    )

    metrics = report(alice_client, metrics="steps", start="2026-11-18", end="2026-11-18")

    # watch for 9:00-9:10 (600), phone only for 9:10-9:15 (500)
    assert metrics["steps"]["value"] == 1100.0


def test_a_users_source_priority_wins_over_the_default(alice_client, alice):
    from health.models import Stream
    from health.services import health_summaries_rebuild

    sync(
        alice_client,
        quantity_samples=[
            steps(1000, at(18, 9), 10, origin=WATCH),
            steps(1100, at(18, 9), 10, origin=PHONE),
        ],
    )
    phone = Stream.objects.get(source__device_model="iPhone")
    phone.priority = 1
    phone.save()
    from zoneinfo import ZoneInfo

    health_summaries_rebuild(user=alice, zone=ZoneInfo("UTC"))

    assert (
        report(alice_client, metrics="steps", start="2026-11-18", end="2026-11-18")["steps"][
            "value"
        ]
        == 1100.0
    )


def test_heart_rate_gives_min_avg_max(alice_client):
    sync(
        alice_client,
        quantity_samples=[
            quantity("HKQuantityTypeIdentifierHeartRate", bpm, "count/min", start=at(18, 9, i))
            for i, bpm in enumerate([60, 90, 120])
        ],
    )

    hr = report(alice_client, metrics="heart_rate", start="2026-11-18", end="2026-11-18")[
        "heart_rate"
    ]

    assert hr["buckets"][0] | {} == {
        "start": "2026-11-18",
        "value": 90.0,
        "minimum": 60.0,
        "maximum": 120.0,
        "days_with_data": 1,
        "count": 3,
    }


def test_weight_is_the_latest_value(alice_client):
    sync(
        alice_client,
        quantity_samples=[
            quantity("HKQuantityTypeIdentifierBodyMass", 71, "kg", start=at(18, 7), origin=PHONE),
            quantity("HKQuantityTypeIdentifierBodyMass", 70.5, "kg", start=at(19, 7), origin=PHONE),
        ],
    )

    weight = report(
        alice_client, metrics="weight", period="week", start="2026-11-16", end="2026-11-22"
    )

    assert weight["weight"]["value"] == 70.5


def test_sleep_is_counted_on_the_morning_it_ends(alice_client):
    sync(
        alice_client,
        category_samples=[
            sleep(0, start=at(17, 22), minutes=30),  # in bed, not asleep
            sleep(3, start=at(17, 23), minutes=120),
            sleep(4, start=at(18, 1), minutes=60),
            sleep(2, start=at(18, 2), minutes=10),  # awake
            sleep(5, start=at(18, 2, 10), minutes=50),
        ],
    )

    night = report(alice_client, metrics="sleep", start="2026-11-18", end="2026-11-18")["sleep"]

    assert night["value"] == (120 + 60 + 50) * 60


def test_weekly_buckets_start_on_the_users_week_start(alice_client, alice):
    from profiles.models import UserSettings

    UserSettings.objects.update_or_create(user=alice, defaults={"week_start": "sunday"})
    sync(alice_client, quantity_samples=[steps(100, at(22, 9), 1), steps(50, at(23, 9), 1)])

    weeks = report(
        alice_client, metrics="steps", period="week", start="2026-11-15", end="2026-11-28"
    )

    # 2026-11-22 is a Sunday: both days fall in the week starting that Sunday
    assert [(b["start"], b["value"]) for b in weeks["steps"]["buckets"]] == [
        ("2026-11-15", None),
        ("2026-11-22", 150.0),
    ]


def test_trend_compares_with_the_span_before(alice_client):
    sync(
        alice_client,
        quantity_samples=[steps(1000, at(10, 9), 10), steps(1500, at(17, 9), 10)],
    )

    metrics = report(alice_client, metrics="steps", start="2026-11-14", end="2026-11-20")

    assert (metrics["steps"]["value"], metrics["steps"]["previous_value"]) == (1500.0, 1000.0)
    assert metrics["steps"]["trend_percent"] == 50.0


def test_goal_progress(alice_client):
    alice_client.put("/api/health/goals", {"daily_steps": 1000}, format="json")
    sync(alice_client, quantity_samples=[steps(1500, at(18, 9), 10), steps(500, at(19, 9), 10)])

    goal = report(alice_client, metrics="steps", start="2026-11-18", end="2026-11-19")["steps"][
        "goal"
    ]

    assert goal == {"target": 1000.0, "days_met": 1, "progress_percent": 100.0, "remaining": None}


def test_deleting_samples_updates_the_days(alice_client):
    sample = steps(1000, at(18, 9), 10)
    sync(alice_client, quantity_samples=[sample, steps(200, at(18, 10), 10)])
    sync(alice_client, deleted=[sample["uuid"]])

    assert (
        report(alice_client, metrics="steps", start="2026-11-18", end="2026-11-18")["steps"][
            "value"
        ]
        == 200.0
    )


def test_the_query_count_is_fixed(alice_client):
    counts = []
    for days in (1, 60):
        sync(
            alice_client,
            quantity_samples=[steps(10, at(1, 9) + timedelta(days=d), 1) for d in range(days)],
        )
        with QueryCounter() as queries:
            report(alice_client, period="day", start="2026-01-01", end="2026-12-31")
        counts.append(queries.count)

    # auth, settings, zone check, summaries, goals
    assert counts == [5, 5]


@pytest.mark.parametrize(
    ("params", "attr"),
    [
        ({"metrics": "steps,mood"}, "metrics"),
        ({"period": "year"}, "period"),
        ({"start": "2026-13-01"}, "start"),
        ({"start": "2026-11-20", "end": "2026-11-01"}, "start"),
        ({"start": "2024-01-01", "end": "2026-01-01"}, "start"),
        ({"what": "ever"}, "non_field_errors"),
    ],
)
def test_bad_queries_are_refused(alice_client, params, attr):
    response = alice_client.get(URL, params)

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == attr


def test_defaults_cover_the_last_seven_days_of_the_standard_metrics(alice_client):
    response = alice_client.get(URL)

    body = response.json()
    assert body["period"] == "day"
    assert date.fromisoformat(body["end"]) - date.fromisoformat(body["start"]) == timedelta(days=6)
    assert [m["metric"] for m in body["metrics"]][:3] == ["steps", "active_energy", "distance"]


def test_anonymous_is_refused(api_client):
    assert api_client.get(URL).status_code == 401


def test_sources_are_listed_per_metric_in_priority_order(alice_client):
    sync(
        alice_client,
        quantity_samples=[steps(10, at(18, 9), 1, origin=PHONE), steps(10, at(18, 10), 1)],
    )

    body = alice_client.get("/api/health/sources").json()

    assert [(m["metric"], [s["device_name"] for s in m["sources"]]) for m in body["metrics"]] == [
        ("steps", ["Apple Watch", "iPhone"])
    ]


def test_setting_a_priority_recomputes_the_days(alice_client):
    sync(
        alice_client,
        quantity_samples=[steps(1000, at(18, 9), 10), steps(1100, at(18, 9), 10, origin=PHONE)],
    )
    sources = alice_client.get("/api/health/sources").json()["metrics"][0]["sources"]
    phone = next(s["id"] for s in sources if s["device_name"] == "iPhone")

    response = alice_client.put(
        "/api/health/sources/priority", {"metric": "steps", "source_ids": [phone]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["metrics"][0]["sources"][0]["id"] == phone
    assert (
        report(alice_client, metrics="steps", start="2026-11-18", end="2026-11-18")["steps"][
            "value"
        ]
        == 1100.0
    )


def test_another_users_source_id_is_a_404_and_changes_nothing(alice_client, bob):
    from core.testing import SchemaValidatingClient
    from health.models import Stream

    sync(alice_client, quantity_samples=[steps(10, at(18, 9), 1)])
    alice_source = alice_client.get("/api/health/sources").json()["metrics"][0]["sources"][0]["id"]
    bob_client = SchemaValidatingClient().as_user(bob)
    sync(bob_client, quantity_samples=[steps(10, at(18, 9), 1)])

    response = bob_client.put(
        "/api/health/sources/priority",
        {"metric": "steps", "source_ids": [alice_source]},
        format="json",
    )

    assert response.status_code == 404
    assert not Stream.objects.filter(priority__isnull=False).exists()
    anonymous = SchemaValidatingClient().put(
        "/api/health/sources/priority",
        {"metric": "steps", "source_ids": [alice_source]},
        format="json",
    )
    assert anonymous.status_code == 401
