"""Signing and verifying a delivery (pure; no Django). Receivers may copy ``verify``.

    Callwell-Signature: t=1767261600,v1=5f0c…(hex HMAC-SHA256 of f"{t}.{raw body}" with the secret)

The timestamp is inside the signed text, so a captured delivery cannot be replayed later than
the receiver's tolerance with a fresh ``t``; docs/webhooks.md shows a receiver.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Callwell-Signature"
EVENT_HEADER = "Callwell-Event"
DELIVERY_HEADER = "Callwell-Delivery"
DEFAULT_TOLERANCE_SECONDS = 300
SECRET_PREFIX = "whsec_"


def secret_new() -> str:
    # 32 random bytes (256 bits), the key size of HMAC-SHA256
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``f"{timestamp}.{body}"`` keyed with the secret."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def _parse(header: str) -> tuple[int | None, list[str]]:
    timestamp, signatures = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    return timestamp, signatures


def verify(secret: str, header: str, body: bytes, now: float, tolerance: int = DEFAULT_TOLERANCE_SECONDS) -> bool:
    """True when ``header`` (Callwell-Signature) signs exactly ``body`` with ``secret`` and its
    timestamp is within ``tolerance`` seconds of ``now`` (Unix time), either way.

    ``verify(secret, request.headers["Callwell-Signature"], request.body, time.time())``"""
    timestamp, signatures = _parse(header or "")
    if timestamp is None or not signatures or abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    # compare_digest: the time taken does not tell an attacker how much of a guess was right
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)
