"""[alerts] validation: every mistake is a ConfigError naming the key; the template's section loads."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from alerts.config import AlertsConfig
from alerts.rules import digest_window_end, quiet_until, send_after
from pvwatch.config import Config, load_config, parse_config
from pvwatch.errors import ConfigError
from tests.conftest import REPO

HOOK = {"type": "webhook", "url": "https://hooks.example.org/pv", "secret_env": "PV_HOOK_SECRET"}


def _cfg(channels: dict[str, Any] | None = None, rules: list[dict[str, Any]] | None = None, **kw: Any) -> Config:
    return parse_config({"alerts": {"channels": channels if channels is not None else {"hook": HOOK},
                                    "rules": rules or [], **kw}})


def test_template_alerts_section_loads_and_its_commented_examples_are_valid() -> None:
    cfg = load_config(REPO / "config.toml")
    assert AlertsConfig.of(cfg).enabled and AlertsConfig.of(cfg).rules == []
    # The template's commented examples, uncommented, must be a valid config too.
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    section = text[text.index("[alerts]"):text.index("[ui]")]
    section = section[:section.rindex("# ----")]  # the rule line before [ui]
    lines = [ln[2:] if ln.startswith("# ") else ln for ln in section.splitlines()]  # "## " stays a comment
    data = tomllib.loads("\n".join(lines))
    parsed = parse_config(data)
    assert {r.on for r in AlertsConfig.of(parsed).rules} == {"adverse_event", "special_situation", "case_due",
                                                   "case_overdue", "collector_stopped"}
    assert {c.type for c in AlertsConfig.of(parsed).channels.values()} == {"webhook", "slack", "teams", "email"}


@pytest.mark.parametrize(
    ("channels", "rules", "key_part"),
    [
        ({"hook": {**HOOK, "type": "pager"}}, [], "is not a channel"),
        ({"hook": {**HOOK, "urll": "x"}}, [], "channels.hook.urll"),
        ({"hook": {**HOOK, "url": "http://hooks.example.org/pv"}}, [], "https"),
        ({"hook": {"type": "webhook", "url": "https://x.example/"}}, [], "channels.hook.secret_env"),
        ({"m": {"type": "email", "host": "smtp.example.org", "from_addr": "pv@example.org", "to": ["a@b.c"],
                "starttls": False}}, [], "starttls = false is only allowed"),
        ({"m": {"type": "email", "host": "127.0.0.1", "from_addr": "pv@example.org", "to": ["not-an-address"]}},
         [], "not an e-mail address"),
        ({"m": {"type": "email", "host": "127.0.0.1", "from_addr": "pv@x.org", "to": ["a@b.c"], "username": "u"}},
         [], "password_env"),
        ({"s": {"type": "slack", "url": "https://hooks.slack.com/x"}}, [], "channels.s.url"),
        (None, [{"name": "r", "on": "adverse_event", "channels": ["nope"]}], "channel 'nope'"),
        (None, [{"name": "r", "on": "adverse_event", "channels": []}], "channels"),
        (None, [{"name": "r", "on": "new_post", "channels": ["hook"]}], "on"),
        (None, [{"name": "r", "on": "case_due", "channels": ["hook"]}], "needs due_within_days"),
        (None, [{"name": "r", "on": "collector_stopped", "channels": ["hook"]}], "needs stopped_after_minutes"),
        (None, [{"name": "r", "on": "adverse_event", "channels": ["hook"], "due_within_days": 2}],
         "due_within_days does not apply"),
        (None, [{"name": "r", "on": "adverse_event", "channels": ["hook"], "situations": ["pregnancy"]}],
         "situations does not apply"),
        (None, [{"name": "r", "on": "collector_stopped", "channels": ["hook"], "stopped_after_minutes": 5,
                 "serious_only": True}], "serious_only does not apply"),
        (None, [{"name": "r", "on": "adverse_event", "channels": ["hook"]},
                {"name": "r", "on": "special_situation", "channels": ["hook"]}], "unique"),
        (None, [{"name": "bad name!", "on": "adverse_event", "channels": ["hook"]}], "rule name"),
        (None, [{"name": "r", "on": "adverse_event", "channels": ["hook"], "severity": 3}], "severity"),
        (None, [{"name": "r", "on": "adverse_event", "channels": ["hook"],
                 "quiet_hours": {"start": "25:00", "end": "07:00"}}], "HH:MM"),
        (None, [{"name": "r", "on": "adverse_event", "channels": ["hook"],
                 "quiet_hours": {"start": "22:00", "end": "07:00", "timezone": "Mars/Olympus"}}], "time zone"),
        (None, [{"name": "r", "on": "adverse_event", "channels": ["hook"], "digest_minutes": -1}], "digest_minutes"),
    ],
)
def test_invalid_alerts_config_names_the_problem(channels: Any, rules: Any, key_part: str) -> None:
    with pytest.raises(ConfigError) as err:
        _cfg(channels, rules)
    assert key_part in str(err.value)
    assert str(err.value).startswith("config.toml: alerts")


def test_unknown_alerts_key_is_rejected() -> None:
    with pytest.raises(ConfigError, match="alerts.retries"):
        _cfg(retries=3)


def test_enabled_with_no_channels_is_valid() -> None:
    cfg = _cfg(channels={}, rules=[])
    assert AlertsConfig.of(cfg).enabled and AlertsConfig.of(cfg).channels == {}


def test_quiet_hours_window_spanning_midnight_in_a_time_zone() -> None:
    from alerts.config import QuietHours

    q = QuietHours(start="22:00", end="07:00", timezone="Europe/Paris")
    # 2024-01-15 23:30 Paris = 22:30 UTC -> held until 07:00 Paris = 06:00 UTC next day
    t = 1705357800.0  # 2024-01-15T22:30:00Z
    assert quiet_until(q, t) == 1705384800.0  # 2024-01-16T06:00:00Z
    # 06:59 Paris is still quiet; 07:00 is not; noon is not
    assert quiet_until(q, 1705384740.0) == 1705384800.0
    assert quiet_until(q, 1705384800.0) is None
    assert quiet_until(q, 1705320000.0) is None  # 12:00 UTC = 13:00 Paris


def test_send_after_serious_bypasses_quiet_hours_and_digest_aligns_after_them() -> None:
    cfg = _cfg(rules=[{"name": "r", "on": "adverse_event", "channels": ["hook"], "digest_minutes": 15,
                       "quiet_hours": {"start": "22:00", "end": "07:00", "timezone": "UTC"}}])
    rule = AlertsConfig.of(cfg).rules[0]
    night = 1705361400.0  # 23:30 UTC
    at, why = send_after(rule, night, serious=False)
    assert why == "quiet_hours" and at == digest_window_end(15, 1705388400.0)  # first window after 07:00
    at, why = send_after(rule, night, serious=True)
    assert why == "digest" and at == digest_window_end(15, night) and at - night <= 15 * 60
