"""Speed of the build's head LODO (the longest stage of `make model`), side by side in one run: the serial loop
the build ran until session 22 (`domains.lodo_scores` over `EmbeddingHead.fit`, BLAS on its default threads)
against `head_lodo.head_lodo_logits` (one BLAS thread per fit, folds on a pool of two processes), on the build's
own rows and USE vectors, for one head spec; and the largest difference between their scores.

    PVWATCH_SHARED_DATA=../shared/data PVWATCH_EMBED_CACHE=DIR .venv/bin/python scripts/bench_head_lodo.py \
        [--spec mlp|logistic]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from classifiers.ae.domains import authored_platforms, collapse, domain_of, lodo_scores  # noqa: E402
from classifiers.ae.embed_cache import CachedEncoder  # noqa: E402
from classifiers.ae.encoders import USE_MULTILINGUAL, encoder_for  # noqa: E402
from classifiers.ae.head import EmbeddingHead, HeadKind, HeadSpec, sigmoid  # noqa: E402
from classifiers.ae.head_lodo import head_lodo_logits  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, default_training_data, train_only_data  # noqa: E402


def main() -> int:
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_info

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", choices=("mlp", "logistic"), default="mlp")
    args = ap.parse_args()
    spec = HeadSpec(HeadKind.mlp, 0.1) if args.spec == "mlp" else HeadSpec(HeadKind.logistic, 1.0)
    platforms = authored_platforms(AUTHORED_DIR)
    data, domains, weights = collapse(default_training_data(), platforms)
    extra = train_only_data()
    rows, doms = data + extra, domains + [domain_of(e, platforms) for e in extra]
    w = np.asarray(weights + [1.0] * len(extra))
    y = np.asarray([e.label for e in rows], dtype=bool)
    cache = os.environ.get("PVWATCH_EMBED_CACHE")
    x = CachedEncoder(encoder_for(USE_MULTILINGUAL), Path(cache) if cache else None).encode([e.text for e in rows])
    blas = [(i["internal_api"], i["num_threads"]) for i in threadpool_info()]
    print(f"# {os.cpu_count()} cores, BLAS {blas}, load {os.getloadavg()[0]:.2f}; {len(rows)} rows "
          f"({len(data)} scored), head {spec}", flush=True)

    def fit(tr: np.ndarray, te: np.ndarray) -> np.ndarray:
        return EmbeddingHead.fit(x[tr], y[tr].tolist(), weights=w[tr], spec=spec).prob(x[te])

    t0 = time.perf_counter()
    serial = lodo_scores(doms, fit, len(data))
    t_serial = time.perf_counter() - t0
    t0 = time.perf_counter()
    pooled = sigmoid(head_lodo_logits(x, y, w, doms, [spec], len(data), jobs=2)[spec])
    t_pooled = time.perf_counter() - t0
    print(f"serial loop, default BLAS threads: {t_serial:.1f} s")
    print(f"pooled, 2 processes x 1 BLAS thread: {t_pooled:.1f} s ({t_serial / t_pooled:.1f}x)")
    print(f"largest score difference: {float(np.max(np.abs(serial - pooled))):.2e}; load {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
