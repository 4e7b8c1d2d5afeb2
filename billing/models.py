"""Billing data: the catalogue we sell (products, prices mapped to each store's ids), what users
hold (subscriptions, purchases, entitlements), money movements (payments), saved cards, and the
bookkeeping that keeps providers' retries harmless (webhook events, idempotency keys, audit rows).

Money is integer minor units plus an ISO 4217 currency. Public ids are UUIDs. Rows store
providers' ids, never card numbers or personal data (a card is its brand, last 4 and expiry).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Provider(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    APPLE = "apple", "App Store"
    GOOGLE_PLAY = "google_play", "Google Play"
    PAYPAL = "paypal", "PayPal"


class Product(models.Model):
    class Kind(models.TextChoices):
        SUBSCRIPTION = "subscription", "Subscription"
        ONE_TIME = "one_time", "One-time purchase"

    class Grants(models.TextChoices):
        PREMIUM = "premium", "Premium (everything)"
        WORKOUT = "workout", "One workout"
        MEAL_PLAN_PACKAGE = "meal_plan_package", "A meal-plan package"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    grants = models.CharField(max_length=20, choices=Grants.choices, default=Grants.PREMIUM)
    workout = models.ForeignKey(
        "workouts.Workout",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        help_text="The workout a one-workout product unlocks.",
    )
    meal_plan_package = models.SlugField(
        max_length=64, blank=True, help_text="The meal-plan package a package product unlocks."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(grants="workout") & Q(workout__isnull=False))
                | (~Q(grants="workout") & Q(workout__isnull=True)),
                name="billing_product_workout_iff_grants_workout",
            ),
            models.CheckConstraint(
                condition=(Q(grants="meal_plan_package") & ~Q(meal_plan_package=""))
                | (~Q(grants="meal_plan_package") & Q(meal_plan_package="")),
                name="billing_product_package_iff_grants_package",
            ),
            models.CheckConstraint(
                condition=~Q(kind="subscription") | Q(grants="premium"),
                name="billing_product_subscription_grants_premium",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.grants == self.Grants.WORKOUT and self.workout_id is None:
            raise ValidationError({"workout": "Choose the workout this product unlocks."})
        if self.grants != self.Grants.WORKOUT and self.workout_id is not None:
            raise ValidationError({"workout": "Only a one-workout product names a workout."})
        if self.grants == self.Grants.MEAL_PLAN_PACKAGE and not self.meal_plan_package:
            raise ValidationError({"meal_plan_package": "Name the package this product unlocks."})
        if self.kind == self.Kind.SUBSCRIPTION and self.grants != self.Grants.PREMIUM:
            raise ValidationError({"grants": "A subscription grants premium."})


def _unique_when_set(field: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=[field], condition=~Q(**{field: ""}), name=f"billing_price_{field}_uniq"
    )


class Price(models.Model):
    class Interval(models.TextChoices):
        MONTH = "month", "Monthly"
        YEAR = "year", "Yearly"
        NONE = "none", "One-time"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="prices")
    interval = models.CharField(max_length=8, choices=Interval.choices)
    amount = models.PositiveIntegerField(help_text="In minor units (cents).")
    currency = models.CharField(max_length=3, help_text="ISO 4217, upper case (EUR, USD).")
    trial_days = models.PositiveSmallIntegerField(default=0)
    stripe_price_id = models.CharField(max_length=255, blank=True)
    app_store_product_id = models.CharField(max_length=255, blank=True)
    google_play_product_id = models.CharField(max_length=255, blank=True)
    google_play_base_plan_id = models.CharField(max_length=255, blank=True)
    paypal_plan_id = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="billing_price_currency_iso"
            ),
            models.CheckConstraint(
                condition=Q(interval="none") | Q(amount__gt=0) | Q(trial_days__gt=0),
                name="billing_price_recurring_not_free",
            ),
            _unique_when_set("stripe_price_id"),
            _unique_when_set("app_store_product_id"),
            _unique_when_set("paypal_plan_id"),
            models.UniqueConstraint(
                fields=["google_play_product_id", "google_play_base_plan_id"],
                condition=~Q(google_play_product_id=""),
                name="billing_price_google_play_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.amount / 100:.2f} {self.currency}/{self.interval}"

    def clean(self) -> None:
        super().clean()
        product = getattr(self, "product", None)
        if product is None:
            return
        one_time = product.kind == Product.Kind.ONE_TIME
        if one_time != (self.interval == self.Interval.NONE):
            raise ValidationError(
                {"interval": "A one-time product has interval 'none'; a subscription does not."}
            )
        if one_time and self.trial_days:
            raise ValidationError({"trial_days": "Only a subscription has a trial."})


class BillingCustomer(models.Model):
    """The Stripe customer of a user (created on first need)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="billing_customer"
    )
    stripe_customer_id = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.stripe_customer_id


