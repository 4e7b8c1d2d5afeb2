"""Money movements: every charge, renewal, refund and chargeback becomes one ``Payment`` row
(unique per provider, kind and provider id, so a replayed event adds nothing), and the admin's
refund through Stripe."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from billing import error_codes
from billing.exceptions import BillingConflict
from billing.models import Payment, Purchase, Subscription
from billing.providers.stripe import client as stripe_client
from billing.providers.types import MoneyMovement

from .grants import audit_record, purchase_entitlement_sync, state_change_record

# A status never moves back: a succeeded payment stays succeeded whatever arrives late.
_RANK = {"pending": 0, "failed": 1, "succeeded": 2}


def payment_record(
    *,
    user_id: Any,
    provider: str,
    money: MoneyMovement,
    subscription: Subscription | None = None,
    purchase: Purchase | None = None,
    stripe_payment_intent_id: str = "",
    source: str = "webhook",
    actor: Any = None,
) -> Payment:
    """Insert the movement once; a later report of the same movement may only move its status
    forwards (pending -> failed/succeeded, failed -> succeeded on a retried invoice)."""
    with transaction.atomic():
        Payment.objects.bulk_create(
            [
                Payment(
                    user_id=user_id,
                    provider=provider,
                    kind=money.kind,
                    provider_payment_id=money.provider_payment_id,
                    stripe_payment_intent_id=stripe_payment_intent_id,
                    amount=money.amount,
                    currency=money.currency,
                    status=money.status,
                    subscription=subscription,
                    purchase=purchase,
                    occurred_at=money.occurred_at,
                )
            ],
            ignore_conflicts=True,
        )
        payment = Payment.objects.select_for_update().get(
            provider=provider, kind=money.kind, provider_payment_id=money.provider_payment_id
        )
        changed = []
        if _RANK.get(money.status, 0) > _RANK.get(payment.status, 0):
            old = payment.status
            payment.status = money.status
            payment.amount = money.amount
            changed += ["status", "amount"]
            audit_record(
                object_type="payment",
                object_id=payment.pk,
                from_status=old,
                to_status=payment.status,
                source=source,
                actor=actor,
            )
        if stripe_payment_intent_id and not payment.stripe_payment_intent_id:
            payment.stripe_payment_intent_id = stripe_payment_intent_id
            changed.append("stripe_payment_intent_id")
        if changed:
            payment.save(update_fields=[*changed, "updated_at"])
    return payment


def purchase_money_after_refunds_sync(*, purchase: Purchase, source: str) -> None:
    """A purchase refunded in full is ``refunded`` (its entitlement ends); a chargeback makes it
    ``revoked``. Caller holds the purchase's lock."""
    refunded = sum(
        Payment.objects.filter(
            purchase=purchase, kind=Payment.Kind.REFUND, status=Payment.Status.SUCCEEDED
        ).values_list("amount", flat=True)
    )
    disputed = Payment.objects.filter(purchase=purchase, kind=Payment.Kind.CHARGEBACK).exists()
    new_status = purchase.status
    if disputed:
        new_status = Purchase.Status.REVOKED
    elif refunded >= purchase.amount and purchase.status == Purchase.Status.COMPLETED:
        new_status = Purchase.Status.REFUNDED
    if new_status != purchase.status:
        old = purchase.status
        purchase.status = new_status
        purchase.save(update_fields=["status", "updated_at"])
        state_change_record(obj=purchase, from_status=old, source=source)
        purchase_entitlement_sync(purchase=purchase)


def payment_refund(*, actor: Any, payment: Payment, amount: int | None = None) -> Payment:
    """Refund a Stripe charge or renewal (all of it unless ``amount``) through Stripe's API.
    The refund is recorded now as pending; Stripe's ``refund.*`` events settle it, and a full
    refund of a purchase ends its entitlement."""
    if payment.provider != "stripe" or payment.kind not in {"charge", "renewal"}:
        raise BillingConflict(
            "Only Stripe charges are refunded from here; store refunds arrive by notification.",
            code=error_codes.NOT_REFUNDABLE,
        )
    if payment.status != Payment.Status.SUCCEEDED or not payment.stripe_payment_intent_id:
        raise BillingConflict(
            "This payment has no settled Stripe charge to refund.", code=error_codes.NOT_REFUNDABLE
        )
    refund = stripe_client.refund_create(
        payment_intent_id=payment.stripe_payment_intent_id,
        amount=amount,
        idempotency_key=f"fitcore-refund-{payment.pk}-{amount or 'full'}",
    )
    with transaction.atomic():
        record = payment_record(
            user_id=payment.user_id,
            provider="stripe",
            money=MoneyMovement(
                kind="refund",
                provider_payment_id=refund.id,
                amount=refund.amount,
                currency=refund.currency,
                occurred_at=timezone.now(),
                status="succeeded" if refund.status == "succeeded" else "pending",
            ),
            subscription=payment.subscription,
            purchase=payment.purchase,
            stripe_payment_intent_id=payment.stripe_payment_intent_id,
            source="admin",
            actor=actor,
        )
        if payment.purchase_id:
            purchase = Purchase.objects.select_for_update().get(pk=payment.purchase_id)
            purchase_money_after_refunds_sync(purchase=purchase, source="admin")
    return record
