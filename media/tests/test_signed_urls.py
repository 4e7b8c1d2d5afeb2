"""Signed URLs are refused once expired or altered, open only what they were made for, and the
sweep re-drives what a lost task left behind."""

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.testing import SchemaValidatingClient
from media import services, signing
from media.models import AssetStatus, MediaAsset
from media.storage import media_storage, storage_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_asset(sample_videos, django_capture_on_commit_callbacks):
    checked = services.upload_check(
        upload=SimpleUploadedFile("a.mp4", sample_videos.good.read_bytes())
    )
    with django_capture_on_commit_callbacks(execute=True):
        asset = services.asset_create_from_upload(checked=checked, actor=None)
    checked.close()
    asset.refresh_from_db()
    assert asset.status == AssetStatus.READY
    return asset


def token(asset, purpose=signing.PLAYBACK, expires_in=600):
    return signing.token_make(
        purpose=purpose, asset_id=asset.pk, expires_at=int(time.time()) + expires_in
    )


def test_a_valid_token_plays(ready_asset):
    response = SchemaValidatingClient().get(
        f"/api/media/play/{token(ready_asset)}/run-1/master.m3u8"
    )

    assert response.status_code == 200


def test_an_expired_token_is_refused(ready_asset):
    response = SchemaValidatingClient().get(
        f"/api/media/play/{token(ready_asset, expires_in=-1)}/run-1/master.m3u8"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "signed_url_expired"


@pytest.mark.parametrize("part", ["asset", "expiry", "signature"])
def test_an_altered_token_is_refused(ready_asset, part):
    asset_hex, expires, signature = token(ready_asset).split(".")
    altered = {
        "asset": f"{'0' * 32}.{expires}.{signature}",
        "expiry": f"{asset_hex}.{int(expires) + 86400}.{signature}",
        "signature": f"{asset_hex}.{expires}.{signature[:-2]}xx",
    }[part]

    response = SchemaValidatingClient().get(f"/api/media/play/{altered}/run-1/master.m3u8")

    assert response.status_code == 403
    assert response.json()["code"] == "signed_url_invalid"


def test_a_thumbnail_token_never_opens_the_video(ready_asset):
    thumb = token(ready_asset, purpose=signing.THUMBNAIL)

    assert SchemaValidatingClient().get(f"/api/media/thumbnails/{thumb}").status_code == 200
    refused = SchemaValidatingClient().get(f"/api/media/play/{thumb}/run-1/master.m3u8")
    assert refused.status_code == 403
    assert refused.json()["code"] == "signed_url_invalid"


@pytest.mark.parametrize(
    "path",
    ["run-1/source", "run-1/thumbnail.jpg", "run-2/master.m3u8", "run-1/240p/missing.ts"],
)
def test_a_token_opens_only_the_current_runs_playlists_and_segments(ready_asset, path):
    response = SchemaValidatingClient().get(f"/api/media/play/{token(ready_asset)}/{path}")

    assert response.status_code == 404


def test_a_deleted_video_no_longer_plays(ready_asset, django_capture_on_commit_callbacks):
    url = f"/api/media/play/{token(ready_asset)}/run-1/master.m3u8"
    with django_capture_on_commit_callbacks(execute=True):
        services.asset_delete(asset_id=ready_asset.pk)

    assert SchemaValidatingClient().get(url).status_code == 404
    assert storage_list(ready_asset.prefix) == []


def test_an_expired_or_altered_upload_url_is_refused(db):
    asset = MediaAsset.objects.create(status=AssetStatus.AWAITING_UPLOAD)
    file = SimpleUploadedFile("a.mp4", b"\x00" * 10)
    expired = token(asset, purpose=signing.UPLOAD, expires_in=-1)
    playback = token(asset, purpose=signing.PLAYBACK)  # a token made for something else

    first = SchemaValidatingClient().post(
        f"/api/media/uploads/{expired}", {"file": file}, format="multipart"
    )
    second = SchemaValidatingClient().post(
        f"/api/media/uploads/{playback}", {"file": file}, format="multipart"
    )

    assert (first.status_code, first.json()["code"]) == (403, "signed_url_expired")
    assert (second.status_code, second.json()["code"]) == (403, "signed_url_invalid")
    assert storage_list(asset.prefix) == []


def test_an_upload_url_works_once_the_upload_is_completed_no_more(db, sample_videos):
    asset = MediaAsset.objects.create(status=AssetStatus.UPLOADED)
    file = SimpleUploadedFile("a.mp4", sample_videos.good.read_bytes())

    response = SchemaValidatingClient().post(
        f"/api/media/uploads/{token(asset, purpose=signing.UPLOAD)}",
        {"file": file},
        format="multipart",
    )

    assert response.status_code == 404
    assert storage_list(asset.prefix) == []


def test_processing_twice_does_the_work_once(ready_asset):
    before = storage_list(ready_asset.prefix)

    services.asset_process(asset_id=ready_asset.pk)

    ready_asset.refresh_from_db()
    assert (ready_asset.status, ready_asset.run) == (AssetStatus.READY, 1)
    assert storage_list(ready_asset.prefix) == before


def test_reprocessing_replaces_the_run_and_deletes_the_old_one(
    ready_asset, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.asset_reprocess(asset=ready_asset)

    ready_asset.refresh_from_db()
    assert (ready_asset.status, ready_asset.run) == (AssetStatus.READY, 2)
    assert ready_asset.manifest_path == "run-2/master.m3u8"
    files = storage_list(ready_asset.prefix)
    assert not [f for f in files if "/run-1/" in f]
    assert f"{ready_asset.prefix}/run-2/master.m3u8" in files


def test_the_sweep_redrives_stuck_work_and_drops_abandoned_uploads(
    sample_videos, django_capture_on_commit_callbacks, settings
):
    checked = services.upload_check(
        upload=SimpleUploadedFile("a.mp4", sample_videos.good.read_bytes())
    )
    asset = services.asset_create_from_upload(checked=checked, actor=None)  # its task never ran
    checked.close()
    long_ago = timezone.now() - timedelta(days=3)
    MediaAsset.objects.filter(pk=asset.pk).update(
        status=AssetStatus.PROCESSING, updated_at=long_ago
    )
    abandoned = MediaAsset.objects.create(status=AssetStatus.AWAITING_UPLOAD)
    MediaAsset.objects.filter(pk=abandoned.pk).update(created_at=long_ago)
    media_storage().save(f"{abandoned.prefix}/source", SimpleUploadedFile("x", b"partial"))

    with django_capture_on_commit_callbacks(execute=True):
        result = services.assets_sweep()

    assert result == {"requeued": 1, "abandoned_deleted": 1}
    asset.refresh_from_db()
    assert asset.status == AssetStatus.READY
    assert not MediaAsset.objects.filter(pk=abandoned.pk).exists()
    assert storage_list(abandoned.prefix) == []


def test_the_work_copy_of_a_checked_upload_is_removed(sample_videos):
    checked = services.upload_check(
        upload=SimpleUploadedFile("a.mp4", sample_videos.good.read_bytes())
    )
    work = Path(checked.path).parent
    assert work.exists()

    checked.close()

    assert not work.exists()


def test_behind_nginx_the_bytes_are_handed_over_by_x_accel_redirect(ready_asset, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    url = f"/api/media/play/{token(ready_asset)}/run-1/240p/seg_000.ts"
    client = SchemaValidatingClient()
    client.validate_schema = False  # the body is nginx's to send: the app's answer is empty

    response = client.get(url)

    assert response.status_code == 200
    assert (
        response["X-Accel-Redirect"]
        == f"/protected-media/{ready_asset.prefix}/run-1/240p/seg_000.ts"
    )
    assert response["Content-Type"] == "video/mp2t"
    assert response.content == b""
