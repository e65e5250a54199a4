"""The stand-in push service refuses what a real one refuses, so the push tests can fail.

A message only counts as delivered in tests/test_push.py and tests/test_reminders.py when the
receiver found no problem: these tests show that a forged or misaddressed VAPID token, and a
body encrypted for another browser, are problems it reports (and answers 403 to).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import http_ece
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from .push_receiver import PushReceiver, b64url, check_vapid, unb64url

ORIGIN = "http://127.0.0.1:8123"
BODY = {"title": "Time to stretch"}


def authorization(claims: dict[str, object], key: ec.EllipticCurvePrivateKey | None = None) -> str:
    """Return a `vapid t=…, k=…` header signed with key (a fresh one by default)."""
    vapid = Vapid02(key or ec.generate_private_key(ec.SECP256R1()))
    return vapid.sign(dict(claims))["Authorization"]


def good_claims(origin: str = ORIGIN) -> dict[str, object]:
    return {"aud": origin, "exp": int(time.time()) + 3600, "sub": "mailto:limber@localhost"}


def point_of(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    with PushReceiver() as running:
        yield running


def test_a_properly_signed_token_gives_its_claims_and_key() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    claims, k = check_vapid(authorization(good_claims(), key), ORIGIN, time.time())
    assert claims["aud"] == ORIGIN and claims["sub"] == "mailto:limber@localhost"
    assert unb64url(k) == point_of(key)


def test_claims_changed_after_signing_are_refused() -> None:
    header = authorization(good_claims("https://elsewhere.example"))
    token = header.split("t=", 1)[1].split(",", 1)[0]
    head, _claims, signature = token.split(".")
    forged_claims = b64url(json.dumps(good_claims()).encode())
    forged = header.replace(token, f"{head}.{forged_claims}.{signature}")
    with pytest.raises(ValueError, match="signature does not match"):
        check_vapid(forged, ORIGIN, time.time())


def test_a_token_signed_by_another_key_than_k_is_refused() -> None:
    header = authorization(good_claims())
    other = b64url(point_of(ec.generate_private_key(ec.SECP256R1())))
    forged = header.split("k=", 1)[0] + f"k={other}"
    with pytest.raises(ValueError, match="signature does not match"):
        check_vapid(forged, ORIGIN, time.time())


@pytest.mark.parametrize(("change", "problem"), [
    ({"aud": "http://127.0.0.1:9999"}, "aud is"),
    ({"exp": int(time.time()) - 10}, "exp"),
    ({"exp": int(time.time()) + 3 * 24 * 3600}, "exp"),
])
def test_a_signed_token_with_the_wrong_claims_is_refused(change: dict[str, object],
                                                         problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        check_vapid(authorization({**good_claims(), **change}), ORIGIN, time.time())


def post(receiver: PushReceiver, header: str, body: bytes) -> requests.Response:
    return requests.post(receiver.endpoint(), data=body, timeout=10, headers={
        "Authorization": header, "Content-Encoding": "aes128gcm", "TTL": "60"})


def encrypted_for(point: bytes, auth_secret: bytes) -> bytes:
    return http_ece.encrypt(json.dumps(BODY).encode(), private_key=ec.generate_private_key(
        ec.SECP256R1()), dh=point, auth_secret=auth_secret, version="aes128gcm")


def test_the_receiver_decrypts_a_message_for_its_subscription(receiver: PushReceiver) -> None:
    body = encrypted_for(point_of(receiver.private_key), receiver.auth_secret)
    response = post(receiver, authorization(good_claims(receiver.origin)), body)
    assert response.status_code == 201
    [got] = receiver.received
    assert got.problems == [] and got.payload == BODY


def test_the_receiver_refuses_a_body_encrypted_for_another_browser(
        receiver: PushReceiver) -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    body = encrypted_for(point_of(other), receiver.auth_secret)
    response = post(receiver, authorization(good_claims(receiver.origin)), body)
    assert response.status_code == 403
    [got] = receiver.received
    assert got.payload is None
    assert [p for p in got.problems if p.startswith("body:")]


def test_the_receiver_refuses_a_token_for_another_push_service(receiver: PushReceiver) -> None:
    body = encrypted_for(point_of(receiver.private_key), receiver.auth_secret)
    response = post(receiver, authorization(good_claims("https://fcm.googleapis.com")), body)
    assert response.status_code == 403
    assert receiver.received[0].problems == [
        f"VAPID: aud is 'https://fcm.googleapis.com', not '{receiver.origin}'"]
