"""Shared by the session 15 research scripts (research_views_ae.py, research_wd_ae.py, research_psytar_dev.py):
the LODO blends of one candidate training set, on top of train-only rows. Shippable data only."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from select_ae_model import cached_features  # noqa: E402

from classifiers.ae.build_tier import C_GRID, WEIGHT_GRID  # noqa: E402
from classifiers.ae.domains import Domain, collapse, domain_of, linear_lodo, lodo_scores  # noqa: E402
from classifiers.ae.head import EmbeddingHead  # noqa: E402
from classifiers.ae.model import LinearParams  # noqa: E402
from classifiers.ae.readers import Example  # noqa: E402
from classifiers.build_model import train_only_data  # noqa: E402


@dataclass
class Candidate:
    data: list[Example]  # the scored rows (collapsed)
    domains: list[Domain]
    linear: np.ndarray
    blends: dict[tuple[float, float], np.ndarray]  # (head C, weight) -> LODO scores of the blend


Fit = Callable[[np.ndarray, np.ndarray], np.ndarray]


def head_fitter(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float) -> Fit:
    def fit(tr: np.ndarray, te: np.ndarray) -> np.ndarray:
        return EmbeddingHead.fit(x[tr], y[tr].tolist(), c=c, weights=w[tr]).prob(x[te])
    return fit


def lodo_blends(base: list[Example], platforms: dict[str, str], cache: Path, use: Any,
                extra: list[Example] | None = None) -> Candidate:
    """The shipped family (linear `nofeat+unbalanced`, C=2, + USE head at every C x weight) trained on `base`
    plus train-only rows (the build's unless `extra` is given), scored leave-one-domain-out on `base`'s rows."""
    extra = train_only_data() if extra is None else extra
    data, doms, weights = collapse(base, platforms)
    n = len(data)
    rows, d = data + extra, doms + [domain_of(e, platforms) for e in extra]
    w = np.asarray(weights + [1.0] * len(extra))
    y = np.asarray([e.label for e in rows], dtype=bool)
    texts, feats = cached_features(rows, cache / "feats.jsonl")
    params = LinearParams(feature_scale=0.0, balanced=False)
    lin = linear_lodo(texts, feats, y.tolist(), w.tolist(), d, 2.0, params, n_eval=n)
    x = use.encode([e.text for e in rows])
    heads = {c: lodo_scores(d, head_fitter(x, y, w, c), n_eval=n) for c in C_GRID}
    return Candidate(data, doms, lin, {(c, wt): (1 - wt) * lin + wt * heads[c] for c in C_GRID for wt in WEIGHT_GRID})


def summary(aucs: dict[str, float]) -> str:
    """Mean and worst LODO AUC over the domains, then each domain's."""
    return f"mean {np.nanmean(list(aucs.values())):.4f} worst {np.nanmin(list(aucs.values())):.4f} {aucs}"
