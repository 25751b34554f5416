"""Queue filters from untrusted query parameters to an ItemQuery."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pvwatch.models import FlagType, ItemStatus, utcnow
from pvwatch.sanitize import clean_token
from pvwatch.storage.base import ItemQuery, QueueOrder

PAGE_SIZE = 50
# "open" is what still needs a human: new items and confirmed adverse events not yet escalated.
STATUS_GROUPS: dict[str, tuple[str, ...]] = {"open": ("new", "confirmed")}
# age filter -> (older than N days, newer than M days); the d* ranges are the dashboard's age bars
AGES: dict[str, tuple[int | None, int | None]] = {
    "lt1d": (None, 1), "gt1d": (1, None), "gt7d": (7, None), "gt15d": (15, None), "gt30d": (30, None),
    "d1_7": (1, 7), "d7_15": (7, 15), "d15_30": (15, 30),
}
AGE_LABELS = {"": "any age", "lt1d": "< 1 day", "gt1d": "> 1 day", "gt7d": "> 7 days", "gt15d": "> 15 days",
              "gt30d": "> 30 days", "d1_7": "1-7 days", "d7_15": "7-15 days", "d15_30": "15-30 days"}


BASES = ("posted", "day_zero")


class _Days:
    """Membership test for a calendar day written YYYY-MM-DD."""

    def __contains__(self, value: object) -> bool:
        try:
            datetime.strptime(str(value), "%Y-%m-%d")
        except ValueError:
            return False
        return True


def _clean(v: str | None, limit: int = 100) -> str:
    # clean_token: a NUL or other control character in a filter is never meant, and SQLite's FTS cannot take it
    return clean_token(v or "")[:limit]


def _code(v: str | None, limit: int) -> str:
    """Platform and language codes are lower case: "Facebook" and "FR" find what "facebook" and "fr" find."""
    return _clean(v, limit).lower()


@dataclass(frozen=True)
class QueueFilters:
    flag: str = ""
    product: str = ""
    platform: str = ""
    lang: str = ""
    status: str = "open"
    age: str = ""
    assignee: str = ""
    q: str = ""
    sort: str = ""
    day: str = ""  # YYYY-MM-DD in the UI's zone: the dashboard's drill-down from one bar
    basis: str = ""  # what `day` is about: "posted" (the post's time, default) or "day_zero"
    page: int = 1
    # (parameter, value) pairs that were not understood: shown to the reviewer, never silently ignored
    rejected: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @classmethod
    def parse(cls, params: dict[str, str]) -> QueueFilters:
        rejected: list[tuple[str, str]] = []

        def pick(name: str, value: str, allowed: object) -> str:
            if value and value not in allowed:  # type: ignore[operator]
                rejected.append((name, value))
                return ""
            return value

        status = _clean(params.get("status"), 20) if "status" in params else "open"
        try:
            page = max(1, min(int(params.get("page") or 1), 10_000))
        except ValueError:
            rejected.append(("page", _clean(params.get("page"), 20)))
            page = 1
        return cls(
            flag=pick("flag", _clean(params.get("flag")), FlagType.__members__),
            product=_clean(params.get("product")),
            platform=_code(params.get("platform"), 40),
            lang=_code(params.get("lang"), 10),
            status=pick("status", status, {*STATUS_GROUPS, *ItemStatus.__members__}),
            age=pick("age", _clean(params.get("age"), 10), AGES),
            assignee=_clean(params.get("assignee"), 64),
            q=_clean(params.get("q"), 200),
            sort=pick("sort", _clean(params.get("sort"), 20), {o.value for o in QueueOrder}),
            day=pick("day", _clean(params.get("day"), 10), _Days()),
            basis=pick("basis", _clean(params.get("basis"), 10), BASES),
            page=page,
            rejected=tuple(rejected),
        )

    def on_page(self, page: int) -> QueueFilters:
        return replace(self, page=page)

    def to_query(self, limit: int = PAGE_SIZE, zone: str = "UTC") -> ItemQuery:
        older = newer = posted_from = posted_until = None
        if self.age:
            older_days, newer_days = AGES[self.age]
            older = utcnow() - timedelta(days=older_days) if older_days is not None else None
            newer = utcnow() - timedelta(days=newer_days) if newer_days is not None else None
        if self.day:
            start = datetime.strptime(self.day, "%Y-%m-%d").replace(tzinfo=ZoneInfo(zone))
            end = (start + timedelta(days=1)).replace(tzinfo=ZoneInfo(zone))  # local midnight, whatever DST does
            if self.basis == "day_zero":
                newer, older = max(newer or start, start), min(older or end, end)
            else:
                posted_from, posted_until = start.astimezone(UTC), end.astimezone(UTC)
        return ItemQuery(
            flag=self.flag or None,
            product=self.product or None,
            platform=self.platform or None,
            lang=self.lang or None,
            status=self.status if self.status in ItemStatus.__members__ else None,
            statuses=STATUS_GROUPS.get(self.status),
            assignee=self.assignee or None,
            text=self.q or None,
            older_than=older,
            newer_than=newer,
            posted_from=posted_from,
            posted_until=posted_until,
            order=QueueOrder(self.sort) if self.sort else QueueOrder.priority,
            limit=limit,
            offset=(self.page - 1) * limit,
        )

    def params(self, **override: object) -> dict[str, str]:
        """Non-empty filters as query parameters (for links that keep the filters)."""
        d = {k: str(v) for k, v in {**asdict(self), **override}.items() if k != "rejected"}
        return {k: v for k, v in d.items() if v and not (k == "page" and v == "1")} | {"status": d["status"]}
