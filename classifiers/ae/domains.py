"""Leave-one-domain-out (LODO) scoring of shippable training data: the model-selection and calibration protocol of
issue 12 (docs/benchmarks.md, "model-selection protocol").

Every training example belongs to one domain: PsyTAR, Druglib, or one of our own posts split by language and
platform (short social posts vs long forum posts). Each domain is scored by a model trained on all the others, so
its scores say how a candidate transfers to a register it never saw, not how well it fits its own templates.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path

import numpy as np

from classifiers.ae.readers import Example


class Domain(StrEnum):
    psytar = "psytar"
    druglib = "druglib"
    fr_short = "fr_short"
    fr_forum = "fr_forum"
    en_short = "en_short"
    en_forum = "en_forum"


LONG_PLATFORMS = frozenset({"forum", "reddit", "review"})
DOMAINS_BY_LANG: dict[str, tuple[Domain, ...]] = {
    "en": (Domain.psytar, Domain.druglib, Domain.en_short, Domain.en_forum),
    "fr": (Domain.fr_short, Domain.fr_forum),
}


def authored_platforms(directory: Path) -> dict[str, str]:
    """id -> platform of every authored post (the field the schema requires; Example does not carry it)."""
    out: dict[str, str] = {}
    for p in sorted(directory.glob("*/*.jsonl")):
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                out[str(rec.get("id", ""))] = str(rec.get("platform", ""))
    return out


def domain_of(e: Example, platforms: dict[str, str]) -> Domain:
    if e.id.startswith("psytar:"):
        return Domain.psytar
    if e.id.startswith("druglib:"):
        return Domain.druglib
    long = platforms.get(e.id, "") in LONG_PLATFORMS  # written data and demo posts have no platform: short
    if (e.lang or "en") == "fr":
        return Domain.fr_forum if long else Domain.fr_short
    return Domain.en_forum if long else Domain.en_short


def lodo_scores(domains: Sequence[Domain], fit_score: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """Scores of every example by a model trained without its domain. `fit_score(train_idx, test_idx)` fits on
    the first index array and returns scores for the second."""
    d = np.asarray([x.value for x in domains])
    out = np.zeros(len(domains))
    for dom in Domain:
        te = np.flatnonzero(d == dom.value)
        if te.size:
            out[te] = fit_score(np.flatnonzero(d != dom.value), te)
    return out


def distinct_index(examples: Sequence[Example], domains: Sequence[Domain], dom: Domain) -> list[int]:
    """One index per distinct text of a domain (our posts are repeated in the training data)."""
    seen: dict[str, int] = {}
    for i, (e, d) in enumerate(zip(examples, domains, strict=True)):
        if d is dom:
            seen.setdefault(e.text, i)
    return sorted(seen.values())


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    from sklearn.metrics import roc_auc_score

    y = np.asarray(labels, dtype=bool)
    if y.all() or not y.any():
        return float("nan")
    return float(roc_auc_score(y, np.asarray(scores, dtype=np.float64)))


def per_domain_auc(scores: np.ndarray, examples: Sequence[Example], domains: Sequence[Domain]) -> dict[str, float]:
    out = {}
    for dom in Domain:
        idx = distinct_index(examples, domains, dom)
        if idx:
            out[dom.value] = round(roc_auc(scores[idx].tolist(), [examples[i].label for i in idx]), 4)
    return out


def selection_key(aucs: dict[str, float]) -> tuple[float, float]:
    """The protocol's metric: mean AUC over the scenarios (equal weight), then the worst one."""
    vals = [v for v in aucs.values() if v == v]
    return (round(float(np.mean(vals)), 3), float(min(vals))) if vals else (0.0, 0.0)
