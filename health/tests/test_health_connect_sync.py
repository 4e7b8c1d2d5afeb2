import json
from datetime import timedelta

import pytest

from core.testing import QueryCounter, SchemaValidatingClient
from health.catalog import SLEEP_STAGES, Metric
from health.models import DailySummary, Platform, Sample, Source, Stream, SyncAnchor
from health.services.samples import external_hash
from health.tests.payloads_health_connect import (
    FIT,
    PIXEL_PHONE,
    T0,
    batch,
    body_fat,
    distance,
    energy,
    exercise,
    heart_rate,
    heart_rates,
    hrv,
    hydration,
    instant,
    iso,
    metadata,
    oxygen,
    resting_heart_rate,
    sleep,
    steps,
    weight,
)

pytestmark = pytest.mark.django_db
URL = "/api/health/sync/google-fit"


def sync(client, body):
    return client.post(URL, body, format="json")


def stored(metric):
    return list(
        Sample.objects.filter(stream__metric=metric)
        .order_by("start")
        .values_list("value", flat=True)
    )


def counts(response):
    body = response.json()
    return {key: body[key] for key in ("inserted", "updated", "unchanged", "deleted")}


def test_every_record_type_is_stored_in_canonical_units(alice_client, alice):
    night = T0 - timedelta(hours=8)
    body = batch(
        records=[
            steps(1200),
            heart_rate([60, 61, 62]),
            resting_heart_rate(52),
            hrv(45.5),
            energy(41.84, "kilojoules"),
            distance(1.5, "kilometers"),
            weight(154.32, "pounds"),
            body_fat(21.5),
            oxygen(97),
            hydration(0.25, "liters"),
            sleep(start=night, minutes=90),
            exercise(minutes=30, exercise_type=56, kcal=250),
        ]
    )

    response = sync(alice_client, body)

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "inserted": 14,
        "updated": 0,
        "unchanged": 0,
        "deleted": 0,
        "unknown_types": {},
        "changes_token": "token-1",
    }
    assert stored(Metric.STEPS) == [1200.0]
    assert stored(Metric.HEART_RATE) == [60.0, 61.0, 62.0]
    assert stored(Metric.RESTING_HEART_RATE) == [52.0]
    assert stored(Metric.HRV) == [45.5]
    assert stored(Metric.ACTIVE_ENERGY) == [pytest.approx(10.0, abs=0.001)]
    assert stored(Metric.DISTANCE) == [1500.0]
    assert stored(Metric.WEIGHT) == [pytest.approx(70.0, abs=0.01)]
    assert stored(Metric.BODY_FAT) == [21.5]
    assert stored(Metric.BLOOD_OXYGEN) == [97.0]
    assert stored(Metric.WATER) == [250.0]
    sleep_row = Sample.objects.get(stream__metric=Metric.SLEEP)
    assert (sleep_row.start, sleep_row.duration_s, sleep_row.value, sleep_row.kind) == (
        night,
        5400,
        5400.0,
        SLEEP_STAGES["asleep"],
    )
    workout = Sample.objects.get(stream__metric=Metric.WORKOUT)
    assert (workout.value, workout.kind, workout.duration_s) == (250.0, 56, 1800)
    assert Sample.objects.get(stream__metric=Metric.STEPS).duration_s == 600


@pytest.mark.parametrize(
    ("record", "metric", "expected"),
    [
        (energy(10_000, "calories"), Metric.ACTIVE_ENERGY, 10.0),
        (energy(10, "kilocalories"), Metric.ACTIVE_ENERGY, 10.0),
        (energy(41_840, "joules"), Metric.ACTIVE_ENERGY, 10.0),
        (distance(1, "miles"), Metric.DISTANCE, 1609.344),
        (distance(1000, "feet"), Metric.DISTANCE, 304.8),
        (distance(800, "meters"), Metric.DISTANCE, 800.0),
        (weight(70_000, "grams"), Metric.WEIGHT, 70.0),
        (weight(70, "kilograms"), Metric.WEIGHT, 70.0),
        (hydration(500, "milliliters"), Metric.WATER, 500.0),
        (hydration(8, "fluid_ounces_us"), Metric.WATER, 236.588236),
    ],
)
def test_every_health_connect_unit_converts(alice_client, record, metric, expected):
    assert sync(alice_client, batch(records=[record])).status_code == 200

    assert stored(metric) == [pytest.approx(expected, rel=1e-6)]


