"""Web Push: endpoints the server refuses, the VAPID key, and messages a push service gets."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask

from stretch_app.config import ConfigError
from stretch_app.reminders.push import (
    KEY_FILE,
    UnsafeEndpoint,
    check_endpoint,
    public_key,
    send_push,
)

from .helpers import ROOT
from .push_receiver import PushReceiver, b64url, unb64url

PAYLOAD = {
    "title": "Time to stretch",
    "body": "Calf reset · 4 min",
    "url": "/routines/calf-reset/play",
    "tag": "reminder-1",
}
PUBLIC_V4 = "142.250.74.10"
PUBLIC_V6 = "2a00:1450:4001:82b::200a"


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    with PushReceiver() as running:
        yield running


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Answer host-name lookups from a table (no real network); unknown names do not resolve."""
    table: dict[str, list[str]] = {}

    def fake_getaddrinfo(host: str, port: int, *_args: Any, **_kwargs: Any) -> list[Any]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "",
             (ip, port))
            for ip in table[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    return table


# ---- endpoints ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://push.example.com/send/1", "https"),
        ("https://10.0.0.1/send/1", "private"),
        ("https://192.168.1.20/send/1", "private"),
        ("https://172.16.0.9/send/1", "private"),
        ("https://169.254.169.254/latest/meta-data", "private"),
        ("https://100.64.0.1/send/1", "private"),
        ("https://224.0.0.251/send/1", "private"),
        ("https://0.0.0.0/send/1", "private"),
        ("https://127.0.0.1:8443/send/1", "private"),
        ("http://127.0.0.1:8000/send/1", "https"),
        ("https://[::1]/send/1", "private"),
        ("https://[fc00::1]/send/1", "private"),
        ("https://[fd12:3456::1]/send/1", "private"),
        ("https://[fe80::1]/send/1", "private"),
        ("https://[::ffff:10.0.0.1]/send/1", "private"),
        ("https://[64:ff9b::a00:1]/send/1", "private"),
        ("https://user:secret@push.example.com/send/1", "user name"),
        ("https://push.example.com@10.0.0.1/send/1", "user name"),
        ("https://push.example.com/" + "a" * 1000, "longer than 1000"),
        ("https://push.example.com/send 1", "spaces"),
        ("https://push.example.com:99999/send/1", "not a valid URL"),
        ("https:///send/1", "no host"),
        ("", "missing"),
    ],
)
def test_check_endpoint_refuses_unsafe_addresses(
    resolver: dict[str, list[str]], url: str, reason: str
) -> None:
    resolver["push.example.com"] = [PUBLIC_V4]
    with pytest.raises(UnsafeEndpoint, match=reason):
        check_endpoint(url, allow_loopback=False)


def test_check_endpoint_refuses_a_name_resolving_to_a_private_address(
    resolver: dict[str, list[str]],
) -> None:
    resolver["push.evil.example"] = ["10.1.2.3"]
    with pytest.raises(UnsafeEndpoint, match="private or reserved"):
        check_endpoint("https://push.evil.example/send/1", allow_loopback=True)


def test_check_endpoint_needs_every_address_to_be_public(resolver: dict[str, list[str]]) -> None:
    resolver["push.mixed.example"] = [PUBLIC_V4, "fd00::5"]
    with pytest.raises(UnsafeEndpoint, match="private or reserved"):
        check_endpoint("https://push.mixed.example/send/1", allow_loopback=False)


def test_check_endpoint_refuses_a_name_that_does_not_resolve(
    resolver: dict[str, list[str]],
) -> None:
    with pytest.raises(UnsafeEndpoint, match="could not be found"):
        check_endpoint("https://push.nowhere.example/send/1", allow_loopback=False)


def test_check_endpoint_accepts_a_public_https_host(resolver: dict[str, list[str]]) -> None:
    resolver["fcm.googleapis.com"] = [PUBLIC_V4, PUBLIC_V6]
    check_endpoint("https://fcm.googleapis.com/fcm/send/abc:def", allow_loopback=False)
    check_endpoint(f"https://[{PUBLIC_V6}]/send/1", allow_loopback=False)


