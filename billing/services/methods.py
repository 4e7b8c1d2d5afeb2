"""Saved cards (Stripe): added through a SetupIntent the app confirms; Stripe's
``payment_method.attached`` event records brand, last 4 and expiry here. The first card is the
default. The default card of a live subscription cannot be removed."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from billing import error_codes
from billing.exceptions import BillingConflict
from billing.models import BillingCustomer, PaymentMethod, Subscription
from billing.providers.stripe import client as stripe_client
from billing.providers.types import ACCESS_STATUSES

from .customers import stripe_customer_get_or_create
from .grants import audit_record


def payment_method_setup_start(*, user: Any, idempotency_key: str) -> stripe_client.StripeIntent:
    customer_id = stripe_customer_get_or_create(user=user)
    return stripe_client.setup_intent_create(
        customer_id=customer_id,
        idempotency_key=f"fitcore-{user.public_id}-{idempotency_key}-setup",
    )


def payment_method_record(
    *, user_id: Any, payment_method_id: str, brand: str, last4: str, exp_month: int, exp_year: int
) -> PaymentMethod:
    """Record a card attached at Stripe (the user's first card becomes the default)."""
    with transaction.atomic():
        # The user's cards are locked together: two cards attached at once get one default.
        list(PaymentMethod.objects.select_for_update().filter(user_id=user_id))
        method, created = PaymentMethod.objects.get_or_create(
            stripe_payment_method_id=payment_method_id,
            defaults={
                "user_id": user_id,
                "brand": brand,
                "last4": last4,
                "exp_month": exp_month,
                "exp_year": exp_year,
                "is_default": not PaymentMethod.objects.filter(
                    user_id=user_id, is_default=True
                ).exists(),
            },
        )
        if created:
            audit_record(
                object_type="payment_method",
                object_id=method.pk,
                from_status="",
                to_status="attached",
                source="webhook",
            )
            if method.is_default:
                _stripe_default_set(user_id=user_id, payment_method_id=payment_method_id)
    return method


def _stripe_default_set(*, user_id: Any, payment_method_id: str) -> None:
    """Our default card is the one Stripe charges: the customer's invoice default, which
    pays its subscriptions' invoices (a card added after the subscription, e.g. during a
    free trial, would otherwise never be charged, and the renewal would fail)."""
    customer_id = (
        BillingCustomer.objects.filter(user_id=user_id)
        .values_list("stripe_customer_id", flat=True)
        .first()
    )
    if customer_id:
        stripe_client.customer_set_default_payment_method(
            customer_id=customer_id, payment_method_id=payment_method_id
        )


def payment_method_forget(*, payment_method_id: str) -> None:
    """The card was detached at Stripe: drop it here (the newest other card becomes the
    default when it was the default)."""
    with transaction.atomic():
        method = (
            PaymentMethod.objects.select_for_update()
            .filter(stripe_payment_method_id=payment_method_id)
            .first()
        )
        if method is None:
            return
        _delete(method=method, source="webhook")


def _delete(*, method: PaymentMethod, source: str, actor: Any = None) -> None:
    was_default = method.is_default
    user_id = method.user_id
    audit_record(
        object_type="payment_method",
        object_id=method.pk,
        from_status="default" if was_default else "attached",
        to_status="removed",
        source=source,
        actor=actor,
    )
    method.delete()
    if was_default:
        successor = PaymentMethod.objects.filter(user_id=user_id).order_by("-created_at").first()
        if successor is not None:
            successor.is_default = True
            successor.save(update_fields=["is_default"])
            _stripe_default_set(
                user_id=user_id, payment_method_id=successor.stripe_payment_method_id
            )


def payment_method_remove(*, user: Any, method: PaymentMethod) -> None:
    """Detach the card at Stripe and forget it. The default card is refused while a Stripe
    subscription still charges it (409 ``default_payment_method_in_use``)."""
    with transaction.atomic():
        method = PaymentMethod.objects.select_for_update().get(pk=method.pk)
        if (
            method.is_default
            and Subscription.objects.filter(
                user=user, provider="stripe", status__in=ACCESS_STATUSES
            ).exists()
        ):
            raise BillingConflict(
                "This card pays for your active subscription. Add another card first (it "
                "becomes the default once this one is removed), or cancel the subscription.",
                code=error_codes.DEFAULT_METHOD_IN_USE,
            )
    stripe_client.payment_method_detach(payment_method_id=method.stripe_payment_method_id)
    with transaction.atomic():
        locked = PaymentMethod.objects.select_for_update().filter(pk=method.pk).first()
        if locked is not None:
            _delete(method=locked, source="api", actor=user)
