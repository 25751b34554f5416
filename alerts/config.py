"""The [alerts] section of config.toml (owned here; `AlertsConfig.of(cfg)` validates the raw section, once).

Channels are named blocks with a `type`; each channel type validates its own options (alerts.channels
registry), so a typo in a channel key is a start-up error naming the key. Rules say what triggers an
alert and which channels receive it.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pvwatch.config import Config

EventType = Literal["adverse_event", "special_situation", "case_due", "case_overdue", "collector_stopped"]
ITEM_EVENTS = ("adverse_event", "special_situation")
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuietHours(_Section):
    """A daily window (local time) during which alerts are held and sent when it ends."""

    start: str  # "HH:MM"
    end: str  # "HH:MM"; end < start spans midnight
    timezone: str = "UTC"
    bypass_serious: bool = True  # serious adverse events are never held: a human must see them now

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, v: str) -> str:
        if not _HHMM.match(v):
            raise ValueError(f"{v!r} is not a time; write it as \"HH:MM\" (24 h), e.g. \"22:00\"")
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{v!r} is not an IANA time zone; use e.g. \"Europe/Paris\" or \"UTC\"") from None
        return v

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHours:
        if self.start == self.end:
            raise ValueError("quiet_hours start and end are equal; remove quiet_hours or give a real window")
        return self

    def times(self) -> tuple[time, time]:
        return time.fromisoformat(self.start), time.fromisoformat(self.end)


class Rule(_Section):
    name: str  # unique; part of the dedupe key, so renaming a rule re-alerts
    on: EventType
    channels: list[str] = Field(min_length=1)
    # filters (item rules)
    serious_only: bool = False
    products: list[str] = Field(default_factory=list)  # empty: any product (and posts naming none)
    situations: list[str] = Field(default_factory=list)  # special_situation only; empty: any type
    min_score: float = Field(default=0.0, ge=0.0, le=1.0)  # adverse_event only
    # thresholds (timer rules)
    due_within_days: float | None = Field(default=None, gt=0)  # case_due only (required there)
    stopped_after_minutes: float | None = Field(default=None, gt=0)  # collector_stopped only (required there)
    # delivery shaping
    quiet_hours: QuietHours | None = None
    digest_minutes: int = Field(default=0, ge=0, le=24 * 60)  # 0: one message per alert

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError(f"rule name {v!r}: use 1-64 letters, digits, '-', '_' or '.'")
        return v

    @model_validator(mode="after")
    def _keys_fit_event(self) -> Rule:
        used = {k for k in _OPTIONAL if getattr(self, k) not in (None, False, 0.0, [])}
        extra = sorted(used - _ALLOWED[self.on])
        if extra:
            raise ValueError(f"rule {self.name!r}: {extra[0]} does not apply to on = {self.on!r}; remove it")
        if self.on == "case_due" and self.due_within_days is None:
            raise ValueError(f"rule {self.name!r}: on = \"case_due\" needs due_within_days")
        if self.on == "collector_stopped" and self.stopped_after_minutes is None:
            raise ValueError(f"rule {self.name!r}: on = \"collector_stopped\" needs stopped_after_minutes")
        return self


# Which filter/threshold keys make sense for which event (table-driven, so the error can name the key).
_OPTIONAL = ("serious_only", "products", "situations", "min_score", "due_within_days", "stopped_after_minutes")
_ALLOWED: dict[str, set[str]] = {
    "adverse_event": {"serious_only", "products", "min_score"},
    "special_situation": {"serious_only", "products", "situations"},
    "case_due": {"serious_only", "products", "due_within_days"},
    "case_overdue": {"serious_only", "products"},
    "collector_stopped": {"stopped_after_minutes"},
}


class RetryConfig(_Section):
    max_attempts: int = Field(default=8, ge=1, le=100)  # then the delivery is "dead" (see `pvwatch alerts retry`)
    backoff_seconds: float = Field(default=5.0, gt=0)  # first retry delay; doubles each attempt (with jitter)
    backoff_max_seconds: float = Field(default=900.0, gt=0)


class ChannelConfig(BaseModel):
    """A named channel. `type` picks the implementation; that type's model validates the other keys."""

    model_config = ConfigDict(extra="allow")
    type: str

    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class AlertsConfig(_Section):
    enabled: bool = True
    check_seconds: float = Field(default=60.0, gt=0)  # how often case deadlines and collectors are evaluated
    keep_days: int = Field(default=90, ge=1)  # delivered/dead records older than this are purged
    retry_dead_on_start: bool = True  # a restart gives dead deliveries a fresh round of attempts
    retry: RetryConfig = Field(default_factory=RetryConfig)
    channels: dict[str, ChannelConfig] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)

    @field_validator("channels")
    @classmethod
    def _channel_options(cls, v: dict[str, ChannelConfig]) -> dict[str, ChannelConfig]:
        from alerts.channels import known_types, options_model

        for name, ch in v.items():
            if not _NAME.match(name):
                raise ValueError(f"channel name {name!r}: use 1-64 letters, digits, '-', '_' or '.'")
            if ch.type not in known_types():
                raise ValueError(f"channels.{name}.type = {ch.type!r} is not a channel; use one of {known_types()}")
            try:
                options_model(ch.type).model_validate(ch.options())
            except ValidationError as exc:
                first = exc.errors()[0]
                key = ".".join(str(p) for p in first["loc"])
                raise ValueError(f"channels.{name}.{key}: {first['msg']}") from None
        return v

    @model_validator(mode="after")
    def _rules_name_channels(self) -> AlertsConfig:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.name in seen:
                raise ValueError(f"two rules are named {rule.name!r}; rule names must be unique")
            seen.add(rule.name)
            for ch in rule.channels:
                if ch not in self.channels:
                    raise ValueError(
                        f"rule {rule.name!r} sends to channel {ch!r}, which is not defined; "
                        f"add [alerts.channels.{ch}] or use one of {sorted(self.channels)}"
                    )
        return self

    @classmethod
    def of(cls, cfg: Config) -> AlertsConfig:
        """The validated [alerts] section of `cfg` (a ConfigError naming the key if it is wrong)."""
        return cfg.section("alerts", cls)
