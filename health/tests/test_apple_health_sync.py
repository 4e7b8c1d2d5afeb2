import json
from datetime import timedelta

import pytest

from core.testing import QueryCounter
from health.catalog import Metric
from health.models import Sample, Source, Stream, SyncAnchor
from health.tests.payloads import PHONE, T0, WATCH, batch, heart_rates, quantity, sleep, workout

pytestmark = pytest.mark.django_db
URL = "/api/health/sync/apple-health"


def sync(client, body):
    return client.post(URL, body, format="json")


def stored(metric):
    return list(
        Sample.objects.filter(stream__metric=metric)
        .order_by("start")
        .values_list("value", flat=True)
    )


def test_a_batch_is_stored_in_canonical_units(alice_client, alice):
    body = batch(
        quantity_samples=[
            *heart_rates(3),
            quantity("HKQuantityTypeIdentifierBodyMass", 154.32, "lb", origin=PHONE),
            quantity("HKQuantityTypeIdentifierActiveEnergyBurned", 41.84, "kJ", seconds=600),
            quantity("HKQuantityTypeIdentifierDistanceWalkingRunning", 1.5, "km", seconds=900),
            quantity("HKQuantityTypeIdentifierBodyFatPercentage", 0.215, "%", origin=PHONE),
            quantity("HKQuantityTypeIdentifierStepCount", 1200, "count", seconds=900),
        ],
        category_samples=[sleep(4, start=T0 - timedelta(hours=6), minutes=90)],
        workouts=[workout(kcal=250)],
    )

    response = sync(alice_client, body)

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "inserted": 10,
        "unchanged": 0,
        "deleted": 0,
        "unknown_types": {},
        "anchor": "YW5jaG9yLTE=",
    }
    assert stored(Metric.HEART_RATE) == [60.0, 61.0, 62.0]
    assert stored(Metric.WEIGHT) == [pytest.approx(70.0, abs=0.01)]
    assert stored(Metric.ACTIVE_ENERGY) == [pytest.approx(10.0, abs=0.001)]
    assert stored(Metric.DISTANCE) == [1500.0]
    assert stored(Metric.BODY_FAT) == [pytest.approx(21.5, abs=0.001)]
    sleep_row = Sample.objects.get(stream__metric=Metric.SLEEP)
    assert (sleep_row.kind, sleep_row.duration_s, sleep_row.value) == (4, 5400, 5400.0)
    assert Sample.objects.get(stream__metric=Metric.WORKOUT).kind == 37
    assert Source.objects.filter(user=alice).count() == 2
    assert SyncAnchor.objects.get(user=alice).anchor == "YW5jaG9yLTE="


def test_a_retried_batch_writes_nothing_twice(alice_client):
    body = batch(quantity_samples=heart_rates(50))
    first = sync(alice_client, body)
    again = sync(alice_client, body)

    assert first.json()["inserted"] == 50
    assert again.json()["inserted"] == 0
    assert again.json()["unchanged"] == 50
    assert Sample.objects.count() == 50


def test_deleted_uuids_are_removed(alice_client):
    samples = heart_rates(3)
    sync(alice_client, batch(quantity_samples=samples))

    response = sync(alice_client, batch(deleted=[samples[0]["uuid"], samples[2]["uuid"].upper()]))

    assert response.json()["deleted"] == 2
    assert stored(Metric.HEART_RATE) == [61.0]


def test_deletions_never_reach_another_users_samples(alice_client, bob):
    from core.testing import SchemaValidatingClient

    samples = heart_rates(2)
    sync(alice_client, batch(quantity_samples=samples))
    bob_client = SchemaValidatingClient().as_user(bob)

    response = sync(bob_client, batch(deleted=[s["uuid"] for s in samples]))

    assert response.json()["deleted"] == 0
    assert Sample.objects.count() == 2


def test_unknown_types_are_counted_not_fatal(alice_client):
    body = batch(
        quantity_samples=[
            *heart_rates(1),
            quantity("HKQuantityTypeIdentifierBasalBodyTemperature", 36.6, "degC"),
            quantity("HKQuantityTypeIdentifierBasalBodyTemperature", 36.7, "degC"),
        ],
        category_samples=[
            {**sleep(1, start=T0, minutes=5), "type": "HKCategoryTypeIdentifierMindfulSession"}
        ],
    )

    response = sync(alice_client, body)

    assert response.status_code == 200
    assert response.json()["inserted"] == 1
    assert response.json()["unknown_types"] == {
        "HKQuantityTypeIdentifierBasalBodyTemperature": 2,
        "HKCategoryTypeIdentifierMindfulSession": 1,
    }


def test_the_anchor_is_kept_when_a_batch_sends_none(alice_client):
    sync(alice_client, batch(quantity_samples=heart_rates(1), anchor="first"))
    response = sync(alice_client, batch(quantity_samples=heart_rates(1), anchor=""))

    assert response.json()["anchor"] == "first"


