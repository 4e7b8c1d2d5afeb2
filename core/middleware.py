"""Gateway concerns the app enforces itself (the nginx gateway repeats them in front)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from rest_framework import status

from . import error_codes
from .errors import error_response


class RequestSizeLimitMiddleware:
    """Refuse bodies over the view's limit with 413 before anything reads them.

    The default is ``settings.MAX_REQUEST_BODY_BYTES``; a view class raises it for itself with a
    ``max_request_body_bytes`` attribute (upload endpoints do).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
        limit = getattr(view_class, "max_request_body_bytes", settings.MAX_REQUEST_BODY_BYTES)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(
                status_code=status.HTTP_400_BAD_REQUEST,
                code=error_codes.BAD_REQUEST,
                message="The Content-Length header is not a number.",
            )
        if length > limit:
            return error_response(
                status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                code=error_codes.PAYLOAD_TOO_LARGE,
                message=f"The request body is larger than this endpoint accepts ({limit} bytes).",
            )
        return None
