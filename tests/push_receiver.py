"""A stand-in push service on 127.0.0.1: checks VAPID, decrypts, answers a chosen status.

Use it as a context manager; its subscription() is what a browser would hand the server:

    with PushReceiver() as receiver:
        outcome = send_push(receiver.subscription(), {"title": "Stretch"}, app)
        assert receiver.received[0].payload == {"title": "Stretch"}
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

MAX_EXP_AHEAD_S = 24 * 60 * 60


def b64url(data: bytes) -> str:
    """Encode as base64url without padding."""
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unb64url(text: str) -> bytes:
    """Decode base64url, padded or not."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    """One message as the push service saw it."""

    path: str
    headers: dict[str, str]  # names in lower case
    claims: dict[str, Any] = field(default_factory=dict)
    vapid_key: str = ""
    payload: Any = None
    problems: list[str] = field(default_factory=list)


def check_vapid(authorization: str, origin: str, now: float) -> tuple[dict[str, Any], str]:
    """Return the claims and key of a `vapid t=<JWT>, k=<key>` header, or raise ValueError."""
    scheme, _, rest = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise ValueError(f"Authorization scheme is {scheme!r}, not vapid")
    parts = dict(item.strip().split("=", 1) for item in rest.split(",") if "=" in item)
    token, key = parts.get("t", ""), parts.get("k", "")
    header_b64, claims_b64, signature_b64 = token.split(".")
    header = json.loads(unb64url(header_b64))
    if header.get("alg") != "ES256":
        raise ValueError(f"JWT alg is {header.get('alg')!r}, not ES256")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    signature = unb64url(signature_b64)
    if len(signature) != 64:
        raise ValueError("JWT signature is not 64 bytes")
    der = utils.encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        public.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise ValueError("JWT signature does not match k") from exc
    claims = json.loads(unb64url(claims_b64))
    if claims.get("aud") != origin:
        raise ValueError(f"aud is {claims.get('aud')!r}, not {origin!r}")
    exp = claims.get("exp")
    if not isinstance(exp, int) or not now < exp <= now + MAX_EXP_AHEAD_S:
        raise ValueError(f"exp {exp!r} is not within the next 24 hours")
    if not claims.get("sub"):
        raise ValueError("sub is missing")
    return claims, key


class PushReceiver:
    """A push service for one browser subscription, listening on 127.0.0.1 (any free port)."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        self.status = 201
        self.location: str | None = None
        self.delay_s = 0.0
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        """Return the receiver's origin, the VAPID `aud` a sender must claim."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def endpoint(self, path: str = "/push/sub-1") -> str:
        """Return an endpoint URL on this receiver."""
        return self.origin + path

    def subscription(self, path: str = "/push/sub-1") -> dict[str, str]:
        """Return the flattened PushSubscription a browser would hand the server."""
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint(path),
            "p256dh": b64url(point),
            "auth": b64url(self.auth_secret),
        }

    def answer(self, status: int, location: str | None = None, delay_s: float = 0.0) -> None:
        """Answer later posts with status (a Location header for a redirect), after delay_s."""
        self.status, self.location, self.delay_s = status, location, delay_s

    def __enter__(self) -> PushReceiver:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    def _record(self, request: BaseHTTPRequestHandler, body: bytes) -> Received:
        headers = {name.lower(): value for name, value in request.headers.items()}
        got = Received(path=request.path, headers=headers)
        try:
            got.claims, got.vapid_key = check_vapid(
                request.headers.get("Authorization", ""), self.origin, time.time()
            )
        except (ValueError, KeyError) as exc:
            got.problems.append(f"VAPID: {exc}")
        if request.headers.get("Content-Encoding") != "aes128gcm":
            got.problems.append(f"Content-Encoding is {request.headers.get('Content-Encoding')!r}")
        try:
            plain = http_ece.decrypt(
                body,
                private_key=self.private_key,
                auth_secret=self.auth_secret,
                version="aes128gcm",
            )
            got.payload = json.loads(plain)
        except (http_ece.ECEException, ValueError) as exc:
            got.problems.append(f"body: {exc}")
        with self._lock:
            self.received.append(got)
        return got

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                got = receiver._record(self, body)
                time.sleep(receiver.delay_s)
                # A real push service refuses a bad signature: 403, so the sender fails.
                status = 403 if got.problems and receiver.status < 300 else receiver.status
                self.send_response(status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        return Handler
