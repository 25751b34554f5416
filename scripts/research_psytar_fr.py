"""Research (issue 12, session 17): PsyTAR's training sentences translated into lay French
(classifiers/data/translated/) as train-only rows of the PsyTAR domain. An ablation with an explicit switch, so it
reproduces on any later main: `default` (train_only_data without the translations) against `fr_psytar` (with
them), each at the build's own pick over its head grid (build_tier.HEAD_GRID) x blend weight. Shippable data only;
never reads an evaluation corpus. Protocol and rule: docs/benchmarks.md, session 17.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/research_psytar_fr.py --cache DIR
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
from research_lodo import head_lodo, prepare, summary  # noqa: E402

from classifiers.ae.build_tier import HEAD_GRID, TIE, WEIGHT_GRID, choose  # noqa: E402
from classifiers.ae.domains import DOMAINS_BY_LANG, authored_platforms, per_domain_auc  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, default_training_data, train_only_data  # noqa: E402

CANDIDATES = {"default": False, "fr_psytar": True}  # train_only_data(translated=...)
DOMAIN_LOSS = 0.005  # the protocol: no single domain may lose more than this
FRENCH = tuple(d.value for d in DOMAINS_BY_LANG["fr"])

Key = tuple[str, str, float]  # (candidate, head spec, blend weight)


def main() -> int:
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    warnings.filterwarnings("ignore", category=ConvergenceWarning)  # the MLP's fixed epoch budget, as in the build
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--json", type=Path, help="write every candidate's picked blend's per-domain AUC here")
    ap.add_argument("--only", choices=list(CANDIDATES), help="run one candidate (its pick is kept in the cache "
                    "folder); the rule is applied once both candidates' picks are there")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    platforms = authored_platforms(AUTHORED_DIR)
    from classifiers.ae.embed_cache import CachedEncoder
    from classifiers.ae.encoders import USE_MULTILINGUAL, encoder_for

    use = CachedEncoder(encoder_for(USE_MULTILINGUAL), args.cache / "emb_use")
    base = default_training_data()
    best: dict[str, dict[str, float]] = {}
    for name, translated in CANDIDATES.items():
        if args.only and name != args.only:
            continue
        extra = train_only_data(translated=translated)
        p = prepare(base, platforms, args.cache, use, extra)
        n = len(p.data)
        table: dict[Key, dict[str, float]] = {}
        for spec in HEAD_GRID:
            t0 = time.time()
            head = head_lodo(p, spec)
            for wt in WEIGHT_GRID:
                table[(name, str(spec), wt)] = per_domain_auc((1 - wt) * p.linear + wt * head, p.data, p.domains)
            print(f"  [{name}] head {spec}: {time.time() - t0:.0f}s", flush=True)
        k = choose(table)
        best[name] = table[k]
        print(f"[{name}] {n} scored rows, {len(extra)} train-only ({sum(e.label for e in extra)} AE, "
              f"{sum(e.lang == 'fr' for e in extra)} French); linear alone "
              f"{summary(per_domain_auc(p.linear, p.data, p.domains))}", flush=True)
        print(f"[{name}] pick {k[1]} w={k[2]:g}: {summary(table[k])}", flush=True)
        (args.cache / f"psytar_fr_{name}.json").write_text(json.dumps({"pick": list(k), "auc": table[k]}))
    for name in CANDIDATES:
        kept = args.cache / f"psytar_fr_{name}.json"
        if name not in best and kept.exists():
            best[name] = json.loads(kept.read_text())["auc"]
    if len(best) < len(CANDIDATES):
        return 0
    d, c = best["default"], best["fr_psytar"]
    mean = {k: float(np.mean(list(v.values()))) for k, v in best.items()}
    fr = {k: float(np.mean([v[x] for x in FRENCH])) for k, v in best.items()}
    worst_loss = max(d[x] - c[x] for x in d)
    adopted = mean["fr_psytar"] >= mean["default"] - TIE and fr["fr_psytar"] >= fr["default"] - TIE \
        and worst_loss <= DOMAIN_LOSS
    print(f"rule: fr_psytar {'adopted' if adopted else 'not adopted'} (mean {mean['fr_psytar']:.4f} vs "
          f"{mean['default']:.4f}; French {fr['fr_psytar']:.4f} vs {fr['default']:.4f}; largest single-domain loss "
          f"{worst_loss:.4f})", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"best": best, "adopted": adopted}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
