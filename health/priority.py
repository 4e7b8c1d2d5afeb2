"""Which source counts where sources overlap (per user and metric; lower rank wins).

The user's own order (``Stream.priority``) comes first; otherwise the default: a watch, then a
phone, then other apps, then manual entries (which usually fill gaps rather than repeat).
"""

from __future__ import annotations

from accounts.models import User
from health.catalog import Metric
from health.models import Platform, Stream


def default_priority(stream: Stream) -> int:
    source = stream.source
    if source.platform == Platform.MANUAL:
        return 40
    if source.is_watch:
        return 10
    if "phone" in f"{source.device_model} {source.device_name}".lower():
        return 20
    return 30


def stream_rank(stream: Stream) -> tuple[int, int]:
    """Sort key of a stream where sources overlap (lower wins): the user's priority first,
    then the default order (needs ``stream.source`` loaded)."""
    if stream.priority is not None:
        return (stream.priority, stream.pk)
    return (1000 + default_priority(stream), stream.pk)


def stream_ranks(*, user: User, metric: Metric) -> dict[int, tuple[int, int]]:
    """stream id -> sort key (lower wins) for one metric of one user."""
    streams = Stream.objects.filter(user=user, metric=int(metric)).select_related("source")
    return {stream.pk: stream_rank(stream) for stream in streams}
