"""Payments endpoints (thin views: parse, call one service or selector, render).

Money-moving POSTs take an ``Idempotency-Key`` header (``billing.services.idempotency``).
Provider errors map to the envelope: a permanent refusal (``VerificationError``) is a 400 on
the field that carried the bad input, an unconfigured or unreachable provider a 503
``provider_unavailable``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.models import User
from billing import error_codes, selectors
from billing.exceptions import BillingBadRequest, ProviderUnavailableError
from billing.models import Subscription
from billing.providers.types import ProviderUnavailable, VerificationError
from billing.services import idempotency, methods, purchases, store, subscriptions
from core.openapi import BulkErrorResponse400Serializer, error_envelope_serializer
from core.pagination import catalog_page_response
from core.throttling import UserScopedThrottle, UserThrottle

from .serializers import (
    PageQuerySerializer,
    PaymentMethodCreateInputSerializer,
    PaymentMethodOutputSerializer,
    PaymentMethodPageOutputSerializer,
    PaymentMethodSetupOutputSerializer,
    PurchaseCreateInputSerializer,
    PurchaseCreateOutputSerializer,
    PurchaseOutputSerializer,
    PurchasePageOutputSerializer,
    SubscriptionCancelInputSerializer,
    SubscriptionCreateInputSerializer,
    SubscriptionCreateOutputSerializer,
    SubscriptionOutputSerializer,
    SubscriptionPageOutputSerializer,
    SubscriptionUpdateInputSerializer,
)

TAGS = ["payments"]
ErrorResponse409BillingSerializer = error_envelope_serializer(
    status_code=409,
    codes=error_codes.ErrorCode409BillingEnum,
    suffix="Billing",
    doc="The envelope of a 409: the request conflicts with what the user holds, or with an "
    "earlier request under the same Idempotency-Key.",
)
ErrorResponse503BillingSerializer = error_envelope_serializer(
    status_code=503,
    codes=error_codes.ErrorCode503BillingEnum,
    suffix="Billing",
    doc="The envelope of a 503: the payment provider is not configured on this server or "
    "cannot be reached; nothing was charged or granted.",
)
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=True,
    type=str,
    description="A unique key per intended operation (a UUID). A retry with the same key "
    "answers the first answer (with `Idempotent-Replayed: true`), an error included once the "
    "operation began (a provider's refusal, a conflict, a 503: send a new key to try again); "
    "a request refused for its own input (an unknown price, a currency mismatch) keeps "
    "nothing. The same key with another body is a 409 `idempotency_key_reused`.",
)
IDEMPOTENCY_HEADER_OPTIONAL = OpenApiParameter(
    "Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description="Optional here; honoured like on the POSTs when sent.",
)
IDEMPOTENCY_ATTR = "idempotency_key"
VERIFICATION_CODES = [
    "required",
    error_codes.VERIFICATION_FAILED,
    error_codes.WRONG_APP,
    error_codes.WRONG_ENVIRONMENT,
    error_codes.INVALID_PAYLOAD,
    "invalid_signature",
    "purchase_not_found",
]


class PaymentsWriteThrottle(UserScopedThrottle):
    """Per user on the payments writes (``THROTTLE_RATES["payments"]``): each one calls Stripe
    or a store's API, whose rate limits and daily quotas the whole service shares. Reads are
    left to the ``user`` scope."""

    scope = "payments"

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


THROTTLES = (UserThrottle, PaymentsWriteThrottle)


def _user(request: Request) -> User:
    return cast(User, request.user)


@contextmanager
def _provider_errors(attr: str) -> Iterator[None]:
    """A provider's permanent refusal -> 400 on ``attr``; unavailable -> 503."""
    try:
        yield
    except VerificationError as exc:
        raise ValidationError({attr: [exc.message]}, code=exc.code) from exc
    except ProviderUnavailable as exc:
        raise ProviderUnavailableError(detail=exc.message) from exc


def _json(data: Any) -> Any:
    return json.loads(JSONRenderer().render(data))


