"""Provider webhooks: public (no user token), CSRF exempt, verified on the raw body.

* ``/api/payments/webhooks`` and ``/api/payments/webhooks/stripe``: Stripe (``Stripe-Signature``
  checked by the SDK);
* ``/api/payments/webhooks/apple``: App Store Server Notifications V2 (the signed payload
  verified like a transaction: certificate chain, bundle id, environment);
* ``/api/payments/webhooks/google-play``: Real-time developer notifications by Pub/Sub push
  (the push's OIDC token checked, then the purchase re-read from the Play Developer API);
* ``/api/payments/webhooks/paypal``: verified by PayPal's verify-webhook-signature call.

Answers: 200 ``{"received": true, "duplicate": ...}`` (a replay is acknowledged and ignored);
400 ``invalid_signature`` / ``invalid_payload`` (nothing stored: the sender should not
retry a forgery); 503 when the provider is not configured or its API could not be reached for
the re-read (the sender retries later, and the event was not stored).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from billing import error_codes
from billing.exceptions import (
    ProviderUnavailableError,
    WebhookPayloadInvalid,
    WebhookSignatureInvalid,
)
from billing.providers.stripe import webhooks as stripe_webhooks
from billing.providers.types import NotificationEvent, ProviderUnavailable, VerificationError
from billing.services import webhooks as webhook_services
from core.openapi import error_envelope_serializer

from .serializers import WebhookAckOutputSerializer

TAGS = ["payments"]
ErrorResponse400WebhookSerializer = error_envelope_serializer(
    status_code=400,
    codes=error_codes.ErrorCode400WebhookEnum,
    suffix="Webhook",
    doc="The envelope of a 400: the signature is missing or wrong (`invalid_signature`), or "
    "the notification cannot be read or is not for this app. Nothing was stored.",
)
ErrorResponse503WebhookSerializer = error_envelope_serializer(
    status_code=503,
    codes=error_codes.ErrorCode503BillingEnum,
    suffix="Webhook",
    doc="The envelope of a 503: the provider is not configured here, or could not be reached "
    "to re-read the object; the event was not stored, so the provider's retry will be acted on.",
)
RESPONSES = {
    200: WebhookAckOutputSerializer,
    400: ErrorResponse400WebhookSerializer,
    503: ErrorResponse503WebhookSerializer,
}


def _translate(exc: Exception) -> APIException:
    if isinstance(exc, ProviderUnavailable):
        return ProviderUnavailableError(detail=exc.message)
    assert isinstance(exc, VerificationError)
    if exc.code == error_codes.INVALID_SIGNATURE:
        return WebhookSignatureInvalid(detail=exc.message)
    known = {c.value for c in error_codes.ErrorCode400WebhookEnum}
    return WebhookPayloadInvalid(
        detail=exc.message, code=exc.code if exc.code in known else error_codes.INVALID_PAYLOAD
    )


class _WebhookView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []
    # Webhooks carry raw bytes we verify ourselves; no DRF parsing of the body.
    parser_classes: list[Any] = []

    def handle_event(self, request: Request) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request: Request) -> Response:
        try:
            duplicate = not self.handle_event(request)
        except (VerificationError, ProviderUnavailable) as exc:
            raise _translate(exc) from exc
        return Response({"received": True, "duplicate": duplicate})


class StripeWebhookView(_WebhookView):
    @extend_schema(
        tags=TAGS,
        operation_id="payments_webhooks_stripe",
        summary="Stripe webhook events",
        description="Signed with the endpoint's secret (`Stripe-Signature`, checked by the "
        "SDK on the raw body). Acted on: `customer.subscription.*` (the subscription is "
        "re-read from Stripe), `invoice.paid` / `invoice.payment_failed` (charges and "
        "renewals), `payment_intent.succeeded` / `.payment_failed` (web purchases), "
        "`refund.created` / `.updated`, `charge.dispute.created`, `payment_method.attached` "
        "/ `.detached`. Other types are stored and acknowledged.",
        parameters=[
            OpenApiParameter("Stripe-Signature", location=OpenApiParameter.HEADER, required=True)
        ],
        request={"application/json": {"type": "object", "additionalProperties": True}},
        responses=RESPONSES,
        auth=[],
    )
    def post(self, request: Request) -> Response:
        return super().post(request)

    def handle_event(self, request: Request) -> bool:
        payload = request.body
        data = stripe_webhooks.event_verify(
            payload=payload, signature_header=request.headers.get("Stripe-Signature")
        )
        event = stripe_webhooks.event_parse(data)
        return webhook_services.stripe_event_handle(
            event=event, digest=webhook_services.payload_digest(payload)
        )


class StripeWebhookDefaultView(StripeWebhookView):
    @extend_schema(
        tags=TAGS,
        operation_id="payments_webhooks",
        summary="Payment provider webhooks (Stripe)",
        description="The spec's single webhook address receives Stripe's events (same as "
        "`/api/payments/webhooks/stripe`). The stores each have their own address: "
        "`/api/payments/webhooks/apple`, `/google-play`, `/paypal`.",
        parameters=[
            OpenApiParameter("Stripe-Signature", location=OpenApiParameter.HEADER, required=True)
        ],
        request={"application/json": {"type": "object", "additionalProperties": True}},
        responses=RESPONSES,
        auth=[],
    )
    def post(self, request: Request) -> Response:
        return _WebhookView.post(self, request)


def _store_view(
    *, provider: str, verify: Callable[[Request], NotificationEvent], summary: str, doc: str
) -> type[_WebhookView]:
    class StoreWebhookView(_WebhookView):
        @extend_schema(
            tags=TAGS,
            operation_id=f"payments_webhooks_{provider}",
            summary=summary,
            description=doc,
            request={"application/json": {"type": "object", "additionalProperties": True}},
            responses=RESPONSES,
            auth=[],
        )
        def post(self, request: Request) -> Response:
            return _WebhookView.post(self, request)

        def handle_event(self, request: Request) -> bool:
            event = verify(request)
            return webhook_services.store_notification_handle(
                event=event, digest=webhook_services.payload_digest(request.body)
            )

    StoreWebhookView.__name__ = f"{provider.title().replace('_', '')}WebhookView"
    StoreWebhookView.__qualname__ = StoreWebhookView.__name__
    return StoreWebhookView


def _apple_verify(request: Request) -> NotificationEvent:
    from billing.providers.apple import notifications

    return notifications.notification_verify(body=request.body)


AppleWebhookView = _store_view(
    provider="apple",
    verify=_apple_verify,
    summary="App Store Server Notifications V2",
    doc='Body `{"signedPayload": "<JWS>"}`, verified like a transaction (Apple\'s '
    "certificate chain, bundle id, environment, app id). Subscription states (renewal, grace, "
    "billing retry, expiry, revocation, refund) are applied in the order of Apple's "
    "`signedDate`; a refund ends the entitlement.",
)


def _google_play_verify(request: Request) -> NotificationEvent:
    from billing.providers import google_play

    return google_play.notification_verify(
        body=request.body, authorization=request.headers.get("Authorization", "")
    )


def _paypal_verify(request: Request) -> NotificationEvent:
    from billing.providers import paypal

    return paypal.notification_verify(body=request.body, headers=request.headers)


GooglePlayWebhookView = _store_view(
    provider="google_play",
    verify=_google_play_verify,
    summary="Google Play real-time developer notifications (Pub/Sub push)",
    doc="A Pub/Sub push (`message.data` is the base64 notification) with `Authorization: "
    "Bearer <Google-signed OIDC token>` of the push subscription's service account, checked "
    "(audience, issuer, email). Subscription notifications re-read the purchase from the Play "
    "Developer API (the store's current state wins); voided purchases end the entitlement.",
)
PaypalWebhookView = _store_view(
    provider="paypal",
    verify=_paypal_verify,
    summary="PayPal webhooks",
    doc="Verified through PayPal's verify-webhook-signature call with the delivery's raw "
    "bytes and our webhook id. `BILLING.SUBSCRIPTION.*` update the subscription (its "
    "`custom_id` is the user's public id), `PAYMENT.SALE.*` log charges, refunds and "
    "reversals.",
)
