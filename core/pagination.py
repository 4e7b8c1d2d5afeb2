"""Pagination for every list in the API.

* Catalogues (workouts, foods, admin lists): ``CatalogPagination``, limit/offset with ``count``.
* Time series and inboxes (health samples, notifications): ``TimeSeriesPagination``, an opaque
  cursor over a stable ordering, which stays fast at any depth and never skips or repeats rows
  while new ones arrive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response


class CatalogPagination(LimitOffsetPagination):
    """Limit/offset with ``count``; a limit above the maximum is a 400, not silently clamped."""

    default_limit = 20
    max_limit = 100

    def get_limit(self, request: Request) -> int:
        raw = request.query_params.get(self.limit_query_param)
        if raw is None:
            return self.default_limit
        try:
            limit = int(raw)
        except ValueError:
            raise ValidationError({"limit": ["A whole number is required."]}) from None
        if limit < 1 or limit > self.max_limit:
            raise ValidationError({"limit": [f"Must be between 1 and {self.max_limit}."]})
        return limit

    def get_offset(self, request: Request) -> int:
        raw = request.query_params.get(self.offset_query_param)
        if raw is None:
            return 0
        try:
            offset = int(raw)
        except ValueError:
            raise ValidationError({"offset": ["A whole number is required."]}) from None
        if offset < 0:
            raise ValidationError({"offset": ["Must be zero or more."]})
        return offset


def catalog_page_response(
    request: Request, rows: Any, render: Callable[[list[Any]], Any]
) -> Response:
    """A ``CatalogPagination`` page of ``rows`` (a queryset or a list) with ``count``, its
    items rendered by ``render`` (typically ``lambda page: Serializer(page, many=True).data``)."""
    paginator = CatalogPagination()
    page = list(paginator.paginate_queryset(rows, request) or [])
    return paginator.get_paginated_response(render(page))


class TimeSeriesPagination(CursorPagination):
    page_size = 100
    max_page_size = 1000
    page_size_query_param = "limit"
    ordering = "-start"