def test_check_endpoint_accepts_loopback_only_when_allowed() -> None:
    check_endpoint("http://127.0.0.1:8123/push/1", allow_loopback=True)
    check_endpoint("https://127.0.0.1:8123/push/1", allow_loopback=True)
    with pytest.raises(UnsafeEndpoint):
        check_endpoint("http://127.0.0.1:8123/push/1", allow_loopback=False)
    with pytest.raises(UnsafeEndpoint):
        check_endpoint("http://localhost:8123/push/1", allow_loopback=True)


# ---- the VAPID key --------------------------------------------------------------------------


def test_vapid_key_is_made_once_and_reused(make_app: Callable[..., Flask]) -> None:
    first = public_key(make_app())
    key_file = Path(make_app().instance_path) / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert public_key(make_app()) == first  # a second app on the same instance folder
    raw = unb64url(first)
    assert len(raw) == 65 and raw[0] == 0x04
    assert "=" not in first


@pytest.mark.parametrize("form", ["raw", "pem", "pem-escaped"])
def test_vapid_key_from_the_environment(make_app: Callable[..., Flask], form: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    value = {
        "raw": b64url(key.private_numbers().private_value.to_bytes(32, "big")),
        "pem": pem,
        "pem-escaped": pem.replace("\n", "\\n"),
    }[form]
    app = make_app(env={"LIMBER_VAPID_PRIVATE_KEY": value})
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    assert public_key(app) == b64url(point)
    assert not (Path(app.instance_path) / KEY_FILE).exists()


@pytest.mark.parametrize("value", ["not a key", b64url(b"\x00" * 32), b64url(b"short")])
def test_unusable_vapid_key_says_what_to_set(make_app: Callable[..., Flask], value: str) -> None:
    app = make_app(env={"LIMBER_VAPID_PRIVATE_KEY": value})
    with pytest.raises(ConfigError, match="LIMBER_VAPID_PRIVATE_KEY must be a P-256"):
        public_key(app)


def test_a_racing_process_key_is_used(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    theirs = ec.generate_private_key(ec.SECP256R1())

    def other_process_wins(_source: str, target: Any) -> None:
        # Another worker links its own key into place between our check and our link.
        Path(target).write_bytes(theirs.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ))
        raise FileExistsError(target)

    monkeypatch.setattr(os, "link", other_process_wins)
    point = theirs.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    assert public_key(app) == b64url(point)
    left = sorted(p.name for p in Path(app.instance_path).iterdir() if "vapid" in p.name)
    assert left == [KEY_FILE]  # our own scratch copy is gone


def test_a_damaged_key_file_says_how_to_recover(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    (Path(app.instance_path) / KEY_FILE).write_text("-----BEGIN PRIVATE KEY-----\nbroken\n")
    with pytest.raises(ConfigError, match="delete it to make a new one"):
        public_key(app)


def test_a_web_worker_does_not_load_the_push_or_calendar_libraries() -> None:
    # Each loads megabytes into every worker; only requests that send or write a file need them.
    code = (
        "import sys, stretch_app.wsgi\n"
        "print(sorted({'pywebpush', 'aiohttp', 'icalendar', 'cryptography'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"


def test_production_does_not_allow_loopback(production: Flask) -> None:
    assert production.config["PUSH_ALLOW_LOOPBACK"] is False


# ---- sending --------------------------------------------------------------------------------


def test_a_message_arrives_encrypted_and_signed(app: Flask, receiver: PushReceiver) -> None:
    outcome = send_push(receiver.subscription(), PAYLOAD, app)
    assert outcome.status == "sent", outcome.detail
    [got] = receiver.received
    assert got.problems == []
    assert got.payload == PAYLOAD
    assert got.path == "/push/sub-1"
    assert got.vapid_key == public_key(app)
    assert got.claims["sub"] == "mailto:limber@localhost"
    assert got.claims["aud"] == receiver.origin
    assert 0 < int(got.headers["ttl"]) <= 24 * 60 * 60


def test_the_configured_subject_is_claimed(
    make_app: Callable[..., Flask], receiver: PushReceiver
) -> None:
    app = make_app(VAPID_SUBJECT="https://limber.example.org")
    assert send_push(receiver.subscription(), PAYLOAD, app).status == "sent"
    assert receiver.received[0].claims["sub"] == "https://limber.example.org"


@pytest.mark.parametrize("status", [404, 410])
def test_an_ended_subscription_is_gone(app: Flask, receiver: PushReceiver, status: int) -> None:
    receiver.answer(status)
    outcome = send_push(receiver.subscription(), PAYLOAD, app)
    assert outcome.status == "gone"
    assert str(status) in outcome.detail


def test_a_push_service_error_is_a_failure(app: Flask, receiver: PushReceiver) -> None:
    receiver.answer(500)
    outcome = send_push(receiver.subscription(), PAYLOAD, app)
    assert outcome.status == "failed"
    assert "500" in outcome.detail


@pytest.mark.parametrize("status", [302, 307])
def test_a_redirect_is_not_followed(app: Flask, receiver: PushReceiver, status: int) -> None:
    with PushReceiver() as target:
        receiver.answer(status, location=target.endpoint("/elsewhere"))
        outcome = send_push(receiver.subscription(), PAYLOAD, app)
        assert outcome.status == "failed"
        assert "redirect" in outcome.detail
        assert len(receiver.received) == 1
        assert target.received == []


def test_a_slow_push_service_times_out(
    make_app: Callable[..., Flask], receiver: PushReceiver
) -> None:
    app = make_app(PUSH_TIMEOUT_S=0.3)
    receiver.answer(201, delay_s=1.5)
    outcome = send_push(receiver.subscription(), PAYLOAD, app)
    assert outcome.status == "failed"
    assert "did not answer within 0.3 s" in outcome.detail


def test_an_unreachable_push_service_is_a_failure(app: Flask) -> None:
    with PushReceiver() as gone:
        subscription = gone.subscription()
    outcome = send_push(subscription, PAYLOAD, app)
    assert outcome.status == "failed"
    assert "could not be reached" in outcome.detail


def test_loopback_is_refused_when_not_allowed(
    make_app: Callable[..., Flask], receiver: PushReceiver
) -> None:
    app = make_app(PUSH_ALLOW_LOOPBACK=False)
    outcome = send_push(receiver.subscription(), PAYLOAD, app)
    assert outcome.status == "failed"
    assert "https" in outcome.detail
    assert receiver.received == []


@pytest.mark.parametrize(
    "change",
    [
        {"p256dh": "not-base64!"},
        {"p256dh": b64url(b"\x04" + b"\x01" * 64)},
        {"auth": b64url(b"short")},
        {"auth": None},
    ],
)
def test_unusable_subscription_keys_fail_without_posting(
    app: Flask, receiver: PushReceiver, change: dict[str, Any]
) -> None:
    subscription = {**receiver.subscription(), **change}
    subscription = {k: v for k, v in subscription.items() if v is not None}
    outcome = send_push(subscription, PAYLOAD, app)
    assert outcome.status == "failed"
    assert "subscription" in outcome.detail
    assert receiver.received == []


def test_an_oversized_message_is_not_sent(app: Flask, receiver: PushReceiver) -> None:
    outcome = send_push(receiver.subscription(), {**PAYLOAD, "body": "x" * 5000}, app)
    assert outcome.status == "failed"
    assert receiver.received == []


def test_a_name_that_turns_private_after_the_check_is_not_posted_to(
    make_app: Callable[..., Flask], receiver: PushReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_getaddrinfo = socket.getaddrinfo
    lookups: list[str] = []

    def rebinding(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        # The first lookup (the check) sees a public address, the next (the connection) loopback.
        lookups.append(host)
        if len(lookups) == 1:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_V4, port))]
        return real_getaddrinfo("127.0.0.1", port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    app = make_app(PUSH_ALLOW_LOOPBACK=False)
    port = receiver.endpoint().split(":")[2].split("/")[0]
    subscription = {**receiver.subscription(), "endpoint": f"https://push.rebind.example:{port}/p"}
    outcome = send_push(subscription, PAYLOAD, app)
    assert outcome.status == "failed"
    assert "private or reserved" in outcome.detail
    assert len(lookups) >= 2
    assert receiver.received == []
