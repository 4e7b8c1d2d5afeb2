"""Apple Health export imports: upload an export.zip / export.xml, then poll its import."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.conf import settings
from django.utils.functional import classproperty
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from core.serializers import StrictInputSerializer
from core.throttling import HealthImportThrottle, UserThrottle
from health import error_codes, selectors, services
from health.models import HealthImport

TAGS = ["health"]
IMPORT_ERROR_CODES = [
    error_codes.INVALID_EXPORT,
    error_codes.EXPORT_TOO_LARGE,
    error_codes.ARCHIVE_REFUSED,
    error_codes.XML_MALFORMED,
    error_codes.XML_FORBIDDEN,
    error_codes.IMPORT_FAILED,
]


class AppleHealthExportUploadInputSerializer(StrictInputSerializer):
    """A multipart upload of one export file."""

    file = serializers.FileField(
        max_length=255,
        help_text='export.zip as Health\'s "Export All Health Data" makes it, or the '
        "export.xml inside it. Recognised by its content, not its name.",
    )


class HealthImportOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(
        choices=HealthImport.Status.choices,
        help_text="pending -> processing -> succeeded | failed (nothing stored)",
    )
    original_filename = serializers.CharField()
    size_bytes = serializers.IntegerField()
    progress_percent = serializers.IntegerField(
        min_value=0, max_value=100, help_text="share of the export's XML read so far"
    )
    records_seen = serializers.IntegerField(help_text="entries read from the export")
    samples_stored = serializers.IntegerField(help_text="new samples stored")
    samples_unchanged = serializers.IntegerField(
        help_text="samples already stored (an earlier import of an overlapping export)"
    )
    skipped = serializers.IntegerField(help_text="unknown types and individually invalid records")
    unknown_types = serializers.DictField(
        child=serializers.IntegerField(), help_text="skipped types with how many of each"
    )
    error_code = serializers.ChoiceField(
        choices=IMPORT_ERROR_CODES, allow_null=True, help_text="why a failed import failed"
    )
    error = serializers.CharField(allow_null=True, help_text="the reason, for people")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


def import_presentation(health_import: HealthImport) -> dict[str, Any]:
    progress = selectors.health_import_progress(health_import=health_import) or {}
    return HealthImportOutputSerializer(
        {
            "id": health_import.pk,
            "status": health_import.status,
            "original_filename": health_import.original_filename,
            "size_bytes": health_import.size_bytes,
            "progress_percent": progress.get("percent", health_import.progress_percent),
            "records_seen": progress.get("records_seen", health_import.records_seen),
            "samples_stored": progress.get("samples_stored", health_import.samples_stored),
            "samples_unchanged": progress.get("samples_unchanged", health_import.samples_unchanged),
            "skipped": progress.get("skipped", health_import.skipped),
            "unknown_types": health_import.unknown_types,
            "error_code": health_import.error_code or None,
            "error": health_import.error or None,
            "created_at": health_import.created_at,
            "started_at": health_import.started_at,
            "finished_at": health_import.finished_at,
        }
    ).data


UPLOAD_DESCRIPTION = (
    'Multipart upload (`file`) of the export.zip that Health\'s "Export All Health Data" '
    "makes (or the export.xml inside it), up to `HEALTH_IMPORT_MAX_BYTES` (default 1 GB). "
    "Answers 202 at once with the import; a worker then reads the export streaming and the "
    "app polls `GET .../export/{id}` for `status` and `progress_percent`. Quantity records "
    "FitCore keeps, sleep analysis and workouts are stored; other types and individually "
    "invalid records are skipped and counted (`skipped`, `unknown_types`). Importing the same "
    "or an overlapping export again stores nothing twice (`samples_unchanged`). A file that "
    "is neither a zip nor XML answers 400 `invalid_export` at once; an export found malformed, "
    "truncated, declaring XML entities, or a zip bomb ends `failed` with `error_code`, `error` and "
    "nothing stored. The uploaded file is deleted once processed."
)


@extend_validation_errors([error_codes.INVALID_EXPORT], field_name="file", methods=["post"])
class AppleHealthExportUploadView(APIView):
    throttle_classes = (UserThrottle, HealthImportThrottle)
    parser_classes = [MultiPartParser]

    @classproperty
    def max_request_body_bytes(cls) -> int:  # read by RequestSizeLimitMiddleware
        return int(settings.HEALTH_IMPORT_MAX_BYTES)

    @extend_schema(
        tags=TAGS,
        summary="Upload an Apple Health export (export.zip) to import in the background",
        description=UPLOAD_DESCRIPTION,
        request=AppleHealthExportUploadInputSerializer,
        responses={
            202: OpenApiResponse(
                HealthImportOutputSerializer, description="Accepted: poll the import."
            )
        },
    )
    def post(self, request: Request) -> Response:
        data = AppleHealthExportUploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        health_import = services.apple_health_export_upload(
            user=cast(User, request.user), upload=data.validated_data["file"]
        )
        return Response(import_presentation(health_import), status=status.HTTP_202_ACCEPTED)


class AppleHealthExportStatusView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="An Apple Health export import's status and progress (poll this)",
        description="`progress_percent` is the share of the export's XML read so far; the "
        "counters grow while `processing`. Samples become visible all at once when the import "
        "`succeeded`; a `failed` import stored nothing and says why (`error_code`, `error`).",
        responses={200: HealthImportOutputSerializer},
    )
    def get(self, request: Request, import_id: uuid.UUID) -> Response:
        health_import = selectors.health_import_get_for_user(
            user=cast(User, request.user), import_id=import_id
        )
        return Response(import_presentation(health_import))
