"""The payments lists cost a fixed number of queries, whatever their length."""

import pytest

from billing.models import PaymentMethod, Purchase, Subscription
from core.testing import QueryCounter

pytestmark = pytest.mark.django_db


def make_rows(user, catalog, n):
    for i in range(n):
        Subscription.objects.create(
            user=user,
            provider="apple",
            provider_subscription_id=f"{user.pk}-{i}",
            price=catalog["monthly"],
            status="expired",
        )
        Purchase.objects.create(
            user=user,
            provider="apple",
            provider_purchase_id=f"{user.pk}-{i}",
            price=catalog["workout_price"],
            status="completed",
            amount=499,
            currency="EUR",
        )
        PaymentMethod.objects.create(
            user=user,
            stripe_payment_method_id=f"pm_{user.pk}_{i}",
            brand="visa",
            last4="4242",
            exp_month=1,
            exp_year=2030,
            is_default=i == 0,
        )


def count(client, url):
    with QueryCounter() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(response.json()["results"]), queries.count


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # authentication (user), count, page (with price and product joined)
        ("/api/payments/subscriptions", 3),
        ("/api/payments/purchases", 3),
        ("/api/payments/methods", 3),
    ],
)
def test_a_list_costs_the_same_queries_for_one_row_or_twenty(
    alice, bob, alice_client, catalog, url, expected
):
    make_rows(alice, catalog, 1)
    assert count(alice_client, url) == (1, expected)

    make_rows(bob, catalog, 1)
    Subscription.objects.filter(user=alice).delete()
    Purchase.objects.filter(user=alice).delete()
    PaymentMethod.objects.filter(user=alice).delete()
    make_rows(alice, catalog, 20)

    assert count(alice_client, url) == (20, expected)
