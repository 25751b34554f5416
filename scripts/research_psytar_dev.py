"""Research (issue 12, session 15): PsyTAR's dev split (unused by any shipped artefact) as more training rows in
the PsyTAR domain, on top of the session 15 default. Shippable data only; never reads an evaluation corpus.
Protocol and rule: docs/benchmarks.md, session 15.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/research_psytar_dev.py --cache DIR
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from research_views_ae import head_fitter  # noqa: E402
from select_ae_model import cached_features  # noqa: E402

from classifiers.ae.build_tier import C_GRID, WEIGHT_GRID, Key, choose  # noqa: E402
from classifiers.ae.domains import (  # noqa: E402
    authored_platforms,
    collapse,
    domain_of,
    linear_lodo,
    lodo_scores,
    per_domain_auc,  # noqa: E402
)
from classifiers.ae.model import LinearParams  # noqa: E402
from classifiers.ae.readers import Example, psytar_sentences  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, SHARED, default_training_data, train_only_data  # noqa: E402


def dev_rows() -> list[Example]:
    rows = psytar_sentences(SHARED / "psytar" / "splits_binary" / "dev.csv")
    return [Example(e.text, e.label, e.lang, f"psytar:dev:{e.id}") for e in rows]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, required=True)
    args = ap.parse_args()
    platforms = authored_platforms(AUTHORED_DIR)
    from classifiers.ae.embed_cache import CachedEncoder
    from classifiers.ae.encoders import USE_MULTILINGUAL, encoder_for

    use = CachedEncoder(encoder_for(USE_MULTILINGUAL), args.cache / "emb_use")
    params = LinearParams(feature_scale=0.0, balanced=False)
    extra = train_only_data()
    table: dict[Key, dict[str, float]] = {}
    for name in ("default", "dev"):
        base = default_training_data() + (dev_rows() if name == "dev" else [])
        data, doms, weights = collapse(base, platforms)
        n = len(data)
        rows, d = data + extra, doms + [domain_of(e, platforms) for e in extra]
        w = np.asarray(weights + [1.0] * len(extra))
        y = np.asarray([e.label for e in rows], dtype=bool)
        texts, feats = cached_features(rows, args.cache / "feats.jsonl")
        lin = linear_lodo(texts, feats, y.tolist(), w.tolist(), d, 2.0, params, n_eval=n)
        x = use.encode([e.text for e in rows])
        heads = {c: lodo_scores(d, head_fitter(x, y, w, c), n_eval=n) for c in C_GRID}
        for c in C_GRID:
            for wt in WEIGHT_GRID:
                aucs = per_domain_auc((1 - wt) * lin + wt * heads[c], data, doms)
                table[(name, c, wt)] = {k: v for k, v in aucs.items() if k != "psytar"}
        k = choose({key: v for key, v in table.items() if key[0] == name})
        print(f"[{name}] {n} rows; pick C={k[1]:g} w={k[2]:g}: seven domains mean "
              f"{np.nanmean(list(table[k].values())):.4f} {table[k]}", flush=True)
    k = choose(table)
    print(f"rule (seven other domains) picks {k}: mean {np.nanmean(list(table[k].values())):.4f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
