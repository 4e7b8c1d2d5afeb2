from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework.exceptions import APIException
from unfold.admin import ModelAdmin, TabularInline

from billing.providers.types import BillingProviderError

from .models import (
    BillingAuditEvent,
    Entitlement,
    Payment,
    Price,
    Product,
    Purchase,
    Subscription,
    WebhookEvent,
)
from .services.payments import payment_refund


@admin.register(Entitlement)
class EntitlementAdmin(ModelAdmin):
    """Grant premium (until a date, or for good), one workout or a meal-plan package to a user.
    Entitlements from subscriptions and purchases are kept by billing: read them here."""

    list_display = ("user", "kind", "workout", "valid_until", "source", "created_at")
    list_filter = ("kind", "source", "valid_until")
    search_fields = ("user__email", "workout__title")
    list_select_related = ("user", "workout")
    autocomplete_fields = ("user", "workout")
    readonly_fields = ("source", "subscription", "purchase", "created_at")
    fields = (
        "user",
        "kind",
        "workout",
        "meal_plan_package",
        "valid_until",
        "note",
        "source",
        "subscription",
        "purchase",
        "created_at",
    )
    ordering = ("-created_at",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.source != Entitlement.Source.ADMIN_GRANT:
            return False
        return bool(super().has_change_permission(request, obj))


class PriceInline(TabularInline):
    model = Price
    extra = 0
    fields = (
        "interval",
        "amount",
        "currency",
        "trial_days",
        "stripe_price_id",
        "app_store_product_id",
        "google_play_product_id",
        "google_play_base_plan_id",
        "paypal_plan_id",
        "is_active",
    )


@admin.register(Product)
class ProductAdmin(ModelAdmin):
    """What we sell: premium (subscriptions or a one-time unlock), one workout, or a meal-plan
    package; each price maps to every store's product id."""

    list_display = ("name", "kind", "grants", "workout", "is_active", "created_at")
    list_filter = ("kind", "grants", "is_active")
    search_fields = ("name",)
    autocomplete_fields = ("workout",)
    inlines = (PriceInline,)


@admin.register(Price)
class PriceAdmin(ModelAdmin):
    list_display = (
        "product",
        "interval",
        "amount",
        "currency",
        "trial_days",
        "stripe_price_id",
        "app_store_product_id",
        "google_play_product_id",
        "google_play_base_plan_id",
        "paypal_plan_id",
        "is_active",
    )
    list_filter = ("interval", "currency", "is_active")
    search_fields = (
        "product__name",
        "stripe_price_id",
        "app_store_product_id",
        "google_play_product_id",
        "paypal_plan_id",
    )
    list_select_related = ("product",)


class _ReadOnlyAdmin(ModelAdmin):
    """Provider-driven records: shown, never edited by hand (state comes from the provider)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(_ReadOnlyAdmin):
    list_display = (
        "user",
        "provider",
        "status",
        "price",
        "current_period_end",
        "cancel_at_period_end",
        "last_event_at",
    )
    list_filter = ("provider", "status", "cancel_at_period_end")
    search_fields = ("user__email", "provider_subscription_id")
    list_select_related = ("user", "price", "price__product")


@admin.register(Purchase)
class PurchaseAdmin(_ReadOnlyAdmin):
    list_display = ("user", "provider", "status", "price", "amount", "currency", "created_at")
    list_filter = ("provider", "status")
    search_fields = ("user__email", "provider_purchase_id")
    list_select_related = ("user", "price", "price__product")


@admin.register(Payment)
class PaymentAdmin(_ReadOnlyAdmin):
    """Every money movement. Refund a Stripe charge with the action (store refunds arrive by
    the stores' notifications)."""

    list_display = (
        "occurred_at",
        "user",
        "provider",
        "kind",
        "amount",
        "currency",
        "status",
        "provider_payment_id",
    )
    list_filter = ("provider", "kind", "status", "currency")
    search_fields = ("user__email", "provider_payment_id", "stripe_payment_intent_id")
    list_select_related = ("user",)
    actions = ("refund_through_stripe",)

    @admin.action(description="Refund in full through Stripe")
    def refund_through_stripe(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        done = 0
        for payment in queryset:
            try:
                payment_refund(actor=request.user, payment=payment)
            except BillingProviderError as exc:
                self.message_user(request, f"{payment}: {exc.message}", messages.ERROR)
            except APIException as exc:  # not refundable (a store payment, not settled)
                self.message_user(request, f"{payment}: {exc.detail}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"Refund requested for {done} payment(s).", messages.SUCCESS)


@admin.register(WebhookEvent)
class WebhookEventAdmin(_ReadOnlyAdmin):
    list_display = ("received_at", "provider", "event_type", "event_id", "processed_at")
    list_filter = ("provider", "event_type")
    search_fields = ("event_id",)


@admin.register(BillingAuditEvent)
class BillingAuditEventAdmin(_ReadOnlyAdmin):
    list_display = ("created_at", "object_type", "object_id", "from_status", "to_status", "source")
    list_filter = ("object_type", "source")
    search_fields = ("object_id",)
