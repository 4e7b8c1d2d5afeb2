"""The byte-serving end of signed URLs: HLS playback, thumbnails, local presigned uploads.

No bearer token here (video players and image views cannot send one): the signed token in the
URL is the credential, checked on every request, and an expired or altered one is refused. On
S3 the playlists are served here and rewritten to point each segment at a presigned S3 URL, so
the bytes come from S3, which enforces its own expiry; with local storage the files are served
here (in production nginx can take them over with X-Accel-Redirect).
"""

from __future__ import annotations

import posixpath
import time
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.utils.functional import classproperty
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.openapi import error_envelope_serializer
from media import error_codes, selectors, services, signing
from media.models import MediaAsset
from media.storage import media_storage, storage_is_s3, storage_presigned_get

TAGS = ["media"]
PLAYLIST = "application/vnd.apple.mpegurl"
ErrorResponse403SignedUrlSerializer = error_envelope_serializer(
    status_code=403,
    codes=error_codes.ErrorCode403SignedUrlEnum,
    suffix="SignedUrl",
    doc="The envelope of a 403: the signed URL was altered or has expired; ask the API for a "
    "fresh one.",
)


def _token(purpose: str, token: str) -> signing.Token:
    try:
        return signing.token_read(purpose=purpose, token=token)
    except signing.TokenExpired as exc:
        raise PermissionDenied("This URL has expired.", code=error_codes.URL_EXPIRED) from exc
    except signing.TokenInvalid as exc:
        raise PermissionDenied("This URL is not valid.", code=error_codes.URL_INVALID) from exc


def _ready_asset(asset_id: Any) -> MediaAsset:
    asset = selectors.asset_get_ready(asset_id=asset_id)
    if asset is None:
        raise NotFound("No such video.")
    return asset


def _private_cache(response: HttpResponseBase, expires_at: int) -> HttpResponseBase:
    remaining = max(0, expires_at - int(time.time()))
    response["Cache-Control"] = f"private, max-age={min(remaining, 3600)}"
    return response


def _stored_file(key: str, content_type: str, expires_at: int) -> HttpResponseBase:
    if storage_is_s3():
        remaining = max(60, expires_at - int(time.time()))
        return HttpResponseRedirect(storage_presigned_get(key=key, expires_in=remaining))
    storage = media_storage()
    if not storage.exists(key):
        raise NotFound("No such file.")
    if settings.MEDIA_ACCEL_REDIRECT:  # nginx sends the bytes (deploy/nginx.conf)
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{settings.MEDIA_ACCEL_REDIRECT.rstrip('/')}/{key}"
        return response
    return FileResponse(storage.open(key, "rb"), content_type=content_type)


EXPIRED_EXAMPLE = OpenApiExample(
    "Expired",
    value={
        "type": "client_error",
        "errors": [{"code": "signed_url_expired", "detail": "This URL has expired.", "attr": None}],
    },
    response_only=True,
    status_codes=["403"],
)


