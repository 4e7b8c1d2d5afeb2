"""Reads of the billing app: always scoped to the caller (another user's id is a 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound

from billing.models import PaymentMethod, Price, Product, Purchase, Subscription


def subscriptions_for_user(*, user: Any) -> QuerySet[Subscription]:
    return (
        Subscription.objects.filter(user=user)
        .select_related("price", "price__product")
        .order_by("-created_at")
    )


def subscription_get_for_user(*, user: Any, subscription_id: Any) -> Subscription:
    sub = subscriptions_for_user(user=user).filter(pk=subscription_id).first()
    if sub is None:
        raise NotFound("No such subscription.")
    return sub


def purchases_for_user(*, user: Any) -> QuerySet[Purchase]:
    return (
        Purchase.objects.filter(user=user)
        .select_related("price", "price__product")
        .order_by("-created_at")
    )


def payment_methods_for_user(*, user: Any) -> QuerySet[PaymentMethod]:
    return PaymentMethod.objects.filter(user=user).order_by("-is_default", "-created_at")


def payment_method_get_for_user(*, user: Any, method_id: Any) -> PaymentMethod:
    method = payment_methods_for_user(user=user).filter(pk=method_id).first()
    if method is None:
        raise NotFound("No such payment method.")
    return method


def prices_on_sale() -> QuerySet[Price]:
    return Price.objects.filter(is_active=True, product__is_active=True).select_related("product")


def product_kinds() -> list[str]:
    return list(Product.Kind.values)
