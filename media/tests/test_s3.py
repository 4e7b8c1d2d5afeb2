"""The S3 path, against moto's S3 server over real HTTP (boto3 + django-storages): presigned
upload, processing into the bucket, playback through presigned segment URLs, deletion.

moto does not enforce presigned signatures, expiry or POST policies, so those rules are checked
on what we hand out (the policy's conditions, the URLs' expiry and signature parameters).
"""

import base64
import json
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer

from media.models import MediaAsset
from media.storage import storage_list
from workouts.tests.factories import WorkoutFactory

pytestmark = pytest.mark.django_db

KEYS = {"access_key": "fitcore-test", "secret_key": "fitcore-test-secret"}


@pytest.fixture(scope="module")
def moto_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(moto_endpoint, settings):
    name = f"fitcore-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": moto_endpoint,
                "region_name": "us-east-1",
                "signature_version": "s3v4",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": True,
                **KEYS,
            },
        },
    }
    return name


@pytest.fixture
def cm_client(db):
    from django.contrib.auth.models import Group

    from accounts.tests.factories import UserFactory
    from core.testing import SchemaValidatingClient

    manager = UserFactory(email="content@example.com", is_staff=True)
    manager.groups.add(Group.objects.get(name="Content managers"))
    return SchemaValidatingClient().as_user(manager)


def _presigned_upload(cm_client, path, settings):
    ticket = cm_client.post(
        "/api/admin/videos/uploads",
        {"filename": path.name, "size_bytes": path.stat().st_size},
        format="json",
    )
    assert ticket.status_code == 201, ticket.content
    body = ticket.json()
    policy = json.loads(base64.b64decode(body["fields"]["policy"]))
    key = f"media/{body['upload_id']}/source"
    assert body["fields"]["key"] == key
    assert ["content-length-range", 1, settings.MEDIA_UPLOAD_MAX_BYTES] in policy["conditions"]
    assert {"key": key} in policy["conditions"]
    assert body["fields"]["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    sent = requests.post(
        body["url"],
        data=body["fields"],
        files={"file": (path.name, path.read_bytes())},
        timeout=10,
    )
    assert sent.status_code in {200, 201, 204}, sent.text
    return body["upload_id"]


def test_the_whole_s3_path(
    bucket, cm_client, alice_client, sample_videos, settings, django_capture_on_commit_callbacks
):
    workout = WorkoutFactory()
    upload_id = _presigned_upload(cm_client, sample_videos.good, settings)

    with django_capture_on_commit_callbacks(execute=True):
        created = cm_client.post(
            "/api/admin/videos",
            {
                "workout": str(workout.pk),
                "title": "Intro",
                "order_index": 1,
                "upload_id": upload_id,
            },
            format="json",
        )

    assert created.status_code == 201, created.content
    asset = MediaAsset.objects.get(pk=upload_id)
    assert asset.status == "ready", asset.failure_reason
    keys = storage_list(asset.prefix)
    assert f"{asset.prefix}/run-1/master.m3u8" in keys
    assert f"{asset.prefix}/run-1/240p/seg_000.ts" in keys

    playback = alice_client.get(f"/api/workouts/{workout.pk}/videos").json()[0]["playback"]
    player = alice_client.__class__()
    master = player.get(playback["url"])
    assert master.status_code == 200
    variant = player.get(playback["url"].rsplit("/", 1)[0] + "/240p/index.m3u8")
    assert variant.status_code == 200
    segment_urls = re.findall(r"^http\S+$", variant.content.decode(), re.M)
    assert segment_urls
    first = urlsplit(segment_urls[0])
    query = parse_qs(first.query)
    assert first.path == f"/{bucket}/{asset.prefix}/run-1/240p/seg_000.ts"
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert 60 <= int(query["X-Amz-Expires"][0]) <= settings.MEDIA_PLAYBACK_TTL_SECONDS
    assert len(query["X-Amz-Signature"][0]) == 64
    fetched = requests.get(segment_urls[0], timeout=10)
    assert fetched.status_code == 200
    assert fetched.content[:1] == b"G"  # MPEG-TS

    thumbnail = player.get(
        alice_client.get(f"/api/workouts/{workout.pk}/videos").json()[0]["thumbnail"]
    )
    assert thumbnail.status_code == 302
    assert requests.get(thumbnail["Location"], timeout=10).content[:2] == b"\xff\xd8"

    with django_capture_on_commit_callbacks(execute=True):
        deleted = cm_client.delete(f"/api/admin/videos/{created.json()['id']}")

    assert deleted.status_code == 204
    assert storage_list(asset.prefix) == []


def test_a_non_video_in_the_bucket_is_refused_and_deleted(
    bucket, cm_client, sample_videos, settings
):
    workout = WorkoutFactory()
    upload_id = _presigned_upload(cm_client, sample_videos.fake, settings)

    response = cm_client.post(
        "/api/admin/videos",
        {"workout": str(workout.pk), "title": "Intro", "order_index": 1, "upload_id": upload_id},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "not_a_video"
    assert storage_list(f"media/{upload_id}") == []


def test_the_local_upload_endpoint_is_closed_when_s3_is_configured(bucket, api_client):
    response = api_client.post(
        "/api/media/uploads/anything",
        {"file": SimpleUploadedFile("a.mp4", b"x")},
        format="multipart",
    )

    assert response.status_code == 404
