"""GET /api/users/progress: what the user has trained, in the user's own days and weeks.

Reads completed workouts through ``workouts.selectors`` only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from accounts.models import User
from profiles.selectors import user_calendar
from workouts.selectors import workout_sessions_for_user

HISTORY_WEEKS = 12


@dataclass(frozen=True)
class WeekSummary:
    week_start: date
    workouts: int
    minutes: int


@dataclass(frozen=True)
class TrainingProgress:
    workouts_completed: int
    minutes_trained: int
    current_streak_days: int
    longest_streak_days: int
    last_workout_at: datetime | None
    weeks: list[WeekSummary]


def _longest_run(days: list[date]) -> int:
    longest = run = 0
    previous: date | None = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    return longest


def _current_run(days: set[date], today: date) -> int:
    """Consecutive days with a workout ending today, or yesterday (today is not over yet)."""
    day = today if today in days else today - timedelta(days=1)
    run = 0
    while day in days:
        run += 1
        day -= timedelta(days=1)
    return run


def training_progress_for_user(*, user: User, now: datetime) -> TrainingProgress:
    calendar = user_calendar(user=user)
    sessions = workout_sessions_for_user(user=user)
    local_days = [s.completed_at.astimezone(calendar.time_zone).date() for s in sessions]
    today = now.astimezone(calendar.time_zone).date()
    this_week = today - timedelta(days=(today.weekday() - calendar.week_start) % 7)
    first_week = this_week - timedelta(weeks=HISTORY_WEEKS - 1)
    workouts: Counter[date] = Counter()
    seconds: Counter[date] = Counter()
    for session, day in zip(sessions, local_days, strict=True):
        if day < first_week:
            continue
        week = day - timedelta(days=(day.weekday() - calendar.week_start) % 7)
        workouts[week] += 1
        seconds[week] += session.duration_seconds
    distinct_days = sorted(set(local_days))
    return TrainingProgress(
        workouts_completed=len(sessions),
        minutes_trained=sum(s.duration_seconds for s in sessions) // 60,
        current_streak_days=_current_run(set(distinct_days), today),
        longest_streak_days=_longest_run(distinct_days),
        last_workout_at=sessions[-1].completed_at if sessions else None,
        weeks=[
            WeekSummary(week, workouts[week], seconds[week] // 60)
            for week in (first_week + timedelta(weeks=i) for i in range(HISTORY_WEEKS))
        ],
    )
