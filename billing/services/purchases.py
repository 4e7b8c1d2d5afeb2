"""One-time purchases: on the web through a Stripe PaymentIntent (the app confirms it; the
``payment_intent.succeeded`` event completes the purchase), in the apps through the store (the
app posts what StoreKit / Play Billing gave it, we verify it with the store first)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from billing import error_codes
from billing.exceptions import BillingBadRequest, BillingConflict
from billing.models import Price, Product, Purchase, Subscription
from billing.providers.stripe import client as stripe_client
from billing.providers.types import MoneyMovement, PurchaseKind, StoreTransaction

from .customers import stripe_customer_get_or_create
from .grants import purchase_entitlement_sync, state_change_record
from .payments import payment_record
from .subscriptions import subscription_state_apply, web_price_get


@dataclass(frozen=True)
class PurchaseStarted:
    purchase: Purchase
    client_secret: str


def _already_owned(*, user: Any, product: Product) -> bool:
    return Purchase.objects.filter(
        user=user, price__product=product, status=Purchase.Status.COMPLETED
    ).exists()


def purchase_create_web(
    *, user: Any, price_id: Any, currency: str | None, idempotency_key: str
) -> PurchaseStarted:
    price = web_price_get(price_id=price_id, kind=Product.Kind.ONE_TIME, currency=currency)
    if _already_owned(user=user, product=price.product):
        raise BillingConflict("You already own this.", code=error_codes.ALREADY_PURCHASED)
    customer_id = stripe_customer_get_or_create(user=user)
    intent = stripe_client.payment_intent_create(
        customer_id=customer_id,
        amount=price.amount,
        currency=price.currency,
        metadata={"user_id": str(user.public_id), "price_id": str(price.pk)},
        idempotency_key=f"fitcore-{user.public_id}-{idempotency_key}-purchase",
    )
    with transaction.atomic():
        Purchase.objects.bulk_create(
            [
                Purchase(
                    user=user,
                    provider="stripe",
                    provider_purchase_id=intent.id,
                    price=price,
                    status=Purchase.Status.PENDING,
                    amount=price.amount,
                    currency=price.currency,
                )
            ],
            ignore_conflicts=True,
        )
        purchase = Purchase.objects.select_for_update().get(
            provider="stripe", provider_purchase_id=intent.id
        )
        if purchase.status == Purchase.Status.PENDING and intent.status == "succeeded":
            purchase_complete(purchase=purchase, source="api", actor=user)
    return PurchaseStarted(purchase=purchase, client_secret=intent.client_secret)


def purchase_complete(*, purchase: Purchase, source: str, actor: Any = None) -> None:
    """Pending (or failed, then paid with another card) -> completed, entitlement granted
    (caller holds the row lock)."""
    if purchase.status not in {Purchase.Status.PENDING, Purchase.Status.FAILED}:
        return
    old = purchase.status
    purchase.status = Purchase.Status.COMPLETED
    purchase.completed_at = timezone.now()
    purchase.save(update_fields=["status", "completed_at", "updated_at"])
    state_change_record(obj=purchase, from_status=old, source=source, actor=actor)
    purchase_entitlement_sync(purchase=purchase)


def store_price_get(*, provider: str, product_id: str, base_plan_id: str = "") -> Price:
    """Our price for a store's product id (Apple product id; Google product + base plan)."""
    query: Q
    if provider == "apple":
        query = Q(app_store_product_id=product_id)
    elif provider == "google_play":
        query = Q(google_play_product_id=product_id)
        if base_plan_id:
            query &= Q(google_play_base_plan_id=base_plan_id)
    elif provider == "paypal":
        query = Q(paypal_plan_id=product_id)
    else:
        query = Q(stripe_price_id=product_id)
    price = Price.objects.select_related("product").filter(query).first()
    if price is None:
        raise BillingBadRequest(
            "This store product is not one of ours.",
            code=error_codes.UNKNOWN_PRODUCT,
            attr="product_id",
        )
    return price


def _claimed_by_other(*, user: Any, provider: str, store_id: str) -> bool:
    return (
        Purchase.objects.filter(provider=provider, provider_purchase_id=store_id)
        .exclude(user=user)
        .exists()
        or Subscription.objects.filter(provider=provider, provider_subscription_id=store_id)
        .exclude(user=user)
        .exists()
    )


