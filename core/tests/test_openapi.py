"""The OpenAPI schema is complete: every operation documents its answers, errors and auth."""

import pytest

from core.testing import openapi_schema

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}

# Operations reachable without a token. Adding one here is a deliberate act.
PUBLIC_OPERATIONS = {
    "GET /healthz",
    "GET /readyz",
    "POST /api/auth/register",
    "POST /api/auth/login",
    "POST /api/auth/refresh-token",
    "POST /api/auth/logout",
    "POST /api/auth/password-reset",
    "POST /api/auth/password-reset/confirm",
    "POST /api/auth/social/google",
    "POST /api/auth/social/apple",
    # Signed URLs: the token in the path is the credential (players send no header).
    "GET /api/media/play/{token}/{run}/{name}",
    "GET /api/media/play/{token}/{run}/{rendition}/{name}",
    "GET /api/media/thumbnails/{token}",
    "POST /api/media/uploads/{token}",
    # Payment providers' webhooks: authenticated by their signatures, not by a user token.
    "POST /api/payments/webhooks",
    "POST /api/payments/webhooks/stripe",
    "POST /api/payments/webhooks/apple",
    "POST /api/payments/webhooks/google-play",
    "POST /api/payments/webhooks/paypal",
}
# Operations whose success is bytes (playlists, video segments, images), not JSON.
BINARY_OPERATIONS = {
    "GET /api/media/play/{token}/{run}/{name}",
    "GET /api/media/play/{token}/{run}/{rendition}/{name}",
    "GET /api/media/thumbnails/{token}",
}


def operations():
    spec = openapi_schema()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def test_the_schema_has_operations():
    assert len(list(operations())) >= 10


@pytest.mark.parametrize(
    ("path", "method", "operation"),
    list(operations()),
    ids=[f"{m.upper()} {p}" for p, m, _ in operations()],
)
def test_every_operation_documents_success_errors_and_auth(path, method, operation):
    responses = operation["responses"]
    successes = {code: r for code, r in responses.items() if code.startswith("2")}
    assert successes, "no success response documented"
    for code, response in successes.items():
        if code != "204":
            content = response.get("content", {})
            if f"{method.upper()} {path}" in BINARY_OPERATIONS:
                assert content, f"{code} has no content"
                assert all(c.get("schema") for c in content.values()), f"{code} has no schema"
                continue
            schema = content.get("application/json", {}).get("schema")
            assert schema, f"{code} has no response schema"
    errors = {code for code in responses if code[0] in "45"}
    assert "500" in errors
    if method in {"post", "put", "patch"}:
        assert {"400", "413", "415"} <= errors
        assert operation.get("requestBody"), "a write operation without a request body schema"
    if operation.get("security"):
        assert "401" in errors, "an authenticated operation must document 401"
    else:
        assert f"{method.upper()} {path}" in PUBLIC_OPERATIONS, "public by accident?"


def test_public_operations_are_exactly_the_intended_ones():
    public = {f"{m.upper()} {p}" for p, m, op in operations() if not op.get("security")}

    assert public == PUBLIC_OPERATIONS


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema")
    docs = client.get("/api/docs")

    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


def documented_examples():
    from openapi_schema_validator import OAS30Validator  # noqa: F401  (used below)

    for path, method, operation in operations():
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            for name, example in body.get("examples", {}).items():
                yield f"{method.upper()} {path} request {name}", body["schema"], example
        for status, response in operation["responses"].items():
            content = response.get("content", {}).get("application/json", {})
            for name, example in content.get("examples", {}).items():
                yield f"{method.upper()} {path} {status} {name}", content["schema"], example


EXAMPLES = list(documented_examples())


@pytest.mark.parametrize(("label", "schema", "example"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_documented_example_matches_its_schema(label, schema, example):
    """Examples are what app developers copy: each must validate against its own schema,
    error envelopes included."""
    from openapi_schema_validator import OAS30Validator, validate

    validate(
        example["value"],
        {**schema, "components": openapi_schema()["components"]},
        cls=OAS30Validator,
    )
