"""Subscriptions: web ones through Stripe (create incomplete, change price, cancel, resume),
and one place where any provider's state lands, in order.

Ordering: a state is stamped with the provider's time for it (a store notification's signed
date; for Stripe, the moment we read the subscription from Stripe's API, since every Stripe
event is acted on by re-reading the subscription). ``subscription_state_apply`` locks the row
(``select_for_update``) and ignores a state older than the one stored, so late or replayed
events and a racing API call never move a subscription backwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from billing import error_codes
from billing.exceptions import BillingBadRequest, BillingConflict
from billing.models import Entitlement, PaymentMethod, Price, Product, Subscription
from billing.providers.stripe import client as stripe_client
from billing.providers.types import ACCESS_STATUSES, StoreSubscriptionState

from .customers import stripe_customer_get_or_create
from .grants import (
    state_change_record,
    subscription_entitlement_sync,
    subscription_has_access_now,
)

Source = "api"


@dataclass(frozen=True)
class SubscriptionStarted:
    subscription: Subscription
    client_secret: str


def subscription_state_apply(
    *,
    user_id: Any,
    provider: str,
    provider_subscription_id: str,
    price: Price,
    state: StoreSubscriptionState,
    source: str,
    actor: Any = None,
) -> tuple[Subscription, bool]:
    """Record ``state`` for the subscription (created on first sight), unless a newer state is
    already stored. Answers the row and whether ``state`` was applied. One transaction; the
    row is locked, so a webhook and an API call on one subscription serialise here."""
    with transaction.atomic():
        Subscription.objects.bulk_create(
            [
                Subscription(
                    user_id=user_id,
                    provider=provider,
                    provider_subscription_id=provider_subscription_id,
                    price=price,
                    status=state.status,
                    environment=str(state.environment),
                )
            ],
            ignore_conflicts=True,
        )
        sub = Subscription.objects.select_for_update().get(
            provider=provider, provider_subscription_id=provider_subscription_id
        )
        if sub.last_event_at is not None and state.provider_event_time < sub.last_event_at:
            return sub, False
        from_status = "" if sub.last_event_at is None else sub.status
        sub.status = str(state.status)
        sub.price = price
        if state.expires_at is not None or state.status != "canceled":
            # A cancellation may come without the period's end (PayPal drops
            # next_billing_time): the end already known stays.
            sub.current_period_end = state.expires_at
        sub.grace_until = state.grace_expires_at
        sub.cancel_at_period_end = not state.auto_renew and state.status in ACCESS_STATUSES
        if state.status in {"canceled", "expired", "revoked", "refunded"} and not sub.canceled_at:
            sub.canceled_at = state.provider_event_time
        sub.environment = str(state.environment)
        sub.last_event_at = state.provider_event_time
        sub.save()
        if from_status != sub.status:
            state_change_record(obj=sub, from_status=from_status, source=source, actor=actor)
        subscription_entitlement_sync(subscription=sub)
    return sub, True


def stripe_subscription_record(
    *,
    user_id: Any,
    stripe_sub: stripe_client.StripeSubscription,
    observed_at: dt.datetime,
    source: str,
    actor: Any = None,
) -> Subscription | None:
    """A subscription as read from Stripe, recorded (None when its price is not one of ours)."""
    price = Price.objects.filter(stripe_price_id=stripe_sub.price_id).first()
    if price is None:
        return None
    sub, _ = subscription_state_apply(
        user_id=user_id,
        provider="stripe",
        provider_subscription_id=stripe_sub.id,
        price=price,
        state=stripe_sub.as_state(at=observed_at),
        source=source,
        actor=actor,
    )
    return sub


def web_price_get(*, price_id: Any, kind: str, currency: str | None) -> Price:
    """An active price sold on the web (it has a Stripe price) of a product of ``kind``."""
    price = (
        Price.objects.select_related("product")
        .filter(pk=price_id, is_active=True, product__is_active=True)
        .first()
    )
    if price is None or not price.stripe_price_id:
        raise BillingBadRequest(
            "There is no such price on sale.", code=error_codes.UNKNOWN_PRICE, attr="price_id"
        )
    if price.product.kind != kind:
        wanted = "a subscription" if kind == Product.Kind.SUBSCRIPTION else "a one-time purchase"
        raise BillingBadRequest(
            f"This price is not for {wanted}.",
            code=error_codes.PRICE_NOT_FOR_THIS,
            attr="price_id",
        )
    if currency is not None and currency.upper() != price.currency:
        raise BillingBadRequest(
            f"This price is in {price.currency}, not {currency.upper()}.",
            code=error_codes.CURRENCY_MISMATCH,
            attr="currency",
        )
    return price


def _stripe_key(user: Any, key: str, step: str) -> str:
    return f"fitcore-{user.public_id}-{key}-{step}"


def subscription_create_web(
    *, user: Any, price_id: Any, currency: str | None, idempotency_key: str
) -> SubscriptionStarted:
    """A Stripe subscription, created incomplete: the app confirms the first payment with the
    client secret (3-D Secure included); ``invoice.paid`` and the subscription's update event
    then make it active. The user's default card, if any, is the subscription's."""
    price = web_price_get(price_id=price_id, kind=Product.Kind.SUBSCRIPTION, currency=currency)
    if any(
        subscription_has_access_now(subscription=held)
        for held in Subscription.objects.filter(user=user, status__in=ACCESS_STATUSES)
    ):
        raise BillingConflict(
            "You already have an active subscription; change or cancel it instead.",
            code=error_codes.ALREADY_SUBSCRIBED,
        )
    resumed = _incomplete_resume(user=user, price=price)
    if resumed is not None:
        return resumed
    customer_id = stripe_customer_get_or_create(user=user)
    default_method = (
        PaymentMethod.objects.filter(user=user, is_default=True)
        .values_list("stripe_payment_method_id", flat=True)
        .first()
    )
    stripe_sub = stripe_client.subscription_create(
        customer_id=customer_id,
        price_id=price.stripe_price_id,
        user_ref=str(user.public_id),
        trial_days=price.trial_days if _trial_eligible(user=user) else 0,
        default_payment_method=default_method,
        idempotency_key=_stripe_key(user, idempotency_key, "subscription"),
    )
    observed = timezone.now()
    sub, _ = subscription_state_apply(
        user_id=user.pk,
        provider="stripe",
        provider_subscription_id=stripe_sub.id,
        price=price,
        state=stripe_sub.as_state(at=observed),
        source=Source,
        actor=user,
    )
    return SubscriptionStarted(subscription=sub, client_secret=stripe_sub.client_secret)


def _trial_eligible(*, user: Any) -> bool:
    """A free trial is for a first subscription only: anyone who has held premium through a
    subscription (any store; entitlements are kept as history) pays from the first day, or
    cancelling and subscribing again would be premium for free for ever. The stores enforce
    this themselves (one introductory offer per subscription group); Stripe does not."""
    return not Entitlement.objects.filter(
        user=user, source=Entitlement.Source.SUBSCRIPTION
    ).exists()


def _incomplete_resume(*, user: Any, price: Price) -> SubscriptionStarted | None:
    """The caller's incomplete Stripe subscription to the same price, with its first invoice's
    client secret again: a second tap (or a retry under a new key) does not start a second
    subscription at Stripe. None when there is none, or Stripe no longer holds it open."""
    pending = (
        Subscription.objects.filter(
            user=user, provider="stripe", price=price, status=Subscription.Status.INCOMPLETE
        )
        .order_by("-created_at")
        .first()
    )
    if pending is None:
        return None
    current = stripe_client.subscription_retrieve(
        subscription_id=pending.provider_subscription_id, with_invoice=True
    )
    sub, _ = subscription_state_apply(
        user_id=user.pk,
        provider="stripe",
        provider_subscription_id=pending.provider_subscription_id,
        price=price,
        state=current.as_state(at=timezone.now()),
        source=Source,
        actor=user,
    )
    if sub.status != Subscription.Status.INCOMPLETE or not current.client_secret:
        return None
    return SubscriptionStarted(subscription=sub, client_secret=current.client_secret)


def _stripe_only(subscription: Subscription) -> None:
    if subscription.provider != "stripe":
        raise BillingConflict(
            "This subscription is managed in the store it was bought in (App Store, Google "
            "Play or PayPal): change or cancel it there.",
            code=error_codes.PROVIDER_MANAGED,
        )


def _record(user: Any, subscription: Subscription, stripe_sub: Any) -> Subscription:
    sub, _ = subscription_state_apply(
        user_id=user.pk,
        provider="stripe",
        provider_subscription_id=subscription.provider_subscription_id,
        price=Price.objects.filter(stripe_price_id=stripe_sub.price_id).first()
        or subscription.price,
        state=stripe_sub.as_state(at=timezone.now()),
        source=Source,
        actor=user,
    )
    return sub


def _locked(subscription: Subscription) -> Subscription:
    """The subscription's row, locked for the rest of the transaction (a webhook on the same
    subscription waits, then re-reads Stripe after our change)."""
    return (
        Subscription.objects.select_related("price")
        .select_for_update(of=("self",))
        .get(pk=subscription.pk)
    )


def subscription_update(
    *,
    user: Any,
    subscription: Subscription,
    price_id: Any | None,
    cancel_at_period_end: bool | None,
    idempotency_key: str | None,
) -> Subscription:
    """Switch monthly <-> yearly (prorated by Stripe) and/or resume a cancellation planned for
    the period's end (``cancel_at_period_end=False``) or plan one (``True``). The row stays
    locked across the Stripe calls (see ``billing.services.webhooks``)."""
    _stripe_only(subscription)
    with transaction.atomic():
        return _update_locked(
            user=user,
            subscription=_locked(subscription),
            price_id=price_id,
            cancel_at_period_end=cancel_at_period_end,
            idempotency_key=idempotency_key,
        )


def _update_locked(
    *,
    user: Any,
    subscription: Subscription,
    price_id: Any | None,
    cancel_at_period_end: bool | None,
    idempotency_key: str | None,
) -> Subscription:
    if subscription.status not in ACCESS_STATUSES:
        raise BillingConflict(
            f"A {subscription.status} subscription cannot be changed.",
            code=error_codes.NOT_CHANGEABLE,
        )
    key = idempotency_key or f"{timezone.now().timestamp()}"
    if price_id is not None:
        price = web_price_get(price_id=price_id, kind=Product.Kind.SUBSCRIPTION, currency=None)
        if price.currency != subscription.price.currency:
            raise BillingBadRequest(
                f"The subscription is billed in {subscription.price.currency}, this price in "
                f"{price.currency}.",
                code=error_codes.CURRENCY_MISMATCH,
                attr="price_id",
            )
        if price.pk != subscription.price_id:
            stripe_sub = stripe_client.subscription_change_price(
                subscription_id=subscription.provider_subscription_id,
                price_id=price.stripe_price_id,
                idempotency_key=_stripe_key(user, key, "price"),
            )
            subscription = _record(user, subscription, stripe_sub)
    if (
        cancel_at_period_end is not None
        and cancel_at_period_end != subscription.cancel_at_period_end
    ):
        stripe_sub = stripe_client.subscription_set_cancel_at_period_end(
            subscription_id=subscription.provider_subscription_id,
            cancel=cancel_at_period_end,
            idempotency_key=_stripe_key(user, key, f"cancel-{cancel_at_period_end}"),
        )
        subscription = _record(user, subscription, stripe_sub)
    return subscription


def subscription_cancel(
    *, user: Any, subscription: Subscription, at_period_end: bool, idempotency_key: str
) -> Subscription:
    """Cancel at the period's end (access continues until then; resumable with PUT
    ``cancel_at_period_end=false``) or now (access ends now). The row stays locked across the
    Stripe call."""
    _stripe_only(subscription)
    with transaction.atomic():
        return _cancel_locked(
            user=user,
            subscription=_locked(subscription),
            at_period_end=at_period_end,
            idempotency_key=idempotency_key,
        )


def _cancel_locked(
    *, user: Any, subscription: Subscription, at_period_end: bool, idempotency_key: str
) -> Subscription:
    if subscription.status not in ACCESS_STATUSES and subscription.status != "incomplete":
        raise BillingConflict(
            f"A {subscription.status} subscription cannot be cancelled.",
            code=error_codes.NOT_CHANGEABLE,
        )
    if at_period_end and subscription.status != "incomplete":
        stripe_sub = stripe_client.subscription_set_cancel_at_period_end(
            subscription_id=subscription.provider_subscription_id,
            cancel=True,
            idempotency_key=_stripe_key(user, idempotency_key, "cancel"),
        )
    else:
        stripe_sub = stripe_client.subscription_cancel_now(
            subscription_id=subscription.provider_subscription_id,
            idempotency_key=_stripe_key(user, idempotency_key, "cancel-now"),
        )
    return _record(user, subscription, stripe_sub)
