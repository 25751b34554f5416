"""Research: compare candidate settings of the default model by leave-one-domain-out AUC on SHIPPABLE data only
(issue 12's protocol, docs/benchmarks.md). Never reads an evaluation corpus.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/select_ae_model.py --cache DIR [--only NAME ...]

`--cache DIR` keeps the layer features (feats.jsonl), sentence embeddings (emb_use/) and LODO scores between runs.
Prints, per candidate, each domain's AUC for the linear tier and for the blend the build's rule picks (head C x
weight), then the candidate the rule picks among them all.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from classifiers.ae.build_tier import C_GRID, WEIGHT_GRID, choose  # noqa: E402
from classifiers.ae.domains import Domain, authored_platforms, collapse, linear_lodo, lodo_scores, per_domain_auc  # noqa: E402
from classifiers.ae.head import EmbeddingHead  # noqa: E402
from classifiers.ae.layers import Layers  # noqa: E402
from classifiers.ae.mix import LITERATURE_DOMAINS, Mix, mix_weights, noisy  # noqa: E402
from classifiers.ae.model import CHAR, FUNCTION_WORDS, WORD, LinearParams  # noqa: E402
from classifiers.ae.readers import Example  # noqa: E402
from classifiers.ae.training import featurize  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, default_training_data  # noqa: E402

NOFEAT = 0.0  # feature_scale of the "no layer features" (`nofeat`) candidates
# Session 13's round (docs/benchmarks.md): every candidate relative to the shipped `nofeat`. Keys: c, params (linear
# tier), mix (row weights of both tiers), nolit (literature never trains), noise (noisy copies train the linear tier).
CANDIDATES: dict[str, dict[str, Any]] = {
    "nofeat": {"params": LinearParams(feature_scale=NOFEAT)},
    "nofeat+unbalanced": {"params": LinearParams(feature_scale=NOFEAT, balanced=False)},
    "nofeat+char15": {"params": LinearParams(char={**CHAR, "ngram_range": (1, 5), "min_df": 5}, feature_scale=NOFEAT)},
    "nofeat+c4": {"c": 4.0, "params": LinearParams(feature_scale=NOFEAT)},
    "nofeat+c1": {"c": 1.0, "params": LinearParams(feature_scale=NOFEAT)},
    "nofeat+mix=domain": {"params": LinearParams(feature_scale=NOFEAT), "mix": Mix.domain},
    "nofeat+mix=rows": {"params": LinearParams(feature_scale=NOFEAT), "mix": Mix.rows},
    "nofeat+mix=authored4": {"params": LinearParams(feature_scale=NOFEAT), "mix": Mix.authored4},
    "nofeat+nolit": {"params": LinearParams(feature_scale=NOFEAT), "nolit": True},
    "nofeat+noise": {"params": LinearParams(feature_scale=NOFEAT), "noise": True},
    "nofeat+mindf": {"params": LinearParams(word={**WORD, "min_df": 3, "max_features": 20_000},
                                            char={**CHAR, "min_df": 5, "max_features": 20_000}, feature_scale=NOFEAT)},
    # research of the earlier round, kept for reproduction
    "feat3": {},
    "stopw": {"params": LinearParams(word={**WORD, "stop_words": FUNCTION_WORDS})},
}

Key = tuple[str, float, float]  # (candidate, head C or alpha, blend weight)


def key(e: Example) -> str:
    return hashlib.sha1(f"{e.lang}|{e.text}".encode(), usedforsecurity=False).hexdigest()


def cached_per_text(data: list[Example], path: Path,
                    compute: Callable[[list[Example]], list[list[Any]]]) -> list[list[Any]]:
    """`compute`'s values for each row, once per distinct (language, text): kept in `path`, one JSON line
    `[key, *values]` per text, and computed only for the texts not there yet."""
    store: dict[str, list[Any]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            k, *v = json.loads(line)
            store[k] = v
    todo = list({key(e): e for e in data if key(e) not in store}.values())
    if todo:
        t0 = time.time()
        with path.open("a", encoding="utf-8") as fh:
            for e, v in zip(todo, compute(todo), strict=True):
                store[key(e)] = v
                fh.write(json.dumps([key(e), *v], ensure_ascii=False) + "\n")
        print(f"ran the layers on {len(todo)} texts for {path.name} in {time.time() - t0:.0f}s", flush=True)
    return [store[key(e)] for e in data]


def cached_features(data: list[Example], path: Path,
                    mask_drugs: bool = False) -> tuple[list[str], list[list[float]]]:
    def compute(todo: list[Example]) -> list[list[Any]]:
        texts, feats = featurize(Layers([]), todo, mask_drugs)
        return [[t, f] for t, f in zip(texts, feats, strict=True)]
    out = cached_per_text(data, path, compute)
    return [v[0] for v in out], [v[1] for v in out]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    data, doms, weights = collapse(default_training_data(), authored_platforms(AUTHORED_DIR))
    authored_ids = set(authored_platforms(AUTHORED_DIR))
    authored = [e.id in authored_ids for e in data]
    print({d.value: sum(x is d for x in doms) for d in Domain}, flush=True)
    # noisy copies (train only, after the scored rows): authored posts other than literature sentences
    src = [i for i, e in enumerate(data) if authored[i] and doms[i] not in LITERATURE_DOMAINS]
    copies = [Example(noisy(data[i].text, data[i].lang), data[i].label, data[i].lang, f"{data[i].id}:noisy")
              for i in src]
    n = len(data)
    texts, feats = cached_features(data + copies, args.cache / "feats.jsonl")
    labels = np.asarray([e.label for e in data + copies], dtype=bool)
    from classifiers.ae.embed_cache import CachedEncoder
    from classifiers.ae.encoders import USE_MULTILINGUAL, encoder_for
    x = CachedEncoder(encoder_for(USE_MULTILINGUAL), args.cache / "emb_use").encode([e.text for e in data])

    heads: dict[tuple[str, bool, float], np.ndarray] = {}

    def head_scores(mix: Mix, nolit: bool, wts: np.ndarray) -> dict[float, np.ndarray]:
        never = LITERATURE_DOMAINS if nolit else frozenset()
        for c in C_GRID:
            k = (mix.value, nolit, c)
            hp = args.cache / f"head_{mix.value}_{int(nolit)}_{c}.npy"
            if k not in heads:
                def fit_head(tr: np.ndarray, te: np.ndarray, c: float = c) -> np.ndarray:
                    return EmbeddingHead.fit(x[tr], labels[tr].tolist(), c=c, weights=wts[tr]).prob(x[te])
                heads[k] = np.load(hp) if hp.exists() else lodo_scores(doms, fit_head, never_train=never)
                np.save(hp, heads[k])
        return {c: heads[(mix.value, nolit, c)] for c in C_GRID}

    table: dict[Key, dict[str, float]] = {}
    for name, spec in CANDIDATES.items():
        if args.only and name not in args.only:
            continue
        t0 = time.time()
        mix, nolit, noise = spec.get("mix", Mix.default), bool(spec.get("nolit")), bool(spec.get("noise"))
        wts = mix_weights(weights, doms, authored, mix)
        never = LITERATURE_DOMAINS if nolit else frozenset()
        lp = args.cache / f"lin_{name}.npy"
        if lp.exists():
            lin = np.load(lp)
        elif noise:
            lin = linear_lodo(texts, feats, labels.tolist(), [*wts, *([1.0] * len(copies))],
                              [*doms, *(doms[i] for i in src)], spec.get("c", 2.0), spec["params"], n_eval=n)
        else:
            lin = linear_lodo(texts[:n], feats[:n], labels[:n].tolist(), wts.tolist(), doms, spec.get("c", 2.0),
                              spec.get("params", LinearParams()), never_train=never)
        np.save(lp, lin)
        print(f"[{name}] linear ({time.time() - t0:.0f}s): {per_domain_auc(lin, data, doms)}", flush=True)
        best: dict[Key, dict[str, float]] = {}
        for c, h in head_scores(mix, nolit, wts).items():
            for w in WEIGHT_GRID:
                best[(name, c, w)] = per_domain_auc((1 - w) * lin + w * h, data, doms)
        k = choose(best)
        table.update(best)  # the rule runs over every (candidate, C, weight) jointly, as in the build
        a = best[k]
        print(f"[{name}] blend C={k[1]:g} w={k[2]:g}: mean {np.nanmean(list(a.values())):.4f} worst "
              f"{np.nanmin(list(a.values())):.4f} {a} ({time.time() - t0:.0f}s)", flush=True)
    if table:
        k = choose(table)
        print(f"rule picks: {k}: mean {np.nanmean(list(table[k].values())):.4f} {table[k]}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
