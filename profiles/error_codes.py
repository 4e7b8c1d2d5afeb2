"""Machine-readable error codes of the profiles app (``errors[].code`` in the envelope)."""

DATE_IN_FUTURE = "date_in_future"
AGE_OUT_OF_RANGE = "age_out_of_range"
UNKNOWN_TIME_ZONE = "unknown_time_zone"
# Goal consistency, checked on the whole profile after a PUT or PATCH is applied.
REQUIRED_FOR_GOAL = "required_for_goal"
OUT_OF_RANGE_FOR_GOAL = "out_of_range_for_goal"
NOT_ALLOWED_FOR_GOAL = "not_allowed_for_goal"
INCONSISTENT_WITH_GOAL = "inconsistent_with_goal"
# Favourites
FAVORITE_TARGET_NOT_FOUND = "favorite_target_not_found"
