"""Research (issue 12, session 15): do the separate fields of the Druglib *training* reviews, as extra real lay
rows, make the default model transfer better? `benefitsReview` alone is efficacy and indication wording (not an
adverse event); `sideEffectsReview` alone takes the reviewer's side-effect rating (as the whole review does).
The extra rows belong to the Druglib domain and only ever train (like the noisy copies of session 13), so every
domain is still scored on its original rows by a model that never saw it. Shippable data only (Druglib is CC BY
4.0); never reads an evaluation corpus. Protocol: docs/benchmarks.md, session 15.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/research_views_ae.py --cache DIR

`--cache DIR` is select_ae_model.py's (feats.jsonl, emb_use/, lin_nofeat+unbalanced.npy, head_default_0_C.npy).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from select_ae_model import cached_features  # noqa: E402

from classifiers.ae.build_tier import C_GRID, WEIGHT_GRID, Key, choose  # noqa: E402
from classifiers.ae.domains import Domain, authored_platforms, collapse, linear_lodo, lodo_scores, per_domain_auc  # noqa: E402
from classifiers.ae.head import EmbeddingHead  # noqa: E402
from classifiers.ae.mix import Mix, mix_weights  # noqa: E402
from classifiers.ae.model import LinearParams  # noqa: E402
from classifiers.ae.readers import Example, druglib_field_views  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, SHARED, default_training_data  # noqa: E402

VIEWS = {"benefits": ("benefits",), "side": ("side",), "both": ("benefits", "side")}


def druglib_views(kinds: tuple[str, ...]) -> list[Example]:
    """The build's train-only rows (classifiers/ae/readers.druglib_field_views), or one kind of them."""
    rows = druglib_field_views(SHARED / "druglib_uci" / "drugLibTrain_raw.tsv")
    return [Example(e.text, e.label, e.lang, f"druglib:{e.id}") for e in rows if e.id.split(":")[0] in kinds]


Fit = Callable[[np.ndarray, np.ndarray], np.ndarray]


def head_fitter(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float) -> Fit:
    def fit(tr: np.ndarray, te: np.ndarray) -> np.ndarray:
        return EmbeddingHead.fit(x[tr], y[tr].tolist(), c=c, weights=w[tr]).prob(x[te])
    return fit


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    data, doms, weights = collapse(default_training_data(), authored_platforms(AUTHORED_DIR))
    authored_ids = set(authored_platforms(AUTHORED_DIR))
    wts = mix_weights(weights, doms, [e.id in authored_ids for e in data], Mix.default)
    n = len(data)
    from classifiers.ae.embed_cache import CachedEncoder
    from classifiers.ae.encoders import USE_MULTILINGUAL, encoder_for

    use = CachedEncoder(encoder_for(USE_MULTILINGUAL), args.cache / "emb_use")
    params = LinearParams(feature_scale=0.0, balanced=False)
    table: dict[Key, dict[str, float]] = {}
    base_lin = np.load(args.cache / "lin_nofeat+unbalanced.npy")
    base_head = {c: np.load(args.cache / f"head_default_0_{c}.npy") for c in C_GRID}
    assert len(base_lin) == n, "stale cache: re-run scripts/select_ae_model.py --only nofeat+unbalanced"
    runs: dict[str, tuple[np.ndarray, dict[float, np.ndarray]]] = {"nofeat+unbalanced": (base_lin, base_head)}
    for name, fields in VIEWS.items():
        if args.only and name not in args.only:
            continue
        t0 = time.time()
        extra = druglib_views(fields)
        allx = data + extra
        texts, feats = cached_features(allx, args.cache / "feats.jsonl")
        y = np.asarray([e.label for e in allx], dtype=bool)
        w = np.concatenate([wts, np.ones(len(extra))])
        d = [*doms, *([Domain.druglib] * len(extra))]
        lin = linear_lodo(texts, feats, y.tolist(), w.tolist(), d, 2.0, params, n_eval=n)
        x = use.encode([e.text for e in allx])
        heads = {c: lodo_scores(d, head_fitter(x, y, w, c), n_eval=n) for c in C_GRID}
        print(f"[{name}] {len(extra)} extra rows ({sum(e.label for e in extra)} AE), {time.time() - t0:.0f}s",
              flush=True)
        runs[name] = (lin, heads)
    for name, (lin, heads) in runs.items():
        print(f"[{name}] linear: {per_domain_auc(lin, data, doms)}")
        best = {(name, c, wt): per_domain_auc((1 - wt) * lin + wt * h, data, doms)
                for c, h in heads.items() for wt in WEIGHT_GRID}
        k = choose(best)
        table.update(best)
        a = best[k]
        print(f"[{name}] blend C={k[1]:g} w={k[2]:g}: mean {np.nanmean(list(a.values())):.4f} worst "
              f"{np.nanmin(list(a.values())):.4f} {a}", flush=True)
    k = choose(table)
    print(f"rule picks: {k}: mean {np.nanmean(list(table[k].values())):.4f} {table[k]}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
