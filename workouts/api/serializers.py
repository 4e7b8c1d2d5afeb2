from __future__ import annotations

from rest_framework import serializers
from rest_framework.fields import empty

from billing.entitlements import AccessReason
from core.serializers import (
    NullableNestedOutputSerializer,
    PageQuerySerializer,
    StrictInputSerializer,
)
from workouts.choices import Difficulty, Equipment, Goal, Ordering, VideoAccess

SEARCH_MAX_LENGTH = 200


class QueryBooleanField(serializers.BooleanField):
    """A boolean query parameter: left out means no filter (DRF would read a missing boolean
    of form-like input as false)."""

    default_empty_html = empty


class WorkoutListQuerySerializer(PageQuerySerializer):
    category = serializers.SlugField(
        required=False, max_length=80, help_text="a category slug; a parent includes its children"
    )
    difficulty = serializers.ChoiceField(choices=Difficulty.choices, required=False)
    goal = serializers.ChoiceField(choices=Goal.choices, required=False)
    equipment = serializers.ListField(
        child=serializers.ChoiceField(choices=Equipment.choices),
        required=False,
        max_length=len(Equipment.choices),
        help_text="repeat the parameter: workouts that use any of these",
    )
    duration_min = serializers.IntegerField(
        required=False, min_value=0, max_value=600, help_text="minutes, inclusive"
    )
    duration_max = serializers.IntegerField(
        required=False, min_value=0, max_value=600, help_text="minutes, inclusive"
    )
    is_premium = QueryBooleanField(required=False)
    is_featured = QueryBooleanField(required=False)
    ordering = serializers.ChoiceField(
        choices=Ordering.choices, required=False, default=Ordering.NEWEST
    )

    def validate(self, attrs: dict) -> dict:
        low, high = attrs.get("duration_min"), attrs.get("duration_max")
        if low is not None and high is not None and high < low:
            raise serializers.ValidationError(
                {"duration_max": ["Must not be less than duration_min."]}
            )
        return attrs


class WorkoutSearchQuerySerializer(PageQuerySerializer):
    q = serializers.CharField(
        min_length=1,
        max_length=SEARCH_MAX_LENGTH,
        trim_whitespace=True,
        help_text='web-search syntax: words, "a phrase", -excluded, or',
    )


class WorkoutListItemOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    thumbnail = serializers.CharField(help_text="cover image URL or path; empty when none")
    duration_seconds = serializers.IntegerField(source="estimated_duration_seconds")
    difficulty = serializers.ChoiceField(choices=Difficulty.choices)
    goal = serializers.ChoiceField(choices=Goal.choices)
    is_premium = serializers.BooleanField()
    rating_average = serializers.FloatField()
    rating_count = serializers.IntegerField()
    is_favorite = serializers.BooleanField(help_text="the caller has favourited it")
    can_play = serializers.BooleanField(help_text="the caller may play every video of it")


class WorkoutSearchItemOutputSerializer(WorkoutListItemOutputSerializer):
    rank = serializers.FloatField(help_text="relevance, higher first")
    excerpt = serializers.CharField(
        help_text="title and description with the matching words in <mark>...</mark>"
    )


class WorkoutListPageOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = WorkoutListItemOutputSerializer(many=True)


class WorkoutSearchPageOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = WorkoutSearchItemOutputSerializer(many=True)


class WorkoutVideoRenditionOutputSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="e.g. 720p")
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class WorkoutVideoPlaybackOutputSerializer(NullableNestedOutputSerializer):
    format = serializers.ChoiceField(choices=["hls"])
    url = serializers.URLField(help_text="the HLS master playlist, signed; no auth header needed")
    expires_at = serializers.DateTimeField(help_text="ask the API again for a fresh URL after")
    duration_seconds = serializers.FloatField(help_text="exact duration of the file")
    renditions = WorkoutVideoRenditionOutputSerializer(many=True)


class WorkoutVideoOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    order_index = serializers.IntegerField()
    title = serializers.CharField()
    duration_seconds = serializers.IntegerField()
    thumbnail = serializers.CharField()
    access = serializers.ChoiceField(choices=VideoAccess.choices)
    is_preview = serializers.BooleanField()
    locked = serializers.BooleanField()
    reason = serializers.ChoiceField(
        choices=AccessReason.choices,
        help_text="why it is open (free, preview, staff, premium, purchased) or locked "
        "(needs_premium, buy_workout)",
    )
    media_status = serializers.ChoiceField(
        choices=["none", "processing", "ready", "unavailable"],
        help_text="none: no file uploaded; processing: uploaded, being transcoded; ready: "
        "playable; unavailable: the file could not be processed",
    )
    playback = WorkoutVideoPlaybackOutputSerializer(
        allow_null=True,
        help_text="the signed HLS URL; null for a locked video or one not ready to play",
    )


class WorkoutTrainerOutputSerializer(NullableNestedOutputSerializer):
    name = serializers.CharField()
    bio = serializers.CharField()


class WorkoutCategoryRefOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class WorkoutVideoProgressOutputSerializer(serializers.Serializer):
    video_id = serializers.UUIDField()
    position_seconds = serializers.IntegerField()
    completed = serializers.BooleanField()


class WorkoutProgressOutputSerializer(NullableNestedOutputSerializer):
    progress_percent = serializers.IntegerField(min_value=0, max_value=100)
    completed_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    videos = WorkoutVideoProgressOutputSerializer(many=True)


class WorkoutRatingOutputSerializer(NullableNestedOutputSerializer):
    stars = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField()
    updated_at = serializers.DateTimeField()


class WorkoutDetailOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    thumbnail = serializers.CharField()
    goal = serializers.ChoiceField(choices=Goal.choices)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices)
    equipment = serializers.ListField(child=serializers.ChoiceField(choices=Equipment.choices))
    categories = WorkoutCategoryRefOutputSerializer(many=True)
    trainer = WorkoutTrainerOutputSerializer(allow_null=True)
    duration_seconds = serializers.IntegerField()
    energy_kcal = serializers.IntegerField(allow_null=True)
    is_premium = serializers.BooleanField()
    is_featured = serializers.BooleanField()
    published_at = serializers.DateTimeField()
    rating_average = serializers.FloatField()
    rating_count = serializers.IntegerField()
    completions_count = serializers.IntegerField()
    is_favorite = serializers.BooleanField()
    can_play = serializers.BooleanField()
    access_reason = serializers.ChoiceField(choices=AccessReason.choices)
    videos = WorkoutVideoOutputSerializer(many=True)
    progress = WorkoutProgressOutputSerializer(allow_null=True)
    my_rating = WorkoutRatingOutputSerializer(allow_null=True)


class WorkoutCategoryNodeOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    workout_count = serializers.IntegerField(help_text="published workouts in it")


class WorkoutCategoryTreeOutputSerializer(WorkoutCategoryNodeOutputSerializer):
    workout_count = serializers.IntegerField(
        help_text="published workouts in it or in its children, each counted once"
    )
    children = WorkoutCategoryNodeOutputSerializer(many=True)


class WorkoutProgressInputSerializer(StrictInputSerializer):
    video_id = serializers.UUIDField()
    position_seconds = serializers.IntegerField(
        min_value=0, max_value=6 * 3600, help_text="where the user is in the video"
    )
    completed = serializers.BooleanField(default=False)


class WorkoutRateInputSerializer(StrictInputSerializer):
    stars = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class WorkoutRateOutputSerializer(serializers.Serializer):
    stars = serializers.IntegerField()
    text = serializers.CharField()
    rating_average = serializers.FloatField()
    rating_count = serializers.IntegerField()