def _idempotent(
    request: Request, run: Callable[[], tuple[int, Any]], *, required: bool = True
) -> Response:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        if required:
            raise ValidationError(
                {IDEMPOTENCY_ATTR: ["Send an Idempotency-Key header (a UUID per operation)."]},
                code=error_codes.IDEMPOTENCY_KEY_REQUIRED,
            )
        code, body = run()
        return Response(body, status=code)
    if len(key) > 255:
        raise ValidationError({IDEMPOTENCY_ATTR: ["At most 255 characters."]}, code="max_length")
    replayed = True

    def first_run() -> tuple[int, Any]:
        nonlocal replayed
        replayed = False
        try:
            code, body = run()
        except BillingBadRequest:
            raise  # the request's own parameters (unknown price, currency...): not kept
        except APIException as exc:
            # The operation began: its refusal, conflict or 503 is the key's answer (Stripe's
            # rule), rendered in the envelope exactly as the error handler renders it.
            handler = cast(Callable[..., Response | None], api_settings.EXCEPTION_HANDLER)
            response = handler(exc, {"request": request, "view": None})
            assert response is not None  # an APIException is always rendered
            return response.status_code, _json(response.data)
        return code, _json(body)

    code, body = idempotency.idempotent_call(
        user=_user(request),
        key=key,
        fingerprint=idempotency.request_fingerprint(
            method=request.method or "", path=request.path, body=request.body
        ),
        run=first_run,
    )
    response = Response(body, status=code)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _page(
    request: Request, queryset: QuerySet[Any], serializer: type[serializers.Serializer]
) -> Response:
    PageQuerySerializer(data=request.query_params).is_valid(raise_exception=True)
    return catalog_page_response(request, queryset, lambda page: serializer(page, many=True).data)


# --- Subscriptions ---------------------------------------------------------------------------


