"""Provider events: stored once (``WebhookEvent``, unique per provider and event id), then
acted on in the same transaction. A replay finds the row and is acknowledged without effect;
two deliveries of one event at once serialise on the unique index (the second waits for the
first to commit, then sees the row). Each handler only moves state forwards (see
``subscription_state_apply`` and ``payment_record``), so order does not matter.

Stripe: every subscription event is acted on by re-reading the subscription from Stripe (the
event's own object may be stale or in the endpoint's older API shape: INTEGRATIONS trap 5).
Store notifications (Apple, Google Play, PayPal) arrive as verified ``NotificationEvent``s whose
state carries the store's own timestamp.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from billing.exceptions import BillingBadRequest, BillingConflict
from billing.models import BillingCustomer, Payment, Purchase, Subscription, WebhookEvent
from billing.providers.stripe import client as stripe_client
from billing.providers.stripe.webhooks import StripeEvent
from billing.providers.types import (
    NotificationEvent,
    PurchaseKind,
    StoreTransaction,
    VerificationError,
)

from .grants import purchase_entitlement_sync, state_change_record
from .methods import payment_method_forget, payment_method_record
from .payments import payment_record, purchase_money_after_refunds_sync
from .purchases import purchase_complete, store_price_get, store_transaction_claim
from .subscriptions import stripe_subscription_record, subscription_state_apply

logger = logging.getLogger("billing.webhooks")


def payload_digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def webhook_event_seen(*, provider: str, event_id: str) -> bool:
    return WebhookEvent.objects.filter(
        provider=provider, event_id=event_id, processed_at__isnull=False
    ).exists()


def _claim(*, provider: str, event_id: str, event_type: str, digest: str) -> WebhookEvent | None:
    """The event's row, inserted now; None when it was already there (a replay)."""
    try:
        with transaction.atomic():
            return WebhookEvent.objects.create(
                provider=provider, event_id=event_id, event_type=event_type, payload_sha256=digest
            )
    except IntegrityError:
        return None


def _done(event: WebhookEvent) -> None:
    event.processed_at = timezone.now()
    event.save(update_fields=["processed_at"])


# --- Stripe -----------------------------------------------------------------------------------


def _user_id_by_public_id(value: str) -> Any | None:
    """Our user named by a provider-carried public id (Stripe metadata, Apple appAccountToken,
    Google obfuscated account id, PayPal custom_id); None for anything else."""
    try:
        public_id = uuid.UUID(str(value))
    except ValueError:
        return None
    return User.objects.filter(public_id=public_id).values_list("pk", flat=True).first()


def _user_for_customer(customer_id: str, user_ref: str = "") -> Any | None:
    user_id = (
        BillingCustomer.objects.filter(stripe_customer_id=customer_id)
        .values_list("user_id", flat=True)
        .first()
        if customer_id
        else None
    )
    if user_id is None:
        user_id = _user_id_by_public_id(user_ref)
    return user_id


def _stripe_subscription_refresh(*, subscription_id: str) -> Subscription | None:
    """Lock our row of the subscription (if we have one), read it from Stripe now and record
    what Stripe says (inside the caller's transaction)."""
    list(
        Subscription.objects.select_for_update().filter(
            provider="stripe", provider_subscription_id=subscription_id
        )
    )
    current = stripe_client.subscription_retrieve(subscription_id=subscription_id)
    user_id = _user_for_customer(current.customer_id, current.user_ref)
    if user_id is None:
        logger.warning("stripe subscription %s: no user for its customer", subscription_id)
        return None
    return stripe_subscription_record(
        user_id=user_id, stripe_sub=current, observed_at=timezone.now(), source="webhook"
    )


