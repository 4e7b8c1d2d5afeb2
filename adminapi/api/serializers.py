"""Input and output shapes of the admin API (names unique across the schema)."""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from core.serializers import (
    AwareDateTimeField,
    FlatListField,
    JSONBooleanField,
    NullableNestedOutputSerializer,
    PageQuerySerializer,
    StrictInputSerializer,
)
from workouts.choices import Difficulty, Equipment, Goal, Status, VideoAccess

SEARCH_MAX_LENGTH = 200
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


class AdminQueryBooleanField(serializers.BooleanField):
    """A boolean query parameter: left out means no filter."""

    default_empty_html = empty


class AdminWorkoutListQuerySerializer(PageQuerySerializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    q = serializers.CharField(
        required=False, max_length=SEARCH_MAX_LENGTH, help_text="in the title, case-insensitive"
    )
    category = serializers.SlugField(
        required=False, max_length=80, help_text="a category slug; a parent includes its children"
    )
    is_premium = AdminQueryBooleanField(required=False)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 1, "description": "a category id"},
            {"type": "string", "pattern": SLUG_RE.pattern, "description": "a category slug"},
        ]
    }
)
class AdminCategoryRefField(serializers.Field):
    """A category by id (a JSON integer) or by slug (a string)."""

    default_error_messages = {"invalid": "A category id (integer) or slug (string)."}

    def to_internal_value(self, data: Any) -> int | str:
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int) and data >= 1:
            return data
        if isinstance(data, str) and SLUG_RE.match(data) and len(data) <= 80:
            return data
        self.fail("invalid")

    def to_representation(self, value: Any) -> Any:
        return value


class AdminWorkoutInputSerializer(StrictInputSerializer):
    """A whole workout (PUT replaces every field: one left out takes its default)."""

    title = serializers.CharField(max_length=160)
    slug = serializers.SlugField(max_length=160, help_text="unique; the workout's URL name")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    goal = serializers.ChoiceField(choices=Goal.choices, default=Goal.GENERAL_FITNESS)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices, default=Difficulty.BEGINNER)
    categories = FlatListField(
        child=AdminCategoryRefField(),
        default=list,
        max_length=20,
        help_text="categories by id or slug (mixed is fine)",
    )
    equipment = FlatListField(
        child=serializers.ChoiceField(choices=Equipment.choices),
        default=list,
        max_length=len(Equipment.choices),
    )
    estimated_duration_seconds = serializers.IntegerField(min_value=1, max_value=6 * 3600)
    estimated_energy_kcal = serializers.IntegerField(
        min_value=0, max_value=5000, allow_null=True, default=None
    )
    thumbnail = serializers.CharField(
        max_length=500, allow_blank=True, default="", help_text="cover image URL or path"
    )
    is_premium = JSONBooleanField(default=False)
    is_purchasable = JSONBooleanField(
        default=False, help_text="a premium workout also sold on its own"
    )
    is_featured = JSONBooleanField(default=False)
    status = serializers.ChoiceField(
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="draft (hidden), scheduled (visible from publish_at, which must be in the "
        "future), published (visible from publish_at)",
    )
    publish_at = AwareDateTimeField(
        allow_null=True, default=None, help_text="required unless draft; with its UTC offset"
    )
    trainer = serializers.IntegerField(
        min_value=1, allow_null=True, default=None, help_text="a trainer id"
    )


class AdminWorkoutCategoryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class AdminWorkoutTrainerOutputSerializer(NullableNestedOutputSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AdminWorkoutOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    goal = serializers.ChoiceField(choices=Goal.choices)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices)
    categories = AdminWorkoutCategoryOutputSerializer(many=True)
    equipment = serializers.ListField(child=serializers.ChoiceField(choices=Equipment.choices))
    estimated_duration_seconds = serializers.IntegerField()
    estimated_energy_kcal = serializers.IntegerField(allow_null=True)
    thumbnail = serializers.CharField()
    is_premium = serializers.BooleanField()
    is_purchasable = serializers.BooleanField()
    is_featured = serializers.BooleanField()
    status = serializers.ChoiceField(choices=Status.choices)
    publish_at = serializers.DateTimeField(allow_null=True)
    trainer = AdminWorkoutTrainerOutputSerializer(allow_null=True)
    rating_average = serializers.FloatField()
    rating_count = serializers.IntegerField()
    completions_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class AdminWorkoutPageOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AdminWorkoutOutputSerializer(many=True)


DURATION_HELP = "seconds; with a file or `upload_id` it defaults to the file's duration"


