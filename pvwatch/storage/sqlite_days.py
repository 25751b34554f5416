"""Calendar days in a time zone for SQLite, which has no time zones: a SQL function `pv_local_day(ts, zone)`.

Each timestamp is converted with its own offset (zoneinfo), so a post at 23:30 UTC on the Saturday before the
last Sunday of March (00:30 in Paris, winter time) and one at 22:30 UTC the day after (00:30, summer time) both
fall on the Paris day after, as Elasticsearch's `date_histogram` with `time_zone` puts them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

FUNCTION = "pv_local_day"


@lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_day(ts: str | None, zone: str) -> str | None:
    """'YYYY-MM-DD' of the ISO timestamp `ts` (UTC when it carries no offset) in `zone`; NULL for NULL."""
    if ts is None:
        return None
    moment = datetime.fromisoformat(ts)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone(zone)).strftime("%Y-%m-%d")


def install(conn: sqlite3.Connection) -> None:
    conn.create_function(FUNCTION, 2, local_day, deterministic=True)
