"""Input and output serializers of the payments API (unique names: the schema depends on it)."""

from __future__ import annotations

from typing import Any

from django.db.models import TextChoices
from rest_framework import serializers

from billing.models import PaymentMethod, Price, Product, Purchase, Subscription
from billing.services.grants import subscription_has_access_now
from core.serializers import (
    NullableNestedOutputSerializer,
    PageQuerySerializer,
    StrictInputSerializer,
)

__all__ = ["PageQuerySerializer"]


class BillingProductOutputSerializer(serializers.ModelSerializer):
    workout_id = serializers.UUIDField(allow_null=True)

    class Meta:
        model = Product
        fields = ["id", "name", "kind", "grants", "workout_id", "meal_plan_package"]


class BillingPriceOutputSerializer(serializers.ModelSerializer):
    product = BillingProductOutputSerializer()
    amount = serializers.IntegerField(help_text="In minor units (cents).")

    class Meta:
        model = Price
        fields = ["id", "product", "interval", "amount", "currency", "trial_days"]


class SubscriptionOutputSerializer(NullableNestedOutputSerializer, serializers.ModelSerializer):
    price = BillingPriceOutputSerializer()
    has_access = serializers.SerializerMethodField(
        help_text="Whether this subscription gives premium now: active, trialing, grace or "
        "billing retry, and its period (or grace) has not run out."
    )

    class Meta:
        model = Subscription
        fields = [
            "id",
            "provider",
            "status",
            "price",
            "current_period_end",
            "cancel_at_period_end",
            "canceled_at",
            "grace_until",
            "has_access",
            "created_at",
        ]

    def get_has_access(self, obj: Subscription) -> bool:
        return subscription_has_access_now(subscription=obj)


class SubscriptionPageOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SubscriptionOutputSerializer(many=True)


class SubscriptionCreateInputSerializer(StrictInputSerializer):
    price_id = serializers.UUIDField(help_text="A monthly or yearly premium price.")
    currency = serializers.RegexField(
        r"^[A-Za-z]{3}$",
        required=False,
        help_text="The currency the app showed; refused when it is not the price's.",
    )


class SubscriptionCreateOutputSerializer(serializers.Serializer):
    subscription = SubscriptionOutputSerializer()
    client_secret = serializers.CharField(
        allow_blank=True,
        help_text="Confirm the first payment with Stripe's SDK (3-D Secure included). Empty "
        "when nothing is due now (a free trial).",
    )


class SubscriptionUpdateInputSerializer(StrictInputSerializer):
    price_id = serializers.UUIDField(
        required=False, help_text="Switch to this price (monthly <-> yearly), prorated."
    )
    cancel_at_period_end = serializers.BooleanField(
        required=False,
        help_text="false resumes a cancellation planned for the period's end; true plans one.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(
                "Send price_id and/or cancel_at_period_end.", code="required"
            )
        return attrs


class SubscriptionCancelInputSerializer(StrictInputSerializer):
    at_period_end = serializers.BooleanField(
        default=True,
        help_text="true (default): access continues to the period's end and the cancellation "
        "can be resumed until then; false: ends now.",
    )


class PurchaseOutputSerializer(NullableNestedOutputSerializer, serializers.ModelSerializer):
    price = BillingPriceOutputSerializer()
    amount = serializers.IntegerField(help_text="In minor units.")

    class Meta:
        model = Purchase
        fields = [
            "id",
            "provider",
            "status",
            "price",
            "amount",
            "currency",
            "completed_at",
            "created_at",
        ]


class PurchasePageOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PurchaseOutputSerializer(many=True)


class PurchaseProvider(TextChoices):
    STRIPE = "stripe", "Stripe (web)"
    APPLE = "apple", "App Store"
    GOOGLE_PLAY = "google_play", "Google Play"


class PurchaseCreateInputSerializer(StrictInputSerializer):
    provider = serializers.ChoiceField(choices=PurchaseProvider.choices)
    price_id = serializers.UUIDField(required=False, help_text="stripe: the one-time price.")
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False, help_text="stripe")
    signed_transaction = serializers.CharField(
        required=False, max_length=20000, help_text="apple: StoreKit 2 `jwsRepresentation`."
    )
    purchase_token = serializers.CharField(
        required=False, max_length=4096, help_text="google_play: the purchase token."
    )
    product_id = serializers.CharField(
        required=False,
        max_length=255,
        help_text="google_play: the product (or subscription) id the token is for.",
    )

    REQUIRED = {
        "stripe": ("price_id",),
        "apple": ("signed_transaction",),
        "google_play": ("purchase_token", "product_id"),
    }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        missing = {
            name: [serializers.ErrorDetail("This field is required.", code="required")]
            for name in self.REQUIRED[attrs["provider"]]
            if not attrs.get(name)
        }
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class PurchaseCreateOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["purchase", "subscription"],
        help_text="What was recorded: a one-time purchase or (an in-app) subscription.",
    )
    purchase = PurchaseOutputSerializer(allow_null=True)
    subscription = SubscriptionOutputSerializer(allow_null=True)
    client_secret = serializers.CharField(
        allow_null=True, help_text="stripe: confirm the PaymentIntent with Stripe's SDK."
    )


class PaymentMethodOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = PaymentMethod
        fields = ["id", "brand", "last4", "exp_month", "exp_year", "is_default", "created_at"]


class PaymentMethodPageOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PaymentMethodOutputSerializer(many=True)


class PaymentMethodCreateInputSerializer(StrictInputSerializer):
    pass


class PaymentMethodSetupOutputSerializer(serializers.Serializer):
    setup_intent_id = serializers.CharField()
    client_secret = serializers.CharField(
        help_text="Confirm the SetupIntent with Stripe's SDK; the card then appears in GET "
        "/api/payments/methods (recorded from Stripe's `payment_method.attached` event)."
    )


class WebhookAckOutputSerializer(serializers.Serializer):
    received = serializers.BooleanField()
    duplicate = serializers.BooleanField(help_text="true: seen before, acknowledged, ignored.")