def stripe_event_handle(*, event: StripeEvent, digest: str) -> bool:
    """Act on one verified Stripe event, once. Answers False for a replay.

    A subscription event locks our row of that subscription, then re-reads the subscription
    from Stripe and records what Stripe says now. The API's changes (``subscription_update``,
    ``subscription_cancel``) hold the same lock across their Stripe call, so a webhook and an
    API call on one subscription run one after the other and the second always reads Stripe
    after the first's change: the row ends at Stripe's latest state. If Stripe cannot be
    reached the transaction rolls back (the event is not stored) and the 503 makes Stripe
    retry the delivery."""
    if webhook_event_seen(provider="stripe", event_id=event.id):
        return False
    subscription_id = ""
    if event.subscription is not None:
        subscription_id = event.subscription.id
    elif (
        event.money is not None
        and event.subscription_id
        and not Subscription.objects.filter(
            provider="stripe", provider_subscription_id=event.subscription_id
        ).exists()
    ):
        # An invoice before its subscription's events: learn the subscription first.
        subscription_id = event.subscription_id
    with transaction.atomic():
        row = _claim(provider="stripe", event_id=event.id, event_type=event.type, digest=digest)
        if row is None:
            return False
        if subscription_id:
            try:
                _stripe_subscription_refresh(subscription_id=subscription_id)
            except VerificationError:
                # Stripe refuses the read for good (no such subscription in this mode): the
                # event is stored and acknowledged, a retry could not do better.
                logger.warning(
                    "stripe event %s: subscription %s unreadable", event.id, subscription_id
                )
        _stripe_money(event)
        _stripe_card(event)
        _done(row)
    return True


def _stripe_money(event: StripeEvent) -> None:
    money = event.money
    if money is None:
        return
    if event.type.startswith("invoice."):
        sub = Subscription.objects.filter(
            provider="stripe", provider_subscription_id=event.subscription_id
        ).first()
        if sub is None:
            logger.warning("stripe invoice event %s: unknown subscription", event.id)
            return
        payment_record(
            user_id=sub.user_id,
            provider="stripe",
            money=money,
            subscription=sub,
            stripe_payment_intent_id=event.payment_intent_id,
        )
        return
    if event.type.startswith("payment_intent."):
        purchase = (
            Purchase.objects.select_for_update()
            .filter(provider="stripe", provider_purchase_id=event.payment_intent_id)
            .first()
        )
        if purchase is None:
            return  # a subscription invoice's payment: the invoice event records the money
        payment_record(
            user_id=purchase.user_id,
            provider="stripe",
            money=money,
            purchase=purchase,
            stripe_payment_intent_id=event.payment_intent_id,
        )
        if money.status == "succeeded":
            purchase_complete(purchase=purchase, source="webhook")
            # A refund or dispute may have arrived before this event (Stripe does not order
            # deliveries): completing must not grant what is already refunded.
            purchase_money_after_refunds_sync(purchase=purchase, source="webhook")
        elif purchase.status == Purchase.Status.PENDING:
            purchase.status = Purchase.Status.FAILED
            purchase.save(update_fields=["status", "updated_at"])
            state_change_record(obj=purchase, from_status="pending", source="webhook")
        return
    # refund.* and charge.dispute.created: find what the PaymentIntent paid for.
    purchase = (
        Purchase.objects.select_for_update()
        .filter(provider="stripe", provider_purchase_id=event.payment_intent_id)
        .first()
    )
    charge = (
        Payment.objects.filter(
            provider="stripe",
            stripe_payment_intent_id=event.payment_intent_id,
            kind__in=[Payment.Kind.CHARGE, Payment.Kind.RENEWAL],
        )
        .select_related("subscription")
        .first()
    )
    user_id = purchase.user_id if purchase else charge.user_id if charge else None
    if user_id is None:
        logger.warning("stripe %s %s: no payment of ours", event.type, event.id)
        return
    payment_record(
        user_id=user_id,
        provider="stripe",
        money=money,
        purchase=purchase,
        subscription=charge.subscription if charge else None,
        stripe_payment_intent_id=event.payment_intent_id,
    )
    if purchase is not None:
        purchase_money_after_refunds_sync(purchase=purchase, source="webhook")


def _stripe_card(event: StripeEvent) -> None:
    card = event.card
    if card is None:
        return
    if event.type == "payment_method.detached":
        payment_method_forget(payment_method_id=card.payment_method_id)
        return
    user_id = _user_for_customer(card.customer_id)
    if user_id is None:
        return
    payment_method_record(
        user_id=user_id,
        payment_method_id=card.payment_method_id,
        brand=card.brand,
        last4=card.last4,
        exp_month=card.exp_month,
        exp_year=card.exp_year,
    )


# --- Stores (Apple, Google Play, PayPal) -------------------------------------------------------


def store_notification_handle(*, event: NotificationEvent, digest: str) -> bool:
    """Act on one verified store notification, once. The subscription it names must already
    be ours (claimed through POST /api/payments/purchases, which ties it to a user), or carry
    an app account token naming the user. Answers False for a replay."""
    provider = str(event.provider)
    with transaction.atomic():
        row = _claim(
            provider=provider, event_id=event.event_id, event_type=event.event_type, digest=digest
        )
        if row is None:
            return False
        if not event.is_test:
            _store_apply(event)
        _done(row)
    return True


