"""Stand-ins for Google: a service account with our own RSA key whose ``token_uri`` is a local
server, Developer API answers in the real JSON shape, and Pub/Sub push tokens signed with our
own key (its certificate served as Google serves ``oauth2/v1/certs``: ``{kid: PEM}``)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from werkzeug import Request, Response

PACKAGE = "com.fitcore.app"
ACCESS_TOKEN = "ya29.local-test-access-token"
PUSH_AUDIENCE = "https://api.fitcore.test/api/payments/webhooks/google-play"
PUSH_ACCOUNT = "play-rtdn@fitcore-test.iam.gserviceaccount.com"
SERVICE_ACCOUNT_EMAIL = "play-api@fitcore-test.iam.gserviceaccount.com"
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
API_PREFIX = f"/androidpublisher/v3/applications/{PACKAGE}/purchases"
EVENT_TIME = dt.datetime(2026, 11, 2, 8, 30, tzinfo=dt.UTC)
PRODUCT_PURCHASE_TIME = dt.datetime(2026, 11, 1, 9, 15, 0, 123000, tzinfo=dt.UTC)


def ms_string(moment: dt.datetime) -> str:
    return str(int(moment.timestamp() * 1000))


def _private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@dataclass
class ServiceAccount:
    key: rsa.RSAPrivateKey

    @classmethod
    def create(cls) -> ServiceAccount:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def write(self, path: Path, *, token_uri: str) -> Path:
        path.write_text(
            json.dumps(
                {
                    "type": "service_account",
                    "project_id": "fitcore-test",
                    "private_key_id": "test-key-1",
                    "private_key": _private_pem(self.key),
                    "client_email": SERVICE_ACCOUNT_EMAIL,
                    "client_id": "100000000000000000001",
                    "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                    "token_uri": token_uri,
                    "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                    "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/play-api",
                    "universe_domain": "googleapis.com",
                }
            )
        )
        return path

    def token_handler(self, seen: list[dict[str, Any]]):
        """The OAuth token endpoint: checks the JWT-bearer assertion like Google does."""

        def handler(request: Request) -> Response:
            form = parse_qs(request.get_data(as_text=True))
            assertion = form.get("assertion", [""])[0]
            try:
                claims = jwt.decode(
                    assertion,
                    self.key.public_key(),
                    algorithms=["RS256"],
                    # google-auth always names Google's endpoint as the audience.
                    audience=GOOGLE_TOKEN_AUDIENCE,
                )
            except jwt.PyJWTError:
                return Response(
                    json.dumps({"error": "invalid_grant", "error_description": "Invalid JWT"}),
                    status=400,
                    content_type="application/json",
                )
            seen.append({"grant_type": form.get("grant_type", [""])[0], **claims})
            return Response(
                json.dumps(
                    {"access_token": ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer"}
                ),
                content_type="application/json",
            )

        return handler


@dataclass
class PushSigner:
    """Google's OIDC signing key for Pub/Sub push tokens, as seen from our side."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    kid: str

    @classmethod
    def create(cls, kid: str = "push-key-1") -> PushSigner:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fitcore-test-google")])
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
        return cls(key, certificate, kid)

    def certs(self) -> dict[str, str]:
        return {self.kid: self.certificate.public_bytes(serialization.Encoding.PEM).decode()}

    def token(self, **overrides: Any) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "aud": PUSH_AUDIENCE,
            "azp": "111111111111111111111",
            "email": PUSH_ACCOUNT,
            "email_verified": True,
            "exp": now + 3600,
            "iat": now,
            "iss": "https://accounts.google.com",
            "sub": "111111111111111111111",
        }
        claims.update(overrides)
        claims = {key: value for key, value in claims.items() if value is not None}
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})


def subscription_purchase(**overrides: Any) -> dict[str, Any]:
    """A SubscriptionPurchaseV2 as purchases.subscriptionsv2.get answers it."""
    line_item: dict[str, Any] = {
        "productId": "premium",
        "expiryTime": "2026-12-01T12:00:00.321Z",
        "autoRenewingPlan": {
            "autoRenewEnabled": True,
            "recurringPrice": {"currencyCode": "USD", "units": "9", "nanos": 990000000},
        },
        "offerDetails": {"basePlanId": "monthly", "offerTags": []},
        "latestSuccessfulOrderId": "GPA.3372-1234-5678-90123..2",
        "offerPhase": {"basePrice": {}},
    }
    line_item.update(overrides.pop("line_item", {}))
    purchase: dict[str, Any] = {
        "kind": "androidpublisher#subscriptionPurchaseV2",
        "regionCode": "US",
        "startTime": "2026-09-01T12:00:00.321Z",
        "subscriptionState": "SUBSCRIPTION_STATE_ACTIVE",
        "latestOrderId": "GPA.3372-1234-5678-90123..2",
        "acknowledgementState": "ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED",
        "externalAccountIdentifiers": {
            "obfuscatedExternalAccountId": "0b5c8c1e-3f1a-4d2e-9b7a-2f6d1c4e8a90"
        },
        "lineItems": [line_item],
    }
    purchase.update(overrides)
    return {key: value for key, value in purchase.items() if value is not None}


def product_purchase(**overrides: Any) -> dict[str, Any]:
    """A ProductPurchase as purchases.products.get answers it."""
    purchase: dict[str, Any] = {
        "kind": "androidpublisher#productPurchase",
        "purchaseTimeMillis": ms_string(PRODUCT_PURCHASE_TIME),
        "purchaseState": 0,
        "consumptionState": 0,
        "developerPayload": "",
        "orderId": "GPA.3398-7766-5544-33221",
        "acknowledgementState": 0,
        "productId": "workout.hiit42",
        "obfuscatedExternalAccountId": "0b5c8c1e-3f1a-4d2e-9b7a-2f6d1c4e8a90",
        "regionCode": "DE",
        "quantity": 1,
    }
    purchase.update(overrides)
    return {key: value for key, value in purchase.items() if value is not None}


def push_body(notification: dict[str, Any], *, message_id: str = "136969346945") -> bytes:
    """A Pub/Sub push request body wrapping a developer notification."""
    data = base64.b64encode(json.dumps(notification).encode()).decode()
    return json.dumps(
        {
            "message": {
                "attributes": {},
                "data": data,
                "messageId": message_id,
                "message_id": message_id,
                "publishTime": "2026-11-02T08:30:00.123Z",
                "publish_time": "2026-11-02T08:30:00.123Z",
            },
            "subscription": "projects/fitcore-test/subscriptions/play-rtdn-push",
        }
    ).encode()


def developer_notification(**kind: Any) -> dict[str, Any]:
    return {
        "version": "1.0",
        "packageName": kind.pop("packageName", PACKAGE),
        "eventTimeMillis": kind.pop("eventTimeMillis", ms_string(EVENT_TIME)),
        **kind,
    }