def test_a_heart_rate_series_becomes_one_sample_per_measurement(alice_client):
    record = heart_rate([70, 72, 75, 71], every_seconds=5)

    response = sync(alice_client, batch(records=[record]))

    assert response.json()["inserted"] == 4
    rows = list(Sample.objects.order_by("start").values_list("start", "value", "external_hash"))
    assert [(start - T0).total_seconds() for start, _, _ in rows] == [0, 5, 10, 15]
    assert [value for _, value, _ in rows] == [70.0, 72.0, 75.0, 71.0]
    assert {hash_ for _, _, hash_ in rows} == {external_hash(record["metadata"]["id"])}


def test_sleep_stages_become_samples_in_our_stages(alice_client):
    night = T0 - timedelta(hours=8)
    record = sleep(
        start=night,
        minutes=480,
        stages=[
            (0, 10, 7),  # awake in bed
            (10, 60, 4),  # light -> core
            (70, 90, 5),  # deep
            (160, 30, 6),  # REM
            (190, 5, 1),  # awake
            (195, 5, 3),  # out of bed
            (200, 200, 2),  # sleeping, stage unknown
            (400, 80, 0),  # unknown
        ],
    )

    response = sync(alice_client, batch(records=[record]))

    assert response.json()["inserted"] == 8
    rows = Sample.objects.order_by("start").values_list("kind", "duration_s", "value")
    assert [(kind, seconds) for kind, seconds, _ in rows] == [
        (SLEEP_STAGES["awake"], 600),
        (SLEEP_STAGES["core"], 3600),
        (SLEEP_STAGES["deep"], 5400),
        (SLEEP_STAGES["rem"], 1800),
        (SLEEP_STAGES["awake"], 300),
        (SLEEP_STAGES["awake"], 300),
        (SLEEP_STAGES["asleep"], 12000),
        (SLEEP_STAGES["in_bed"], 4800),
    ]
    assert all(value == seconds for _, seconds, value in rows)


def test_a_retried_batch_writes_nothing_twice(alice_client):
    body = batch(records=[*heart_rates(20), heart_rate([80, 81, 82]), sleep(start=T0, minutes=60)])

    first = sync(alice_client, body)
    again = sync(alice_client, body)

    assert counts(first) == {"inserted": 24, "updated": 0, "unchanged": 0, "deleted": 0}
    assert counts(again) == {"inserted": 0, "updated": 0, "unchanged": 24, "deleted": 0}
    assert Sample.objects.count() == 24


def test_an_updated_series_replaces_all_its_samples(alice_client):
    record = heart_rate([70, 72, 75])
    sync(alice_client, batch(records=[record]))
    record_id = record["metadata"]["id"]
    updated = heart_rate(
        [90, 91], start=T0 + timedelta(minutes=30), metadata=metadata(record_id=record_id)
    )

    response = sync(alice_client, batch(records=[updated, steps(100)]))

    assert counts(response) == {"inserted": 1, "updated": 2, "unchanged": 0, "deleted": 0}
    rows = Sample.objects.filter(stream__metric=Metric.HEART_RATE).order_by("start")
    assert [(row.start, row.value) for row in rows] == [
        (T0 + timedelta(minutes=30), 90.0),
        (T0 + timedelta(minutes=31), 91.0),
    ]


def test_a_series_that_grows_keeps_its_samples_and_counts_as_updated(alice_client):
    record_id = "5f0b1c2d-0000-4000-8000-000000000001"
    sync(alice_client, batch(records=[heart_rate([70, 72], record_id=record_id)]))

    response = sync(alice_client, batch(records=[heart_rate([70, 72, 74], record_id=record_id)]))

    assert counts(response) == {"inserted": 0, "updated": 3, "unchanged": 0, "deleted": 0}
    assert stored(Metric.HEART_RATE) == [70.0, 72.0, 74.0]


def test_an_updated_value_replaces_the_stored_one(alice_client):
    record_id = "5f0b1c2d-0000-4000-8000-000000000002"
    sync(alice_client, batch(records=[weight(71.2, record_id=record_id)]))

    response = sync(alice_client, batch(records=[weight(70.8, record_id=record_id.upper())]))

    assert counts(response) == {"inserted": 0, "updated": 1, "unchanged": 0, "deleted": 0}
    assert stored(Metric.WEIGHT) == [pytest.approx(70.8, abs=1e-4)]