class Subscription(models.Model):
    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", "Incomplete (awaiting first payment)"
        ACTIVE = "active", "Active"
        TRIALING = "trialing", "Free trial"
        GRACE = "grace", "Grace period"
        BILLING_RETRY = "billing_retry", "Billing retry"
        ON_HOLD = "on_hold", "On hold"
        PAUSED = "paused", "Paused"
        CANCELED = "canceled", "Canceled"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        REFUNDED = "refunded", "Refunded"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    provider = models.CharField(max_length=12, choices=Provider.choices)
    provider_subscription_id = models.CharField(
        max_length=512,
        help_text="Stripe sub_..., Apple originalTransactionId, Google purchase token, "
        "PayPal I-...",
    )
    price = models.ForeignKey(Price, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=16, choices=Status.choices)
    current_period_end = models.DateTimeField(null=True, blank=True)
    grace_until = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    canceled_at = models.DateTimeField(null=True, blank=True)
    environment = models.CharField(max_length=12, default="production")
    last_event_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The provider's timestamp of the state stored here: older events never "
        "overwrite it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_subscription_id"],
                name="billing_subscription_provider_id_uniq",
            )
        ]
        indexes = [models.Index(fields=["user", "status"], name="billing_sub_user_status_idx")]

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_subscription_id} ({self.status})"


class Purchase(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending payment"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        REFUNDED = "refunded", "Refunded"
        REVOKED = "revoked", "Revoked (chargeback or store revocation)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="purchases"
    )
    provider = models.CharField(max_length=12, choices=Provider.choices)
    provider_purchase_id = models.CharField(
        max_length=512,
        help_text="Stripe PaymentIntent pi_..., Apple originalTransactionId, Google purchase "
        "token, PayPal order id",
    )
    price = models.ForeignKey(Price, on_delete=models.PROTECT, related_name="purchases")
    status = models.CharField(max_length=12, choices=Status.choices)
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    environment = models.CharField(max_length=12, default="production")
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_purchase_id"],
                name="billing_purchase_provider_id_uniq",
            )
        ]
        indexes = [models.Index(fields=["user", "created_at"], name="billing_purchase_user_idx")]

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_purchase_id} ({self.status})"


class PaymentMethod(models.Model):
    """A card saved at Stripe (a SetupIntent confirmed by the app). Brand, last 4, expiry."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payment_methods"
    )
    stripe_payment_method_id = models.CharField(max_length=255, unique=True)
    brand = models.CharField(max_length=32)
    last4 = models.CharField(max_length=4)
    exp_month = models.PositiveSmallIntegerField()
    exp_year = models.PositiveSmallIntegerField()
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_default=True),
                name="billing_payment_method_one_default",
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand} ****{self.last4}"


class Payment(models.Model):
    """Every money movement, whichever provider reported it."""

    class Kind(models.TextChoices):
        CHARGE = "charge", "Charge"
        RENEWAL = "renewal", "Renewal"
        REFUND = "refund", "Refund"
        CHARGEBACK = "chargeback", "Chargeback"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="payments",
        help_text="Empty once the account is deleted: the money movement stays on the books.",
    )
    provider = models.CharField(max_length=12, choices=Provider.choices)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    provider_payment_id = models.CharField(
        max_length=512, help_text="invoice in_..., charge/PaymentIntent, refund re_..., dispute"
    )
    stripe_payment_intent_id = models.CharField(
        max_length=255, blank=True, help_text="The PaymentIntent a Stripe charge belongs to."
    )
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=12, choices=Status.choices)
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    purchase = models.ForeignKey(
        Purchase, null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "kind", "provider_payment_id"],
                name="billing_payment_provider_id_uniq",
            )
        ]
        indexes = [models.Index(fields=["user", "occurred_at"], name="billing_payment_user_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} ({self.status})"


class WebhookEvent(models.Model):
    """A provider's event, stored once by its id: a replay finds the row and is acknowledged."""

    provider = models.CharField(max_length=12, choices=Provider.choices)
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=128)
    payload_sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="billing_webhook_event_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id} {self.event_type}"


