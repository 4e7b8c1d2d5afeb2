"""Uploading a workout video's file through the admin API (local storage), its processing,
and playing it back through signed URLs."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from adminapi.models import AdminAuditEvent
from media.models import MediaAsset
from media.storage import storage_list
from workouts.models import WorkoutVideo
from workouts.tests.factories import WorkoutFactory, WorkoutVideoFactory

pytestmark = pytest.mark.django_db

URL = "/api/admin/videos"


def form(workout, path: Path, name: str | None = None, **overrides):
    data = {
        "workout": str(workout.pk),
        "title": "Warm-up",
        "order_index": "1",
        "access": "free",
        "is_preview": "false",
        "file": SimpleUploadedFile(name or path.name, path.read_bytes(), "video/mp4"),
    }
    data.update(overrides)
    return data


def nothing_written():
    return (
        not MediaAsset.objects.exists()
        and not WorkoutVideo.objects.exists()
        and not AdminAuditEvent.objects.exists()
        and storage_list("media") == []
    )


def test_a_direct_upload_is_checked_stored_and_transcoded(
    cm_client, sample_videos, django_capture_on_commit_callbacks
):
    workout = WorkoutFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = cm_client.post(URL, form(workout, sample_videos.good), format="multipart")

    assert response.status_code == 201, response.content
    body = response.json()
    video = WorkoutVideo.objects.select_related("asset").get()
    asset = video.asset
    assert body["media"]["status"] == "uploaded"  # the answer comes before the processing
    assert body["duration_seconds"] == 2  # from the file
    assert asset.status == "ready", asset.failure_reason
    assert (asset.width, asset.height, asset.has_audio) == (320, 240, True)
    assert asset.content_type == "video/mp4"
    assert asset.size_bytes == sample_videos.good.stat().st_size
    assert [r["name"] for r in asset.renditions] == ["240p", "120p"]
    files = storage_list(asset.prefix)
    assert f"{asset.prefix}/source" in files
    assert f"{asset.prefix}/run-1/master.m3u8" in files
    assert f"{asset.prefix}/run-1/thumbnail.jpg" in files
    assert f"{asset.prefix}/run-1/240p/index.m3u8" in files
    assert f"{asset.prefix}/run-1/120p/seg_000.ts" in files

    polled = cm_client.get(f"{URL}/{video.pk}").json()
    assert polled["media"]["status"] == "ready"
    assert polled["media"]["renditions"] == [
        {"name": "240p", "width": 320, "height": 240, "video_kbps": 600},
        {"name": "120p", "width": 160, "height": 120, "video_kbps": 250},
    ]
    thumbnail = cm_client.get(polled["media"]["thumbnail_url"])
    assert thumbnail.status_code == 200
    assert thumbnail["Content-Type"] == "image/jpeg"
    assert b"".join(thumbnail.streaming_content)[:2] == b"\xff\xd8"  # a JPEG


def test_a_signed_in_user_plays_the_video_through_signed_urls(
    cm_client, alice_client, sample_videos, django_capture_on_commit_callbacks
):
    workout = WorkoutFactory()
    with django_capture_on_commit_callbacks(execute=True):
        cm_client.post(URL, form(workout, sample_videos.good), format="multipart")

    videos = alice_client.get(f"/api/workouts/{workout.pk}/videos").json()

    assert videos[0]["media_status"] == "ready"
    playback = videos[0]["playback"]
    assert playback["format"] == "hls"
    assert [r["name"] for r in playback["renditions"]] == ["240p", "120p"]
    player = alice_client.__class__()  # a player sends no Authorization header
    master = player.get(playback["url"])
    assert master.status_code == 200
    assert master["Content-Type"] == "application/vnd.apple.mpegurl"
    assert master["Cache-Control"].startswith("private, max-age=")
    variant_url = playback["url"].rsplit("/", 1)[0] + "/240p/index.m3u8"
    variant = player.get(variant_url)
    assert variant.status_code == 200
    segment_name = re.search(r"^seg_\d+\.ts$", variant.content.decode(), re.M).group(0)
    segment = player.get(variant_url.rsplit("/", 1)[0] + "/" + segment_name)
    assert segment.status_code == 200
    assert segment["Content-Type"] == "video/mp2t"
    assert b"".join(segment.streaming_content)[:1] == b"G"  # MPEG-TS sync byte


def test_a_locked_premium_video_has_no_playback(
    cm_client, alice_client, sample_videos, django_capture_on_commit_callbacks
):
    workout = WorkoutFactory(is_premium=True)
    with django_capture_on_commit_callbacks(execute=True):
        cm_client.post(URL, form(workout, sample_videos.good, access="premium"), format="multipart")

    video = alice_client.get(f"/api/workouts/{workout.pk}/videos").json()[0]

    assert (video["locked"], video["reason"], video["playback"]) == (True, "needs_premium", None)
    assert video["media_status"] == "ready"
    assert "/api/media/thumbnails/" in video["thumbnail"]  # a teaser: the picture only


@pytest.mark.parametrize(
    ("sample", "name", "code"),
    [
        ("fake", "workout.mp4", "not_a_video"),  # a fake extension
        ("truncated", "cut.mp4", "video_unreadable"),  # headers whole, packets missing
    ],
)
def test_a_refused_file_writes_nothing(cm_client, sample_videos, sample, name, code):
    workout = WorkoutFactory()

    response = cm_client.post(
        URL, form(workout, getattr(sample_videos, sample), name=name), format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == code
    assert response.json()["errors"][0]["attr"] == "file"
    assert nothing_written()


def test_a_file_over_the_limit_is_refused(cm_client, sample_videos, settings):
    settings.MEDIA_DIRECT_UPLOAD_MAX_BYTES = sample_videos.good.stat().st_size - 1
    workout = WorkoutFactory()

    response = cm_client.post(URL, form(workout, sample_videos.good), format="multipart")

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "file_too_large"
    assert nothing_written()


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(cm_client, sample_videos, settings):
    settings.MEDIA_DIRECT_UPLOAD_MAX_BYTES = 1000  # the gate allows the limit + 64 KiB of form
    workout = WorkoutFactory()

    response = cm_client.post(URL, form(workout, sample_videos.good), format="multipart")

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert nothing_written()


def test_a_taken_position_stores_no_file(cm_client, sample_videos):
    workout = WorkoutFactory()
    WorkoutVideoFactory(workout=workout, order_index=1)

    response = cm_client.post(URL, form(workout, sample_videos.good), format="multipart")

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "order_index_taken"
    assert not MediaAsset.objects.exists()
    assert storage_list("media") == []


def test_support_staff_cannot_upload(support_client, sample_videos):
    workout = WorkoutFactory()

    response = support_client.post(URL, form(workout, sample_videos.good), format="multipart")

    assert response.status_code == 403
    assert nothing_written()


def _upload_through_ticket(cm_client, path: Path) -> str:
    ticket = cm_client.post(
        f"{URL}/uploads",
        {"filename": path.name, "size_bytes": path.stat().st_size},
        format="json",
    )
    assert ticket.status_code == 201, ticket.content
    body = ticket.json()
    assert (body["method"], body["file_field"], body["fields"]) == ("POST", "file", {})
    uploader = cm_client.__class__()  # the ticket is the credential
    sent = uploader.post(
        body["url"],
        {"file": SimpleUploadedFile("x.mp4", path.read_bytes(), "video/mp4")},
        format="multipart",
    )
    assert sent.status_code == 204, sent.content
    return body["upload_id"]


def test_a_presigned_upload_then_complete(
    cm_client, sample_videos, django_capture_on_commit_callbacks
):
    workout = WorkoutFactory()
    upload_id = _upload_through_ticket(cm_client, sample_videos.good)

    with django_capture_on_commit_callbacks(execute=True):
        response = cm_client.post(
            URL,
            {
                "workout": str(workout.pk),
                "title": "Intro",
                "order_index": 1,
                "upload_id": upload_id,
            },
            format="json",
        )

    assert response.status_code == 201, response.content
    assert response.json()["media"]["id"] == upload_id
    assert response.json()["duration_seconds"] == 2
    assert MediaAsset.objects.get(pk=upload_id).status == "ready"

    again = cm_client.post(
        URL,
        {"workout": str(workout.pk), "title": "Again", "order_index": 2, "upload_id": upload_id},
        format="json",
    )
    assert again.status_code == 400
    assert again.json()["errors"][0]["code"] == "upload_already_completed"
    assert WorkoutVideo.objects.count() == 1


def test_completing_before_uploading_or_with_an_unknown_id(cm_client):
    workout = WorkoutFactory()
    ticket = cm_client.post(
        f"{URL}/uploads", {"filename": "a.mp4", "size_bytes": 10}, format="json"
    ).json()
    body = {"workout": str(workout.pk), "title": "Intro", "order_index": 1}

    missing = cm_client.post(URL, {**body, "upload_id": ticket["upload_id"]}, format="json")
    unknown = cm_client.post(
        URL, {**body, "upload_id": "00000000-0000-4000-8000-000000000000"}, format="json"
    )

    assert missing.json()["errors"][0]["code"] == "upload_missing"
    assert unknown.json()["errors"][0]["code"] == "unknown_upload"
    assert not WorkoutVideo.objects.exists()


def test_a_presigned_non_video_is_refused_deleted_and_can_be_uploaded_again(
    cm_client, sample_videos, django_capture_on_commit_callbacks
):
    workout = WorkoutFactory()
    upload_id = _upload_through_ticket(cm_client, sample_videos.fake)
    body = {"workout": str(workout.pk), "title": "Intro", "order_index": 1, "upload_id": upload_id}

    refused = cm_client.post(URL, body, format="json")

    assert refused.status_code == 400
    assert refused.json()["errors"][0] == {
        "code": "not_a_video",
        "detail": "The file is not a video (judged by its content).",
        "attr": "upload_id",
    }
    assert storage_list(f"media/{upload_id}") == []
    assert MediaAsset.objects.get(pk=upload_id).status == "awaiting_upload"


def test_a_corrupt_file_fails_processing_with_a_reason_and_leaves_no_renditions(
    cm_client, sample_videos, django_capture_on_commit_callbacks
):
    workout = WorkoutFactory()
    # Through a presigned upload only the headers are read when completing: the truncated
    # packets are found by the processing task.
    upload_id = _upload_through_ticket(cm_client, sample_videos.truncated)

    with django_capture_on_commit_callbacks(execute=True):
        response = cm_client.post(
            URL,
            {"workout": str(workout.pk), "title": "Cut", "order_index": 1, "upload_id": upload_id},
            format="json",
        )

    assert response.status_code == 201
    asset = MediaAsset.objects.get(pk=upload_id)
    assert asset.status == "failed"
    assert asset.failure_reason
    assert asset.manifest_path == ""
    assert storage_list(asset.prefix) == [f"{asset.prefix}/source"]  # no half-made run
    polled = cm_client.get(f"{URL}/{response.json()['id']}").json()
    assert polled["media"]["status"] == "failed"
    assert polled["media"]["failure_reason"] == asset.failure_reason


def test_an_upload_ticket_for_a_file_over_the_limit_is_refused(cm_client, settings):
    settings.MEDIA_UPLOAD_MAX_BYTES = 1000

    response = cm_client.post(
        f"{URL}/uploads", {"filename": "big.mp4", "size_bytes": 1001}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "file_too_large"
    assert not MediaAsset.objects.exists()


def test_deleting_a_video_deletes_its_files(
    cm_client, sample_videos, django_capture_on_commit_callbacks
):
    workout = WorkoutFactory()
    with django_capture_on_commit_callbacks(execute=True):
        video_id = cm_client.post(
            URL, form(workout, sample_videos.good), format="multipart"
        ).json()["id"]
    asset = MediaAsset.objects.get()
    assert storage_list(asset.prefix)

    with django_capture_on_commit_callbacks(execute=True):
        response = cm_client.delete(f"{URL}/{video_id}")

    assert response.status_code == 204
    assert not MediaAsset.objects.exists()
    assert storage_list(asset.prefix) == []


def test_replacing_a_file_deletes_the_old_one(
    cm_client, sample_videos, django_capture_on_commit_callbacks
):
    workout = WorkoutFactory()
    with django_capture_on_commit_callbacks(execute=True):
        video_id = cm_client.post(
            URL, form(workout, sample_videos.good), format="multipart"
        ).json()["id"]
    old = MediaAsset.objects.get()
    upload_id = _upload_through_ticket(cm_client, sample_videos.portrait)

    with django_capture_on_commit_callbacks(execute=True):
        response = cm_client.put(
            f"{URL}/{video_id}",
            {"title": "Portrait", "order_index": 1, "upload_id": upload_id},
            format="json",
        )

    assert response.status_code == 200, response.content
    assert response.json()["duration_seconds"] == 1
    assert response.json()["media"]["id"] == upload_id
    assert not MediaAsset.objects.filter(pk=old.pk).exists()
    assert storage_list(old.prefix) == []
    new = MediaAsset.objects.get(pk=upload_id)
    assert (new.status, new.width, new.height, new.has_audio) == ("ready", 240, 320, False)


def test_deleting_a_workout_deletes_its_videos_files(
    cm_client, sample_videos, django_capture_on_commit_callbacks
):
    workout = WorkoutFactory()
    with django_capture_on_commit_callbacks(execute=True):
        cm_client.post(URL, form(workout, sample_videos.good), format="multipart")
    asset = MediaAsset.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = cm_client.delete(f"/api/admin/workouts/{workout.pk}")

    assert response.status_code == 204
    assert not MediaAsset.objects.exists()
    assert storage_list(asset.prefix) == []
