"""The channel interface: one module per channel type, registered by name.

A channel turns a `Message` (one alert, or a digest of several) into one request to one destination and
raises `DeliveryError` when the destination did not accept it; the outbox decides about retries.
Channels never see an Item: only the payload built by alerts.payload, which carries no personal data.
"""

from __future__ import annotations

import abc
import builtins
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from pvwatch.errors import ConfigError, PvwatchError


class ChannelOptions(BaseModel):
    """Base for each channel type's options: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    concurrency: int = Field(default=4, ge=1, le=32)  # sends in flight at once (a slow receiver must not queue up)


@dataclass(frozen=True)
class Message:
    delivery_id: str  # stable across retries: receivers use it to drop duplicates (at-least-once)
    rule: str
    event: str
    alerts: list[dict[str, Any]]  # one payload, or several for a digest
    digest: bool = False
    test: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        """The JSON document generic receivers get."""
        return {
            "id": self.delivery_id,
            "rule": self.rule,
            "event": self.event,
            "digest": self.digest,
            "test": self.test,
            "count": len(self.alerts),
            "alerts": self.alerts,
        }


class DeliveryError(PvwatchError):
    """The destination did not accept the message; `retry_after` is the delay it asked for, if any."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Channel(abc.ABC):
    type: ClassVar[str]
    options_model: ClassVar[builtins.type[ChannelOptions]] = ChannelOptions

    def __init__(self, name: str, options: ChannelOptions, env: Mapping[str, str] | None = None) -> None:
        self.name = name
        self.options = options
        self.env = env if env is not None else os.environ

    @abc.abstractmethod
    def send(self, msg: Message) -> None:
        """Deliver or raise DeliveryError. Must not log secrets or payload contents."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def secret(self, key: str, env_name: str) -> str:
        """The value of the environment variable a `*_env` option names; a clear error when it is unset."""
        value = self.env.get(env_name) if env_name else None
        if not value:
            raise ConfigError(
                f"alerts.channels.{self.name}.{key}",
                f"environment variable {env_name or '(empty name)'} is not set",
                f"export {env_name or 'THE_VARIABLE'}=... in the service's environment (never in config.toml)",
            )
        return value


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str, what: str) -> str:
    """https everywhere; plain http only to this machine (local relays, tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        return url
    raise ValueError(f"{what} must be an https:// URL (http:// is only accepted for 127.0.0.1/localhost)")


def env_url(channel: Channel, key: str, env_name: str) -> str:
    """A webhook URL that is itself a credential, read from the environment and checked like `check_url`."""
    url = channel.secret(key, env_name)
    try:
        return check_url(url, f"${env_name}")
    except ValueError as exc:
        key = f"alerts.channels.{channel.name}.{key}"
        raise ConfigError(key, str(exc), f"set {env_name} to the https URL") from None