def test_an_update_from_another_device_leaves_nothing_behind(alice_client, alice):
    record_id = "5f0b1c2d-0000-4000-8000-000000000003"
    sync(alice_client, batch(records=[steps(500, record_id=record_id)]))

    sync(alice_client, batch(records=[steps(600, record_id=record_id, device=PIXEL_PHONE)]))

    assert stored(Metric.STEPS) == [600.0]
    assert Sample.objects.get().stream.source.device_model == "Pixel 9"


def test_daily_totals_follow_an_update_that_moves_a_record_to_another_day(alice_client, alice):
    record_id = "5f0b1c2d-0000-4000-8000-000000000006"
    sync(alice_client, batch(records=[steps(500, record_id=record_id)]))

    moved = steps(600, record_id=record_id, start=T0 + timedelta(days=1))
    sync(alice_client, batch(records=[moved]))

    days = DailySummary.objects.filter(user=alice, metric=Metric.STEPS).order_by("day")
    assert [(day.day, day.total) for day in days if day.total] == [
        ((T0 + timedelta(days=1)).date(), 600.0)
    ]


def test_an_updated_sleep_session_loses_its_old_stages(alice_client):
    record_id = "5f0b1c2d-0000-4000-8000-000000000004"
    night = T0 - timedelta(hours=8)
    first = sleep(start=night, minutes=120, stages=[(0, 60, 4), (60, 60, 5)], record_id=record_id)
    sync(alice_client, batch(records=[first]))

    response = sync(
        alice_client, batch(records=[sleep(start=night, minutes=120, record_id=record_id)])
    )

    assert counts(response) == {"inserted": 0, "updated": 1, "unchanged": 0, "deleted": 0}
    assert list(Sample.objects.values_list("kind", "duration_s")) == [
        (SLEEP_STAGES["asleep"], 7200)
    ]


def test_a_series_updated_to_no_samples_is_emptied(alice_client):
    record_id = "5f0b1c2d-0000-4000-8000-000000000005"
    sync(alice_client, batch(records=[heart_rate([70, 72], record_id=record_id)]))

    response = sync(alice_client, batch(records=[heart_rate([], record_id=record_id)]))

    assert response.status_code == 200
    assert counts(response) == {"inserted": 0, "updated": 0, "unchanged": 0, "deleted": 0}
    assert Sample.objects.count() == 0


def test_deleted_ids_remove_every_sample_of_the_record(alice_client):
    series = heart_rate([70, 72, 75])
    kept = steps(900)
    sleep_record = sleep(
        start=T0 - timedelta(hours=8), minutes=120, stages=[(0, 60, 4), (60, 60, 5)]
    )
    sync(alice_client, batch(records=[series, kept, sleep_record]))

    response = sync(
        alice_client,
        batch(
            deleted_ids=[
                series["metadata"]["id"].upper(),
                sleep_record["metadata"]["id"],
                "never-stored",
            ]
        ),
    )

    assert counts(response) == {"inserted": 0, "updated": 0, "unchanged": 0, "deleted": 5}
    assert list(Sample.objects.values_list("value", flat=True)) == [900.0]


def test_a_record_upserted_and_deleted_in_one_batch_ends_up_deleted(alice_client):
    record = steps(300)

    response = sync(alice_client, batch(records=[record], deleted_ids=[record["metadata"]["id"]]))

    assert response.json()["deleted"] == 1
    assert Sample.objects.count() == 0


def test_deletions_never_reach_another_users_samples(alice_client, bob):
    records = [heart_rate([70, 72]), steps(100)]
    sync(alice_client, batch(records=records))
    bob_client = SchemaValidatingClient().as_user(bob)

    response = sync(bob_client, batch(deleted_ids=[r["metadata"]["id"] for r in records]))

    assert response.json()["deleted"] == 0
    assert Sample.objects.count() == 3


def test_another_users_record_with_the_same_id_is_not_replaced(alice_client, bob):
    record = steps(100)
    sync(alice_client, batch(records=[record]))
    bob_client = SchemaValidatingClient().as_user(bob)

    response = sync(bob_client, batch(records=[{**record, "count": 200}]))

    assert counts(response)["inserted"] == 1
    assert sorted(stored(Metric.STEPS)) == [100.0, 200.0]