class AdminVideoUpdateInputSerializer(StrictInputSerializer):
    """A video's metadata (PUT replaces every field; the video stays in its workout)."""

    title = serializers.CharField(max_length=160)
    order_index = serializers.IntegerField(
        min_value=0, max_value=10_000, help_text="position in the workout, unique within it"
    )
    duration_seconds = serializers.IntegerField(
        min_value=1, max_value=6 * 3600, required=False, help_text=DURATION_HELP
    )
    access = serializers.ChoiceField(choices=VideoAccess.choices, default=VideoAccess.FREE)
    is_preview = JSONBooleanField(
        default=False, help_text="a free sample of a premium workout (typically its first video)"
    )
    thumbnail = serializers.CharField(
        max_length=500,
        allow_blank=True,
        default="",
        help_text="a cover image URL; empty uses the thumbnail made from the file",
    )
    upload_id = serializers.UUIDField(
        required=False,
        help_text="a completed presigned upload (`POST /api/admin/videos/uploads`) to use as "
        "the video's file; on PUT it replaces the file (the old one is deleted)",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "duration_seconds" not in attrs and "upload_id" not in attrs and not self.has_file:
            raise serializers.ValidationError(
                {"duration_seconds": ["Required unless a file comes with the video."]},
                code="required",
            )
        return attrs

    has_file = False


class AdminVideoCreateInputSerializer(AdminVideoUpdateInputSerializer):
    workout = serializers.UUIDField(help_text="the workout this video belongs to")


class AdminVideoUploadInputSerializer(AdminVideoCreateInputSerializer):
    """A video and its file in one multipart form (checked in full before the answer)."""

    is_preview = serializers.BooleanField(  # type: ignore[assignment]  # form values are text
        default=False, help_text="a free sample of a premium workout (typically its first video)"
    )
    upload_id = None  # type: ignore[assignment]
    file = serializers.FileField(
        help_text="the video (MP4, MOV, WebM, MKV, ...; judged by its content, not its name), "
        "at most MEDIA_DIRECT_UPLOAD_MAX_BYTES (200 MiB by default); larger files go through "
        "a presigned upload"
    )

    has_file = True


class AdminVideoUploadStartInputSerializer(StrictInputSerializer):
    filename = serializers.CharField(max_length=255, help_text="the file's name, for people")
    size_bytes = serializers.IntegerField(
        min_value=1, help_text="the file's size; at most MEDIA_UPLOAD_MAX_BYTES (4 GiB by default)"
    )


class AdminVideoUploadTicketOutputSerializer(serializers.Serializer):
    upload_id = serializers.UUIDField(help_text="pass it to POST /api/admin/videos once uploaded")
    method = serializers.ChoiceField(choices=["POST"])
    url = serializers.URLField(help_text="where to send the multipart form")
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.CharField(), help_text="form fields to send before the file"
    )
    file_field = serializers.CharField(help_text="the form field of the file itself")
    expires_at = serializers.DateTimeField()
    max_bytes = serializers.IntegerField()


class AdminVideoRenditionOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    video_kbps = serializers.IntegerField()


class AdminVideoMediaOutputSerializer(NullableNestedOutputSerializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(
        choices=["awaiting_upload", "uploaded", "processing", "ready", "failed"]
    )
    failure_reason = serializers.CharField(help_text="why processing failed; empty otherwise")
    original_filename = serializers.CharField()
    content_type = serializers.CharField(help_text="sniffed from the content")
    size_bytes = serializers.IntegerField(allow_null=True)
    duration_seconds = serializers.FloatField(allow_null=True)
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    renditions = AdminVideoRenditionOutputSerializer(many=True)
    thumbnail_url = serializers.URLField(allow_null=True, help_text="signed, short-lived")
    processing_seconds = serializers.FloatField(allow_null=True)
    processed_at = serializers.DateTimeField(allow_null=True)


class AdminVideoOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    workout = serializers.UUIDField(source="workout_id")
    order_index = serializers.IntegerField()
    title = serializers.CharField()
    duration_seconds = serializers.IntegerField()
    thumbnail = serializers.CharField()
    access = serializers.ChoiceField(choices=VideoAccess.choices)
    is_preview = serializers.BooleanField()
    media = AdminVideoMediaOutputSerializer(
        allow_null=True, help_text="the file and its processing state; null without a file"
    )


class AdminUserListQuerySerializer(PageQuerySerializer):
    q = serializers.CharField(
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text="in the email or the name, case-insensitive",
    )
    joined_from = serializers.DateField(
        required=False, help_text="joined on or after this day (UTC), YYYY-MM-DD"
    )
    joined_to = serializers.DateField(
        required=False, help_text="joined on or before this day (UTC), YYYY-MM-DD"
    )
    is_premium = AdminQueryBooleanField(
        required=False, help_text="holds an active premium entitlement (true) or not (false)"
    )

    def validate(self, attrs: dict) -> dict:
        low, high = attrs.get("joined_from"), attrs.get("joined_to")
        if low is not None and high is not None and high < low:
            raise serializers.ValidationError({"joined_to": ["Must not be before joined_from."]})
        return attrs


class AdminUserOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    email = serializers.EmailField()
    name = serializers.CharField()
    is_active = serializers.BooleanField()
    is_staff = serializers.BooleanField()
    is_premium = serializers.BooleanField(help_text="holds an active premium entitlement")
    date_joined = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)


class AdminUserPageOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AdminUserOutputSerializer(many=True)
