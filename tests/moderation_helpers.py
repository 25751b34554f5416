"""Builders for moderation tests: real config, real SQLite store, items made with the real models."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

from moderation.auth.users import add_user
from moderation.queue.service import Actor
from moderation.roles import Role
from pvwatch.config import Config, parse_config
from pvwatch.models import AdverseEvent, Analysis, Item, PersonalData, Post, Span, SpecialSituation, utcnow
from pvwatch.storage.base import Store

PASSWORD = "correct horse battery staple"
ROLES = tuple(r.value for r in Role)
# The smallest argon2id the library accepts: the hashes are real (and verify as any other), just cheap to make.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def make_config(tmp_path: Path, **cases: Any) -> Config:
    raw: dict[str, Any] = {
        "products": [{"name": "Levothyrox", "inns": ["levothyroxine"]}, {"name": "Doliprane"}],
        "alerts": {"enabled": False},
        "storage": {"path": str(tmp_path / "ui.db")},
    }
    if cases:
        raw["cases"] = cases
    return parse_config(raw, base_dir=tmp_path)


def seed_users(store: Store) -> dict[str, Actor]:
    """One account per role, named after it."""
    for role in ROLES:
        add_user(store, role, role, PASSWORD, actor="test", hasher=CHEAP_HASHER)
    return {r: Actor(r, Role(r)) for r in ROLES}


def find(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def make_item(
    pid: str,
    text: str,
    *,
    ae: bool = True,
    products: tuple[str, ...] = ("Levothyrox",),
    reactions: tuple[str, ...] = (),
    pd: tuple[tuple[str, str], ...] = (),
    serious: tuple[str, ...] = (),
    situations: tuple[str, ...] = (),
    platform: str = "demo",
    lang: str = "fr",
    thread_id: str | None = None,
    parent_id: str | None = None,
    company_owned: bool = False,
    created_at: datetime | None = None,
    collected_at: datetime | None = None,
) -> Item:
    """An item as the pipeline would store it; evidence offsets point into `text`."""
    spans = []
    for p in products:
        if p in text:
            s, e = find(text, p)
            spans.append(Span(label="drug", start=s, end=e, text=p, normalized=p))
    for r in reactions:
        s, e = find(text, r)
        spans.append(Span(label="reaction", start=s, end=e, text=r, normalized=r))
    findings = []
    for typ, value in pd:
        s, e = find(text, value)
        findings.append(PersonalData(type=typ, start=s, end=e, score=0.9, recognizer="test"))
    analysis = Analysis(
        adverse_event=AdverseEvent(decision=ae, score=0.9 if ae else 0.1, evidence=spans),
        products=list(products), seriousness=list(serious), personal_data=findings,
        special_situations=[SpecialSituation(type=t) for t in situations], lang=lang, model="test",
    )
    post = Post(platform=platform, id=pid, text=text, lang=lang, thread_id=thread_id, parent_id=parent_id,
                company_owned=company_owned, created_at=created_at or utcnow() - timedelta(hours=2),
                collected_at=collected_at or utcnow(), url=f"https://example.org/p/{pid}", author="u-" + pid)
    item = Item.from_post(post, analysis)
    if ae:
        day_zero = post.created_at if company_owned and post.created_at else post.collected_at
        item = item.model_copy(update={"day_zero": day_zero})
    return item
