"""Every error, whoever raises it, answers in the one envelope with the request id."""

import json
import logging
import uuid

import pytest
from django.test import Client, override_settings

from accounts.models import User

pytestmark = pytest.mark.django_db

ENVELOPE_KEYS = {"type", "code", "message", "errors", "request_id"}


def assert_envelope(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == ENVELOPE_KEYS
    assert body["code"] == code
    assert body["request_id"] == response["X-Request-ID"]
    assert body["errors"], body
    return body


def test_validation_error_names_each_field(api_client):
    response = api_client.post("/api/auth/register", {"email": "not-an-email"}, format="json")

    body = assert_envelope(response, 400, "invalid_input")
    assert body["type"] == "validation_error"
    assert {(e["attr"], e["code"]) for e in body["errors"]} == {
        ("email", "invalid"),
        ("password", "required"),
    }
    assert body["message"] == "email: Enter a valid email address."


def test_malformed_json_is_a_parse_error(api_client):
    response = api_client.post(
        "/api/auth/login", data='{"email": "a@b.c",', content_type="application/json"
    )

    body = assert_envelope(response, 400, "parse_error")
    assert body["type"] == "client_error"


@pytest.mark.parametrize("raw", ["NaN", '{"email": Infinity}', "\xff\xfe", "{'a': 1}"])
def test_non_json_bodies_are_parse_errors(api_client, raw):
    response = api_client.post("/api/auth/login", data=raw, content_type="application/json")

    assert_envelope(response, 400, "parse_error")


def test_an_empty_body_names_the_required_fields(api_client):
    response = api_client.post("/api/auth/login", data="", content_type="application/json")

    body = assert_envelope(response, 400, "invalid_input")
    assert {(e["attr"], e["code"]) for e in body["errors"]} == {
        ("email", "required"),
        ("password", "required"),
    }


@pytest.mark.parametrize("payload", [[], "text", 42, None])
def test_a_body_that_is_not_an_object_is_refused(api_client, payload):
    response = api_client.post(
        "/api/auth/login", data=json.dumps(payload), content_type="application/json"
    )

    body = assert_envelope(response, 400, "invalid_input")
    assert body["errors"][0]["attr"] == "non_field_errors"


def test_wrong_content_type_is_415(api_client):
    response = api_client.post(
        "/api/auth/login",
        data="email=a@b.c&password=x",
        content_type="application/x-www-form-urlencoded",
    )

    assert_envelope(response, 415, "unsupported_media_type")


def test_oversized_body_is_413_and_nothing_is_written(api_client, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1024
    payload = {"email": "big@example.com", "password": "x" * 2000}
    response = api_client.post("/api/auth/register", payload, format="json")

    assert_envelope(response, 413, "payload_too_large")
    assert not User.objects.exists()


def test_wrong_method_is_405(api_client):
    assert_envelope(api_client.get("/api/auth/login"), 405, "method_not_allowed")


def test_missing_token_is_401_and_garbage_token_is_401(api_client):
    assert_envelope(api_client.get("/api/bench/baseline"), 401, "not_authenticated")
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not.a.jwt")
    assert_envelope(api_client.get("/api/bench/baseline"), 401, "token_not_valid")


def test_unknown_url_is_404_in_the_envelope():
    response = Client().get("/api/does-not-exist")

    assert_envelope(response, 404, "not_found")


def test_huge_strings_are_refused_not_truncated(api_client):
    response = api_client.post(
        "/api/auth/register",
        {"email": "a" * 300 + "@example.com", "password": "p" * 10_000, "name": "n" * 5000},
        format="json",
    )

    body = assert_envelope(response, 400, "invalid_input")
    assert {e["attr"] for e in body["errors"]} == {"email", "password", "name"}
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"email": 12, "password": ["x"]},
        {"email": {"a": 1}, "password": True},
        {"email": None, "password": None},
    ],
)
def test_wrong_types_are_refused(api_client, payload):
    response = api_client.post("/api/auth/login", payload, format="json")

    assert_envelope(response, 400, "invalid_input")


@override_settings(ROOT_URLCONF="core.tests.urls")
def test_uncaught_exception_in_an_api_view_is_a_500_without_internals():
    client = Client(raise_request_exception=False)
    response = client.get("/api/test/explode")

    body = assert_envelope(response, 500, "error")
    assert body["type"] == "server_error"
    assert "hunter2" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


@override_settings(ROOT_URLCONF="core.tests.urls")
def test_uncaught_exception_outside_drf_is_a_500_without_internals():
    client = Client(raise_request_exception=False)
    response = client.get("/test/explode")

    assert_envelope(response, 500, "server_error")
    assert "hunter2" not in response.content.decode()


def test_request_id_is_generated_when_absent(api_client):
    response = api_client.get("/healthz")

    assert uuid.UUID(response["X-Request-ID"])


def test_request_id_from_the_client_is_kept(api_client):
    request_id = uuid.uuid4().hex
    response = api_client.post("/api/auth/login", {}, format="json", HTTP_X_REQUEST_ID=request_id)

    assert response["X-Request-ID"] == request_id
    assert response.json()["request_id"] == request_id


def test_log_lines_are_json_and_carry_the_request_id(api_client, settings):
    import io

    from django_guid.log_filters import CorrelationId
    from pythonjsonlogger.json import JsonFormatter

    formatter_config = settings.LOGGING["formatters"]["json"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(CorrelationId())
    handler.setFormatter(
        JsonFormatter(formatter_config["fmt"], rename_fields=formatter_config["rename_fields"])
    )
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        request_id = uuid.uuid4().hex
        api_client.get("/api/bench/baseline", HTTP_X_REQUEST_ID=request_id)
    finally:
        logger.removeHandler(handler)

    line = json.loads(stream.getvalue().splitlines()[0])
    assert line["request_id"] == request_id
    assert line["level"] == "WARNING"
    assert line["message"] == "Unauthorized: /api/bench/baseline"
