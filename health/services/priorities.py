"""Source priority: which source counts where sources overlap, per user and metric."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from django.db import transaction
from django.http import Http404

from accounts.models import User
from health.catalog import Metric
from health.models import Sample, Stream
from health.services.rollups import health_days_recompute


def health_source_priority_set(
    *, user: User, metric: Metric, source_ids: list[uuid.UUID], zone: ZoneInfo
) -> None:
    """Order the caller's sources of ``metric`` (first wins) and recompute its days.

    Every id must be one of the caller's sources with data for that metric (anything else is
    a 404, like any id that is not the caller's); sources left out keep the default order,
    after the listed ones.
    """
    streams = {
        stream.source.public_id: stream
        for stream in Stream.objects.filter(user=user, metric=int(metric)).select_related("source")
    }
    if len(set(source_ids)) != len(source_ids) or any(i not in streams for i in source_ids):
        raise Http404
    with transaction.atomic():
        for stream in streams.values():
            stream.priority = None
        for position, source_id in enumerate(source_ids, start=1):
            streams[source_id].priority = position
        Stream.objects.bulk_update(list(streams.values()), ["priority"])
        bounds = Sample.objects.filter(stream__in=list(streams.values())).order_by("start")
        first, last = bounds.first(), bounds.order_by("-start").first()
        if first is not None and last is not None:
            health_days_recompute(
                user=user,
                metric=metric,
                first=first.start.astimezone(zone).date(),
                last=last.start.astimezone(zone).date(),
                zone=zone,
            )
