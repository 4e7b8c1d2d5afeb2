"""Entitlements follow subscriptions and purchases; every state change writes an audit row and
calls the ``billing_state_changed`` hook after commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from billing.hooks import BillingStateChange, billing_state_changed
from billing.models import BillingAuditEvent, Entitlement, Product, Purchase, Subscription
from billing.providers.types import ACCESS_STATUSES

ObjectType = BillingAuditEvent.ObjectType
Source = BillingAuditEvent.Source


def audit_record(
    *,
    object_type: str,
    object_id: Any,
    from_status: str,
    to_status: str,
    source: str,
    actor: Any = None,
) -> None:
    BillingAuditEvent.objects.create(
        actor=actor,
        source=source,
        object_type=object_type,
        object_id=object_id,
        from_status=from_status,
        to_status=to_status,
    )


def state_change_record(
    *,
    obj: Subscription | Purchase,
    from_status: str,
    source: str,
    actor: Any = None,
) -> None:
    """An audit row and the hook for ``obj`` having moved from ``from_status`` (inside the
    caller's transaction; the hook runs after commit)."""
    object_type = ObjectType.SUBSCRIPTION if isinstance(obj, Subscription) else ObjectType.PURCHASE
    audit_record(
        object_type=object_type,
        object_id=obj.pk,
        from_status=from_status,
        to_status=obj.status,
        source=source,
        actor=actor,
    )
    billing_state_changed(
        BillingStateChange(
            user_id=obj.user_id,
            object_type=str(object_type),
            object_id=obj.pk,
            from_status=from_status,
            to_status=obj.status,
            provider=obj.provider,
        )
    )


def subscription_access_until(*, subscription: Subscription) -> tuple[bool, dt.datetime | None]:
    """(grants access, until when). Active/trialing: to the period's end (a renewal moves it
    on), plus ``BILLING_RENEWAL_LEEWAY_SECONDS`` while it renews automatically, so access does
    not lapse between the renewal and its notification. Grace: to the grace end, or open
    until the store says otherwise. Billing retry: open (the store still retries and says the
    user keeps access) until the store reports expiry. A cancelled PayPal subscription: to
    the period's end. Any other state: no access."""
    status = subscription.status
    if status == Subscription.Status.CANCELED and subscription.provider == "paypal":
        # PayPal's CANCELLED means "will not renew": what was paid for runs to the period's
        # end (Stripe's ``canceled`` is the end itself, hence the provider test).
        end = subscription.current_period_end
        return (True, end) if end is not None else (False, None)
    if status not in ACCESS_STATUSES:
        return False, None
    if status == Subscription.Status.GRACE:
        return True, subscription.grace_until
    if status == Subscription.Status.BILLING_RETRY:
        return True, None
    end = subscription.current_period_end
    if end is not None and not subscription.cancel_at_period_end:
        end += dt.timedelta(seconds=settings.BILLING_RENEWAL_LEEWAY_SECONDS)
    return True, end


def subscription_has_access_now(*, subscription: Subscription) -> bool:
    """Does the subscription give premium at this moment? Its state says so and the access
    it grants has not run out: a store subscription whose expiry notification never came
    stays ``active`` in our table, but its period (plus leeway) has ended."""
    grants, until = subscription_access_until(subscription=subscription)
    return grants and (until is None or until > timezone.now())


def subscription_entitlement_sync(*, subscription: Subscription) -> None:
    """The subscription's one premium entitlement in step with its state (caller holds the
    subscription's row lock). Losing access ends the entitlement now (the row stays as
    history); it is never deleted, so a purchase on iPhone shows on Android and web alike."""
    grants, until = subscription_access_until(subscription=subscription)
    now = timezone.now()
    entitlement = Entitlement.objects.filter(subscription=subscription).first()
    if grants:
        if entitlement is None:
            Entitlement.objects.create(
                user_id=subscription.user_id,
                kind=Entitlement.Kind.PREMIUM,
                source=Entitlement.Source.SUBSCRIPTION,
                subscription=subscription,
                valid_until=until,
            )
        elif entitlement.valid_until != until:
            entitlement.valid_until = until
            entitlement.save(update_fields=["valid_until", "updated_at"])
        return
    if entitlement is not None and (
        entitlement.valid_until is None or entitlement.valid_until > now
    ):
        entitlement.valid_until = now
        entitlement.save(update_fields=["valid_until", "updated_at"])


def purchase_entitlement_sync(*, purchase: Purchase) -> None:
    """A completed purchase unlocks what its product grants, for good; a refund or revocation
    ends that now."""
    entitlement = Entitlement.objects.filter(purchase=purchase).first()
    now = timezone.now()
    if purchase.status == Purchase.Status.COMPLETED:
        if entitlement is None:
            product = purchase.price.product
            Entitlement.objects.create(
                user_id=purchase.user_id,
                kind={
                    Product.Grants.PREMIUM: Entitlement.Kind.PREMIUM,
                    Product.Grants.WORKOUT: Entitlement.Kind.WORKOUT,
                    Product.Grants.MEAL_PLAN_PACKAGE: Entitlement.Kind.MEAL_PLAN_PACKAGE,
                }[Product.Grants(product.grants)],
                workout_id=product.workout_id,
                meal_plan_package=product.meal_plan_package,
                source=Entitlement.Source.PURCHASE,
                purchase=purchase,
                valid_until=None,
            )
        elif entitlement.valid_until is not None:
            entitlement.valid_until = None
            entitlement.save(update_fields=["valid_until", "updated_at"])
        return
    if entitlement is not None and (
        entitlement.valid_until is None or entitlement.valid_until > now
    ):
        entitlement.valid_until = now
        entitlement.save(update_fields=["valid_until", "updated_at"])
