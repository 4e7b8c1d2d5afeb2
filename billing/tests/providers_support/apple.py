"""A stand-in for the App Store's signing: our own EC root -> intermediate -> leaf chain.

The intermediate carries Apple's WWDR marker (1.2.840.113635.100.6.2.1) and the leaf Apple's
receipt-signing marker (1.2.840.113635.100.6.11.1), as Apple's real certificates do, so
``SignedDataVerifier`` accepts what ``AppleSigner.sign`` produces when given ``root_der`` as the
trusted root. Keys live in memory for one test session only.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import NameOID

LEAF_OID = x509.ObjectIdentifier("1.2.840.113635.100.6.11.1")
INTERMEDIATE_OID = x509.ObjectIdentifier("1.2.840.113635.100.6.2.1")
ASN1_NULL = b"\x05\x00"

BUNDLE_ID = "com.fitcore.app"
APP_APPLE_ID = 1234567890


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "FitCore Test CA"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        ]
    )


def _certificate(
    *,
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Certificate | None,
    issuer_key: ec.EllipticCurvePrivateKey,
    ca: bool,
    marker: x509.ObjectIdentifier | None,
    ocsp_url: str | None,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.subject if issuer is not None else _name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=365))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(
            x509.BasicConstraints(ca=ca, path_length=0 if ca and issuer else None),
            critical=True,
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    if marker is not None:
        builder = builder.add_extension(
            x509.UnrecognizedExtension(marker, ASN1_NULL), critical=False
        )
    if ocsp_url is not None:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        x509.oid.AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier(ocsp_url),
                    )
                ]
            ),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass
class AppleSigner:
    root: x509.Certificate
    intermediate: x509.Certificate
    leaf: x509.Certificate
    root_key: ec.EllipticCurvePrivateKey
    intermediate_key: ec.EllipticCurvePrivateKey
    leaf_key: ec.EllipticCurvePrivateKey

    @classmethod
    def create(
        cls, *, name: str = "FitCore Test", ocsp_url: str | None = None, markers: bool = True
    ) -> AppleSigner:
        root_key = ec.generate_private_key(ec.SECP256R1())
        intermediate_key = ec.generate_private_key(ec.SECP256R1())
        leaf_key = ec.generate_private_key(ec.SECP256R1())
        root = _certificate(
            subject=f"{name} Root CA",
            key=root_key,
            issuer=None,
            issuer_key=root_key,
            ca=True,
            marker=None,
            ocsp_url=None,
        )
        intermediate = _certificate(
            subject=f"{name} WWDR",
            key=intermediate_key,
            issuer=root,
            issuer_key=root_key,
            ca=True,
            marker=INTERMEDIATE_OID if markers else None,
            ocsp_url=ocsp_url,
        )
        leaf = _certificate(
            subject=f"{name} StoreKit Signing",
            key=leaf_key,
            issuer=intermediate,
            issuer_key=intermediate_key,
            ca=False,
            marker=LEAF_OID if markers else None,
            ocsp_url=ocsp_url,
        )
        return cls(root, intermediate, leaf, root_key, intermediate_key, leaf_key)

    @property
    def root_der(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.DER)

    @property
    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)

    def x5c(self) -> list[str]:
        return [
            base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
            for cert in (self.leaf, self.intermediate, self.root)
        ]

    def sign(self, payload: dict[str, Any]) -> str:
        return jwt.encode(payload, self.leaf_key, algorithm="ES256", headers={"x5c": self.x5c()})


def ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


PURCHASED = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
EXPIRES = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
SIGNED = dt.datetime(2026, 11, 2, 8, 30, tzinfo=dt.UTC)
ACCOUNT_TOKEN = "7E3FB20B-4CDB-47CC-936D-99D65F608138"


def transaction_payload(**overrides: Any) -> dict[str, Any]:
    """A JWSTransactionDecodedPayload as Apple sends it for a monthly subscription."""
    payload: dict[str, Any] = {
        "transactionId": "2000000123456789",
        "originalTransactionId": "2000000100000000",
        "webOrderLineItemId": "2000000012345678",
        "bundleId": BUNDLE_ID,
        "productId": "com.fitcore.premium.monthly",
        "subscriptionGroupIdentifier": "21345678",
        "purchaseDate": ms(PURCHASED),
        "originalPurchaseDate": ms(PURCHASED),
        "expiresDate": ms(EXPIRES),
        "quantity": 1,
        "type": "Auto-Renewable Subscription",
        "appAccountToken": ACCOUNT_TOKEN,
        "inAppOwnershipType": "PURCHASED",
        "signedDate": ms(SIGNED),
        "environment": "Production",
        "transactionReason": "PURCHASE",
        "storefront": "USA",
        "storefrontId": "143441",
        "price": 9990,
        "currency": "USD",
        "appTransactionId": "704287390712345678",
    }
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not None}


def renewal_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "originalTransactionId": "2000000100000000",
        "autoRenewProductId": "com.fitcore.premium.monthly",
        "productId": "com.fitcore.premium.monthly",
        "autoRenewStatus": 1,
        "signedDate": ms(SIGNED),
        "environment": "Production",
        "recentSubscriptionStartDate": ms(PURCHASED),
        "renewalDate": ms(EXPIRES),
        "renewalPrice": 9990,
        "currency": "USD",
        "appAccountToken": ACCOUNT_TOKEN,
    }
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not None}


def notification_payload(
    signer: AppleSigner,
    *,
    notification_type: str,
    subtype: str | None = None,
    transaction: dict[str, Any] | None = None,
    renewal: dict[str, Any] | None = None,
    status: int | None = None,
    environment: str = "Production",
    bundle_id: str = BUNDLE_ID,
    app_apple_id: int | None = APP_APPLE_ID,
    notification_uuid: str | None = None,
    signed_date: dt.datetime = SIGNED,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "appAppleId": app_apple_id,
        "bundleId": bundle_id,
        "bundleVersion": "42",
        "environment": environment,
    }
    if transaction is not None:
        data["signedTransactionInfo"] = signer.sign(transaction)
    if renewal is not None:
        data["signedRenewalInfo"] = signer.sign(renewal)
    if status is not None:
        data["status"] = status
    payload: dict[str, Any] = {
        "notificationType": notification_type,
        "notificationUUID": notification_uuid or str(uuid.uuid4()),
        "data": {key: value for key, value in data.items() if value is not None},
        "version": "2.0",
        "signedDate": ms(signed_date),
    }
    if subtype is not None:
        payload["subtype"] = subtype
    return payload


def ocsp_answer(signer: AppleSigner, request_der: bytes, *, revoked: bool = False) -> bytes:
    """What an OCSP responder answers for our leaf or intermediate (signed by its issuer)."""
    request = ocsp.load_der_ocsp_request(request_der)
    if request.serial_number == signer.leaf.serial_number:
        cert, issuer, issuer_key = signer.leaf, signer.intermediate, signer.intermediate_key
    else:
        cert, issuer, issuer_key = signer.intermediate, signer.root, signer.root_key
    now = dt.datetime.now(dt.UTC)
    builder = ocsp.OCSPResponseBuilder().add_response(
        cert=cert,
        issuer=issuer,
        algorithm=hashes.SHA256(),
        cert_status=ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD,
        this_update=now - dt.timedelta(minutes=5),
        next_update=now + dt.timedelta(hours=1),
        revocation_time=now - dt.timedelta(days=1) if revoked else None,
        revocation_reason=x509.ReasonFlags.key_compromise if revoked else None,
    )
    response = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, issuer).sign(
        issuer_key, hashes.SHA256()
    )
    return response.public_bytes(serialization.Encoding.DER)
