"""Our own signing keys for the social sign-in tests, made once per test session.

No private key is committed: each :class:`SigningKey` is an RSA key generated in memory, with a
self-signed certificate (Google serves ``{kid: PEM certificate}`` at
https://www.googleapis.com/oauth2/v1/certs) and a public JWK (Apple serves ``{"keys": [...]}``
at https://appleid.apple.com/auth/keys). Tokens are signed with PyJWT.
"""

from __future__ import annotations

import functools
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey

    @functools.cached_property
    def certificate_pem(self) -> str:
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"test-{self.kid}")])
        now = datetime.now(tz=UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.private_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=7))
            .sign(self.private_key, hashes.SHA256())
        )
        return certificate.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def public_jwk(self) -> dict[str, Any]:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        return {**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}

    def sign(self, claims: dict[str, Any], *, kid: str | None = None) -> str:
        """A JWT over ``claims``, with ``kid`` (default: this key's) in the header."""
        return jwt.encode(
            claims, self.private_key, algorithm="RS256", headers={"kid": kid or self.kid}
        )


@functools.cache
def signing_key(kid: str) -> SigningKey:
    """The session's key for ``kid`` (two calls with the same kid give the same key)."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return SigningKey(kid=kid, private_key=private_key)


@functools.cache
def impostor_key(kid: str) -> SigningKey:
    """Another key claiming the same ``kid``: its signatures must not verify."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return SigningKey(kid=kid, private_key=private_key)


def google_certs_body(*keys: SigningKey) -> dict[str, str]:
    return {key.kid: key.certificate_pem for key in keys}


def apple_jwks_body(*keys: SigningKey) -> dict[str, list[dict[str, Any]]]:
    return {"keys": [key.public_jwk for key in keys]}


def now_seconds() -> int:
    return int(time.time())


def closed_port_url(path: str) -> str:
    """A URL on 127.0.0.1 where nothing listens (the connection is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def without_request_id(body: dict[str, Any]) -> dict[str, Any]:
    """An error envelope minus its request id, to compare two answers."""
    return {key: value for key, value in body.items() if key != "request_id"}
