"""Each channel against a real local server: HTTP receiver for the webhooks, aiosmtpd for e-mail."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alerts.channels import DeliveryError, Message, build_channel
from alerts.channels.webhook import verify_signature
from pvwatch.errors import ConfigError
from tests.alerts_support import Receiver, SmtpServer, self_signed

ALERT = {"event": "adverse_event", "rule": "r", "item_key": "demo:42", "platform": "demo", "products": ["Levothyrox"],
         "flags": ["adverse_event"], "serious": True, "seriousness": ["hospitalisation"], "special_situations": [],
         "score": 0.9, "day_zero": None, "link": "http://127.0.0.1:8765/items/demo:42"}
MSG = Message(delivery_id="d" * 32, rule="r", event="adverse_event", alerts=[ALERT])


def test_webhook_posts_json_with_a_verifiable_hmac_signature(receiver: Receiver) -> None:
    ch = build_channel("hook", "webhook", {"url": receiver.url, "secret_env": "S"}, env={"S": "k3y"})
    ch.send(MSG)
    got = receiver.wait_for(1)[0]
    assert got.json()["alerts"] == [ALERT] and got.json()["id"] == "d" * 32
    ts, sig = got.headers["X-Pvwatch-Timestamp"], got.headers["X-Pvwatch-Signature"]
    # Independent check of the documented scheme, then the reference helper (incl. replay and tamper).
    expected = hmac.new(b"k3y", ts.encode() + b"." + got.body, hashlib.sha256).hexdigest()
    assert sig == f"sha256={expected}"
    assert abs(int(ts) - time.time()) < 60
    assert verify_signature("k3y", ts, got.body, sig)
    assert not verify_signature("wrong", ts, got.body, sig)
    assert not verify_signature("k3y", ts, got.body + b" ", sig)
    assert not verify_signature("k3y", ts, got.body, sig, now=int(ts) + 301)  # replayed later
    assert got.headers["X-Pvwatch-Delivery"] == "d" * 32


@pytest.mark.parametrize(("status", "retry_after", "expect_after"), [(500, None, None), (429, "7", 7.0),
                                                                       (404, None, None)])
def test_webhook_non_2xx_is_a_delivery_error(receiver: Receiver, status: int, retry_after: str | None,
                                             expect_after: float | None) -> None:
    receiver.fail_count, receiver.fail_status, receiver.retry_after = 1, status, retry_after
    ch = build_channel("hook", "webhook", {"url": receiver.url, "secret_env": "S"}, env={"S": "k"})
    with pytest.raises(DeliveryError, match=f"HTTP {status}") as err:
        ch.send(MSG)
    assert err.value.retry_after == expect_after


def test_webhook_timeout_and_refused_connection_are_delivery_errors(receiver: Receiver) -> None:
    receiver.delay = 1.0
    ch = build_channel("hook", "webhook", {"url": receiver.url, "secret_env": "S", "timeout_seconds": 0.2},
                       env={"S": "k"})
    with pytest.raises(DeliveryError, match="no answer within"):
        ch.send(MSG)
    dead = build_channel("hook", "webhook", {"url": "http://127.0.0.1:9/x", "secret_env": "S"}, env={"S": "k"})
    with pytest.raises(DeliveryError, match="ConnectError"):
        dead.send(MSG)


def test_missing_secret_fails_at_build_time_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match="PV_NOPE is not set"):
        build_channel("hook", "webhook", {"url": "https://x.example/", "secret_env": "PV_NOPE"}, env={})
    with pytest.raises(ConfigError, match="https"):
        build_channel("s", "slack", {"url_env": "U"}, env={"U": "http://hooks.example.org/x"})


def test_slack_and_teams_bodies(receiver: Receiver) -> None:
    env = {"U": receiver.url}
    build_channel("s", "slack", {"url_env": "U"}, env=env).send(MSG)
    build_channel("t", "teams", {"url_env": "U"}, env=env).send(MSG)
    slack, teams = (r.json() for r in receiver.wait_for(2))
    assert slack["text"].startswith("*Serious adverse event: Levothyrox (demo)*")
    assert "Seriousness: hospitalisation" in slack["text"] and ALERT["link"] in slack["text"]
    card = teams["attachments"][0]
    assert teams["type"] == "message" and card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard"
    assert card["content"]["actions"][0] == {"type": "Action.OpenUrl", "title": "Open in pvwatch", "url": ALERT["link"]}


@pytest.fixture
def tls_smtp(tmp_path: Path) -> Iterator[tuple[SmtpServer, Path]]:
    cert = self_signed(tmp_path)
    server = SmtpServer(cert=cert, auth=("pv", "s3cret"))
    yield server, cert[0]
    server.stop()


def _mail_opts(server: SmtpServer, **kw: Any) -> dict[str, Any]:
    return {"host": "127.0.0.1", "port": server.port, "from_addr": "pvwatch@example.org",
            "to": ["pv@example.org", "qa@example.org"], "timeout_seconds": 5, **kw}


@pytest.mark.smtp
def test_email_over_starttls_with_auth(tls_smtp: tuple[SmtpServer, Path]) -> None:
    server, ca = tls_smtp
    ch = build_channel("m", "email", _mail_opts(server, ca_file=str(ca), username="pv", password_env="PW"),
                       env={"PW": "s3cret"})
    ch.send(MSG)
    assert server.tls_seen == [True]
    mail = server.messages[0]
    assert mail["to"] == ["pv@example.org", "qa@example.org"]
    assert "Subject: [pvwatch] Serious adverse event: Levothyrox (demo)" in mail["data"]
    assert ALERT["link"] in mail["data"] and "s3cret" not in mail["data"]


@pytest.mark.smtp
def test_email_bad_password_and_untrusted_certificate_fail(tls_smtp: tuple[SmtpServer, Path]) -> None:
    server, ca = tls_smtp
    wrong = build_channel("m", "email", _mail_opts(server, ca_file=str(ca), username="pv", password_env="PW"),
                          env={"PW": "nope"})
    with pytest.raises(DeliveryError, match="SMTPAuthenticationError"):
        wrong.send(MSG)
    untrusted = build_channel("m", "email", _mail_opts(server))  # system trust store: self-signed is refused
    with pytest.raises(DeliveryError, match="SSL"):
        untrusted.send(MSG)
    assert server.messages == []


@pytest.mark.smtp
def test_email_refuses_a_server_without_starttls_and_plain_is_only_for_localhost() -> None:
    server = SmtpServer()  # no certificate: no STARTTLS offered
    try:
        with pytest.raises(DeliveryError, match="no STARTTLS"):
            build_channel("m", "email", _mail_opts(server)).send(MSG)
        build_channel("m", "email", _mail_opts(server, starttls=False)).send(MSG)  # local relay, allowed
        assert server.tls_seen == [False] and len(server.messages) == 1
    finally:
        server.stop()


def test_webhook_body_is_plain_json_of_the_message(receiver: Receiver) -> None:
    digest = Message(delivery_id="x" * 32, rule="r", event="adverse_event", alerts=[ALERT, ALERT], digest=True)
    build_channel("hook", "webhook", {"url": receiver.url, "secret_env": "S"}, env={"S": "k"}).send(digest)
    body = json.loads(receiver.wait_for(1)[0].body)
    assert body["digest"] is True and body["count"] == 2
