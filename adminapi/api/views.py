"""The admin API (thin views: parse, call one service or selector, render).

Staff only, per Django model permission: the "Content managers" group manages workouts and
videos, the "Support" group lists users; superusers hold everything.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils.functional import classproperty
from drf_spectacular.utils import OpenApiExample, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from adminapi import error_codes as admin_error_codes
from adminapi import selectors as admin_selectors
from adminapi import services
from adminapi.permissions import StaffModelPermissions
from core.openapi import (
    BulkErrorResponse400Serializer,
    error_envelope_serializer,
    validation_error_example,
)
from core.pagination import catalog_page_response
from core.parsers import JSONParser
from media import error_codes as media_error_codes
from media import selectors as media_selectors
from workouts import error_codes
from workouts import selectors as workouts_selectors

from .serializers import (
    AdminUserListQuerySerializer,
    AdminUserOutputSerializer,
    AdminUserPageOutputSerializer,
    AdminVideoCreateInputSerializer,
    AdminVideoOutputSerializer,
    AdminVideoUpdateInputSerializer,
    AdminVideoUploadInputSerializer,
    AdminVideoUploadStartInputSerializer,
    AdminVideoUploadTicketOutputSerializer,
    AdminWorkoutInputSerializer,
    AdminWorkoutListQuerySerializer,
    AdminWorkoutOutputSerializer,
    AdminWorkoutPageOutputSerializer,
)

TAGS = ["admin"]
ErrorResponse409AdminWorkoutDeleteSerializer = error_envelope_serializer(
    status_code=409,
    codes=admin_error_codes.ErrorCode409AdminWorkoutDeleteEnum,
    suffix="AdminWorkoutDelete",
    doc="The envelope of a 409: users hold entitlements to this workout; unpublish it instead.",
)

_EXAMPLE_WORKOUT_IN = {
    "title": "Tempo run drills",
    "slug": "tempo-run-drills",
    "description": "Strides and drills.",
    "goal": "endurance",
    "difficulty": "intermediate",
    "categories": ["running", 4],
    "equipment": ["none"],
    "estimated_duration_seconds": 1500,
    "estimated_energy_kcal": 220,
    "thumbnail": "",
    "is_premium": True,
    "is_purchasable": False,
    "is_featured": False,
    "status": "scheduled",
    "publish_at": "2026-12-01T06:00:00+00:00",
    "trainer": 3,
}
_EXAMPLE_WORKOUT_OUT = {
    **_EXAMPLE_WORKOUT_IN,
    "id": "6f1c2b8e-3d1a-4a4e-9a57-2f3c1d0e9b11",
    "categories": [
        {"id": 4, "slug": "intervals", "name": "Intervals"},
        {"id": 2, "slug": "running", "name": "Running"},
    ],
    "publish_at": "2026-12-01T06:00:00Z",
    "trainer": {"id": 3, "name": "Ana Ruiz"},
    "rating_average": 0.0,
    "rating_count": 0,
    "completions_count": 0,
    "created_at": "2026-11-26T11:00:00Z",
    "updated_at": "2026-11-26T11:00:00Z",
}
_EXAMPLE_VIDEO_IN = {
    "workout": "6f1c2b8e-3d1a-4a4e-9a57-2f3c1d0e9b11",
    "title": "Warm-up",
    "order_index": 1,
    "duration_seconds": 300,
    "access": "free",
    "is_preview": True,
    "thumbnail": "",
}
_EXAMPLE_VIDEO_OUT = {
    **_EXAMPLE_VIDEO_IN,
    "id": "0b7e2a44-1c55-4f0e-8f3a-5d2b9c6e7a01",
    "media": {
        "id": "4a0f3c52-8d7e-4b8f-a9a1-6c2d7e9f0b13",
        "status": "ready",
        "failure_reason": "",
        "original_filename": "warm-up.mp4",
        "content_type": "video/mp4",
        "size_bytes": 48213377,
        "duration_seconds": 300.04,
        "width": 1280,
        "height": 720,
        "renditions": [
            {"name": "720p", "width": 1280, "height": 720, "video_kbps": 2800},
            {"name": "480p", "width": 854, "height": 480, "video_kbps": 1400},
            {"name": "360p", "width": 640, "height": 360, "video_kbps": 800},
        ],
        "thumbnail_url": "https://api.fitcore.example/api/media/thumbnails/"
        "4a0f3c528d7e4b8fa9a16c2d7e9f0b13.1795694400.9kQyP0mYx2l6V1d0H0kqZb3sWfU.jpg",
        "processing_seconds": 131.2,
        "processed_at": "2026-11-26T11:02:11Z",
    },
}


def _workout_or_404(workout_id: Any) -> Any:
    workout = workouts_selectors.workout_get_for_admin(workout_id=workout_id)
    if workout is None:
        raise NotFound("No such workout.")
    return workout


def _video_or_404(video_id: Any) -> Any:
    video = workouts_selectors.workout_video_get_for_admin(video_id=video_id)
    if video is None:
        raise NotFound("No such video.")
    return video


def _workout_arguments(data: dict[str, Any]) -> dict[str, Any]:
    fields = dict(data)
    return {
        "category_refs": fields.pop("categories"),
        "trainer_id": fields.pop("trainer"),
        "fields": fields,
    }


_WORKOUT_CREATE_ERRORS = [
    extend_validation_errors(
        [error_codes.UNKNOWN_CATEGORY, "invalid"], field_name="categories", methods=["post"]
    ),
    extend_validation_errors([error_codes.UNKNOWN_TRAINER], field_name="trainer", methods=["post"]),
    extend_validation_errors(
        [error_codes.PUBLISH_AT_PAST, "invalid"], field_name="publish_at", methods=["post"]
    ),
    extend_validation_errors(["unique"], field_name="slug", methods=["post"]),
    extend_validation_errors(["invalid_choice"], field_name="equipment", methods=["post"]),
    extend_validation_errors(["invalid"], field_name="is_purchasable", methods=["post"]),
    extend_validation_errors(["invalid"], field_name="non_field_errors", methods=["post"]),
]
_WORKOUT_REPLACE_ERRORS = [
    extend_validation_errors(
        [error_codes.UNKNOWN_CATEGORY, "invalid"], field_name="categories", methods=["put"]
    ),
    extend_validation_errors([error_codes.UNKNOWN_TRAINER], field_name="trainer", methods=["put"]),
    extend_validation_errors(
        [error_codes.PUBLISH_AT_PAST, "invalid"], field_name="publish_at", methods=["put"]
    ),
    extend_validation_errors(["unique"], field_name="slug", methods=["put"]),
    extend_validation_errors(["invalid_choice"], field_name="equipment", methods=["put"]),
    extend_validation_errors(["invalid"], field_name="is_purchasable", methods=["put"]),
    extend_validation_errors(["invalid"], field_name="non_field_errors", methods=["put"]),
]


def _with_errors(decorators: list[Any]) -> Any:
    def apply(cls: Any) -> Any:
        for decorator in decorators:
            cls = decorator(cls)
        return cls

    return apply


@_with_errors(_WORKOUT_CREATE_ERRORS)
class AdminWorkoutListView(APIView):
    permission_classes = (StaffModelPermissions,)
    required_permissions = {
        "GET": ("workouts.view_workout",),
        "POST": ("workouts.add_workout",),
    }

    @extend_schema(
        tags=TAGS,
        operation_id="admin_workouts_list",
        summary="Every workout, drafts and scheduled ones included",
        description="Newest first. Filters combine with AND: `status`, `q` (in the title, "
        "case-insensitive), `category` (a slug; a parent includes its children), "
        "`is_premium`. Limit/offset pagination with `count` (limit at most 100). Needs "
        "`workouts.view_workout` (staff).",
        parameters=[AdminWorkoutListQuerySerializer],
        responses={200: AdminWorkoutPageOutputSerializer, 400: BulkErrorResponse400Serializer},
        examples=[
            OpenApiExample(
                "A page",
                value={
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "results": [_EXAMPLE_WORKOUT_OUT],
                },
                response_only=True,
                status_codes=["200"],
            )
        ],
    )
    def get(self, request: Request) -> Response:
        query = AdminWorkoutListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        filters = workouts_selectors.WorkoutAdminFilters(
            status=params.get("status"),
            q=params.get("q"),
            category=params.get("category"),
            is_premium=params.get("is_premium"),
        )
        return catalog_page_response(
            request,
            workouts_selectors.workouts_for_admin(filters=filters),
            lambda page: AdminWorkoutOutputSerializer(page, many=True).data,
        )

    @extend_schema(
        tags=TAGS,
        operation_id="admin_workouts_create",
        summary="Create a workout (draft, scheduled or published)",
        description="Categories by id or slug; `trainer` by id. Publishing: `status` published "
        "or scheduled with `publish_at` (a scheduled time must be in the future); a draft is "
        "hidden whatever `publish_at` says. The search index is updated in the same "
        "transaction. Unknown category or trainer, a taken slug, a past schedule: 400 naming "
        "the field, nothing written. Needs `workouts.add_workout` (staff).",
        request=AdminWorkoutInputSerializer,
        responses={201: AdminWorkoutOutputSerializer},
        examples=[
            OpenApiExample(
                "A scheduled premium workout", value=_EXAMPLE_WORKOUT_IN, request_only=True
            ),
            OpenApiExample(
                "Created", value=_EXAMPLE_WORKOUT_OUT, response_only=True, status_codes=["201"]
            ),
            validation_error_example(
                "categories", error_codes.UNKNOWN_CATEGORY, "Unknown category: yoga-flw."
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        data = AdminWorkoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        workout = services.admin_workout_create(
            actor=request.user, **_workout_arguments(data.validated_data)
        )
        body = AdminWorkoutOutputSerializer(_workout_or_404(workout.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


@_with_errors(_WORKOUT_REPLACE_ERRORS)
class AdminWorkoutDetailView(APIView):
    permission_classes = (StaffModelPermissions,)
    required_permissions = {
        "PUT": ("workouts.change_workout",),
        "DELETE": ("workouts.delete_workout",),
    }

    @extend_schema(
        tags=TAGS,
        operation_id="admin_workouts_replace",
        summary="Replace a workout (publish, schedule, unpublish, edit)",
        description="Every field is replaced (one left out takes its default, `categories` "
        "an empty list). Keeping an already passed schedule is allowed; setting a new "
        "schedule in the past is a 400 `publish_at_past`. Unknown id: 404. Needs "
        "`workouts.change_workout` (staff).",
        request=AdminWorkoutInputSerializer,
        responses={200: AdminWorkoutOutputSerializer},
        examples=[
            OpenApiExample(
                "Publish now",
                value={
                    **_EXAMPLE_WORKOUT_IN,
                    "status": "published",
                    "publish_at": "2026-11-26T11:00:00+00:00",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Replaced", value=_EXAMPLE_WORKOUT_OUT, response_only=True, status_codes=["200"]
            ),
            validation_error_example(
                "publish_at",
                error_codes.PUBLISH_AT_PAST,
                "A scheduled workout needs a publish time in the future.",
            ),
        ],
    )
    def put(self, request: Request, workout_id: Any) -> Response:
        workout = _workout_or_404(workout_id)
        data = AdminWorkoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.admin_workout_replace(
            actor=request.user, workout=workout, **_workout_arguments(data.validated_data)
        )
        return Response(AdminWorkoutOutputSerializer(_workout_or_404(workout_id)).data)

    @extend_schema(
        tags=TAGS,
        operation_id="admin_workouts_delete",
        summary="Delete a workout with its videos",
        description="Deletes the workout with its videos, and users' progress, sessions and "
        "ratings of it. A workout someone holds an entitlement to (granted or bought) is not "
        "deleted: 409 `workout_has_entitlements` (set its status to draft to hide it). "
        "Unknown id: 404. Needs `workouts.delete_workout` (staff).",
        responses={204: None, 409: ErrorResponse409AdminWorkoutDeleteSerializer},
    )
    def delete(self, request: Request, workout_id: Any) -> Response:
        workout = _workout_or_404(workout_id)
        services.admin_workout_delete(actor=request.user, workout=workout)
        return Response(status=status.HTTP_204_NO_CONTENT)


_MEDIA_FILE_CODES = [
    media_error_codes.NOT_A_VIDEO,
    media_error_codes.VIDEO_UNREADABLE,
    media_error_codes.FILE_TOO_LARGE,
]
_UPLOAD_ID_CODES = [
    media_error_codes.UNKNOWN_UPLOAD,
    media_error_codes.UPLOAD_ALREADY_COMPLETED,
    media_error_codes.UPLOAD_MISSING,
    *_MEDIA_FILE_CODES,
]
_VIDEO_CREATE_ERRORS = [
    extend_validation_errors(
        [error_codes.ORDER_INDEX_TAKEN, "unique"], field_name="order_index", methods=["post"]
    ),
    extend_validation_errors([error_codes.UNKNOWN_WORKOUT], field_name="workout", methods=["post"]),
    extend_validation_errors(["invalid"], field_name="non_field_errors", methods=["post"]),
    extend_validation_errors(_MEDIA_FILE_CODES, field_name="file", methods=["post"]),
    extend_validation_errors(_UPLOAD_ID_CODES, field_name="upload_id", methods=["post"]),
]
_VIDEO_REPLACE_ERRORS = [
    extend_validation_errors(["unique"], field_name="order_index", methods=["put"]),
    extend_validation_errors(["invalid"], field_name="non_field_errors", methods=["put"]),
    extend_validation_errors(_UPLOAD_ID_CODES, field_name="upload_id", methods=["put"]),
]
_UPLOAD_START_ERRORS = [
    extend_validation_errors(
        [media_error_codes.FILE_TOO_LARGE], field_name="size_bytes", methods=["post"]
    ),
]
UPLOAD_NOTE = (
    "Files: small ones (up to MEDIA_DIRECT_UPLOAD_MAX_BYTES, 200 MiB by default) come in the "
    "same request as a multipart form with `file`, and are checked in full before the answer: "
    "what the bytes are (sniffed; a fake extension is refused with `not_a_video`), every packet "
    "readable (a truncated file is refused with `video_unreadable`) and the size "
    "(`file_too_large`). Large ones go straight to storage: `POST /api/admin/videos/uploads` "
    "hands out a presigned upload, then this call with `upload_id` completes it (the stored "
    "file is sniffed and its headers read; a refused file is deleted and may be uploaded "
    "again). Either way the video answers at once with `media.status` `uploaded`, and a "
    "background task makes the thumbnail and the HLS renditions: poll `GET "
    "/api/admin/videos/{id}` until `ready` (or `failed`, with `failure_reason`)."
)


def _video_body(request: Request, video: Any) -> dict[str, Any]:
    asset = video.asset
    media = None
    if asset is not None:
        media = {
            "id": asset.pk,
            "status": asset.status,
            "failure_reason": asset.failure_reason,
            "original_filename": asset.original_filename,
            "content_type": asset.content_type,
            "size_bytes": asset.size_bytes,
            "duration_seconds": asset.duration_seconds,
            "width": asset.width,
            "height": asset.height,
            "renditions": asset.renditions,
            "thumbnail_url": media_selectors.asset_thumbnail_url(
                asset=asset, base_url=request.build_absolute_uri("/")
            ),
            "processing_seconds": asset.processing_seconds,
            "processed_at": asset.processed_at,
        }
    return {
        "id": video.pk,
        "workout_id": video.workout_id,
        "order_index": video.order_index,
        "title": video.title,
        "duration_seconds": video.duration_seconds,
        "thumbnail": video.thumbnail,
        "access": video.access,
        "is_preview": video.is_preview,
        "media": media,
    }


def _rendered(request: Request, video: Any, code: int = status.HTTP_200_OK) -> Response:
    fresh = _video_or_404(video.pk)  # with its asset as stored
    return Response(AdminVideoOutputSerializer(_video_body(request, fresh)).data, status=code)


@_with_errors(_VIDEO_CREATE_ERRORS)
class AdminVideoCreateView(APIView):
    permission_classes = (StaffModelPermissions,)
    required_permissions = {"POST": ("workouts.add_workoutvideo",)}
    parser_classes = (JSONParser, MultiPartParser)

    @classproperty
    def max_request_body_bytes(cls) -> int:  # read by RequestSizeLimitMiddleware
        return int(settings.MEDIA_DIRECT_UPLOAD_MAX_BYTES) + 64 * 1024

    @extend_schema(
        tags=TAGS,
        operation_id="admin_videos_create",
        summary="Add a video to a workout (upload its file, or complete a presigned upload)",
        description=UPLOAD_NOTE
        + " Without a file the video is metadata only (`duration_seconds` required). "
        "`order_index` must be free in the workout (400 `order_index_taken`; to reorder, "
        "PUT the video to the taken position and the two swap); an unknown workout is a 400 "
        "on `workout`; a refused request stores nothing. Needs `workouts.add_workoutvideo` "
        "(staff).",
        request={
            "application/json": AdminVideoCreateInputSerializer,
            "multipart/form-data": AdminVideoUploadInputSerializer,
        },
        responses={201: AdminVideoOutputSerializer},
        examples=[
            OpenApiExample("A free preview", value=_EXAMPLE_VIDEO_IN, request_only=True),
            OpenApiExample(
                "Created", value=_EXAMPLE_VIDEO_OUT, response_only=True, status_codes=["201"]
            ),
            validation_error_example(
                "order_index", error_codes.ORDER_INDEX_TAKEN, "Position 1 is taken in this workout."
            ),
            validation_error_example(
                "file",
                media_error_codes.NOT_A_VIDEO,
                "The file is not a video (judged by its content).",
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        multipart = request.content_type.startswith("multipart/")
        serializer_class = (
            AdminVideoUploadInputSerializer if multipart else AdminVideoCreateInputSerializer
        )
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        video = services.admin_video_create(
            actor=request.user,
            workout_id=fields.pop("workout"),
            upload=fields.pop("file", None),
            **fields,
        )
        return _rendered(request, video, status.HTTP_201_CREATED)


@_with_errors(_UPLOAD_START_ERRORS)
class AdminVideoUploadStartView(APIView):
    permission_classes = (StaffModelPermissions,)
    required_permissions = {"POST": ("workouts.add_workoutvideo",)}

    @extend_schema(
        tags=TAGS,
        operation_id="admin_videos_uploads_create",
        summary="Start a presigned upload of a large video file",
        description="Answers where and how to send the file: a multipart form POST to `url` "
        "with `fields` first and the file last as `file_field`, before `expires_at`, at most "
        "`max_bytes` (on S3 this is a presigned POST whose policy enforces the size and key; "
        "with local storage it is our own signed upload URL). Then `POST /api/admin/videos` "
        "(or PUT an existing video) with `upload_id` completes it. Uploads never completed are "
        "deleted a day after their URL expires. Needs `workouts.add_workoutvideo` (staff).",
        request=AdminVideoUploadStartInputSerializer,
        responses={201: AdminVideoUploadTicketOutputSerializer},
        examples=[
            OpenApiExample(
                "A 1.2 GB file",
                value={"filename": "hiit-45.mp4", "size_bytes": 1200000000},
                request_only=True,
            ),
            OpenApiExample(
                "On S3",
                value={
                    "upload_id": "4a0f3c52-8d7e-4b8f-a9a1-6c2d7e9f0b13",
                    "method": "POST",
                    "url": "https://fitcore-media.s3.amazonaws.com/",
                    "fields": {
                        "key": "media/4a0f3c52-8d7e-4b8f-a9a1-6c2d7e9f0b13/source",
                        "x-amz-algorithm": "AWS4-HMAC-SHA256",
                        "x-amz-credential": "AKIA.../20261126/eu-west-1/s3/aws4_request",
                        "x-amz-date": "20261126T120000Z",
                        "policy": "eyJleHBpcmF0aW9uIjogIjIwMjYtMTEtMjZUMTM6MDA6MDBaIiwgLi4ufQ==",
                        "x-amz-signature": "3f1c...",
                    },
                    "file_field": "file",
                    "expires_at": "2026-11-26T13:00:00Z",
                    "max_bytes": 4294967296,
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        data = AdminVideoUploadStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.admin_video_upload_start(actor=request.user, **data.validated_data)
        body = {
            "upload_id": ticket.asset.pk,
            "method": ticket.method,
            "url": request.build_absolute_uri(ticket.url),
            "fields": ticket.fields,
            "file_field": "file",
            "expires_at": ticket.expires_at,
            "max_bytes": ticket.max_bytes,
        }
        return Response(
            AdminVideoUploadTicketOutputSerializer(body).data, status=status.HTTP_201_CREATED
        )


@_with_errors(_VIDEO_REPLACE_ERRORS)
class AdminVideoDetailView(APIView):
    permission_classes = (StaffModelPermissions,)
    required_permissions = {
        "GET": ("workouts.view_workoutvideo",),
        "PUT": ("workouts.change_workoutvideo",),
        "DELETE": ("workouts.delete_workoutvideo",),
    }

    @extend_schema(
        tags=TAGS,
        operation_id="admin_videos_retrieve",
        summary="A video with its file's processing state (poll after an upload)",
        description="`media.status` moves uploaded -> processing -> ready, or failed with "
        "`failure_reason`. Unknown id: 404. Needs `workouts.view_workoutvideo` (staff).",
        responses={200: AdminVideoOutputSerializer},
        examples=[OpenApiExample("Ready", value=_EXAMPLE_VIDEO_OUT, response_only=True)],
    )
    def get(self, request: Request, video_id: Any) -> Response:
        return _rendered(request, _video_or_404(video_id))

    @extend_schema(
        tags=TAGS,
        operation_id="admin_videos_replace",
        summary="Replace a video's metadata (and file); reorder by swapping",
        description="Every field is replaced (`duration_seconds` left out keeps the current "
        "one, or takes the new file's); the video stays in its workout. Moving it to the "
        "`order_index` of another video of the same workout swaps the two in one transaction, "
        "so positions stay unique. `upload_id` (a presigned upload, see `POST "
        "/api/admin/videos/uploads`) replaces the file: the old files are deleted once this "
        "commits. Unknown id: 404. Needs `workouts.change_workoutvideo` (staff).",
        request=AdminVideoUpdateInputSerializer,
        responses={200: AdminVideoOutputSerializer},
        examples=[
            OpenApiExample(
                "Move to first",
                value={k: v for k, v in _EXAMPLE_VIDEO_IN.items() if k != "workout"},
                request_only=True,
            ),
            OpenApiExample(
                "Replaced", value=_EXAMPLE_VIDEO_OUT, response_only=True, status_codes=["200"]
            ),
        ],
    )
    def put(self, request: Request, video_id: Any) -> Response:
        video = _video_or_404(video_id)
        data = AdminVideoUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        video = services.admin_video_update(actor=request.user, video=video, **data.validated_data)
        return _rendered(request, video)

    @extend_schema(
        tags=TAGS,
        operation_id="admin_videos_delete",
        summary="Delete a video and its files",
        description="Deletes the video, its media asset and, once that commits, every file "
        "(the source, the thumbnail, the renditions); the other videos keep their positions. "
        "Unknown id: 404. Needs `workouts.delete_workoutvideo` (staff).",
        responses={204: None},
    )
    def delete(self, request: Request, video_id: Any) -> Response:
        video = _video_or_404(video_id)
        services.admin_video_delete(actor=request.user, video=video)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _day_start(day: Any) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


class AdminUserListView(APIView):
    permission_classes = (StaffModelPermissions,)
    required_permissions = {"GET": ("accounts.view_user",)}

    @extend_schema(
        tags=TAGS,
        operation_id="admin_users_list",
        summary="Users, searched and filtered",
        description="Newest first. `q` searches the email and the name (case-insensitive); "
        "`joined_from`/`joined_to` are days (UTC, inclusive); `is_premium` keeps users with "
        "(true) or without (false) an active premium entitlement. Limit/offset pagination with "
        "`count` (limit at most 100); the same few queries whatever the page size. Needs "
        "`accounts.view_user` (staff in the Support group; content managers may not list "
        "users).",
        parameters=[AdminUserListQuerySerializer],
        responses={200: AdminUserPageOutputSerializer, 400: BulkErrorResponse400Serializer},
        examples=[
            OpenApiExample(
                "A page",
                value={
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "results": [
                        {
                            "id": "3b0f6a52-8f7e-4d7c-9a41-0c5e2d1b6f20",
                            "email": "alice@example.com",
                            "name": "Alice",
                            "is_active": True,
                            "is_staff": False,
                            "is_premium": True,
                            "date_joined": "2026-11-02T09:30:00Z",
                            "last_login": None,
                        }
                    ],
                },
                response_only=True,
                status_codes=["200"],
            )
        ],
    )
    def get(self, request: Request) -> Response:
        query = AdminUserListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        rows = admin_selectors.users_for_admin(
            q=params.get("q"),
            joined_from=_day_start(params["joined_from"]) if "joined_from" in params else None,
            joined_before=(
                _day_start(params["joined_to"] + timedelta(days=1))
                if "joined_to" in params
                else None
            ),
            is_premium=params.get("is_premium"),
        )
        return catalog_page_response(
            request, rows, lambda page: AdminUserOutputSerializer(page, many=True).data
        )
