"""Billing fixtures: the catalogue we sell, and Stripe's API answered by a local server."""

from __future__ import annotations

import pytest

from billing.models import Price, Product
from billing.tests.factories import PriceFactory, ProductFactory
from billing.tests.stripe_fake import SECRET_KEY, WEBHOOK_SECRET, FakeStripe


@pytest.fixture
def stripe_api(httpserver, settings):
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = httpserver.url_for("").rstrip("/")
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    return FakeStripe(httpserver)


@pytest.fixture
def catalog(db, stripe_api):
    """Premium monthly (9.99 EUR) and yearly (79.99 EUR), a premium workout sold alone
    (4.99 EUR), each mapped to every store's ids."""
    from workouts.tests.factories import WorkoutFactory

    premium = ProductFactory(name="FitCore Premium")
    monthly = PriceFactory(
        product=premium,
        interval=Price.Interval.MONTH,
        amount=999,
        stripe_price_id="price_monthly",
        app_store_product_id="com.fitcore.premium.monthly",
        google_play_product_id="premium",
        google_play_base_plan_id="monthly",
        paypal_plan_id="P-MONTHLY",
    )
    yearly = PriceFactory(
        product=premium,
        interval=Price.Interval.YEAR,
        amount=7999,
        stripe_price_id="price_yearly",
        app_store_product_id="com.fitcore.premium.yearly",
        google_play_product_id="premium",
        google_play_base_plan_id="yearly",
    )
    workout = WorkoutFactory(title="Sold alone", is_premium=True, is_purchasable=True)
    one_workout = ProductFactory(
        name="Sold alone",
        kind=Product.Kind.ONE_TIME,
        grants=Product.Grants.WORKOUT,
        workout=workout,
    )
    workout_price = PriceFactory(
        product=one_workout,
        interval=Price.Interval.NONE,
        amount=499,
        stripe_price_id="price_workout",
        app_store_product_id="com.fitcore.workout.sold",
        google_play_product_id="workout_sold",
    )
    stripe_api.price("price_monthly", interval="month", amount=999, currency="eur")
    stripe_api.price("price_yearly", interval="year", amount=7999, currency="eur")
    return {
        "premium": premium,
        "monthly": monthly,
        "yearly": yearly,
        "workout": workout,
        "one_workout": one_workout,
        "workout_price": workout_price,
    }
