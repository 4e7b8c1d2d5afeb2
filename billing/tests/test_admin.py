import pytest

from billing.models import Entitlement
from workouts.tests.factories import WorkoutFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    root = django_user_model.objects.create_superuser(email="root@example.com", password="x-Pass-1")
    client.force_login(root)
    return client


def test_an_admin_grants_one_workout(admin_client, alice):
    workout = WorkoutFactory(is_premium=True)

    response = admin_client.post(
        "/admin/billing/entitlement/add/",
        {"user": alice.pk, "kind": "workout", "workout": workout.pk, "note": "support"},
    )

    assert response.status_code == 302, response.content[:2000]
    grant = Entitlement.objects.get()
    assert (grant.user, grant.kind, grant.workout, grant.source) == (
        alice,
        "workout",
        workout,
        "admin_grant",
    )


def test_a_premium_grant_naming_a_workout_is_refused(admin_client, alice):
    workout = WorkoutFactory()

    response = admin_client.post(
        "/admin/billing/entitlement/add/",
        {"user": alice.pk, "kind": "premium", "workout": workout.pk},
    )

    assert response.status_code == 200
    assert not Entitlement.objects.exists()
    assert admin_client.get("/admin/billing/entitlement/").status_code == 200


def test_the_billing_admin_pages_open(admin_client, catalog):
    for page in (
        "product",
        "price",
        "subscription",
        "purchase",
        "payment",
        "webhookevent",
        "billingauditevent",
    ):
        assert admin_client.get(f"/admin/billing/{page}/").status_code == 200, page
    assert (
        admin_client.get(f"/admin/billing/product/{catalog['premium'].pk}/change/").status_code
        == 200
    )


def test_an_admin_refunds_a_stripe_charge_and_the_purchase_ends(
    admin_client, alice, catalog, stripe_api
):
    from billing.entitlements import workout_access
    from billing.models import BillingAuditEvent, Payment, Purchase
    from billing.providers.stripe.webhooks import event_parse
    from billing.services.customers import stripe_customer_get_or_create
    from billing.services.purchases import purchase_create_web
    from billing.services.webhooks import stripe_event_handle
    from billing.tests.stripe_fake import event

    stripe_customer_get_or_create(user=alice)
    started = purchase_create_web(
        user=alice, price_id=catalog["workout_price"].pk, currency=None, idempotency_key="k"
    )
    intent = dict(
        stripe_api.payment_intents[started.purchase.provider_purchase_id],
        status="succeeded",
        amount_received=499,
    )
    stripe_event_handle(event=event_parse(event("payment_intent.succeeded", intent)), digest="x")
    charge = Payment.objects.get()

    response = admin_client.post(
        "/admin/billing/payment/",
        {"action": "refund_through_stripe", "_selected_action": [charge.pk]},
    )

    assert response.status_code == 302
    refund = Payment.objects.get(kind="refund")
    assert (refund.amount, refund.currency, refund.status, refund.purchase_id) == (
        499,
        "EUR",
        "succeeded",
        started.purchase.pk,
    )
    assert stripe_api.refunds[refund.provider_payment_id]["payment_intent"] == intent["id"]
    assert Purchase.objects.get().status == "refunded"
    assert workout_access(user=alice, workout=catalog["workout"]).allowed is False
    assert (
        BillingAuditEvent.objects.filter(
            object_type="payment", to_status="succeeded", source="admin"
        ).count()
        == 0
    )
    assert (
        BillingAuditEvent.objects.filter(
            object_type="purchase", to_status="refunded", source="admin"
        ).count()
        == 1
    )


def test_a_store_payment_is_not_refunded_from_the_admin(admin_client, alice, catalog, stripe_api):
    from django.utils import timezone

    from billing.models import Payment

    payment = Payment.objects.create(
        user=alice,
        provider="apple",
        kind="charge",
        provider_payment_id="2000001",
        amount=499,
        currency="EUR",
        status="succeeded",
        occurred_at=timezone.now(),
    )

    admin_client.post(
        "/admin/billing/payment/",
        {"action": "refund_through_stripe", "_selected_action": [payment.pk]},
    )

    assert Payment.objects.count() == 1
    assert stripe_api.refunds == {}


def test_an_admin_creates_a_product_with_prices_mapped_to_every_store(admin_client):
    from billing.models import Price, Product

    response = admin_client.post(
        "/admin/billing/product/add/",
        {
            "name": "Premium",
            "kind": "subscription",
            "grants": "premium",
            "meal_plan_package": "",
            "is_active": "on",
            "prices-TOTAL_FORMS": "1",
            "prices-INITIAL_FORMS": "0",
            "prices-MIN_NUM_FORMS": "0",
            "prices-MAX_NUM_FORMS": "1000",
            "prices-0-interval": "year",
            "prices-0-amount": "7999",
            "prices-0-currency": "EUR",
            "prices-0-trial_days": "7",
            "prices-0-stripe_price_id": "price_yearly",
            "prices-0-app_store_product_id": "com.fitcore.premium.yearly",
            "prices-0-google_play_product_id": "premium",
            "prices-0-google_play_base_plan_id": "yearly",
            "prices-0-paypal_plan_id": "P-YEARLY",
            "prices-0-is_active": "on",
        },
    )

    assert response.status_code == 302, response.content[:3000]
    price = Price.objects.get()
    assert (price.product, price.interval, price.amount, price.trial_days) == (
        Product.objects.get(),
        "year",
        7999,
        7,
    )
    assert (
        price.stripe_price_id,
        price.app_store_product_id,
        price.google_play_base_plan_id,
        price.paypal_plan_id,
    ) == (
        "price_yearly",
        "com.fitcore.premium.yearly",
        "yearly",
        "P-YEARLY",
    )


def test_a_one_time_product_with_a_monthly_price_is_refused(admin_client):
    from billing.models import Price, Product

    response = admin_client.post(
        "/admin/billing/product/add/",
        {
            "name": "Keto month",
            "kind": "one_time",
            "grants": "meal_plan_package",
            "meal_plan_package": "keto-month",
            "prices-TOTAL_FORMS": "1",
            "prices-INITIAL_FORMS": "0",
            "prices-MIN_NUM_FORMS": "0",
            "prices-MAX_NUM_FORMS": "1000",
            "prices-0-interval": "month",
            "prices-0-amount": "1299",
            "prices-0-currency": "EUR",
            "prices-0-trial_days": "0",
        },
    )

    assert response.status_code == 200
    assert (Product.objects.count(), Price.objects.count()) == (0, 0)
