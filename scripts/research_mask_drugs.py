"""Research (issue 12, session 18): the linear tier reads its text with every drug or product mention masked
(`features.model_text(ev, mask_drugs=True)`) against the shipped text. An ablation with an explicit switch
(`LinearParams.mask_drugs`), so it reproduces on any later main: `default` against `mask`, each at the build's own
pick over its head grid (build_tier.HEAD_GRID) x blend weight; the head reads the raw post in both, so its LODO
scores are computed once. Shippable data only; never reads an evaluation corpus. Protocol and rule:
docs/benchmarks.md, session 18.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/research_mask_drugs.py --cache DIR [--json FILE]
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
from research_lodo import Prepared, summary  # noqa: E402
from research_psytar_fr import head_lodo  # noqa: E402
from select_ae_model import key  # noqa: E402

from classifiers.ae.build_tier import HEAD_GRID, TIE, WEIGHT_GRID, choose  # noqa: E402
from classifiers.ae.domains import Domain, authored_platforms, collapse, domain_of, linear_lodo, per_domain_auc  # noqa: E402
from classifiers.ae.features import features, model_text  # noqa: E402
from classifiers.ae.layers import Layers  # noqa: E402
from classifiers.ae.model import LinearParams  # noqa: E402
from classifiers.ae.readers import Example  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, default_training_data, train_only_data  # noqa: E402

CANDIDATES = {"default": False, "mask": True}  # LinearParams(mask_drugs=...)
GAIN = TIE  # the protocol: the candidate's mean must clear the baseline's by more than the build's tie
REAL_LOSS = 0.005  # ... and neither real-post domain may lose more than this
REAL = (Domain.psytar.value, Domain.druglib.value)

Key = tuple[str, str, float]  # (candidate, head spec, blend weight)


def cached_texts(rows: list[Example], path: Path) -> tuple[dict[bool, list[str]], list[list[float]]]:
    """Both texts (plain, masked) and the layer features of every row, from one run of the layers."""
    store: dict[str, tuple[str, str, list[float]]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            k, plain, masked, f = json.loads(line)
            store[k] = (plain, masked, f)
    todo = list({key(e): e for e in rows if key(e) not in store}.values())
    if todo:
        t0 = time.time()
        evs = Layers([]).run([e.text for e in todo], [e.lang for e in todo])
        with path.open("a", encoding="utf-8") as fh:
            for e, ev in zip(todo, evs, strict=True):
                store[key(e)] = (model_text(ev), model_text(ev, True), features(ev))
                fh.write(json.dumps([key(e), *store[key(e)]]) + "\n")
        print(f"featurized {len(todo)} texts in {time.time() - t0:.0f}s", flush=True)
    got = [store[key(e)] for e in rows]
    return {False: [g[0] for g in got], True: [g[1] for g in got]}, [g[2] for g in got]


def main() -> int:
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    warnings.filterwarnings("ignore", category=ConvergenceWarning)  # the MLP's fixed epoch budget, as in the build
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--json", type=Path, help="write each candidate's picked blend's per-domain AUC here")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    platforms = authored_platforms(AUTHORED_DIR)
    data, doms, weights = collapse(default_training_data(), platforms)
    extra = train_only_data()
    rows, row_doms = data + extra, doms + [domain_of(e, platforms) for e in extra]
    w = np.asarray(weights + [1.0] * len(extra))
    y = np.asarray([e.label for e in rows], dtype=bool)
    texts, feats = cached_texts(rows, args.cache / "feats_mask.jsonl")
    masked = sum(a != b for a, b in zip(texts[False], texts[True], strict=True))
    print(f"{len(data)} scored rows, {len(extra)} train-only; {masked} rows name a drug the layers find", flush=True)
    from classifiers.ae.embed_cache import CachedEncoder
    from classifiers.ae.encoders import USE_MULTILINGUAL, encoder_for

    x = CachedEncoder(encoder_for(USE_MULTILINGUAL), args.cache / "emb_use").encode([e.text for e in rows])
    linear: dict[str, np.ndarray] = {}
    for name, mask in CANDIDATES.items():
        t0 = time.time()
        params = LinearParams(feature_scale=0.0, balanced=False, mask_drugs=mask)  # the shipped linear tier
        linear[name] = linear_lodo(texts[mask], feats, y.tolist(), w.tolist(), row_doms, 2.0, params,
                                   n_eval=len(data))
        print(f"[{name}] linear alone ({time.time() - t0:.0f}s): "
              f"{summary(per_domain_auc(linear[name], data, doms))}", flush=True)
    p = Prepared(data, doms, row_doms, w, y, linear["default"], x)
    heads: dict[str, np.ndarray] = {}
    for spec in HEAD_GRID:
        hp = args.cache / f"head_mask_{spec}.npy".replace(" ", "_")
        t0 = time.time()
        heads[str(spec)] = np.load(hp) if hp.exists() else head_lodo(p, spec)
        np.save(hp, heads[str(spec)])
        print(f"  head {spec}: {time.time() - t0:.0f}s", flush=True)
    best: dict[str, dict[str, float]] = {}
    picks: dict[str, Key] = {}
    table: dict[Key, dict[str, float]] = {}
    for name in CANDIDATES:
        mine: dict[Key, dict[str, float]] = {}
        for head_name, head in heads.items():
            for wt in WEIGHT_GRID:
                mine[(name, head_name, wt)] = per_domain_auc((1 - wt) * linear[name] + wt * head, data, doms)
        picks[name] = k = choose(mine)
        best[name] = mine[k]
        table |= mine
        print(f"[{name}] pick {k[1]} w={k[2]:g}: {summary(mine[k])}", flush=True)
    # A reading aid, not part of the rule: each candidate at the other's pick (same head, same weight).
    for name, other in (("mask", "default"), ("default", "mask")):
        _, head_name, wt = picks[other]
        print(f"[{name}] at {other}'s pick {head_name} w={wt:g}: {summary(table[(name, head_name, wt)])}",
              flush=True)
    d, c = best["default"], best["mask"]
    mean = {k: float(np.mean(list(v.values()))) for k, v in best.items()}
    real_loss = max(d[x] - c[x] for x in REAL)
    adopted = mean["mask"] >= mean["default"] + GAIN and real_loss <= REAL_LOSS
    print(f"rule: mask {'adopted' if adopted else 'not adopted'} (mean {mean['mask']:.4f} vs "
          f"{mean['default']:.4f}; largest real-post loss {real_loss:.4f})", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"best": best, "adopted": adopted}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
