"""Leave-one-domain-out logits of embedding heads, every (head, fold) fit a task of its own on a process pool.

The build fits six heads on eight folds (48 fits of up to ~29,000 rows). scikit-learn's MLP trains on 256-row
batches, products too small for OpenBLAS's threads to pay: two processes of one thread each use both cores
better, 1.4x faster than the serial loop on 2 idle cores and far more when another job holds a core, for the
same scores (largest difference 1.1e-16; docs/benchmarks.md, "Building the default model").
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from classifiers.ae.domains import Domain
from classifiers.ae.head import EmbeddingHead, HeadKind, HeadSpec

PARALLEL_ROWS = 5000  # below this, starting worker processes costs more than it saves


def fit_single_threaded(x: np.ndarray, labels: Sequence[bool], weights: np.ndarray, spec: HeadSpec,
                        meta: dict[str, Any] | None = None) -> EmbeddingHead:
    """`EmbeddingHead.fit` on one BLAS thread (the same head, faster: see the module doc)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return EmbeddingHead.fit(x, labels, weights=weights, spec=spec, meta=meta)


def fit_one(x: np.ndarray, y: np.ndarray, w: np.ndarray, tr: np.ndarray, te: np.ndarray,
            spec: HeadSpec) -> np.ndarray:
    """The head `spec` fitted on rows `tr`, its logits on rows `te`."""
    return fit_single_threaded(x[tr], y[tr].tolist(), w[tr], spec).logit(x[te])


def head_lodo_logits(x: np.ndarray, labels: np.ndarray, weights: np.ndarray, domains: Sequence[Domain],
                     specs: Sequence[HeadSpec], n_eval: int | None = None,
                     jobs: int | None = None) -> dict[HeadSpec, np.ndarray]:
    """Per spec, the logits of the first `n_eval` rows (all by default), each by the head fitted on every row
    outside its domain (rows from `n_eval` on only ever train), as `domains.lodo_scores` splits them."""
    d = np.asarray([v.value for v in domains])
    n = len(domains) if n_eval is None else n_eval
    folds = [(np.flatnonzero(d != dom.value), te) for dom in Domain
             if (te := np.flatnonzero(d[:n] == dom.value)).size]
    # networks first: they are the long tasks, so the pool ends on the short logistic fits
    tasks = sorted(((s, f) for s in specs for f in range(len(folds))), key=lambda t: t[0].kind is HeadKind.logistic)
    y, w = np.asarray(labels, dtype=bool), np.asarray(weights, dtype=np.float64)
    if jobs is None:
        jobs = 1 if len(x) < PARALLEL_ROWS else min(2, os.cpu_count() or 1)
    if jobs > 1:
        from joblib import Parallel, delayed

        res = Parallel(n_jobs=jobs)(delayed(fit_one)(x, y, w, *folds[f], s) for s, f in tasks)
    else:
        res = [fit_one(x, y, w, *folds[f], s) for s, f in tasks]
    out = {s: np.zeros(n) for s in specs}
    for (s, f), r in zip(tasks, res, strict=True):
        out[s][folds[f][1]] = r
    return out
