"""Records that must not outlive their use: expired sessions, and login-throttle records idle for a day (those of
unknown usernames an attacker tried included). Purged when the UI starts, then at most hourly (on logins)."""

from __future__ import annotations

import logging
import time

from fastapi import FastAPI

log = logging.getLogger("pvwatch.moderation.web")


def housekeeping(app: FastAPI, every: float = 3600.0) -> None:
    """Purge expired sessions and lock-out records idle for a day (also those of unknown usernames)."""
    now = time.monotonic()
    if now < getattr(app.state, "next_housekeeping", 0.0):
        return
    app.state.next_housekeeping = now + every
    sessions, throttled = app.state.sessions.purge(), app.state.throttle.purge()
    if sessions or throttled:
        log.info("purged %d expired sessions and %d idle login-throttle records", sessions, throttled)