class IdempotencyKey(models.Model):
    """The first answer to a money-moving request, replayed for a retry with the same key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="billing_idempotency_key_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"


class BillingAuditEvent(models.Model):
    """A state change of a subscription, purchase or payment: ids and statuses only."""

    class ObjectType(models.TextChoices):
        SUBSCRIPTION = "subscription", "Subscription"
        PURCHASE = "purchase", "Purchase"
        PAYMENT = "payment", "Payment"
        PAYMENT_METHOD = "payment_method", "Payment method"

    class Source(models.TextChoices):
        API = "api", "The user, through the API"
        WEBHOOK = "webhook", "A provider's notification"
        ADMIN = "admin", "An admin"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for a provider's notification or once the account is deleted.",
    )
    source = models.CharField(max_length=8, choices=Source.choices)
    object_type = models.CharField(max_length=16, choices=ObjectType.choices)
    object_id = models.UUIDField()
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="billing_audit_object_idx")
        ]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id}: {self.from_status} -> {self.to_status}"


class Entitlement(models.Model):
    """The one record that says a user may use premium content: granted by an admin, or kept
    in step with a subscription (any store) or a purchase by ``billing.services``."""

    class Kind(models.TextChoices):
        PREMIUM = "premium", "Premium (everything)"
        WORKOUT = "workout", "One workout"
        MEAL_PLAN_PACKAGE = "meal_plan_package", "A meal-plan package"

    class Source(models.TextChoices):
        ADMIN_GRANT = "admin_grant", "Granted by an admin"
        SUBSCRIPTION = "subscription", "A subscription"
        PURCHASE = "purchase", "A purchase"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entitlements"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    workout = models.ForeignKey(
        "workouts.Workout",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="entitlements",
        help_text="The workout, for a one-workout entitlement.",
    )
    meal_plan_package = models.SlugField(max_length=64, blank=True)
    valid_until = models.DateTimeField(
        null=True, blank=True, help_text="Empty: no end (a lifetime grant or a purchase)."
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.ADMIN_GRANT)
    subscription = models.OneToOneField(
        Subscription,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="entitlement",
    )
    purchase = models.OneToOneField(
        Purchase, null=True, blank=True, on_delete=models.CASCADE, related_name="entitlement"
    )
    note = models.CharField(max_length=200, blank=True, help_text="why it was granted")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["user", "kind"], name="billing_entitlement_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="workout") & Q(workout__isnull=False))
                | (~Q(kind="workout") & Q(workout__isnull=True)),
                name="billing_entitlement_workout_iff_kind_workout",
            ),
            models.CheckConstraint(
                condition=(Q(kind="meal_plan_package") & ~Q(meal_plan_package=""))
                | (~Q(kind="meal_plan_package") & Q(meal_plan_package="")),
                name="billing_entitlement_package_iff_kind_package",
            ),
            models.CheckConstraint(
                condition=(Q(source="subscription") & Q(subscription__isnull=False))
                | (~Q(source="subscription") & Q(subscription__isnull=True)),
                name="billing_entitlement_subscription_iff_source",
            ),
            models.CheckConstraint(
                condition=(Q(source="purchase") & Q(purchase__isnull=False))
                | (~Q(source="purchase") & Q(purchase__isnull=True)),
                name="billing_entitlement_purchase_iff_source",
            ),
        ]

    def __str__(self) -> str:
        if self.workout_id:
            target = f"workout {self.workout_id}"
        elif self.meal_plan_package:
            target = f"meal plans {self.meal_plan_package}"
        else:
            target = "premium"
        return f"{self.user} - {target}"

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.WORKOUT and self.workout_id is None:
            raise ValidationError({"workout": "Choose the workout this entitlement unlocks."})
        if self.kind != self.Kind.WORKOUT and self.workout_id is not None:
            raise ValidationError({"workout": "Only a one-workout entitlement names a workout."})
        if self.kind == self.Kind.MEAL_PLAN_PACKAGE and not self.meal_plan_package:
            raise ValidationError({"meal_plan_package": "Name the package."})
