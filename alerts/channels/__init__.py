"""Channel registry: `type = "NAME"` in [alerts.channels.X] picks the class registered under NAME.

Built-in types live in this package, one module each. Other packages add types by calling `register` at
import time and exposing the module under the `pvwatch.alert_channels` entry-point group.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from importlib.metadata import entry_points

from alerts.channels.base import Channel, ChannelOptions, DeliveryError, Message
from pvwatch.errors import ConfigError

__all__ = ["Channel", "ChannelOptions", "DeliveryError", "Message", "build_channel", "known_types", "register"]

log = logging.getLogger("pvwatch.alerts")
_BUILTIN = ("webhook", "slack", "teams", "email")
_REGISTRY: dict[str, type[Channel]] = {}
_loaded = False


def register(cls: type[Channel]) -> type[Channel]:
    """Class decorator: make a channel type available by its `type` name."""
    _REGISTRY[cls.type] = cls
    return cls


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for name in _BUILTIN:
        importlib.import_module(f"alerts.channels.{name}")
    for ep in entry_points(group="pvwatch.alert_channels"):
        try:
            ep.load()
        except Exception:  # a broken plugin must not hide the built-in channels
            log.exception("alert channel plugin %s could not be loaded", ep.name)


def known_types() -> list[str]:
    _load()
    return sorted(_REGISTRY)


def options_model(type_name: str) -> type[ChannelOptions]:
    _load()
    return _REGISTRY[type_name].options_model


def build_channel(
    name: str, type_name: str, options: dict[str, object], env: Mapping[str, str] | None = None
) -> Channel:
    _load()
    if type_name not in _REGISTRY:
        raise ConfigError(f"alerts.channels.{name}.type", f"{type_name!r} is not a channel", f"use {known_types()}")
    cls = _REGISTRY[type_name]
    return cls(name, cls.options_model.model_validate(options), env)