def test_watch_and_phone_become_separate_streams(alice_client, alice):
    sync(alice_client, batch(quantity_samples=[*heart_rates(2), *heart_rates(2, origin=PHONE)]))

    assert Stream.objects.filter(user=alice, metric=Metric.HEART_RATE).count() == 2


def test_query_count_does_not_grow_with_the_batch(alice_client):
    sync(alice_client, batch(quantity_samples=heart_rates(1)))  # sources, streams, anchor exist
    counts = []
    for size in (10, 1000):
        with QueryCounter() as queries:
            assert sync(alice_client, batch(quantity_samples=heart_rates(size))).status_code == 200
        counts.append(queries.count)

    assert counts[0] == counts[1]
    # auth, anchor, sources, streams, insert, daily summaries (per metric), savepoints
    assert counts[0] == 21, counts


def assert_refused(response, attr, *, status=400):
    assert response.status_code == status, response.content
    body = response.json()
    assert attr in {error["attr"] for error in body["errors"]}, body
    assert Sample.objects.count() == 0
    return body


@pytest.mark.parametrize(
    ("change", "attr"),
    [
        ({"unit": "kg"}, "quantity_samples.1.unit"),
        ({"value": 400}, "quantity_samples.1.value"),
        ({"value": -3}, "quantity_samples.1.value"),
        ({"end": "2026-11-20T07:00:00+00:00"}, "quantity_samples.1.end"),
        ({"start": "2026-11-20T08:00:00"}, "quantity_samples.1.start"),
        (
            {"start": "1826-11-20T08:00:00+00:00", "end": "1826-11-20T08:00:00+00:00"},
            "quantity_samples.1.start",
        ),
        ({"uuid": "not-a-uuid"}, "quantity_samples.1.uuid"),
        ({"value": "sixty"}, "quantity_samples.1.value"),
        ({"surprise": 1}, "quantity_samples.1.surprise"),
    ],
)
def test_a_bad_sample_refuses_the_whole_batch(alice_client, change, attr):
    samples = heart_rates(3)
    samples[1] = {**samples[1], **change}

    assert_refused(sync(alice_client, batch(quantity_samples=samples)), attr)


def test_a_uuid_twice_in_one_batch_is_refused(alice_client):
    samples = heart_rates(2)
    samples[1]["uuid"] = samples[0]["uuid"]

    assert_refused(sync(alice_client, batch(quantity_samples=samples)), "quantity_samples.1.uuid")


def test_a_sleep_value_out_of_range_is_refused(alice_client):
    assert_refused(
        sync(alice_client, batch(category_samples=[sleep(9, start=T0, minutes=10)])),
        "category_samples.0.value",
    )


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        ('{"quantity_samples": [', "application/json", 400),
        ("[]", "application/json", 400),
        ("quantity_samples=1", "application/x-www-form-urlencoded", 415),
        ("", "application/json", 400),
    ],
)
def test_malformed_bodies_are_refused(alice_client, raw, content_type, status):
    response = alice_client.post(URL, data=raw, content_type=content_type)

    assert response.status_code == status
    assert Sample.objects.count() == 0


def test_a_body_over_16_mb_is_refused_before_it_is_read(alice_client):
    huge = b'{"anchor": "' + b"x" * (17 * 1024 * 1024) + b'"}'
    response = alice_client.post(URL, data=huge, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_anonymous_callers_are_refused(api_client):
    response = sync(api_client, batch(quantity_samples=heart_rates(1)))

    assert response.status_code == 401
    assert Sample.objects.count() == 0


def test_the_body_is_not_parsed_twice(alice_client, monkeypatch):
    """The view reads request.body once with pydantic; DRF's JSON parser never runs."""
    from core.parsers import JSONParser

    def refuse(*args, **kwargs):
        raise AssertionError("DRF parsed the bulk body")

    monkeypatch.setattr(JSONParser, "parse", refuse)

    assert sync(alice_client, batch(quantity_samples=heart_rates(2))).status_code == 200


def test_samples_arrive_with_their_offsets_normalised_to_utc(alice_client):
    sample = quantity("HKQuantityTypeIdentifierHeartRate", 70, "count/min", start=T0, origin=WATCH)
    sample["start"] = sample["end"] = "2026-11-20T09:00:00+01:00"
    sync(alice_client, batch(quantity_samples=[sample]))

    assert Sample.objects.get().start == T0


def test_json_is_the_wire_format(alice_client):
    response = alice_client.post(
        URL,
        data=json.dumps(batch(quantity_samples=heart_rates(1))),
        content_type="application/json",
    )

    assert response.status_code == 200


def test_sync_has_its_own_per_user_throttle(alice_client, monkeypatch, settings):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {**settings.THROTTLE_RATES, "health_sync": "2/min"}
    )
    statuses = [
        sync(alice_client, batch(quantity_samples=heart_rates(1))).status_code for _ in range(3)
    ]

    assert statuses == [200, 200, 429]
    assert Sample.objects.count() == 2
