import io
import re
import struct
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.testing import (
    SchemaValidatingClient,
    assert_owner_only,
)
from health.catalog import Metric
from health.models import HealthImport, Sample, Source
from health.services import apple_export, apple_export_archive, apple_export_reader
from health.services.apple_export_reader import device_parse, export_time_parse
from health.tasks import apple_health_export_import
from health.tests import exports
from health.tests.exports import (
    PHONE_DEVICE,
    T0,
    WATCH_DEVICE,
    export_xml,
    export_zip,
    heart_rates,
    record,
    sleep,
    workout,
)

pytestmark = pytest.mark.django_db
URL = "/api/health/sync/apple-health/export"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def status_url(import_id):
    return f"{URL}/{import_id}"


@pytest.fixture
def alice_client(alice):
    return SchemaValidatingClient().as_user(alice)


def upload(client, content, *, name="export.zip"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(URL, {"file": file}, format="multipart")


@pytest.fixture
def run_upload(alice_client, django_capture_on_commit_callbacks):
    """Upload as the app does and let the queued task run (eagerly) once the request's
    transaction has committed; the answer of the follow-up poll."""

    def run(content, *, name="export.zip", client=alice_client):
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(client, content, name=name)
        assert response.status_code == 202, response.content
        polled = client.get(status_url(response.json()["id"]))
        assert polled.status_code == 200
        return polled.json()

    return run


def stored(metric):
    return list(
        Sample.objects.filter(stream__metric=metric)
        .order_by("start", "value")
        .values_list("value", flat=True)
    )


def stored_files(settings):
    folder = Path(settings.MEDIA_ROOT) / "health-imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def assert_nothing_stored():
    assert Sample.objects.count() == 0
    assert Source.objects.count() == 0


def a_day_of_data():
    night = T0 - timedelta(hours=7)
    return [
        *heart_rates(3),
        record("HKQuantityTypeIdentifierStepCount", "1200", "count", seconds=900),
        record(
            "HKQuantityTypeIdentifierBodyMass",
            "154.32",
            "lb",
            source="Alice's iPhone",
            device=PHONE_DEVICE,
        ),
        record(
            "HKQuantityTypeIdentifierBodyFatPercentage",
            "0.215",
            "%",
            source="Withings",
            device=None,
        ),
        record("HKQuantityTypeIdentifierActiveEnergyBurned", "41.84", "kJ", seconds=600),
        record("HKQuantityTypeIdentifierDistanceWalkingRunning", "1.5", "km", seconds=900),
        record("HKQuantityTypeIdentifierOxygenSaturation", "0.97", "%"),
        sleep("InBed", start=night, minutes=480),
        sleep("AsleepCore", start=night, minutes=120),
        sleep("AsleepDeep", start=night + timedelta(minutes=120), minutes=90),
        sleep("AsleepREM", start=night + timedelta(minutes=210), minutes=60),
        sleep("Awake", start=night + timedelta(minutes=270), minutes=10),
        workout("Running", kcal=250),
        workout("Yoga", start=T0 + timedelta(hours=10), kcal=None, statistics_kcal=120.5),
        workout("Paragliding", start=T0 + timedelta(hours=12), kcal=300),
        # Skipped: types FitCore does not keep, and one implausible heart rate.
        record("HKQuantityTypeIdentifierBasalEnergyBurned", "1.1", "kcal"),
        record("HKQuantityTypeIdentifierBasalEnergyBurned", "1.2", "kcal"),
        record("HKCategoryTypeIdentifierMindfulSession", "HKCategoryValueNotApplicable"),
        record("HKQuantityTypeIdentifierHeartRate", "900", "count/min"),
        ' <ActivitySummary dateComponents="2026-11-20" activeEnergyBurned="400"/>\n',
    ]


EXPECTED_DAY = {
    "status": "succeeded",
    "progress_percent": 100,
    "records_seen": 22,
    "samples_stored": 17,
    "samples_unchanged": 0,
    "skipped": 5,
    "unknown_types": {
        "HKQuantityTypeIdentifierBasalEnergyBurned": 2,
        "ActivitySummary": 1,
        "HKCategoryTypeIdentifierMindfulSession": 1,
    },
    "error_code": None,
    "error": None,
}


def assert_day_stored():
    assert stored(Metric.HEART_RATE) == [60.0, 61.0, 62.0]
    assert stored(Metric.STEPS) == [1200.0]
    assert stored(Metric.WEIGHT) == [pytest.approx(70.0, abs=0.01)]
    assert stored(Metric.BODY_FAT) == [pytest.approx(21.5, abs=0.001)]
    assert stored(Metric.ACTIVE_ENERGY) == [pytest.approx(10.0, abs=0.001)]
    assert stored(Metric.DISTANCE) == [1500.0]
    assert stored(Metric.BLOOD_OXYGEN) == [pytest.approx(97.0, abs=0.001)]
    nights = Sample.objects.filter(stream__metric=Metric.SLEEP).order_by("start", "kind")
    assert [(s.kind, s.duration_s) for s in nights] == [
        (0, 28800),
        (3, 7200),
        (4, 5400),
        (5, 3600),
        (2, 600),
    ]
    workouts = Sample.objects.filter(stream__metric=Metric.WORKOUT).order_by("start")
    assert [(w.kind, w.duration_s, w.value) for w in workouts] == [
        (37, 1800, 250.0),
        (57, 1800, 120.5),
        (3000, 1800, 300.0),
    ]
    assert sorted(
        Source.objects.values_list("app_name", "device_name", "device_model", "platform")
    ) == [
        ("Alice's Apple Watch", "Apple Watch", "Watch", "apple_health"),
        ("Alice's iPhone", "iPhone", "iPhone", "apple_health"),
        ("Withings", "", "", "apple_health"),
    ]


def test_an_export_zip_is_imported_in_canonical_units(run_upload, settings):
    body = run_upload(export_zip(export_xml(a_day_of_data())))

    assert body | EXPECTED_DAY == body, body
    assert body["original_filename"] == "export.zip"
    assert body["started_at"] is not None
    assert body["finished_at"] is not None
    assert_day_stored()
    assert stored_files(settings) == []


def test_a_bare_export_xml_is_imported_whatever_its_name(run_upload, alice):
    body = run_upload(export_xml(a_day_of_data()), name="health.bin")

    assert body | EXPECTED_DAY == body, body
    assert_day_stored()
    assert HealthImport.objects.get(user=alice).file.name == ""


def test_reimporting_an_overlapping_export_stores_nothing_twice(run_upload):
    first = run_upload(export_zip(export_xml(a_day_of_data())))
    newer = [*a_day_of_data(), *heart_rates(2, start=T0 + timedelta(hours=1))]
    again = run_upload(export_zip(export_xml(newer)))

    assert (first["samples_stored"], first["samples_unchanged"]) == (17, 0)
    assert (again["samples_stored"], again["samples_unchanged"]) == (2, 17)
    assert Sample.objects.count() == 19


def test_an_export_written_in_another_time_zone_finds_the_same_samples(run_upload):
    """The phone moved from CET to New York: the same records, printed with another offset."""
    xml = export_xml(a_day_of_data())
    new_york = timezone(timedelta(hours=-5))

    def shifted(match):
        moment = datetime.strptime(match.group(0).decode(), "%Y-%m-%d %H:%M:%S %z")
        return exports.stamp(moment.astimezone(new_york)).encode()

    moved = re.sub(rb"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}", shifted, xml)
    assert b"-0500" in moved
    assert b"+0100" not in moved

    run_upload(export_zip(xml))
    again = run_upload(export_zip(moved))

    assert (again["samples_stored"], again["samples_unchanged"]) == (0, 17)
    assert Sample.objects.count() == 17


def test_the_upload_answers_202_pending_and_the_poll_follows_the_import(
    alice_client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = upload(alice_client, export_zip(export_xml(heart_rates(3))))

    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["progress_percent"], body["samples_stored"]) == ("pending", 0, 0)
    assert body["size_bytes"] > 0
    assert len(callbacks) == 1  # the task is queued only once the upload is committed
    assert alice_client.get(status_url(body["id"])).json()["status"] == "pending"

    callbacks[0]()

    polled = alice_client.get(status_url(body["id"])).json()
    assert (polled["status"], polled["progress_percent"], polled["samples_stored"]) == (
        "succeeded",
        100,
        3,
    )


def test_progress_is_visible_to_the_app_while_the_import_runs(alice, alice_client, monkeypatch):
    monkeypatch.setattr(apple_export_reader, "READ_CHUNK_BYTES", 4096)
    monkeypatch.setattr(apple_export, "FLUSH_ROWS", 100)
    health_import = HealthImport.objects.create(user=alice, original_filename="export.xml")
    seen = []

    def poll(progress):
        body = alice_client.get(status_url(health_import.pk)).json()
        seen.append((body["status"], body["progress_percent"], body["samples_stored"]))

    apple_export.apple_health_export_import_run(
        import_id=health_import.pk,
        file=io.BytesIO(export_xml(heart_rates(400))),
        on_progress=poll,
    )

    running = [entry for entry in seen if entry[0] == "processing"]
    assert len(running) >= 10
    percents = [percent for _, percent, _ in running]
    assert percents == sorted(percents)
    assert percents[0] > 0
    assert percents[-1] == 99
    assert [stored for _, _, stored in running][-1] == 400
    assert seen[-1] == ("succeeded", 100, 400)


def test_a_dtd_with_entity_expansion_fails_and_stores_nothing(run_upload):
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE HealthData [\n <!ENTITY lol "lol">\n'
        + "".join(
            f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
            for i in range(1, 10)
        )
        + "]>\n"
    )
    xml = export_xml(heart_rates(3)).replace(b'value="62"', b'value="&lol9;"')
    body = run_upload(laughs.encode() + xml[xml.index(b"<HealthData") :], name="export.xml")

    assert body["status"] == "failed"
    assert body["error_code"] == "xml_forbidden"
    assert "entities" in body["error"]
    assert (body["samples_stored"], body["progress_percent"]) == (0, 0)
    assert_nothing_stored()


def test_an_external_entity_is_refused(run_upload):
    xxe = (
        b'<?xml version="1.0"?>\n<!DOCTYPE HealthData [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b'<HealthData locale="en"><Record type="HKQuantityTypeIdentifierStepCount" value="&x;"/>'
        b"</HealthData>"
    )
    body = run_upload(xxe, name="export.xml")

    assert (body["status"], body["error_code"]) == ("failed", "xml_forbidden")
    assert_nothing_stored()


def test_a_zip_decompressing_past_the_limit_fails_and_stores_nothing(run_upload, settings):
    settings.HEALTH_IMPORT_MAX_XML_BYTES = 20_000
    xml = export_xml(heart_rates(200))
    assert len(xml) > 20_000

    body = run_upload(export_zip(xml))

    assert (body["status"], body["error_code"]) == ("failed", "export_too_large")
    assert "20000" in body["error"]
    assert_nothing_stored()
    assert stored_files(settings) == []


def test_an_xml_past_the_limit_is_cut_off_while_streaming_and_nothing_is_kept(
    run_upload, settings, monkeypatch
):
    """Records read before the limit was hit were already upserted: they are rolled back."""
    monkeypatch.setattr(apple_export, "FLUSH_ROWS", 10)
    monkeypatch.setattr(apple_export_reader, "READ_CHUNK_BYTES", 4096)
    settings.HEALTH_IMPORT_MAX_XML_BYTES = 40_000
    body = run_upload(export_xml(heart_rates(300)), name="export.xml")

    assert (body["status"], body["error_code"]) == ("failed", "export_too_large")
    assert_nothing_stored()


def test_a_zip_bomb_with_an_absurd_ratio_is_refused(run_upload):
    padding = " " * 3_000_000  # deflates about 1000:1
    xml = export_xml([*heart_rates(3), padding])

    body = run_upload(export_zip(xml))

    assert (body["status"], body["error_code"]) == ("failed", "archive_refused")
    assert "ratio" in body["error"]
    assert_nothing_stored()


def test_a_zip_that_lies_about_its_size_is_refused(run_upload):
    """The headers claim a small export.xml; zipfile stops there and the CRC check fails."""
    xml = export_xml(heart_rates(300))
    archive = bytearray(export_zip(xml, name="apple_health_export/export.xml"))
    claimed = struct.pack("<L", 5_000)
    size = struct.pack("<L", len(xml))
    assert archive.count(size) == 2  # local header and central directory
    archive = archive.replace(size, claimed)

    body = run_upload(bytes(archive))

    assert (body["status"], body["error_code"]) == ("failed", "invalid_export")
    assert_nothing_stored()


def test_a_zip_with_too_many_entries_is_refused(run_upload, monkeypatch):
    monkeypatch.setattr(apple_export_archive, "MAX_ZIP_ENTRIES", 10)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("apple_health_export/export.xml", export_xml(heart_rates(3)))
        for i in range(20):
            archive.writestr(f"apple_health_export/workout-routes/route_{i}.gpx", b"<gpx/>")

    body = run_upload(buffer.getvalue())

    assert (body["status"], body["error_code"]) == ("failed", "archive_refused")
    assert_nothing_stored()


def test_a_zip64_entry_count_is_read_from_its_end_record_before_the_zip_is_opened(monkeypatch):
    monkeypatch.setattr(apple_export_archive, "MAX_ZIP_ENTRIES", 66_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # over 65,535 entries: a zip64 end record
        for i in range(70_000):
            archive.writestr(f"apple_health_export/workout-routes/{i}.gpx", b"")
    opened = apple_export_archive.export_xml_open(buffer, max_xml_bytes=10**6)

    with pytest.raises(apple_export_archive.ExportRejected) as refused:
        opened.__enter__()

    assert refused.value.code == "archive_refused"
    assert "70000 entries" in refused.value.message


def test_a_zip_without_an_export_xml_fails(run_upload):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photos/cat.jpg", b"\xff\xd8\xff")

    body = run_upload(buffer.getvalue())

    assert (body["status"], body["error_code"]) == ("failed", "invalid_export")
    assert "no export.xml" in body["error"]


def test_a_damaged_zip_fails(run_upload):
    body = run_upload(b"PK\x03\x04" + b"\x00" * 300)

    assert (body["status"], body["error_code"]) == ("failed", "invalid_export")


def test_xml_that_is_not_a_health_export_fails(run_upload):
    body = run_upload(b'<?xml version="1.0"?><svg><Record type="x"/></svg>', name="export.xml")

    assert (body["status"], body["error_code"]) == ("failed", "invalid_export")
    assert "<svg>" in body["error"]


def test_a_truncated_export_fails_and_stores_nothing(run_upload, settings, monkeypatch):
    monkeypatch.setattr(apple_export, "FLUSH_ROWS", 10)
    monkeypatch.setattr(apple_export_reader, "READ_CHUNK_BYTES", 4096)
    xml = export_xml(a_day_of_data() + heart_rates(200, start=T0 + timedelta(days=1)))
    cut = xml[: len(xml) - 500]

    body = run_upload(export_zip(cut))

    assert (body["status"], body["error_code"]) == ("failed", "xml_malformed")
    assert "not well-formed" in body["error"]
    assert (body["samples_stored"], body["samples_unchanged"]) == (0, 0)
    assert_nothing_stored()
    assert stored_files(settings) == []


def test_a_giant_element_is_refused_before_it_fills_memory(run_upload, monkeypatch):
    monkeypatch.setattr(apple_export_reader, "MAX_BYTES_WITHOUT_A_TAG", 100_000)
    monkeypatch.setattr(apple_export_reader, "READ_CHUNK_BYTES", 16_384)
    huge = record("HKQuantityTypeIdentifierStepCount", "1" * 400_000, "count")

    body = run_upload(export_xml([*heart_rates(3), huge]), name="export.xml")

    assert (body["status"], body["error_code"]) == ("failed", "xml_malformed")
    assert "without a new element" in body["error"]
    assert_nothing_stored()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (PNG, "export.zip"),
        (b"%PDF-1.7\n", "export.xml"),
        (b'{"records": []}', "export.xml"),
    ],
)
def test_a_file_that_is_neither_zip_nor_xml_answers_400_and_nothing_is_kept(
    alice_client, settings, django_capture_on_commit_callbacks, content, name
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = upload(alice_client, content, name=name)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_export"
    assert response.json()["errors"][0]["attr"] == "file"
    assert callbacks == []
    assert HealthImport.objects.count() == 0
    assert stored_files(settings) == []


def test_an_upload_without_a_file_answers_400(alice_client):
    response = alice_client.post(URL, {"note": "x"}, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_an_upload_over_the_limit_answers_413_before_it_is_read(alice_client, settings):
    settings.HEALTH_IMPORT_MAX_BYTES = 10_000

    response = upload(alice_client, export_xml(heart_rates(300)), name="export.xml")

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert HealthImport.objects.count() == 0


def test_another_users_import_is_a_404_and_anonymous_is_401(alice, bob):
    def make_import(owner):
        return HealthImport.objects.create(user=owner, original_filename="export.zip")

    assert_owner_only(
        method="GET",
        url_for=lambda health_import: status_url(health_import.pk),
        owner=alice,
        stranger=bob,
        make_object=make_import,
        snapshot=lambda: list(HealthImport.objects.values_list("id", "status")),
    )


def test_an_unknown_import_id_is_a_404(alice_client):
    response = alice_client.get(status_url("6f1c0a52-1d3c-4c55-9a4e-0c43f1b2a9d1"))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_anonymous_upload_is_401_and_nothing_is_kept(settings):
    response = upload(SchemaValidatingClient(), export_zip(export_xml(heart_rates(3))))

    assert response.status_code == 401
    assert HealthImport.objects.count() == 0
    assert stored_files(settings) == []


def test_the_task_is_safe_to_run_twice(run_upload, alice):
    body = run_upload(export_zip(export_xml(heart_rates(3))))

    assert apple_health_export_import(import_id=body["id"]) == "finished"
    assert apple_health_export_import(import_id="6f1c0a52-1d3c-4c55-9a4e-0c43f1b2a9d1") == (
        "missing"
    )
    health_import = HealthImport.objects.get(user=alice)
    assert (health_import.samples_stored, health_import.samples_unchanged) == (3, 0)
    assert Sample.objects.count() == 3


def test_an_import_left_processing_by_a_dead_worker_is_taken_up_again(alice, settings):
    health_import = HealthImport.objects.create(
        user=alice, status=HealthImport.Status.PROCESSING, original_filename="export.xml"
    )
    health_import.file.save("export", io.BytesIO(export_xml(heart_rates(3))), save=True)

    assert apple_health_export_import(import_id=str(health_import.pk)) == "succeeded"
    assert Sample.objects.count() == 3
    assert stored_files(settings) == []


def test_the_management_command_imports_a_file_for_a_user(alice, tmp_path):
    path = exports.export_xml_write(tmp_path / "export.zip", records=200, zipped=True)
    out = io.StringIO()

    call_command("health_import_export", "--user", "ALICE@example.com", str(path), stdout=out)

    health_import = HealthImport.objects.get(user=alice)
    assert (health_import.status, health_import.records_seen) == ("succeeded", 200)
    assert (health_import.samples_stored, health_import.skipped) == (190, 10)
    assert "succeeded: 200 records, 190 stored, 0 unchanged, 10 skipped" in out.getvalue()


def test_the_management_command_reports_a_refused_export(alice, tmp_path):
    path = tmp_path / "export.xml"
    path.write_bytes(export_xml(heart_rates(3))[:-30])

    with pytest.raises(CommandError, match=r"failed \(xml_malformed\)") as error:
        call_command("health_import_export", "--user", alice.email, str(path), "--no-progress")

    assert error.value.returncode == 2
    assert HealthImport.objects.get(user=alice).status == "failed"
    assert_nothing_stored()


def test_a_device_description_gives_name_and_model():
    assert (device_parse(WATCH_DEVICE).name, device_parse(WATCH_DEVICE).model) == (
        "Apple Watch",
        "Watch",
    )
    parsed = device_parse(
        "<<HKDevice: 0x2823cc1e0>, name:Bob's Watch, Series 7, manufacturer:Apple Inc., "
        "model:Watch, hardware:Watch6,2, software:10.1>"
    )
    assert (parsed.name, parsed.model) == ("Bob's Watch, Series 7", "Watch")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20 08:00:00 +0100", "2026-11-20T08:00:00+01:00"),
        ("2026-11-20 08:00:00 -0530", "2026-11-20T08:00:00-05:30"),
        ("2026-11-20T08:00:00+00:00", "2026-11-20T08:00:00+00:00"),
        ("2026-11-20 08:00:00", None),  # no offset: whose 8 o'clock?
        ("1970-01-01 00:00:00 +0000", None),  # implausible
        ("yesterday", None),
        (None, None),
    ],
)
def test_export_dates_are_read_with_their_offset(text, expected):
    parsed = export_time_parse(text)
    assert (parsed.isoformat() if parsed else None) == expected
