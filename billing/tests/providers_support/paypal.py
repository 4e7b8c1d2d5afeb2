"""A local stand-in for PayPal's REST API: the OAuth token endpoint, the webhook verification
call and subscription reads, in PayPal's wire format.

Webhook deliveries are signed the way PayPal signs them (``SHA256withRSA`` over
``transmission_id|transmission_time|webhook_id|crc32(raw body)``) with our own key and
certificate; the stand-in's verify call checks that signature over the ``webhook_event`` bytes
exactly as our client sent them, as PayPal's does, and answers ``SUCCESS`` or ``FAILURE``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
import zlib
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from werkzeug import Request, Response

CLIENT_ID = "AfitcoreTestClientId"
CLIENT_SECRET = "EfitcoreTestClientSecret"
WEBHOOK_ID = "8PT597110X687430LKGECATA"
SUBSCRIPTION_ID = "I-BW452GLLEP1G"
PLAN_ID = "P-5ML4271244454362WXNWU5NQ"
ACCOUNT = "0b5c8c1e-3f1a-4d2e-9b7a-2f6d1c4e8a90"
EVENT_TIME = dt.datetime(2026, 11, 2, 8, 30, tzinfo=dt.UTC)


def _json_response(document: Any, status: int = 200) -> Response:
    return Response(json.dumps(document), status=status, content_type="application/json")


def _event_bytes(raw: bytes) -> bytes:
    """The exact bytes of ``webhook_event`` inside a verify request (wherever the key sits)."""
    text = raw.decode()
    decoder = json.JSONDecoder()
    position = text.index('"webhook_event"') + len('"webhook_event"')
    position = text.index(":", position) + 1
    while text[position].isspace():
        position += 1
    _, end = decoder.raw_decode(text, position)
    return text[position:end].encode()


@dataclass
class PayPalStandIn:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    cert_url: str = ""
    issued: list[str] = field(default_factory=list)
    valid_tokens: set[str] = field(default_factory=set)
    verify_requests: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_status: int = 200

    @classmethod
    def create(cls) -> PayPalStandIn:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "messageverificationcerts.test")])
        now = dt.datetime.now(dt.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .sign(key, hashes.SHA256())
        )
        return cls(key=key, certificate=certificate)

    # --- what PayPal does when it delivers a webhook --------------------------------------------

    def sign(
        self,
        body: bytes,
        *,
        webhook_id: str = WEBHOOK_ID,
        transmission_time: str = "2026-11-02T08:30:01Z",
    ) -> dict[str, str]:
        transmission_id = str(uuid.uuid1())
        message = f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body)}"
        signature = self.key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
        return {
            "Paypal-Auth-Algo": "SHA256withRSA",
            "Paypal-Cert-Url": self.cert_url,
            "Paypal-Transmission-Id": transmission_id,
            "Paypal-Transmission-Sig": base64.b64encode(signature).decode(),
            "Paypal-Transmission-Time": transmission_time,
            "Content-Type": "application/json",
        }

    # --- the endpoints ---------------------------------------------------------------------------

    def install(self, httpserver) -> None:
        self.cert_url = httpserver.url_for("/v1/notifications/certs/CERT-360caa42-fca2a594")
        httpserver.expect_request("/v1/oauth2/token", method="POST").respond_with_handler(
            self.token
        )
        httpserver.expect_request(
            "/v1/notifications/verify-webhook-signature", method="POST"
        ).respond_with_handler(self.verify)
        httpserver.expect_request(
            "/v1/notifications/certs/CERT-360caa42-fca2a594", method="GET"
        ).respond_with_data(
            self.certificate.public_bytes(serialization.Encoding.PEM),
            content_type="application/x-pem-file",
        )

    def token(self, request: Request) -> Response:
        auth = request.authorization
        form = request.form
        if (
            self.token_status != 200
            or auth is None
            or (auth.username, auth.password) != (CLIENT_ID, CLIENT_SECRET)
            or form.get("grant_type") != "client_credentials"
        ):
            return _json_response(
                {"error": "invalid_client", "error_description": "Client Authentication failed"},
                status=401,
            )
        token = f"A21AA{uuid.uuid4().hex}"
        self.issued.append(token)
        self.valid_tokens.add(token)
        return _json_response(
            {
                "scope": "https://uri.paypal.com/services/subscriptions https://api-m.paypal.com/v1/payments/.*",
                "access_token": token,
                "token_type": "Bearer",
                "app_id": "APP-80W284485P519543T",
                "expires_in": 32400,
                "nonce": "2026-11-02T08:29:00ZdfwR6sYv0",
            }
        )

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        return header.startswith("Bearer ") and header[len("Bearer ") :] in self.valid_tokens

    def verify(self, request: Request) -> Response:
        if not self._authorized(request):
            return _json_response(
                {
                    "error": "invalid_token",
                    "error_description": "Token signature verification failed",
                },
                status=401,
            )
        raw = request.get_data()
        document = json.loads(raw)
        self.verify_requests.append(document)
        required = ("auth_algo", "cert_url", "transmission_id", "transmission_sig")
        if any(not document.get(name) for name in (*required, "transmission_time", "webhook_id")):
            return _json_response(
                {"name": "VALIDATION_ERROR", "message": "Invalid request - see details"}, 400
            )
        event = _event_bytes(raw)
        message = (
            f"{document['transmission_id']}|{document['transmission_time']}|"
            f"{document['webhook_id']}|{zlib.crc32(event)}"
        )
        try:
            self.certificate.public_key().verify(
                base64.b64decode(document["transmission_sig"]),
                message.encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
            status = "SUCCESS"
        except (InvalidSignature, binascii.Error, ValueError):
            status = "FAILURE"
        return _json_response({"verification_status": status})

    def subscription(self, request: Request) -> Response:
        if not self._authorized(request):
            return _json_response({"error": "invalid_token"}, status=401)
        found = self.subscriptions.get(request.path.rsplit("/", 1)[-1])
        if found is None:
            return _json_response(
                {
                    "name": "RESOURCE_NOT_FOUND",
                    "message": "The specified resource does not exist.",
                    "details": [{"issue": "INVALID_RESOURCE_ID"}],
                },
                status=404,
            )
        return _json_response(found)


def subscription_resource(**overrides: Any) -> dict[str, Any]:
    """A PayPal subscription object (Subscriptions v1) as webhooks and GET carry it."""
    resource: dict[str, Any] = {
        "id": SUBSCRIPTION_ID,
        "plan_id": PLAN_ID,
        "start_time": "2026-11-01T12:00:00Z",
        "quantity": "1",
        "shipping_amount": {"currency_code": "USD", "value": "0.0"},
        "subscriber": {
            "name": {"given_name": "Alice", "surname": "Example"},
            "email_address": "alice@example.com",
            "payer_id": "2J6QB8YJQSJRJ",
        },
        "billing_info": {
            "outstanding_balance": {"currency_code": "USD", "value": "0.0"},
            "cycle_executions": [
                {
                    "tenure_type": "REGULAR",
                    "sequence": 1,
                    "cycles_completed": 1,
                    "cycles_remaining": 0,
                    "total_cycles": 0,
                }
            ],
            "last_payment": {
                "amount": {"currency_code": "USD", "value": "9.99"},
                "time": "2026-11-01T12:00:05Z",
            },
            "next_billing_time": "2026-12-01T10:00:00Z",
            "failed_payments_count": 0,
        },
        "create_time": "2026-11-01T11:58:00Z",
        "update_time": "2026-11-01T12:00:06Z",
        "custom_id": ACCOUNT,
        "status": "ACTIVE",
        "status_update_time": "2026-11-01T12:00:06Z",
        "links": [
            {
                "href": f"https://api-m.paypal.com/v1/billing/subscriptions/{SUBSCRIPTION_ID}",
                "rel": "self",
                "method": "GET",
            }
        ],
    }
    resource.update(overrides)
    return {key: value for key, value in resource.items() if value is not None}


def sale_resource(**overrides: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "id": "80021663DE681814L",
        "state": "completed",
        "amount": {"total": "9.99", "currency": "USD", "details": {"subtotal": "9.99"}},
        "payment_mode": "INSTANT_TRANSFER",
        "protection_eligibility": "ELIGIBLE",
        "transaction_fee": {"value": "0.59", "currency": "USD"},
        "billing_agreement_id": SUBSCRIPTION_ID,
        "create_time": "2026-12-01T10:00:04Z",
        "update_time": "2026-12-01T10:00:04Z",
        "custom": ACCOUNT,
    }
    resource.update(overrides)
    return {key: value for key, value in resource.items() if value is not None}


def refund_resource(**overrides: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "id": "1K3171457H1487722",
        "state": "completed",
        "amount": {"total": "-9.99", "currency": "USD"},
        "sale_id": "80021663DE681814L",
        "parent_payment": "PAYID-MZ2NNXI7VL1234567890",
        "create_time": "2026-12-03T09:00:00Z",
        "update_time": "2026-12-03T09:00:00Z",
    }
    resource.update(overrides)
    return {key: value for key, value in resource.items() if value is not None}


def event(
    event_type: str,
    resource: dict[str, Any],
    *,
    event_id: str = "WH-77687562XN25889J8-8Y6T55435R66168T6",
    resource_type: str = "subscription",
) -> dict[str, Any]:
    return {
        "id": event_id,
        "event_version": "1.0",
        "create_time": "2026-11-02T08:30:00.000Z",
        "resource_type": resource_type,
        "resource_version": "2.0",
        "event_type": event_type,
        "summary": f"{event_type} happened",
        "resource": resource,
        "links": [
            {
                "href": f"https://api-m.paypal.com/v1/notifications/webhooks-events/{event_id}",
                "rel": "self",
                "method": "GET",
            }
        ],
    }
