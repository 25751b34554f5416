"""Research (issue 12, session 20): the USE head reads the post with every drug or product mention replaced by a
plain word ("médicament" / "medication", `features.head_text`) against the raw post; `head` masks the head's
input only, `both` masks the linear tier too (session 18's `LinearParams.mask_drugs`). Each candidate at the
build's own pick over its head grid (build_tier.HEAD_GRID) x blend weight. Shippable data only; never reads an
evaluation corpus. Protocol and rule: docs/benchmarks.md, session 20.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/research_head_mask.py --cache DIR [--json FILE]
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from research_lodo import Prepared, blend_aucs, head_scores, prepare, round_setup, summary  # noqa: E402
from select_ae_model import cached_per_text  # noqa: E402

from classifiers.ae.build_tier import TIE, choose  # noqa: E402
from classifiers.ae.domains import Domain, authored_platforms, per_domain_auc  # noqa: E402
from classifiers.ae.features import head_text  # noqa: E402
from classifiers.ae.layers import Layers  # noqa: E402
from classifiers.ae.readers import Example  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, default_training_data, train_only_data  # noqa: E402

# candidate -> (linear tier masked, head input masked)
CANDIDATES = {"default": (False, False), "head": (False, True), "both": (True, True)}
GAIN = TIE  # the protocol: the candidate's mean must clear the baseline's by more than the build's tie
REAL_LOSS = 0.005  # ... and neither real-post domain may lose more than this
REAL = (Domain.psytar.value, Domain.druglib.value)

Key = tuple[str, str, float]  # (candidate, head spec, blend weight)


def cached_head_texts(rows: list[Example], path: Path) -> list[str]:
    """`head_text` of every row, the layers run once per distinct text and kept in `path`."""
    def compute(todo: list[Example]) -> list[list[Any]]:
        return [[head_text(ev)] for ev in Layers([]).run([e.text for e in todo], [e.lang for e in todo])]
    return [v[0] for v in cached_per_text(rows, path, compute)]


def main() -> int:
    args, use = round_setup("write each candidate's picked blend's per-domain AUC here")
    platforms = authored_platforms(AUTHORED_DIR)
    base, extra = default_training_data(), train_only_data()
    linear: dict[bool, Prepared] = {}
    for mask in (False, True):
        t0 = time.time()
        linear[mask] = pn = prepare(base, platforms, args.cache, use, extra, mask_drugs=mask)
        print(f"[linear{' masked' if mask else ''}] alone ({time.time() - t0:.0f}s): "
              f"{summary(per_domain_auc(pn.linear, pn.data, pn.domains))}", flush=True)
    p = linear[False]
    data, doms = p.data, p.domains
    rows = data + extra  # as prepare lays them out
    texts = cached_head_texts(rows, args.cache / "head_texts.jsonl")
    changed = sum(t != e.text for t, e in zip(texts, rows, strict=True))
    print(f"{len(data)} scored rows, {len(extra)} train-only; the head's input changes on {changed}", flush=True)
    t0 = time.time()
    masked = dataclasses.replace(p, x=use.encode(texts))
    print(f"encoded the masked head texts in {time.time() - t0:.0f}s", flush=True)
    heads = {False: head_scores(p, args.cache, "mask"),  # session 18's file names: the head on the raw post
             True: head_scores(masked, args.cache, "masked_input")}
    best: dict[str, dict[str, float]] = {}
    picks: dict[str, Key] = {}
    table: dict[Key, dict[str, float]] = {}
    for name, (lin_mask, head_mask) in CANDIDATES.items():
        mine: dict[Key, dict[str, float]] = {(name, *k): v for k, v in blend_aucs(linear[lin_mask].linear,
                                                                                  heads[head_mask], p).items()}
        picks[name] = k = choose(mine)
        best[name] = mine[k]
        table |= mine
        print(f"[{name}] pick {k[1]} w={k[2]:g}: {summary(mine[k])}", flush=True)
    for head_name in heads[True]:  # a reading aid, not part of the rule: each head spec alone
        print(f"  head alone, masked input, {head_name}: "
              f"{summary(per_domain_auc(heads[True][head_name], data, doms))}", flush=True)
    _, head_name, wt = picks["default"]  # a reading aid: the candidates at the baseline's own pick
    for name in ("head", "both"):
        print(f"[{name}] at default's pick {head_name} w={wt:g}: {summary(table[(name, head_name, wt)])}",
              flush=True)
    winner = choose({picks[n]: best[n] for n in ("head", "both")})[0]
    d, c = best["default"], best[winner]
    mean = {k: float(np.mean(list(v.values()))) for k, v in best.items()}
    real_loss = max(d[x] - c[x] for x in REAL)
    adopted = mean[winner] >= mean["default"] + GAIN and real_loss <= REAL_LOSS
    print(f"rule: {winner} {'adopted' if adopted else 'not adopted'} (mean {mean[winner]:.4f} vs "
          f"{mean['default']:.4f}; largest real-post loss {real_loss:.4f})", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"best": best, "picks": {n: list(k) for n, k in picks.items()},
                                         "winner": winner, "adopted": adopted}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
