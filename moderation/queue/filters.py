"""Queue filters from untrusted query parameters to an ItemQuery."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta

from pvwatch.models import FlagType, ItemStatus, utcnow
from pvwatch.storage.base import ItemQuery

PAGE_SIZE = 50
# "open" is what still needs a human: new items and confirmed adverse events not yet escalated.
STATUS_GROUPS: dict[str, tuple[str, ...]] = {"open": ("new", "confirmed")}
AGES: dict[str, tuple[str, timedelta]] = {
    "lt1d": ("newer", timedelta(days=1)),
    "gt1d": ("older", timedelta(days=1)),
    "gt7d": ("older", timedelta(days=7)),
    "gt15d": ("older", timedelta(days=15)),
    "gt30d": ("older", timedelta(days=30)),
}
AGE_LABELS = {"": "any age", "lt1d": "< 1 day", "gt1d": "> 1 day", "gt7d": "> 7 days", "gt15d": "> 15 days",
              "gt30d": "> 30 days"}


def _clean(v: str | None, limit: int = 100) -> str:
    return (v or "").strip()[:limit]


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
    page: int = 1

    @classmethod
    def parse(cls, params: dict[str, str]) -> QueueFilters:
        flag = _clean(params.get("flag"))
        status = _clean(params.get("status"), 20) if "status" in params else "open"
        age = _clean(params.get("age"), 10)
        try:
            page = max(1, min(int(params.get("page") or 1), 10_000))
        except ValueError:
            page = 1
        return cls(
            flag=flag if flag in FlagType.__members__ else "",
            product=_clean(params.get("product")),
            platform=_clean(params.get("platform"), 40),
            lang=_clean(params.get("lang"), 10),
            status=status if status in STATUS_GROUPS or status in ItemStatus.__members__ else "",
            age=age if age in AGES else "",
            assignee=_clean(params.get("assignee"), 64),
            q=_clean(params.get("q"), 200),
            page=page,
        )

    def to_query(self, limit: int = PAGE_SIZE) -> ItemQuery:
        older = newer = None
        if self.age:
            direction, delta = AGES[self.age]
            if direction == "older":
                older = utcnow() - delta
            else:
                newer = utcnow() - delta
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
            limit=limit,
            offset=(self.page - 1) * limit,
        )

    def params(self, **override: object) -> dict[str, str]:
        """Non-empty filters as query parameters (for links that keep the filters)."""
        d = {k: str(v) for k, v in {**asdict(self), **override}.items()}
        return {k: v for k, v in d.items() if v and not (k == "page" and v == "1")} | {"status": d["status"]}
