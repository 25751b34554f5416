"""Generic webhook: the JSON message, signed with HMAC-SHA256.

Headers: `X-Pvwatch-Timestamp` (unix seconds), `X-Pvwatch-Signature: sha256=HEX` where
HEX = HMAC-SHA256(secret, "{timestamp}." + body), and `X-Pvwatch-Delivery` (stable across retries,
for the receiver's duplicate check). Receivers reject timestamps older than a few minutes (replays);
`verify_signature` is the reference check.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping

from pydantic import Field, field_validator

from alerts.channels import register
from alerts.channels.base import ChannelOptions, Message, check_url
from alerts.channels.http import HttpChannel


class WebhookOptions(ChannelOptions):
    url: str
    secret_env: str = Field(min_length=1)  # env var holding the HMAC key (required: unsigned alerts can be forged)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        return check_url(v, "url")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(secret: str, timestamp: str, body: bytes, signature: str, now: float | None = None,
                     tolerance_seconds: float = 300.0) -> bool:
    """What a receiver should do: constant-time compare, and refuse stale timestamps (replays)."""
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance_seconds and hmac.compare_digest(sign(secret, timestamp, body), signature)


@register
class WebhookChannel(HttpChannel):
    type = "webhook"
    options_model = WebhookOptions
    options: WebhookOptions

    def __init__(self, name: str, options: ChannelOptions, env: Mapping[str, str] | None = None) -> None:
        super().__init__(name, options, env)
        self._secret = self.secret("secret_env", self.options.secret_env)  # fail at start-up, not at 3 a.m.

    def send(self, msg: Message) -> None:
        secret = self._secret
        body = json.dumps(msg.body(), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        ts = str(int(time.time()))
        self.post(self.options.url, body, {
            "X-Pvwatch-Timestamp": ts,
            "X-Pvwatch-Signature": sign(secret, ts, body),
            "X-Pvwatch-Delivery": msg.delivery_id,
        })