@extend_validation_errors(
    [error_codes.UNKNOWN_PRICE, error_codes.PRICE_NOT_FOR_THIS],
    field_name="price_id",
    methods=["post"],
)
@extend_validation_errors([error_codes.CURRENCY_MISMATCH], field_name="currency", methods=["post"])
@extend_validation_errors(
    [error_codes.IDEMPOTENCY_KEY_REQUIRED, "max_length"],
    field_name=IDEMPOTENCY_ATTR,
    methods=["post"],
)
@extend_validation_errors(
    [error_codes.STRIPE_REFUSED, error_codes.CARD_DECLINED, "stripe_error"],
    field_name="non_field_errors",
    methods=["post"],
)
class SubscriptionListCreateView(APIView):
    throttle_classes = THROTTLES

    @extend_schema(
        tags=TAGS,
        operation_id="payments_subscriptions_list",
        summary="The caller's subscriptions (every store)",
        description="Newest first, from Stripe, the App Store, Google Play and PayPal alike. "
        "`has_access`: premium now. Limit/offset pagination with `count`.",
        parameters=[PageQuerySerializer],
        responses={200: SubscriptionPageOutputSerializer, 400: BulkErrorResponse400Serializer},
    )
    def get(self, request: Request) -> Response:
        return _page(
            request,
            selectors.subscriptions_for_user(user=_user(request)),
            SubscriptionOutputSerializer,
        )

    @extend_schema(
        tags=TAGS,
        operation_id="payments_subscriptions_create",
        summary="Start a premium subscription on the web (Stripe)",
        description="Creates the Stripe customer (once), then a subscription with "
        "`payment_behavior=default_incomplete`: it stays `incomplete` until the app confirms "
        "the first payment with `client_secret` (3-D Secure works), and Stripe's events make "
        "it `active` (or `trialing` with a trial, offered on a first subscription only). The "
        "default saved card, if any, pays it. "
        "409 `already_subscribed` when the caller already has a subscription with access "
        "(from any store). 503 `provider_unavailable` without Stripe credentials.",
        parameters=[IDEMPOTENCY_HEADER],
        request=SubscriptionCreateInputSerializer,
        responses={
            201: SubscriptionCreateOutputSerializer,
            409: ErrorResponse409BillingSerializer,
            503: ErrorResponse503BillingSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        data = _validated(SubscriptionCreateInputSerializer, request)

        def run() -> tuple[int, Any]:
            with _provider_errors("non_field_errors"):
                started = subscriptions.subscription_create_web(
                    user=_user(request),
                    price_id=data["price_id"],
                    currency=data.get("currency"),
                    idempotency_key=request.headers["Idempotency-Key"].strip(),
                )
            body = SubscriptionCreateOutputSerializer(
                {"subscription": started.subscription, "client_secret": started.client_secret}
            ).data
            return status.HTTP_201_CREATED, body

        return _idempotent(request, run)


def _validated(serializer_class: type[serializers.Serializer], request: Request) -> Any:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_validation_errors(
    [error_codes.UNKNOWN_PRICE, error_codes.PRICE_NOT_FOR_THIS, error_codes.CURRENCY_MISMATCH],
    field_name="price_id",
    methods=["put"],
)
@extend_validation_errors(
    [error_codes.STRIPE_REFUSED, error_codes.CARD_DECLINED, "stripe_error"],
    field_name="non_field_errors",
    methods=["put"],
)
@extend_validation_errors(["max_length"], field_name=IDEMPOTENCY_ATTR, methods=["put"])
class SubscriptionDetailView(APIView):
    throttle_classes = THROTTLES

    @extend_schema(
        tags=TAGS,
        operation_id="payments_subscriptions_update",
        summary="Change a subscription: monthly <-> yearly, or resume a cancellation",
        description="`price_id`: switch to another premium price in the same currency; Stripe "
        "prorates (the unused part of the current period is credited on the next invoice). "
        "`cancel_at_period_end: false` resumes a cancellation planned for the period's end. "
        "Store subscriptions (App Store, Google Play, PayPal) are changed in the store: 409 "
        "`managed_by_store`. Another user's id: 404.",
        parameters=[IDEMPOTENCY_HEADER_OPTIONAL],
        request=SubscriptionUpdateInputSerializer,
        responses={
            200: SubscriptionOutputSerializer,
            409: ErrorResponse409BillingSerializer,
            503: ErrorResponse503BillingSerializer,
        },
    )
    def put(self, request: Request, subscription_id: Any) -> Response:
        sub = selectors.subscription_get_for_user(
            user=_user(request), subscription_id=subscription_id
        )
        data = _validated(SubscriptionUpdateInputSerializer, request)

        def run() -> tuple[int, Any]:
            with _provider_errors("non_field_errors"):
                updated = subscriptions.subscription_update(
                    user=_user(request),
                    subscription=sub,
                    price_id=data.get("price_id"),
                    cancel_at_period_end=data.get("cancel_at_period_end"),
                    idempotency_key=request.headers.get("Idempotency-Key", "").strip() or None,
                )
            return status.HTTP_200_OK, SubscriptionOutputSerializer(updated).data

        return _idempotent(request, run, required=False)


@extend_validation_errors(
    [error_codes.IDEMPOTENCY_KEY_REQUIRED, "max_length"],
    field_name=IDEMPOTENCY_ATTR,
    methods=["post"],
)
@extend_validation_errors(
    [error_codes.STRIPE_REFUSED, "stripe_error"],
    field_name="non_field_errors",
    methods=["post"],
)
class SubscriptionCancelView(APIView):
    throttle_classes = THROTTLES

    @extend_schema(
        tags=TAGS,
        operation_id="payments_subscriptions_cancel",
        summary="Cancel a subscription (at the period's end by default, or now)",
        description="`at_period_end` (default true): premium continues to "
        "`current_period_end` and PUT `cancel_at_period_end: false` resumes it until then. "
        "false: ends now (access ends now). Store subscriptions: 409 `managed_by_store`. "
        "Another user's id: 404, nothing changes.",
        parameters=[IDEMPOTENCY_HEADER],
        request=SubscriptionCancelInputSerializer,
        responses={
            200: SubscriptionOutputSerializer,
            409: ErrorResponse409BillingSerializer,
            503: ErrorResponse503BillingSerializer,
        },
    )
    def post(self, request: Request, subscription_id: Any) -> Response:
        sub = selectors.subscription_get_for_user(
            user=_user(request), subscription_id=subscription_id
        )
        data = _validated(SubscriptionCancelInputSerializer, request)

        def run() -> tuple[int, Any]:
            with _provider_errors("non_field_errors"):
                canceled = subscriptions.subscription_cancel(
                    user=_user(request),
                    subscription=sub,
                    at_period_end=data["at_period_end"],
                    idempotency_key=request.headers["Idempotency-Key"].strip(),
                )
            return status.HTTP_200_OK, SubscriptionOutputSerializer(canceled).data

        return _idempotent(request, run)


# --- Purchases -------------------------------------------------------------------------------


@extend_validation_errors(
    [error_codes.UNKNOWN_PRICE, error_codes.PRICE_NOT_FOR_THIS, "required"],
    field_name="price_id",
    methods=["post"],
)
@extend_validation_errors([error_codes.CURRENCY_MISMATCH], field_name="currency", methods=["post"])
@extend_validation_errors(VERIFICATION_CODES, field_name="signed_transaction", methods=["post"])
@extend_validation_errors(
    [*VERIFICATION_CODES, error_codes.PRODUCT_MISMATCH, error_codes.PURCHASE_PENDING],
    field_name="purchase_token",
    methods=["post"],
)
@extend_validation_errors(
    [error_codes.UNKNOWN_PRODUCT, "required"],
    field_name="product_id",
    methods=["post"],
)
@extend_validation_errors(
    [error_codes.IDEMPOTENCY_KEY_REQUIRED, "max_length"],
    field_name=IDEMPOTENCY_ATTR,
    methods=["post"],
)
@extend_validation_errors(
    [error_codes.STRIPE_REFUSED, error_codes.CARD_DECLINED, "stripe_error"],
    field_name="non_field_errors",
    methods=["post"],
)
class PurchaseListCreateView(APIView):
    throttle_classes = THROTTLES

    @extend_schema(
        tags=TAGS,
        operation_id="payments_purchases_list",
        summary="The caller's one-time purchases (every store)",
        parameters=[PageQuerySerializer],
        responses={200: PurchasePageOutputSerializer, 400: BulkErrorResponse400Serializer},
    )
    def get(self, request: Request) -> Response:
        return _page(
            request, selectors.purchases_for_user(user=_user(request)), PurchaseOutputSerializer
        )

    @extend_schema(
        tags=TAGS,
        operation_id="payments_purchases_create",
        summary="Buy something once (web), or register an in-app purchase (App Store, Play)",
        description="`provider=stripe` + `price_id`: a PaymentIntent the app confirms with "
        "`client_secret`; the purchase is `pending` until Stripe's `payment_intent.succeeded` "
        "completes it and unlocks the content. `provider=apple` + `signed_transaction` (the "
        "StoreKit 2 JWS) or `provider=google_play` + `purchase_token` + `product_id`: "
        "verified with the store first (certificate chain, bundle id / package, environment), "
        "then granted to the caller; a one-time product becomes a purchase, a subscription "
        "product a subscription (`kind`). 409 `purchase_claimed_by_another_user` when the "
        "store transaction belongs to another account; 409 `already_purchased`.",
        parameters=[IDEMPOTENCY_HEADER],
        request=PurchaseCreateInputSerializer,
        responses={
            201: PurchaseCreateOutputSerializer,
            409: ErrorResponse409BillingSerializer,
            503: ErrorResponse503BillingSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        data = _validated(PurchaseCreateInputSerializer, request)
        user = _user(request)

        def run() -> tuple[int, Any]:
            provider = data["provider"]
            if provider == "stripe":
                with _provider_errors("non_field_errors"):
                    started = purchases.purchase_create_web(
                        user=user,
                        price_id=data["price_id"],
                        currency=data.get("currency"),
                        idempotency_key=request.headers["Idempotency-Key"].strip(),
                    )
                body = {
                    "kind": "purchase",
                    "purchase": started.purchase,
                    "subscription": None,
                    "client_secret": started.client_secret,
                }
            else:
                attr = "signed_transaction" if provider == "apple" else "purchase_token"
                with _provider_errors(attr):
                    claimed = store.store_purchase_verify_and_claim(
                        user=user,
                        provider=provider,
                        signed_transaction=data.get("signed_transaction", ""),
                        purchase_token=data.get("purchase_token", ""),
                        product_id=data.get("product_id", ""),
                    )
                is_sub = isinstance(claimed, Subscription)
                body = {
                    "kind": "subscription" if is_sub else "purchase",
                    "purchase": None if is_sub else claimed,
                    "subscription": claimed if is_sub else None,
                    "client_secret": None,
                }
            return status.HTTP_201_CREATED, PurchaseCreateOutputSerializer(body).data

        return _idempotent(request, run)


# --- Payment methods -------------------------------------------------------------------------


@extend_validation_errors(
    [error_codes.IDEMPOTENCY_KEY_REQUIRED, "max_length"],
    field_name=IDEMPOTENCY_ATTR,
    methods=["post"],
)
@extend_validation_errors(
    [error_codes.STRIPE_REFUSED, "stripe_error"],
    field_name="non_field_errors",
    methods=["post"],
)
class PaymentMethodListCreateView(APIView):
    throttle_classes = THROTTLES

    @extend_schema(
        tags=TAGS,
        operation_id="payments_methods_list",
        summary="The caller's saved cards",
        description="Brand, last 4, expiry, and which one is the default (it pays the "
        "subscription). The default comes first.",
        parameters=[PageQuerySerializer],
        responses={200: PaymentMethodPageOutputSerializer, 400: BulkErrorResponse400Serializer},
    )
    def get(self, request: Request) -> Response:
        return _page(
            request,
            selectors.payment_methods_for_user(user=_user(request)),
            PaymentMethodOutputSerializer,
        )

    @extend_schema(
        tags=TAGS,
        operation_id="payments_methods_create",
        summary="Add a card: start a Stripe SetupIntent",
        description="Answers a SetupIntent's `client_secret`; the app collects and confirms "
        "the card with Stripe's SDK (card details never reach us). Stripe's "
        "`payment_method.attached` event then records it; the first card becomes the default.",
        parameters=[IDEMPOTENCY_HEADER],
        request=PaymentMethodCreateInputSerializer,
        responses={
            201: PaymentMethodSetupOutputSerializer,
            409: ErrorResponse409BillingSerializer,
            503: ErrorResponse503BillingSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        _validated(PaymentMethodCreateInputSerializer, request)

        def run() -> tuple[int, Any]:
            with _provider_errors("non_field_errors"):
                intent = methods.payment_method_setup_start(
                    user=_user(request),
                    idempotency_key=request.headers["Idempotency-Key"].strip(),
                )
            body = PaymentMethodSetupOutputSerializer(
                {"setup_intent_id": intent.id, "client_secret": intent.client_secret}
            ).data
            return status.HTTP_201_CREATED, body

        return _idempotent(request, run)


class PaymentMethodDetailView(APIView):
    throttle_classes = THROTTLES

    @extend_schema(
        tags=TAGS,
        operation_id="payments_methods_delete",
        summary="Remove a saved card",
        description="Detaches the card at Stripe and forgets it. The default card is refused "
        "(409 `default_payment_method_in_use`) while a Stripe subscription with access still "
        "charges it. Another user's id: 404.",
        responses={
            204: None,
            409: ErrorResponse409BillingSerializer,
            503: ErrorResponse503BillingSerializer,
        },
    )
    def delete(self, request: Request, method_id: Any) -> Response:
        method = selectors.payment_method_get_for_user(user=_user(request), method_id=method_id)
        with _provider_errors("non_field_errors"):
            methods.payment_method_remove(user=_user(request), method=method)
        return Response(status=status.HTTP_204_NO_CONTENT)
