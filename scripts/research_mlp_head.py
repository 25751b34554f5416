"""Research (issue 12, session 16): does a one-hidden-layer network on the frozen USE embeddings transfer better
than the shipped logistic head? Candidates: the shipped head (logistic, balanced, C 0.3/1/3), logistic without
class weighting, and an MLP (128 ReLU units, L2 alpha 0.1/1/10), each blended with the shipped linear tier at
every weight of the build's grid. Shippable data only; never reads an evaluation corpus. Protocol and bar:
docs/benchmarks.md, session 16.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/research_mlp_head.py --cache DIR
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from research_lodo import Fit, head_fitter, prepare, summary  # noqa: E402

from classifiers.ae.build_tier import C_GRID, WEIGHT_GRID, choose  # noqa: E402
from classifiers.ae.domains import authored_platforms, lodo_scores, per_domain_auc  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, default_training_data, train_only_data  # noqa: E402

ALPHAS = (0.1, 1.0, 10.0)
BAR = 0.005  # a new family must beat the shipped pick by this much (protocol)

Key = tuple[str, float, float]  # (candidate, head C or alpha, blend weight)


def unbalanced_fitter(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float) -> Fit:
    from sklearn.linear_model import LogisticRegression

    def fit(tr: np.ndarray, te: np.ndarray) -> np.ndarray:
        clf = LogisticRegression(C=c, max_iter=5000, solver="liblinear", random_state=0)
        clf.fit(x[tr].astype(np.float64), y[tr].astype(int), sample_weight=w[tr])
        return np.asarray(clf.predict_proba(x[te].astype(np.float64))[:, 1])
    return fit


def mlp_fitter(x: np.ndarray, y: np.ndarray, w: np.ndarray, alpha: float) -> Fit:
    from sklearn.neural_network import MLPClassifier

    def fit(tr: np.ndarray, te: np.ndarray) -> np.ndarray:
        clf = MLPClassifier(hidden_layer_sizes=(128,), alpha=alpha, max_iter=60, random_state=0, batch_size=256)
        clf.fit(x[tr], y[tr].astype(int), sample_weight=w[tr])
        return np.asarray(clf.predict_proba(x[te])[:, 1])
    return fit


def main() -> int:
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    warnings.filterwarnings("ignore", category=ConvergenceWarning)  # 60 epochs is the protocol's fixed budget
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    platforms = authored_platforms(AUTHORED_DIR)
    from classifiers.ae.embed_cache import CachedEncoder
    from classifiers.ae.encoders import USE_MULTILINGUAL, encoder_for

    use = CachedEncoder(encoder_for(USE_MULTILINGUAL), args.cache / "emb_use")
    p = prepare(default_training_data(), platforms, args.cache, use, train_only_data())
    n = len(p.data)
    fitters = {("logreg", c): head_fitter(p.x, p.y, p.w, c) for c in C_GRID}
    fitters |= {("logreg-unbalanced", c): unbalanced_fitter(p.x, p.y, p.w, c) for c in C_GRID}
    fitters |= {("mlp", a): mlp_fitter(p.x, p.y, p.w, a) for a in ALPHAS}
    table: dict[Key, dict[str, float]] = {}
    for (family, param), fit in fitters.items():
        t0 = time.time()
        head = lodo_scores(p.row_domains, fit, n_eval=n)
        print(f"[{family} {param:g}] head alone {summary(per_domain_auc(head, p.data, p.domains))} "
              f"({time.time() - t0:.0f}s)", flush=True)
        for wt in WEIGHT_GRID:
            table[(family, param, wt)] = per_domain_auc((1 - wt) * p.linear + wt * head, p.data, p.domains)
    picks = {f: choose({k: v for k, v in table.items() if k[0] == f}) for f in ("logreg", "logreg-unbalanced", "mlp")}
    for f, k in picks.items():
        print(f"[{f}] pick {k[1]:g} w={k[2]:g}: {summary(table[k])}", flush=True)
    k = choose(table)
    base = table[picks["logreg"]]
    mean = {key: float(np.mean(list(v.values()))) for key, v in table.items()}
    passed = (k[0] != "logreg" and mean[k] >= mean[picks["logreg"]] + BAR
              and all(table[k][d] >= base[d] - BAR for d in ("psytar", "druglib")))
    print(f"rule picks {k}: {summary(table[k])}; bar {'passed' if passed else 'not passed'}", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"picks": {f: [*k, table[k]] for f, k in picks.items()}, "rule": list(k),
                                         "passed": passed}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