def test_unknown_record_types_are_counted_not_fatal(alice_client):
    body = batch(
        records=[
            steps(10),
            {"record_type": "BloodPressure", "systolic": {"value": 120, "unit": "mmHg"}},
            {"record_type": "BloodPressure", "metadata": {"id": "x"}},
            {"record_type": "Nutrition", "energy": {"value": 300, "unit": "kilocalories"}},
        ]
    )

    response = sync(alice_client, body)

    assert response.status_code == 200
    assert response.json()["inserted"] == 1
    assert response.json()["unknown_types"] == {"BloodPressure": 2, "Nutrition": 1}


def test_the_changes_token_is_stored_per_device_and_kept_when_absent(alice_client, alice):
    sync(alice_client, batch(records=[steps(1)], changes_token="first"))
    response = sync(alice_client, batch(records=[steps(2)], changes_token=""))

    assert response.json()["changes_token"] == "first"
    anchor = SyncAnchor.objects.get(user=alice)
    assert (anchor.platform, anchor.device_id, anchor.anchor) == (
        Platform.HEALTH_CONNECT,
        "pixel-9",
        "first",
    )


def test_the_source_is_the_writing_app_and_the_device(alice_client, alice):
    no_device = steps(5, metadata=metadata(origin="com.sec.android.app.shealth", device=None))
    sync(alice_client, batch(records=[steps(10), no_device]))

    sources = Source.objects.filter(user=alice).order_by("app_id")
    assert [(s.platform, s.app_id, s.device_name, s.device_model, s.is_watch) for s in sources] == [
        (Platform.HEALTH_CONNECT, FIT, "Google watch", "Pixel Watch 2", True),
        (Platform.HEALTH_CONNECT, "com.sec.android.app.shealth", "", "", False),
    ]


def test_a_time_without_offset_is_read_in_the_zone_offset(alice_client):
    record = steps(10, offset="+01:00")
    record["start_time"] = "2026-11-20T09:00:00"
    record["end_time"] = "2026-11-20T09:10:00"
    sync(alice_client, batch(records=[record]))

    row = Sample.objects.get()
    assert (row.start, row.duration_s) == (T0, 600)


def test_times_arrive_normalised_to_utc(alice_client):
    record = weight(70, offset="")
    record["time"] = "2026-11-20T03:00:00-05:00"
    sync(alice_client, batch(records=[record]))

    assert Sample.objects.get().start == T0


def test_query_count_does_not_grow_with_the_batch(alice_client):
    sync(alice_client, batch(records=heart_rates(1)))  # sources, streams, anchor exist
    sizes = []
    for size in (10, 1000):
        series = heart_rate([60 + i % 100 for i in range(size)], every_seconds=1)
        records = [*heart_rates(size), series]
        with QueryCounter() as queries:
            assert sync(alice_client, batch(records=records)).status_code == 200
        sizes.append(queries.count)

    assert sizes[0] == sizes[1]
    # auth, sources, streams, stale samples, insert, daily summaries, anchor, savepoints
    assert sizes[0] <= 22, sizes


def nothing_written():
    return (
        Sample.objects.count(),
        Stream.objects.count(),
        Source.objects.count(),
        SyncAnchor.objects.count(),
    ) == (0, 0, 0, 0)


def assert_refused(response, attr, *, status=400):
    assert response.status_code == status, response.content
    body = response.json()
    assert attr in {error["attr"] for error in body["errors"]}, body
    assert nothing_written()
    return body


def naive(moment):
    return moment.replace(tzinfo=None).isoformat()


