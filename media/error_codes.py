"""Machine-readable error codes of the media app (``errors[].code`` in the envelope)."""

from django.db.models import TextChoices

NOT_A_VIDEO = "not_a_video"
VIDEO_UNREADABLE = "video_unreadable"
FILE_TOO_LARGE = "file_too_large"
UNKNOWN_UPLOAD = "unknown_upload"
UPLOAD_ALREADY_COMPLETED = "upload_already_completed"
UPLOAD_MISSING = "upload_missing"
URL_INVALID = "signed_url_invalid"
URL_EXPIRED = "signed_url_expired"


class ErrorCode403SignedUrlEnum(TextChoices):
    """The 403s of the signed-URL endpoints."""

    SIGNED_URL_INVALID = URL_INVALID
    SIGNED_URL_EXPIRED = URL_EXPIRED
