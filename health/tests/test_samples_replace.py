"""health_samples_upsert(replace_external_ids=...): records that change in place."""

from datetime import UTC, datetime, timedelta

import pytest

from health.catalog import Metric
from health.models import Platform, Sample
from health.services.samples import (
    SampleRow,
    SourceKey,
    UpsertResult,
    external_hash,
    health_samples_upsert,
)

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
WATCH = SourceKey(platform=Platform.HEALTH_CONNECT, app_id="com.example", device_model="Watch")


def rows(external_id, values, *, metric=Metric.HEART_RATE, source=WATCH):
    return [
        SampleRow(
            metric=metric,
            source=source,
            start=T0 + timedelta(minutes=i),
            duration_s=0,
            value=value,
            external_id=external_id,
        )
        for i, value in enumerate(values)
    ]


def replace(user, *groups, metric=Metric.HEART_RATE):
    """Store each (external id, rows) group as the whole current state of that id."""
    return health_samples_upsert(
        user=user,
        rows=[row for _, group in groups for row in group],
        replace_external_ids={external_id: metric for external_id, _ in groups},
    )


def values(user):
    return list(
        Sample.objects.filter(stream__user=user).order_by("start").values_list("value", flat=True)
    )


def test_new_ids_are_inserted_and_a_retry_is_unchanged(alice):
    first = replace(alice, ("a", rows("a", [70, 71])), ("b", rows("b", [80])))
    again = replace(alice, ("a", rows("a", [70, 71])), ("b", rows("b", [80])))

    assert first == UpsertResult(inserted=3, unchanged=0, deleted=0, updated=0)
    assert again == UpsertResult(inserted=0, unchanged=3, deleted=0, updated=0)
    assert sorted(values(alice)) == [70.0, 71.0, 80.0]


def test_a_changed_id_replaces_its_samples_and_leaves_other_ids_alone(alice):
    replace(alice, ("a", rows("a", [70, 71, 72])), ("b", rows("b", [80])))

    result = replace(alice, ("a", rows("a", [90])))

    assert result == UpsertResult(inserted=0, unchanged=0, deleted=0, updated=1)
    assert sorted(values(alice)) == [80.0, 90.0]
    assert Sample.objects.filter(external_hash=external_hash("a")).count() == 1


def test_an_id_replaced_by_no_rows_is_emptied(alice):
    replace(alice, ("a", rows("a", [70, 71])), ("b", rows("b", [80])))

    result = replace(alice, ("a", []))

    assert result == UpsertResult(inserted=0, unchanged=0, deleted=0, updated=0)
    assert values(alice) == [80.0]


def test_replacing_reaches_only_the_users_streams_of_the_given_metrics(alice, bob):
    replace(bob, ("a", rows("a", [70])))
    health_samples_upsert(user=alice, rows=rows("a", [5000], metric=Metric.STEPS))

    replace(alice, ("a", rows("a", [99])))

    assert values(bob) == [70.0]
    assert sorted(values(alice)) == [99.0, 5000.0]


def test_without_replace_a_changed_value_is_kept_as_stored(alice):
    health_samples_upsert(user=alice, rows=rows("a", [70]))

    result = health_samples_upsert(user=alice, rows=rows("a", [90]))

    assert result == UpsertResult(inserted=0, unchanged=1, deleted=0)
    assert values(alice) == [70.0]