class _SignedUrlView(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()  # a player fetches a segment every few seconds
    generic_error_examples_excluded = ("403",)


SIGNED_ERRORS = {
    403: ErrorResponse403SignedUrlSerializer,
    404: OpenApiResponse(description="No such video or file (or the video was deleted)."),
}


PLAYBACK_RESPONSES: dict[Any, Any] = {
    (200, PLAYLIST): OpenApiTypes.BINARY,  # text, but bytes to a schema validator
    (200, "video/mp2t"): OpenApiTypes.BINARY,
    302: OpenApiResponse(description="S3: the segment's presigned URL."),
    **SIGNED_ERRORS,
}


def _play(*, token: str, path: str) -> HttpResponseBase:
    """One file of the asset's current run: a playlist (its segments rewritten to presigned
    URLs on S3) or a segment."""
    parsed = _token(signing.PLAYBACK, token)
    asset = _ready_asset(parsed.asset_id)
    run_dir = asset.manifest_path.split("/", 1)[0]
    suffix = posixpath.splitext(path)[1]
    if not path.startswith(f"{run_dir}/") or ".." in path or suffix not in {".m3u8", ".ts"}:
        raise NotFound("No such file.")
    key = f"{asset.prefix}/{path}"
    if suffix == ".ts":
        return _private_cache(_stored_file(key, "video/mp2t", parsed.expires_at), parsed.expires_at)
    storage = media_storage()
    if not storage.exists(key):
        raise NotFound("No such file.")
    with storage.open(key, "rb") as handle:
        text = handle.read().decode()
    if storage_is_s3():
        remaining = max(60, parsed.expires_at - int(time.time()))
        folder = posixpath.dirname(key)
        text = "\n".join(
            storage_presigned_get(key=f"{folder}/{line}", expires_in=remaining)
            if line and not line.startswith("#") and line.endswith(".ts")
            else line
            for line in text.split("\n")
        )
    return _private_cache(HttpResponse(text, content_type=PLAYLIST), parsed.expires_at)


class PlaybackView(_SignedUrlView):
    @extend_schema(
        tags=TAGS,
        operation_id="media_play",
        summary="HLS playback through a signed URL: the master playlist",
        description="The `playback.url` of `GET /api/workouts/{id}/videos` points here; the "
        "playlists' relative URLs resolve under the same token (`media_play_rendition`). "
        "Tokens are short-lived (`expires_at`): an expired token answers 403 "
        "`signed_url_expired`, an altered one 403 `signed_url_invalid`. On S3, segments are "
        "presigned S3 URLs written into the playlists (S3 enforces their expiry). No "
        "Authorization header is needed: the token is the credential.",
        auth=[],
        examples=[EXPIRED_EXAMPLE],
        responses=PLAYBACK_RESPONSES,
    )
    def get(self, request: Request, token: str, run: str, name: str) -> HttpResponseBase:
        return _play(token=token, path=f"{run}/{name}")


class PlaybackRenditionView(_SignedUrlView):
    @extend_schema(
        tags=TAGS,
        operation_id="media_play_rendition",
        summary="HLS playback through a signed URL: a rendition's playlist and segments",
        description="Reached through the relative URLs of the master playlist; see `media_play`.",
        auth=[],
        examples=[EXPIRED_EXAMPLE],
        responses=PLAYBACK_RESPONSES,
    )
    def get(
        self, request: Request, token: str, run: str, rendition: str, name: str
    ) -> HttpResponseBase:
        return _play(token=token, path=f"{run}/{rendition}/{name}")


class ThumbnailView(_SignedUrlView):
    @extend_schema(
        tags=TAGS,
        operation_id="media_thumbnail",
        summary="A video's thumbnail through a signed URL",
        description="The signed `thumbnail` URLs of the workout endpoints point here; this "
        "token opens the thumbnail only, never the video. 403 once expired or altered.",
        auth=[],
        examples=[EXPIRED_EXAMPLE],
        responses={
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            302: OpenApiResponse(description="S3: the thumbnail's presigned URL."),
            **SIGNED_ERRORS,
        },
    )
    def get(self, request: Request, token: str) -> HttpResponseBase:
        parsed = _token(signing.THUMBNAIL, token)
        asset = _ready_asset(parsed.asset_id)
        key = f"{asset.prefix}/{asset.thumbnail_path}"
        return _private_cache(_stored_file(key, "image/jpeg", parsed.expires_at), parsed.expires_at)


class MediaUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="the video file, the last part of the form")


ErrorResponse403UploadUrlSerializer = error_envelope_serializer(
    status_code=403,
    codes=error_codes.ErrorCode403SignedUrlEnum,
    suffix="UploadUrl",
    doc="The envelope of a 403: the upload URL was altered or has expired; start a new upload.",
)


class UploadView(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    parser_classes = (MultiPartParser,)
    generic_error_examples_excluded = ("403",)

    @classproperty
    def max_request_body_bytes(cls) -> int:  # read by RequestSizeLimitMiddleware
        return int(settings.MEDIA_UPLOAD_MAX_BYTES) + 64 * 1024

    @extend_schema(
        tags=TAGS,
        operation_id="media_upload",
        summary="Receive a presigned upload (local storage only)",
        description="With local storage, `POST /api/admin/videos/uploads` hands out this URL "
        "in place of an S3 presigned POST: send the same multipart form (the `fields`, then "
        "the file as `file`). The token is the credential and expires; the size is capped at "
        "`max_bytes`. Then complete the upload with `POST /api/admin/videos` and `upload_id`. "
        "When S3 is configured this endpoint answers 404.",
        auth=[],
        examples=[EXPIRED_EXAMPLE],
        request={"multipart/form-data": MediaUploadInputSerializer},
        responses={
            204: None,
            403: ErrorResponse403UploadUrlSerializer,
            404: OpenApiResponse(description="No upload is awaited for this URL."),
        },
    )
    def post(self, request: Request, token: str) -> Response:
        if storage_is_s3():
            raise NotFound("Uploads go straight to storage.")
        parsed = _token(signing.UPLOAD, token)
        data = MediaUploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.asset_upload_receive(asset_id=parsed.asset_id, upload=data.validated_data["file"])
        return Response(status=status.HTTP_204_NO_CONTENT)
