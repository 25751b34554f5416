"""The checks of config.toml that need the features: [alerts], and each source's `type` and options.

The ground (`pvwatch.config`) parses the core sections and keeps feature sections raw; these checks run inside
every `parse_config`/`load_config` once installed, so a mistake is still a ConfigError naming the key and the
fix (exit code 2) before anything starts: no collector, model or platform SDK is imported for it
(`collectors.options` needs pydantic only).
"""

from __future__ import annotations

from alerts.config import AlertsConfig
from collectors.options import OPTIONS, Options
from pvwatch.config import Config, add_check
from pvwatch.errors import ConfigError


def check_sources(cfg: Config) -> None:
    """Each source's type, then each enabled source's options with its type's model (kept for the collector)."""
    types = sorted(OPTIONS)
    for name, src in cfg.sources.items():
        model = OPTIONS.get(src.type)
        if model is None:
            raise ConfigError(f"sources.{name}.type", f"{src.type!r} is not a collector", f"use one of {types}")
        if src.enabled:
            opts: Options = src.validate_options(model, name, fixes=model.fixes, doc=model.doc)
            opts.check_with(cfg, f"sources.{name}")


def check_alerts(cfg: Config) -> None:
    AlertsConfig.of(cfg)


def install_feature_checks() -> None:
    """Idempotent: the CLI calls it at import, tests from conftest."""
    add_check(check_sources)
    add_check(check_alerts)
