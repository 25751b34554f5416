"""The checks of config.toml that need the features: [alerts] and each source's `type`.

The ground (`pvwatch.config`) parses the core sections and keeps feature sections raw; these checks run inside
every `parse_config`/`load_config` once installed, so a mistake is still a ConfigError naming the key and the
fix (exit code 2) before anything starts.
"""

from __future__ import annotations

from alerts.config import AlertsConfig
from collectors.registry import known_types
from pvwatch.config import Config, add_check
from pvwatch.errors import ConfigError


def check_source_types(cfg: Config) -> None:
    types = sorted(known_types())
    for name, src in cfg.sources.items():
        if src.type not in types:
            raise ConfigError(f"sources.{name}.type", f"{src.type!r} is not a collector", f"use one of {types}")


def check_alerts(cfg: Config) -> None:
    AlertsConfig.of(cfg)


def install_feature_checks() -> None:
    """Idempotent: the CLI calls it at import, tests from conftest."""
    add_check(check_source_types)
    add_check(check_alerts)