def _store_user(provider: str, store_id: str, token: str) -> Any | None:
    sub_user = (
        Subscription.objects.filter(provider=provider, provider_subscription_id=store_id)
        .values_list("user_id", flat=True)
        .first()
    )
    if sub_user is not None:
        return sub_user
    purchase_user = (
        Purchase.objects.filter(provider=provider, provider_purchase_id=store_id)
        .values_list("user_id", flat=True)
        .first()
    )
    if purchase_user is not None:
        return purchase_user
    return _user_id_by_public_id(token)


def _store_apply(event: NotificationEvent) -> None:
    provider = str(event.provider)
    state = event.state
    tx = event.transaction
    subscription = None
    if state is not None:
        user_id = _store_user(provider, state.original_transaction_id, state.app_account_token)
        if user_id is None:
            logger.warning("%s notification %s: subscription not ours", provider, event.event_id)
        else:
            try:
                price = store_price_get(
                    provider=provider, product_id=state.product_id, base_plan_id=state.base_plan_id
                )
            except BillingBadRequest:
                logger.warning("%s notification %s: unknown product", provider, event.event_id)
                return
            subscription, _ = subscription_state_apply(
                user_id=user_id,
                provider=provider,
                provider_subscription_id=state.original_transaction_id,
                price=price,
                state=state,
                source="webhook",
            )
    if subscription is None and tx is not None and tx.kind == PurchaseKind.SUBSCRIPTION:
        # A payment or refund of a subscription the store names by id (PayPal sales).
        subscription = Subscription.objects.filter(
            provider=provider, provider_subscription_id=tx.original_transaction_id
        ).first()
    if subscription is not None and state is not None and state.latest_transaction is not None:
        _acknowledge_if_due(provider, state.latest_transaction)
    purchase = None
    if tx is not None and tx.kind == PurchaseKind.ONE_TIME:
        purchase = (
            Purchase.objects.select_for_update()
            .filter(provider=provider, provider_purchase_id=tx.original_transaction_id)
            .first()
        )
        if purchase is None and tx.product_id:
            # Recorded even when the store reports it refunded or revoked: otherwise the app
            # could later post the transaction as StoreKit signed it before the refund and be
            # granted what was refunded (the claim finds the revoked row and grants nothing).
            purchase = _store_purchase_from_notification(provider, tx, event.event_id)
        if purchase is not None and tx.revoked_at and purchase.status in {"completed", "pending"}:
            old = purchase.status
            purchase.status = (
                Purchase.Status.REFUNDED
                if event.money is not None and event.money.kind == "refund"
                else Purchase.Status.REVOKED
            )
            purchase.save(update_fields=["status", "updated_at"])
            state_change_record(obj=purchase, from_status=old, source="webhook")
            purchase_entitlement_sync(purchase=purchase)
    if event.money is not None:
        owner = subscription.user_id if subscription else purchase.user_id if purchase else None
        if owner is not None:
            payment_record(
                user_id=owner,
                provider=provider,
                money=event.money,
                subscription=subscription,
                purchase=purchase,
            )


def _store_purchase_from_notification(
    provider: str, tx: StoreTransaction, event_id: str
) -> Purchase | None:
    """A one-time purchase the store reports before (or instead of) the app posting it: granted
    to the user its account token names, then acknowledged (Google refunds a purchase not
    acknowledged within 3 days, whether or not the app came back). A refunded or revoked one is
    recorded as such for that user, granting nothing."""
    user_id = _user_id_by_public_id(tx.app_account_token)
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    if user is None:
        logger.warning("%s notification %s: purchase for no known user", provider, event_id)
        return None
    try:
        claimed = store_transaction_claim(user=user, transaction_=tx, source="webhook")
    except (BillingBadRequest, BillingConflict) as exc:
        logger.warning("%s notification %s: not granted (%s)", provider, event_id, exc.detail)
        return None
    _acknowledge_if_due(provider, tx)
    return claimed if isinstance(claimed, Purchase) else None


def _acknowledge_if_due(provider: str, tx: StoreTransaction) -> None:
    if provider != "google_play" or tx.acknowledged or tx.revoked_at or not tx.purchase_token:
        return
    from billing.tasks import google_play_purchase_acknowledge

    google_play_purchase_acknowledge.delay_on_commit(
        product_id=tx.product_id, purchase_token=tx.purchase_token, kind=str(tx.kind)
    )
