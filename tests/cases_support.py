"""Builders for the PV-case tests: a config with the fabricated MedDRA files, a store with one user per role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from moderation.cases.service import CaseService
from pvwatch.config import Config, parse_config
from pvwatch.models import Case, Item

MEDDRA = Path(__file__).resolve().parent / "data" / "meddra_fabricated"


def case_config(tmp_path: Path, meddra: bool = True, **cases: Any) -> Config:
    raw: dict[str, Any] = {
        "products": [{"name": "Levothyrox", "inns": ["levothyroxine"]}, {"name": "Doliprane"},
                     {"name": "Zentravir"}],
        "alerts": {"enabled": False},
        "storage": {"path": str(tmp_path / "cases.db")},
        "cases": cases,
    }
    if meddra:
        raw["meddra"] = {"en": str(MEDDRA / "en"), "fr": str(MEDDRA / "fr")}
    return parse_config(raw, base_dir=tmp_path)


def escalate(svc: CaseService, actor: Any, item: Item) -> Case:
    svc.store.items.upsert(item)
    return svc.escalate(actor, item.key, None)