def store_transaction_claim(
    *, user: Any, transaction_: StoreTransaction, state: Any = None, source: str = "api"
) -> Purchase | Subscription:
    """Grant what a verified store transaction bought to ``user``: a one-time product becomes
    a completed Purchase (+ its Payment), a subscription is recorded from ``state`` (the
    store's current state, when the verifier has one) or from the transaction itself.

    Refused (409) when the transaction is already another user's, or when its app account
    token names another user (Apple ``appAccountToken`` / Google obfuscated account id carry
    our user's public id)."""
    provider = str(transaction_.provider)
    actor = user if source == "api" else None
    token = transaction_.app_account_token
    if token and token.lower() != str(user.public_id).lower():
        raise BillingConflict(
            "This purchase was made for another account.", code=error_codes.PURCHASE_CLAIMED
        )
    store_id = transaction_.original_transaction_id
    if _claimed_by_other(user=user, provider=provider, store_id=store_id):
        raise BillingConflict(
            "This purchase already belongs to another account.",
            code=error_codes.PURCHASE_CLAIMED,
        )
    price = store_price_get(
        provider=provider,
        product_id=transaction_.product_id,
        base_plan_id=transaction_.base_plan_id,
    )
    if transaction_.kind == PurchaseKind.SUBSCRIPTION:
        if price.product.kind != Product.Kind.SUBSCRIPTION:
            raise BillingBadRequest(
                "This store product is not a subscription here.",
                code=error_codes.UNKNOWN_PRODUCT,
                attr="product_id",
            )
        from billing.providers.types import StoreSubscriptionState, SubscriptionStatus

        if state is None:
            now = timezone.now()
            if transaction_.revoked_at:
                status = SubscriptionStatus.REVOKED
            elif transaction_.expires_at and transaction_.expires_at <= now:
                status = SubscriptionStatus.EXPIRED
            elif transaction_.is_trial:
                status = SubscriptionStatus.TRIALING
            else:
                status = SubscriptionStatus.ACTIVE
            state = StoreSubscriptionState(
                provider=transaction_.provider,
                original_transaction_id=store_id,
                product_id=transaction_.product_id,
                status=status,
                expires_at=transaction_.expires_at,
                auto_renew=True,
                provider_event_time=transaction_.purchased_at,
                environment=transaction_.environment,
                app_account_token=token,
                base_plan_id=transaction_.base_plan_id,
                purchase_token=transaction_.purchase_token,
            )
        try:
            sub, _ = subscription_state_apply(
                user_id=user.pk,
                provider=provider,
                provider_subscription_id=store_id,
                price=price,
                state=state,
                source=source,
                actor=actor,
            )
        except IntegrityError as exc:  # pragma: no cover - constraint race, answered as taken
            raise BillingConflict(
                "This purchase already belongs to another account.",
                code=error_codes.PURCHASE_CLAIMED,
            ) from exc
        if sub.user_id != user.pk:
            raise BillingConflict(
                "This purchase already belongs to another account.",
                code=error_codes.PURCHASE_CLAIMED,
            )
        return sub
    if price.product.kind != Product.Kind.ONE_TIME:
        raise BillingBadRequest(
            "This store product is not a one-time purchase here.",
            code=error_codes.UNKNOWN_PRODUCT,
            attr="product_id",
        )
    amount = transaction_.amount if transaction_.amount is not None else price.amount
    currency = transaction_.currency or price.currency
    with transaction.atomic():
        Purchase.objects.bulk_create(
            [
                Purchase(
                    user=user,
                    provider=provider,
                    provider_purchase_id=store_id,
                    price=price,
                    status=Purchase.Status.PENDING,
                    amount=amount,
                    currency=currency,
                    environment=str(transaction_.environment),
                )
            ],
            ignore_conflicts=True,
        )
        purchase = Purchase.objects.select_for_update().get(
            provider=provider, provider_purchase_id=store_id
        )
        if purchase.user_id != user.pk:
            raise BillingConflict(
                "This purchase already belongs to another account.",
                code=error_codes.PURCHASE_CLAIMED,
            )
        if transaction_.revoked_at:
            if purchase.status in {Purchase.Status.PENDING, Purchase.Status.COMPLETED}:
                old = purchase.status
                purchase.status = (
                    Purchase.Status.REFUNDED
                    if transaction_.revocation_reason.startswith("refunded")
                    else Purchase.Status.REVOKED
                )
                purchase.save(update_fields=["status", "updated_at"])
                state_change_record(obj=purchase, from_status=old, source=source, actor=actor)
                purchase_entitlement_sync(purchase=purchase)
            return purchase
        purchase_complete(purchase=purchase, source=source, actor=actor)
        payment_record(
            user_id=user.pk,
            provider=provider,
            money=MoneyMovement(
                kind="charge",
                provider_payment_id=transaction_.transaction_id,
                amount=amount,
                currency=currency,
                occurred_at=transaction_.purchased_at,
            ),
            purchase=purchase,
            source=source,
            actor=actor,
        )
    return purchase
