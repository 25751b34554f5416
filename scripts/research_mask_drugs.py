"""Research (issue 12, session 18): the linear tier reads its text with every drug or product mention masked
(`features.model_text(ev, mask_drugs=True)`) against the shipped text. An ablation with an explicit switch
(`LinearParams.mask_drugs`), so it reproduces on any later main: `default` against `mask`, each at the build's own
pick over its head grid (build_tier.HEAD_GRID) x blend weight; the head reads the raw post in both, so its LODO
scores are computed once. Shippable data only; never reads an evaluation corpus. Protocol and rule:
docs/benchmarks.md, session 18.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/research_mask_drugs.py --cache DIR [--json FILE]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from research_lodo import Prepared, blend_aucs, head_scores, prepare, round_setup, summary  # noqa: E402
from select_ae_model import cached_features  # noqa: E402

from classifiers.ae.build_tier import TIE, choose  # noqa: E402
from classifiers.ae.domains import Domain, authored_platforms, per_domain_auc  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, default_training_data, train_only_data  # noqa: E402

CANDIDATES = {"default": False, "mask": True}  # research_lodo.prepare(mask_drugs=...)
GAIN = TIE  # the protocol: the candidate's mean must clear the baseline's by more than the build's tie
REAL_LOSS = 0.005  # ... and neither real-post domain may lose more than this
REAL = (Domain.psytar.value, Domain.druglib.value)

Key = tuple[str, str, float]  # (candidate, head spec, blend weight)


def main() -> int:
    args, use = round_setup("write each candidate's picked blend's per-domain AUC here")
    platforms = authored_platforms(AUTHORED_DIR)
    base, extra = default_training_data(), train_only_data()
    prepared: dict[str, Prepared] = {}
    for name, mask in CANDIDATES.items():
        t0 = time.time()
        prepared[name] = pn = prepare(base, platforms, args.cache, use, extra, mask_drugs=mask)
        print(f"[{name}] linear alone ({time.time() - t0:.0f}s): "
              f"{summary(per_domain_auc(pn.linear, pn.data, pn.domains))}", flush=True)
    p = prepared["default"]  # the head reads the raw post, so one LODO of it serves both candidates
    data = p.data
    rows = data + extra  # as prepare lays them out; both texts are cached by now
    masked = sum(a != b for a, b in zip(cached_features(rows, args.cache / "feats.jsonl")[0],
                                        cached_features(rows, args.cache / "feats_masked.jsonl", True)[0],
                                        strict=True))
    print(f"{len(data)} scored rows, {len(extra)} train-only; {masked} rows name a drug the layers find", flush=True)
    heads = head_scores(p, args.cache, "mask")
    best: dict[str, dict[str, float]] = {}
    picks: dict[str, Key] = {}
    table: dict[Key, dict[str, float]] = {}
    for name in CANDIDATES:
        mine: dict[Key, dict[str, float]] = {(name, *k): v for k, v in blend_aucs(prepared[name].linear, heads,
                                                                                  p).items()}
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
