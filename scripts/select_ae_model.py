"""Research: compare candidate settings of the default model by leave-one-domain-out AUC on SHIPPABLE data only
(issue 12's protocol, docs/benchmarks.md). Never reads an evaluation corpus.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/select_ae_model.py --cache DIR [--only NAME ...]

`--cache DIR` keeps the layer features (feats.jsonl) and sentence embeddings (emb/) between runs.
Prints, per candidate, each domain's AUC for the linear tier, the head and the best blend.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from classifiers.ae.domains import Domain, authored_platforms, collapse, linear_lodo, lodo_scores, per_domain_auc  # noqa: E402
from classifiers.ae.head import EmbeddingHead  # noqa: E402
from classifiers.ae.layers import Layers  # noqa: E402
from classifiers.ae.model import CHAR, FUNCTION_WORDS, WORD, LinearParams  # noqa: E402
from classifiers.ae.readers import Example  # noqa: E402
from classifiers.ae.training import featurize  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, default_training_data  # noqa: E402

CANDIDATES: dict[str, dict[str, Any]] = {
    "current": {},
    "c0.5": {"c": 0.5},
    "nofeat": {"params": LinearParams(feature_scale=0.0)},
    "stopw": {"params": LinearParams(word={**WORD, "stop_words": FUNCTION_WORDS})},
    "c4": {"c": 4.0},
    "stopw_c4": {"c": 4.0, "params": LinearParams(word={**WORD, "stop_words": FUNCTION_WORDS})},
    "unbalanced": {"params": LinearParams(balanced=False)},
    "feat1.5": {"params": LinearParams(feature_scale=1.5)},
    "stopw_feat1.5": {"params": LinearParams(word={**WORD, "stop_words": FUNCTION_WORDS}, feature_scale=1.5)},
    "char15": {"params": LinearParams(char={**CHAR, "ngram_range": (1, 5), "min_df": 5})},
}


def key(e: Example) -> str:
    return hashlib.sha1(f"{e.lang}|{e.text}".encode(), usedforsecurity=False).hexdigest()


def cached_features(data: list[Example], path: Path) -> tuple[list[str], list[list[float]]]:
    store: dict[str, tuple[str, list[float]]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            k, t, f = json.loads(line)
            store[k] = (t, f)
    todo = list({key(e): e for e in data if key(e) not in store}.values())
    if todo:
        t0 = time.time()
        texts, feats = featurize(Layers([]), todo)
        with path.open("a", encoding="utf-8") as fh:
            for e, t, f in zip(todo, texts, feats, strict=True):
                store[key(e)] = (t, f)
                fh.write(json.dumps([key(e), t, f]) + "\n")
        print(f"featurized {len(todo)} texts in {time.time() - t0:.0f}s", flush=True)
    return [store[key(e)][0] for e in data], [store[key(e)][1] for e in data]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--heads", nargs="*", type=float, default=[0.3, 1.0, 3.0])
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    data, doms, weights = collapse(default_training_data(), authored_platforms(AUTHORED_DIR))
    wts = np.asarray(weights)
    print({d.value: sum(x is d for x in doms) for d in Domain}, flush=True)
    texts, feats = cached_features(data, args.cache / "feats.jsonl")
    labels = np.asarray([e.label for e in data], dtype=bool)

    from classifiers.ae.embed_cache import CachedEncoder
    from classifiers.ae.encoders import USE_MULTILINGUAL, encoder_for
    x = CachedEncoder(encoder_for(USE_MULTILINGUAL), args.cache / "emb_use").encode([e.text for e in data])
    heads = {}
    for c in args.heads:
        def fit_head(tr: np.ndarray, te: np.ndarray, c: float = c) -> np.ndarray:
            return EmbeddingHead.fit(x[tr], labels[tr].tolist(), c=c, weights=wts[tr]).prob(x[te])
        hp = args.cache / f"head_{c}.npy"
        heads[c] = np.load(hp) if hp.exists() else lodo_scores(doms, fit_head)
        np.save(hp, heads[c])
        print(f"head C={c}: {per_domain_auc(heads[c], data, doms)}", flush=True)

    for name, spec in CANDIDATES.items():
        if args.only and name not in args.only:
            continue
        t0 = time.time()

        lp = args.cache / f"lin_{name}.npy"
        lin = np.load(lp) if lp.exists() else linear_lodo(texts, feats, labels.tolist(), weights, doms,
                                                          spec.get("c", 2.0), spec.get("params", LinearParams()))
        np.save(args.cache / f"lin_{name}.npy", lin)
        print(f"[{name}] linear ({time.time() - t0:.0f}s): {per_domain_auc(lin, data, doms)}", flush=True)
        for c, h in heads.items():
            for w in (0.2, 0.3, 0.5):
                a = per_domain_auc((1 - w) * lin + w * h, data, doms)
                print(f"[{name}] head C={c} w={w}: mean {np.mean(list(a.values())):.4f} {a}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