@pytest.mark.parametrize(
    ("record", "attr"),
    [
        (energy(10, "kilograms"), "records.1.energy.unit"),
        (weight(70, "kilocalories"), "records.1.weight.unit"),
        (distance(5, "parsecs"), "records.1.distance.unit"),
        ({**steps(10), "start_time": naive(T0), "start_zone_offset": ""}, "records.1.start_time"),
        ({**weight(70), "time": naive(T0), "zone_offset": ""}, "records.1.time"),
        ({**steps(10), "end_time": iso(T0 - timedelta(minutes=1))}, "records.1.end_time"),
        (steps(10, start=T0.replace(year=1826)), "records.1.start_time"),
        (weight(70, time=T0.replace(year=2150)), "records.1.time"),
        (steps(-3), "records.1.count"),
        (steps(250_000), "records.1.count"),
        (weight(2, "kilograms"), "records.1.weight.value"),
        (body_fat(0.2), "records.1.percentage"),
        (oxygen(101), "records.1.percentage"),
        (resting_heart_rate(5), "records.1.beats_per_minute"),
        (hrv(0), "records.1.heart_rate_variability_millis"),
        (hydration(30, "liters"), "records.1.volume.value"),
        (heart_rate([70, 400]), "records.1.samples.1.beats_per_minute"),
        (exercise(kcal=-5), "records.1.total_energy_burned.value"),
        (exercise(exercise_type=-1), "records.1.exercise_type"),
        (sleep(start=T0, minutes=25 * 60), "records.1.end_time"),
        (sleep(start=T0, minutes=60, stages=[(0, 40, 4), (30, 30, 5)]), "records.1.stages.1"),
        (sleep(start=T0, minutes=60, stages=[(30, 40, 4)]), "records.1.stages.0"),
        (sleep(start=T0, minutes=60, stages=[(0, 30, 9)]), "records.1.stages.0.stage"),
        ({**steps(10), "start_zone_offset": "+25:00"}, "records.1.start_zone_offset"),
        ({**steps(10), "count": "many"}, "records.1.count"),
        ({**steps(10), "surprise": 1}, "records.1.surprise"),
        ({**steps(10), "metadata": {**metadata(), "surprise": 1}}, "records.1.metadata.surprise"),
        (
            {**steps(10), "metadata": {**metadata(), "last_modified_time": naive(T0)}},
            "records.1.metadata.last_modified_time",
        ),
        (
            {**steps(10), "metadata": {**metadata(), "data_origin": "fit"}},
            "records.1.metadata.data_origin",
        ),
        ({**steps(10), "metadata": {**metadata(), "id": ""}}, "records.1.metadata.id"),
        ({"count": 10}, "records.1"),
        ({**steps(10), "record_type": 7}, "records.1"),
    ],
)
def test_a_bad_record_refuses_the_whole_batch(alice_client, record, attr):
    assert_refused(sync(alice_client, batch(records=[steps(10), record])), attr)


def test_a_series_sample_without_offset_is_refused(alice_client):
    record = heart_rate([70, 71], offset="")
    record["samples"][1]["time"] = naive(T0)

    assert_refused(sync(alice_client, batch(records=[record])), "records.0.samples.1.time")


def test_two_series_samples_at_one_time_are_refused(alice_client):
    record = heart_rate([70, 71, 72])
    record["samples"][2]["time"] = record["samples"][0]["time"]

    assert_refused(sync(alice_client, batch(records=[record])), "records.0.samples.2.time")


def test_an_id_twice_in_one_batch_is_refused(alice_client):
    first = steps(10)
    second = energy(5, metadata=metadata(record_id=first["metadata"]["id"].upper()))

    assert_refused(sync(alice_client, batch(records=[first, second])), "records.1.metadata.id")


def test_every_problem_is_named(alice_client):
    record = {**steps(10), "end_time": iso(T0 - timedelta(minutes=1))}
    body = batch(records=[steps(-1), hydration(30, "liters"), weight(900), record])

    response = sync(alice_client, body)

    assert {error["attr"] for error in response.json()["errors"]} == {
        "records.0.count",
        "records.1.volume.value",
        "records.2.weight.value",
        "records.3.end_time",
    }
    assert nothing_written()


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({"surprise": 1}, "surprise"),
        ({"deleted_ids": ["has space"]}, "deleted_ids.0"),
        ({"records": {"record_type": "Steps"}}, "records"),
        ({"changes_token": 5}, "changes_token"),
    ],
)
def test_a_bad_batch_is_refused(alice_client, body, attr):
    assert_refused(sync(alice_client, body), attr)


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        ('{"records": [', "application/json", 400),
        ("[]", "application/json", 400),
        ("records=1", "application/x-www-form-urlencoded", 415),
        ("", "application/json", 400),
    ],
)
def test_malformed_bodies_are_refused(alice_client, raw, content_type, status):
    response = alice_client.post(URL, data=raw, content_type=content_type)

    assert response.status_code == status
    assert nothing_written()


def test_a_body_over_16_mb_is_refused_before_it_is_read(alice_client):
    huge = b'{"changes_token": "' + b"x" * (17 * 1024 * 1024) + b'"}'
    response = alice_client.post(URL, data=huge, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_anonymous_callers_are_refused(api_client):
    response = sync(api_client, batch(records=[steps(10)]))

    assert response.status_code == 401
    assert nothing_written()


def test_json_is_the_wire_format(alice_client):
    response = alice_client.post(
        URL,
        data=json.dumps(
            batch(records=[instant("Weight", weight={"value": 70, "unit": "kilograms"})])
        ),
        content_type="application/json",
    )

    assert response.status_code == 200
