"""Web Push: the VAPID key, checking a subscription's endpoint, and sending one message.

A browser that subscribes hands over an endpoint (a URL at its push service) and two keys.
The server posts the message there, encrypted for the browser (aes128gcm, RFC 8291) and signed
with the app's VAPID key (RFC 8292). The endpoint comes from the browser, so it is checked
before every post: https, a public address, no redirects followed (docs/DESIGN.md, Reminders).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import os
import socket
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from flask import Flask
from flask_babel import gettext as _

from ..config import ConfigError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec

KEY_FILE = "vapid_private_key.pem"
MAX_ENDPOINT_LENGTH = 1000
RESOLVE_TIMEOUT_S = 3.0
# A reminder more than half a day late is no longer worth showing.
TTL_S = 12 * 60 * 60
# Push services accept about 4 KB of encrypted body; this leaves room for the encryption.
MAX_PAYLOAD_BYTES = 3800
LOOPBACK_HOST = "127.0.0.1"
# NAT64 addresses carry an IPv4 address in their last 32 bits, which may be a private one.
NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeEndpoint(ValueError):
    """A push endpoint the server must not post to."""


@dataclass(frozen=True)
class PushOutcome:
    """What became of one message: sent, gone (forget the subscription) or failed."""

    status: Literal["sent", "gone", "failed"]
    detail: str


# ---- the VAPID key --------------------------------------------------------------------------


def _b64url_decode(text: str) -> bytes:
    """Decode base64url (or standard base64), padded or not, refusing stray characters."""
    cleaned = text.strip().replace("+", "-").replace("/", "_").rstrip("=")
    return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), altchars=b"-_", validate=True)


def _b64url_encode(data: bytes) -> str:
    """Encode as base64url without padding."""
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def parse_private_key(text: str, source: str) -> ec.EllipticCurvePrivateKey:
    """Return the P-256 key in text: PEM, or base64url of the raw 32 bytes or of DER."""
    # Imported here: the web workers that never send or show a key do not load cryptography.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    # An environment variable often carries a PEM's line breaks as literal \n.
    text = text.strip().replace("\\n", "\n")
    problem = (
        f"{source} must be a P-256 private key: PEM, or base64url of the raw 32-byte key"
    )
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            raw = _b64url_decode(text)
            if len(raw) == 32:
                key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
            else:
                key = serialization.load_der_private_key(raw, password=None)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise ConfigError(problem) from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(
        key.curve, ec.SECP256R1
    ):
        raise ConfigError(problem)
    return key


def _instance_key(instance: Path) -> ec.EllipticCurvePrivateKey:
    """Return the instance folder's VAPID key, creating it once."""
    # Imported here: the web workers that never send or show a key do not load cryptography.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    path = instance / KEY_FILE
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Written aside (mode 0600) and linked into place, so a racing process never reads
        # half a key; linking fails like O_EXCL when the other process won, and theirs is used.
        fd, scratch = tempfile.mkstemp(dir=instance, prefix=".vapid-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
            os.link(scratch, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(scratch)
    return parse_private_key(
        path.read_text(), f"{KEY_FILE} in the instance folder (delete it to make a new one)"
    )


def private_key(app: Flask) -> ec.EllipticCurvePrivateKey:
    """Return the app's VAPID key: VAPID_PRIVATE_KEY, else the instance folder's own."""
    key = app.extensions.get("limber_vapid_key")
    if key is None:
        configured = app.config.get("VAPID_PRIVATE_KEY")
        if configured:
            key = parse_private_key(configured, "LIMBER_VAPID_PRIVATE_KEY")
        else:
            key = _instance_key(Path(app.instance_path))
        app.extensions["limber_vapid_key"] = key
    return key


def public_key(app: Flask) -> str:
    """Return the VAPID applicationServerKey: base64url of the uncompressed P-256 point."""
    # Imported here: the web workers that never send or show a key do not load cryptography.
    from cryptography.hazmat.primitives import serialization

    point = private_key(app).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url_encode(point)


# ---- endpoints ------------------------------------------------------------------------------


def _public_address(ip: IPAddress) -> bool:
    """Say whether ip is an ordinary public address (also inside IPv4-mapped and NAT64 forms)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return _public_address(ip.ipv4_mapped)
        if ip in NAT64:
            return _public_address(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.sixtofour is not None and not _public_address(ip.sixtofour):
            return False
        if ip.teredo is not None:
            return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _resolve(host: str, port: int) -> list[IPAddress]:
    """Return every address host resolves to, waiting at most RESOLVE_TIMEOUT_S."""
    found: list[Any] = []
    failed: list[BaseException] = []

    def lookup() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            failed.append(exc)

    # getaddrinfo has no timeout of its own; a stuck lookup is left to finish in the background.
    worker = threading.Thread(target=lookup, name="push-resolve", daemon=True)
    worker.start()
    worker.join(RESOLVE_TIMEOUT_S)
    if worker.is_alive():
        raise UnsafeEndpoint(_("The push service's host name took too long to look up."))
    if failed or not found:
        raise UnsafeEndpoint(_("The push service's host name could not be found."))
    addresses: list[IPAddress] = []
    for info in found:
        text = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone such as %eth0
        try:
            addresses.append(ipaddress.ip_address(text))
        except ValueError as exc:
            raise UnsafeEndpoint(
                _("The push service's host name gave an unusable address.")) from exc
    return addresses


def check_endpoint(url: str, allow_loopback: bool) -> None:
    """Raise UnsafeEndpoint unless url is an https URL whose host is only ever public."""
    if not isinstance(url, str) or not url:
        raise UnsafeEndpoint(_("The push address is missing."))
    if len(url) > MAX_ENDPOINT_LENGTH:
        raise UnsafeEndpoint(_("The push address is longer than %(most)s characters.",
                               most=MAX_ENDPOINT_LENGTH))
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in url):
        raise UnsafeEndpoint(_("The push address contains spaces or control characters."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeEndpoint(_("The push address is not a valid URL.")) from exc
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if "@" in parts.netloc:
        raise UnsafeEndpoint(_("The push address must not contain a user name or password."))
    if not host:
        raise UnsafeEndpoint(_("The push address has no host."))
    # A local receiver stands in for the push service in development and tests.
    if allow_loopback and host == LOOPBACK_HOST and scheme in {"http", "https"}:
        return
    if scheme != "https":
        raise UnsafeEndpoint(_("The push address must use https."))
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        addresses = _resolve(host, port or 443)
    if not all(_public_address(ip) for ip in addresses):
        raise UnsafeEndpoint(_("The push address points to a private or reserved network address."))


# ---- sending --------------------------------------------------------------------------------


def _subscription_keys(subscription: Mapping[str, str]) -> dict[str, str]:
    """Return the browser's p256dh and auth keys, raising ValueError unless they are usable."""
    p256dh, auth = subscription.get("p256dh"), subscription.get("auth")
    if not isinstance(p256dh, str) or not isinstance(auth, str):
        raise ValueError("The subscription has no encryption keys.")
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        point, secret = _b64url_decode(p256dh), _b64url_decode(auth)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except (ValueError, binascii.Error) as exc:
        raise ValueError("The subscription's p256dh key is not a P-256 public key.") from exc
    if len(point) != 65 or len(secret) != 16:
        raise ValueError("The subscription's keys have the wrong length.")
    return {"p256dh": p256dh, "auth": auth}


def _guarded_session(allow_loopback: bool) -> Any:
    """Return a session following no redirect, using no proxy, connecting only to public hosts."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    def checked(sock: socket.socket) -> socket.socket:
        # The name is looked up again to connect: the address it gave this time is checked too.
        ip = ipaddress.ip_address(str(sock.getpeername()[0]).split("%", 1)[0])
        if _public_address(ip) or (allow_loopback and str(ip) == LOOPBACK_HOST):
            return sock
        sock.close()
        raise UnsafeEndpoint(_("The push address points to a private or reserved network address."))

    class GuardedHTTP(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            return checked(super()._new_conn())

    class GuardedHTTPS(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            return checked(super()._new_conn())

    class HTTPPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTP

    class HTTPSPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPS

    class GuardedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": HTTPPool, "https": HTTPSPool}

    session = requests.Session()
    # A proxy would connect on our behalf, out of reach of the address check.
    session.trust_env = False
    # A redirect is a failure: following one could lead the post to a private address.
    session.max_redirects = 0
    session.mount("http://", GuardedAdapter())
    session.mount("https://", GuardedAdapter())
    return session


def send_push(
    subscription: Mapping[str, str], payload: Mapping[str, Any], app: Flask
) -> PushOutcome:
    """Encrypt payload for one browser and post it; network trouble is an outcome, not raised."""
    allow_loopback = bool(app.config.get("PUSH_ALLOW_LOOPBACK"))
    endpoint = subscription.get("endpoint", "")
    try:
        check_endpoint(endpoint, allow_loopback=allow_loopback)
        keys = _subscription_keys(subscription)
    except ValueError as exc:
        return PushOutcome("failed", str(exc))
    data = json.dumps(dict(payload), ensure_ascii=False, separators=(",", ":"))
    if len(data.encode()) > MAX_PAYLOAD_BYTES:
        return PushOutcome("failed", f"The message is longer than {MAX_PAYLOAD_BYTES} bytes.")
    timeout = float(app.config.get("PUSH_TIMEOUT_S", 10))

    # Imported here: pywebpush pulls in aiohttp, which web workers that never send should not load.
    import requests
    from py_vapid import Vapid02, VapidException
    from pywebpush import WebPushException, webpush

    failed = "failed"
    with _guarded_session(allow_loopback) as session:
        try:
            response = webpush(
                {"endpoint": endpoint, "keys": keys},
                data=data,
                vapid_private_key=Vapid02(private_key(app)),
                vapid_claims={"sub": app.config["VAPID_SUBJECT"]},
                content_encoding="aes128gcm",
                ttl=TTL_S,
                timeout=timeout,
                requests_session=session,
            )
        except WebPushException as exc:
            status = exc.status_code
            if status in (404, 410):
                return PushOutcome(
                    "gone", f"The push service answered {status}: the subscription has ended."
                )
            if status is not None:
                return PushOutcome(failed, f"The push service answered {status}.")
            return PushOutcome(failed, f"The message could not be prepared: {exc.message}")
        except UnsafeEndpoint as exc:
            return PushOutcome(failed, str(exc))
        except requests.TooManyRedirects:
            return PushOutcome(
                failed, "The push service answered with a redirect, which is not followed."
            )
        except requests.Timeout:
            return PushOutcome(failed, f"The push service did not answer within {timeout:g} s.")
        except requests.RequestException as exc:
            return PushOutcome(
                failed, f"The push service could not be reached ({type(exc).__name__})."
            )
        except VapidException as exc:
            return PushOutcome(failed, f"VAPID_SUBJECT is not usable: {exc}")
    return PushOutcome("sent", f"The push service answered {response.status_code}.")
