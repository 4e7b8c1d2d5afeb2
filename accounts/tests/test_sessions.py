import pytest

from accounts.models import TokenFamily
from accounts.services import token_pair_issue
from core.testing import QueryCounter, assert_owner_only

pytestmark = pytest.mark.django_db


def test_sessions_lists_the_callers_active_sign_ins_and_marks_the_current_one(
    api_client, alice, bob
):
    phone = token_pair_issue(user=alice)
    token_pair_issue(user=alice)
    token_pair_issue(user=bob)
    signed_out = token_pair_issue(user=alice)
    api_client.post("/api/auth/logout", {"refresh": signed_out.refresh})
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {phone.access}")

    response = api_client.get("/api/auth/sessions")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["current"] for item in body["results"]].count(True) == 1
    current = next(item for item in body["results"] if item["current"])
    assert current["id"] == str(TokenFamily.objects.filter(user=alice).earliest("created_at").id)
    own = {str(f.id) for f in TokenFamily.objects.filter(user=alice, revoked_at__isnull=True)}
    assert {item["id"] for item in body["results"]} == own


def test_sessions_list_costs_a_fixed_number_of_queries(api_client, alice):
    pair = token_pair_issue(user=alice)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.access}")
    counts = []
    for extra in (0, 10):
        for _ in range(extra):
            token_pair_issue(user=alice)
        with QueryCounter() as queries:
            assert api_client.get("/api/auth/sessions").status_code == 200
        counts.append(queries.count)

    # authentication, count, page
    assert counts == [3, 3]


def test_signing_a_session_out_kills_its_tokens(api_client, alice):
    mine = token_pair_issue(user=alice)
    other = token_pair_issue(user=alice)
    family = TokenFamily.objects.exclude(
        id__in=TokenFamily.objects.filter(user=alice).order_by("created_at").values("id")[:1]
    ).get()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {mine.access}")

    response = api_client.delete(f"/api/auth/sessions/{family.id}")

    assert response.status_code == 204
    assert api_client.post("/api/auth/refresh-token", {"refresh": other.refresh}).status_code == 401
    assert api_client.get("/api/auth/sessions").json()["count"] == 1


def test_another_users_session_is_a_404_and_anonymous_is_a_401(alice, bob):
    assert_owner_only(
        method="delete",
        url_for=lambda family: f"/api/auth/sessions/{family.id}",
        owner=alice,
        stranger=bob,
        make_object=lambda owner: TokenFamily.objects.create(user=owner),
        snapshot=lambda: list(TokenFamily.objects.values_list("id", "revoked_at").order_by("id")),
    )


@pytest.mark.parametrize(
    "session_id", ["-1", "abc", "12345", "00000000-0000-0000-0000-000000000000"]
)
def test_malformed_or_unknown_session_ids_are_404(alice_client, session_id):
    response = alice_client.delete(f"/api/auth/sessions/{session_id}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
