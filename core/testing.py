"""Test helpers shared by every app's tests (imported by conftest.py and test modules).

* :class:`SchemaValidatingClient`: an APIClient whose every response is checked against the
  OpenAPI schema (status code documented, body matches), as Zulip does for its test suite.
* :func:`assert_owner_only`: the cross-user rule for an endpoint that takes an object id.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient


@functools.cache
def openapi_schema() -> dict[str, Any]:
    """The generated OpenAPI schema as plain JSON data."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    schema = SchemaGenerator().get_schema(request=None, public=True)
    # JSON round trip: the generator returns lazy strings and OrderedDicts.
    data: dict[str, Any] = json.loads(OpenApiJsonRenderer().render(schema))
    return data


@functools.cache
def openapi_spec() -> Any:
    from openapi_core import OpenAPI

    return OpenAPI.from_dict(openapi_schema())


class SchemaValidationError(AssertionError):
    pass


def validate_response_against_schema(response: Any) -> None:
    from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

    request = response.wsgi_request
    if request.path.startswith(("/api/schema", "/api/docs", "/admin/")):
        return
    from openapi_core.templating.paths.exceptions import OperationNotFound

    try:
        openapi_spec().validate_response(
            DjangoOpenAPIRequest(request), DjangoOpenAPIResponse(response)
        )
    except OperationNotFound:
        # A method the path does not offer has no operation to check; its 405 must still be
        # the envelope.
        if response.status_code != 405:
            raise
        assert response.json()["code"] == "method_not_allowed"
    except Exception as exc:
        details = getattr(exc, "__cause__", None) or exc
        body = getattr(response, "content", b"")[:2000]
        raise SchemaValidationError(
            f"{request.method} {request.path} -> {response.status_code} does not match the "
            f"OpenAPI schema: {exc!r} ({details!r})\nbody: {body!r}"
        ) from exc


class SchemaValidatingClient(APIClient):
    """Every response this client sees must be documented in the OpenAPI schema."""

    validate_schema = True

    def request(self, *args: Any, **kwargs: Any) -> Any:
        response = super().request(*args, **kwargs)
        request = response.wsgi_request
        if getattr(request, "_read_started", False) and not hasattr(request, "_body"):
            # A multipart body was streamed to the parser; the validator checks responses and
            # needs no request body.
            request._body = b""
        # A URL that resolves to no view (a plain 404) has no operation to check against.
        if self.validate_schema and getattr(response.wsgi_request, "resolver_match", None):
            validate_response_against_schema(response)
        return response

    def as_user(self, user: Any) -> SchemaValidatingClient:
        from accounts.services import token_pair_issue

        pair = token_pair_issue(user=user)
        self.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.access}")
        return self


def assert_owner_only(
    *,
    method: str,
    url_for: Callable[[Any], str],
    owner: Any,
    stranger: Any,
    make_object: Callable[[Any], Any],
    data: dict[str, Any] | None = None,
    snapshot: Callable[[], Any] | None = None,
) -> None:
    """Prove that an endpoint taking an object id serves only the object's owner.

    * another user's object answers 404 (the same as an id that does not exist), and
    * an anonymous caller gets 401,
    and, when ``snapshot`` is given (a function returning the state that must not move),
    neither call changes anything.
    """
    obj = make_object(owner)
    url = url_for(obj)
    as_stranger = SchemaValidatingClient().as_user(stranger)
    before = snapshot() if snapshot else None

    response = getattr(as_stranger, method.lower())(url, data=data, format="json")
    assert response.status_code == 404, (url, response.status_code, response.content)
    assert response.json()["code"] == "not_found"

    anonymous = SchemaValidatingClient()
    response = getattr(anonymous, method.lower())(url, data=data, format="json")
    assert response.status_code == 401, (url, response.status_code, response.content)
    assert response.json()["code"] in {"not_authenticated", "authentication_failed"}

    if snapshot:
        assert snapshot() == before, "a refused call changed state"


class QueryCounter(CaptureQueriesContext):
    """``with QueryCounter() as q: ...; assert q.count == 3`` (queries in that block)."""

    def __init__(self) -> None:
        super().__init__(connection)

    @property
    def count(self) -> int:
        return len(self.captured_queries)


def fuzz_auth_headers(case: Any, bearer: str) -> dict[str, str]:
    """Headers for a generated case: a real bearer token in place of the generated one, unless
    the case left the Authorization header out on purpose (a negative case about auth, which
    must then be refused)."""
    return {"Authorization": bearer} if "Authorization" in (case.headers or {}) else {}


def fuzz_schema(path_regex: str) -> Any:
    """A schemathesis schema of the operations under ``path_regex``, calling the WSGI app
    in-process. Use with the ``fuzzing`` fixture (conftest.py), which keeps requests inside the
    test's transaction and lifts throttles."""
    import schemathesis
    from django.core.wsgi import get_wsgi_application

    schema = schemathesis.openapi.from_dict(openapi_schema()).include(path_regex=path_regex)
    schema.app = get_wsgi_application()
    return schema
