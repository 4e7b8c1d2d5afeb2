from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from billing.models import Entitlement
from core.testing import QueryCounter
from workouts.tests.factories import WorkoutFactory

pytestmark = pytest.mark.django_db

URL = "/api/admin/users"


@pytest.fixture
def people(support):
    UserFactory.reset_sequence()
    ada = UserFactory(
        email="ada@example.com",
        name="Ada Lovelace",
        date_joined=datetime(2026, 1, 10, 23, tzinfo=UTC),
    )
    ben = UserFactory(
        email="ben@example.com", name="Ben Okri", date_joined=datetime(2026, 2, 1, 0, tzinfo=UTC)
    )
    cy = UserFactory(
        email="cy@lovelace.org", name="Cy", date_joined=datetime(2026, 3, 5, 12, tzinfo=UTC)
    )
    # Ada: premium for good. Ben: premium that ended, and one workout (not premium). Cy: none.
    Entitlement.objects.create(user=ada, kind="premium")
    Entitlement.objects.create(
        user=ben, kind="premium", valid_until=timezone.now() - timedelta(days=1)
    )
    Entitlement.objects.create(user=ben, kind="workout", workout=WorkoutFactory())
    # The support persona joined today, so it comes first.
    return ada, ben, cy


def emails(client, query=None):
    response = client.get(URL, query or {})
    assert response.status_code == 200, response.content
    return [row["email"] for row in response.json()["results"]]


def test_support_lists_users_newest_first_with_their_premium_state(support_client, people, support):
    ada, _, _ = people

    data = support_client.get(URL).json()

    assert data["count"] == 4
    assert [r["email"] for r in data["results"]] == [
        "support@example.com",
        "cy@lovelace.org",
        "ben@example.com",
        "ada@example.com",
    ]
    assert data["results"][3] == {
        "id": str(ada.public_id),
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "is_active": True,
        "is_staff": False,
        "is_premium": True,
        "date_joined": "2026-01-10T23:00:00Z",
        "last_login": None,
    }
    assert [r["is_premium"] for r in data["results"]] == [False, False, False, True]


def test_search_and_filters(support_client, people):
    assert emails(support_client, {"q": "LOVELACE"}) == ["cy@lovelace.org", "ada@example.com"]
    assert emails(support_client, {"q": "okri"}) == ["ben@example.com"]
    assert emails(support_client, {"is_premium": "true"}) == ["ada@example.com"]
    assert emails(support_client, {"is_premium": "false", "q": "example.com"}) == [
        "support@example.com",
        "ben@example.com",
    ]
    # Days are inclusive, in UTC.
    assert emails(support_client, {"joined_from": "2026-01-10", "joined_to": "2026-02-01"}) == [
        "ben@example.com",
        "ada@example.com",
    ]
    assert emails(support_client, {"joined_to": "2026-01-31"}) == ["ada@example.com"]
    assert emails(support_client, {"joined_from": "2026-02-02", "joined_to": "2026-06-30"}) == [
        "cy@lovelace.org"
    ]
    assert emails(support_client, {"limit": 1, "offset": 1}) == ["cy@lovelace.org"]


def test_the_user_list_costs_the_same_queries_whatever_the_page_size(support_client, people):
    support_client.get(URL)
    with QueryCounter() as few:
        support_client.get(URL, {"limit": 2})
    for index in range(12):
        user = UserFactory(email=f"more{index}@example.com")
        Entitlement.objects.create(user=user, kind="premium")
    with QueryCounter() as many:
        response = support_client.get(URL, {"limit": 50})

    assert len(response.json()["results"]) == 16
    assert many.count == few.count
    assert many.count == 5  # user, its permissions (2), count, page with is_premium


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"joined_from": "10/01/2026"}, "joined_from"),
        ({"joined_from": "2026-03-01", "joined_to": "2026-02-01"}, "joined_to"),
        ({"is_premium": "perhaps"}, "is_premium"),
        ({"limit": "0"}, "limit"),
        ({"email": "ada"}, "non_field_errors"),
        ({"q": ""}, "q"),
    ],
)
def test_bad_user_queries_answer_400_naming_the_field(support_client, query, field):
    response = support_client.get(URL, query)

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == field
