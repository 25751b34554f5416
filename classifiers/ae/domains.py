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
from typing import Any

import numpy as np

from classifiers.ae.model import LinearParams, design, fit_rows, vectorizer
from classifiers.ae.readers import Example


class Domain(StrEnum):
    psytar = "psytar"
    druglib = "druglib"
    fr_short = "fr_short"
    fr_forum = "fr_forum"
    en_short = "en_short"
    en_forum = "en_forum"
    fr_literature = "fr_literature"
    en_literature = "en_literature"


LONG_PLATFORMS = frozenset({"forum", "reddit", "review"})
LITERATURE = "literature"  # case-report and pharmacovigilance-narrative sentences
DOMAINS_BY_LANG: dict[str, tuple[Domain, ...]] = {
    "en": (Domain.psytar, Domain.druglib, Domain.en_short, Domain.en_forum, Domain.en_literature),
    "fr": (Domain.fr_short, Domain.fr_forum, Domain.fr_literature),
}


def file_records(path: Path) -> dict[str, dict[str, Any]]:
    """id -> the full record of every post of one authored JSONL file (platform, register, cell...: fields
    Example does not carry)."""
    out: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out[str(rec.get("id", ""))] = rec
    return out


def authored_records(directory: Path) -> dict[str, dict[str, Any]]:
    """`file_records` of every authored file (directory/<lang>/*.jsonl)."""
    out: dict[str, dict[str, Any]] = {}
    for p in sorted(directory.glob("*/*.jsonl")):
        out |= file_records(p)
    return out


def platforms_of(records: dict[str, dict[str, Any]]) -> dict[str, str]:
    """id -> platform (the field the schema requires) of each record: what `domain_of` reads."""
    return {k: str(rec.get("platform", "")) for k, rec in records.items()}


def authored_platforms(directory: Path) -> dict[str, str]:
    """id -> platform of every authored post."""
    return platforms_of(authored_records(directory))


def domain_of(e: Example, platforms: dict[str, str]) -> Domain:
    if e.id.startswith("psytar:"):
        return Domain.psytar
    if e.id.startswith("druglib:"):
        return Domain.druglib
    platform = platforms.get(e.id, "")  # written data and demo posts have no platform: short posts
    fr = (e.lang or "en") == "fr"
    if platform == LITERATURE:
        return Domain.fr_literature if fr else Domain.en_literature
    if platform in LONG_PLATFORMS:
        return Domain.fr_forum if fr else Domain.en_forum
    return Domain.fr_short if fr else Domain.en_short


def collapse(examples: Sequence[Example], platforms: dict[str, str]) -> tuple[list[Example], list[Domain],
                                                                           list[float]]:
    """The training data with repeated posts folded into one row each and a weight (how many times it was
    repeated): the same fit on fewer rows. Returns the rows, their domains and weights."""
    rows: dict[tuple[str, str | None, bool, Domain], int] = {}
    first: dict[tuple[str, str | None, bool, Domain], Example] = {}
    for e in examples:
        k = (e.text, e.lang, e.label, domain_of(e, platforms))
        rows[k] = rows.get(k, 0) + 1
        first.setdefault(k, e)
    return [first[k] for k in rows], [k[3] for k in rows], [float(n) for n in rows.values()]


def lodo_scores(domains: Sequence[Domain], fit_score: Callable[[np.ndarray, np.ndarray], np.ndarray],
                n_eval: int | None = None, never_train: frozenset[Domain] = frozenset()) -> np.ndarray:
    """Scores of every example by a model trained without its domain. `fit_score(train_idx, test_idx)` fits on
    the first index array and returns scores for the second. Rows from `n_eval` on only ever train (noisy
    copies, classifiers/ae/mix.py) and get no score; domains in `never_train` are scored but never trained on."""
    d = np.asarray([x.value for x in domains])
    n = len(domains) if n_eval is None else n_eval
    banned = np.isin(d, [x.value for x in never_train])
    out = np.zeros(n)
    for dom in Domain:
        te = np.flatnonzero(d[:n] == dom.value)
        if te.size:
            out[te] = fit_score(np.flatnonzero((d != dom.value) & ~banned), te)
    return out


def linear_lodo(texts: Sequence[str], feats: Sequence[Sequence[float]], labels: Sequence[bool],
                weights: Sequence[float], domains: Sequence[Domain], c: float, params: LinearParams,
                n_eval: int | None = None, never_train: frozenset[Domain] = frozenset()) -> np.ndarray:
    """LODO probabilities of the linear tier (`n_eval`, `never_train`: see lodo_scores). The TF-IDF vocabulary
    and idf are fitted once on all rows (text only, no label): re-vectorising per domain would cost minutes for
    the same selection signal."""
    word, char = vectorizer(params.word), vectorizer(params.char)
    x = design(word.fit_transform(texts), char.fit_transform(texts), feats, params.feature_scale)
    y, w = np.asarray(labels, dtype=bool), np.asarray(weights, dtype=np.float64)

    def fit_score(tr: np.ndarray, te: np.ndarray) -> np.ndarray:
        coef, b = fit_rows(x[tr], y[tr].tolist(), c, params, w[tr].tolist())
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x[te] @ coef + b, -30.0, 30.0))))
    return lodo_scores(domains, fit_score, n_eval, never_train)


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
