"""A token-authenticated API call never touches Django's session store."""

import pytest
from django.contrib.sessions.models import Session

from core.testing import QueryCounter

pytestmark = pytest.mark.django_db


def test_an_authenticated_call_writes_no_session_and_sets_no_cookie(alice_client):
    with QueryCounter() as queries:
        response = alice_client.get("/api/bench/baseline")

    assert response.status_code == 200
    assert not Session.objects.exists()
    assert "sessionid" not in response.cookies
    assert "csrftoken" not in response.cookies
    # One query: the user, joined with the token's sign-in to check it is not revoked.
    assert queries.count == 1
    assert "django_session" not in queries.captured_queries[0]["sql"]


def test_login_and_refresh_write_no_session(api_client, alice):
    pair = api_client.post(
        "/api/auth/login", {"email": "alice@example.com", "password": "a-Strong-passphrase-42"}
    ).json()
    api_client.post("/api/auth/refresh-token", {"refresh": pair["refresh"]})

    assert not Session.objects.exists()


def test_refresh_costs_a_fixed_number_of_queries(api_client, alice):
    from accounts.services import token_pair_issue

    pair = token_pair_issue(user=alice)
    with QueryCounter() as queries:
        response = api_client.post("/api/auth/refresh-token", {"refresh": pair.refresh})

    assert response.status_code == 200
    # rotate the parent (UPDATE), insert the child; inside one transaction (savepoints only
    # under the test's own transaction)
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert [s for s in statements if s in {"SELECT", "UPDATE", "INSERT", "DELETE"}] == [
        "UPDATE",
        "INSERT",
    ]
