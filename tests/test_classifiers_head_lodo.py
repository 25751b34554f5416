"""The build's head LODO on a process pool (session 22): the same numbers as the serial per-fold loop it
replaced (`domains.lodo_scores` with `EmbeddingHead.fit(...).prob`), whatever the number of processes."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers.ae.domains import Domain, lodo_scores
from classifiers.ae.head import EmbeddingHead, HeadKind, HeadSpec, sigmoid
from classifiers.ae.head_lodo import head_lodo_logits

SPECS = (HeadSpec(HeadKind.logistic, 1.0), HeadSpec(HeadKind.mlp, 0.1), HeadSpec(HeadKind.mlp, 1.0, seeds=2))
DOMS = (Domain.psytar, Domain.druglib, Domain.en_short, Domain.fr_short)


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Domain], int]:
    rng = np.random.default_rng(7)
    n, extra = 360, 40  # the last 40 rows only ever train
    x = rng.normal(size=(n + extra, 8)).astype(np.float32)
    y = (x[:, 0] * x[:, 1] + 0.3 * rng.normal(size=n + extra)) > 0
    w = rng.choice([1.0, 2.0, 3.0], size=n + extra)
    doms = [DOMS[i % len(DOMS)] for i in range(n + extra)]
    return x, y, w, doms, n


@pytest.mark.parametrize("jobs", [1, 2])
def test_pooled_lodo_equals_the_serial_loop(data: tuple[np.ndarray, np.ndarray, np.ndarray, list[Domain], int],
                                            jobs: int) -> None:
    x, y, w, doms, n = data
    got = head_lodo_logits(x, y, w, doms, SPECS, n_eval=n, jobs=jobs)
    for spec in SPECS:
        def fit(tr: np.ndarray, te: np.ndarray, spec: HeadSpec = spec) -> np.ndarray:
            return EmbeddingHead.fit(x[tr], y[tr].tolist(), weights=w[tr], spec=spec).prob(x[te])
        want = lodo_scores(doms, fit, n_eval=n)
        assert got[spec].shape == (n,)
        assert sigmoid(got[spec]) == pytest.approx(want, abs=1e-12), spec
    # every scored row was scored by a head that never saw its domain: no row is left at the zero it started from
    assert all(np.count_nonzero(z) == n for z in got.values())
