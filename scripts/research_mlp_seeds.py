"""Research (issue 12, session 22): the MLP head at alpha 0.1 as a five-seed ensemble (mean logit of seeds 0-4)
against the build's pick over the current head grid (build_tier.HEAD_GRID) x blend weight, on the raw post and
the shipped linear tier. Shippable data only; never reads an evaluation corpus. Protocol and rule:
docs/benchmarks.md, session 22.

Every head's LODO logits are fitted fold by fold on `--jobs` processes (classifiers/ae/head_lodo.py, as the
build fits them), kept in DIR by research_lodo.lodo_logits; the seed-0 member is the grid's MLP 0.1 head itself.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/research_mlp_seeds.py --cache DIR [--json FILE]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from research_lodo import GainBar, blend_aucs, lodo_logits, prepare, round_setup, summary, write_verdict  # noqa: E402

from classifiers.ae.build_tier import HEAD_GRID, TIE, choose  # noqa: E402
from classifiers.ae.domains import authored_platforms, per_domain_auc  # noqa: E402
from classifiers.ae.head import HeadKind, HeadSpec  # noqa: E402
from classifiers.ae.head import sigmoid as prob  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, default_training_data, train_only_data  # noqa: E402

BASE = HeadSpec(HeadKind.mlp, 0.1)
SEEDS = 5
CANDIDATE = HeadSpec(HeadKind.mlp, 0.1, seeds=SEEDS)
MEMBERS = (BASE, *(HeadSpec(HeadKind.mlp, 0.1, seed=s) for s in range(1, SEEDS)))
GAIN = TIE  # the protocol: the candidate's mean must clear the baseline's by more than the build's tie
REAL_LOSS = 0.005  # ... neither real-post domain may lose more than this, and their mean may not fall

Key = tuple[str, float]  # (head spec, blend weight)


def jobs_arg(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--jobs", type=int, default=2, help="processes fitting folds in parallel")


def main() -> int:
    args, use = round_setup("write the baseline's and the extended grid's picks here", jobs_arg)
    p = prepare(default_training_data(), authored_platforms(AUTHORED_DIR), args.cache, use, train_only_data())
    print(f"linear alone: {summary(per_domain_auc(p.linear, p.data, p.domains))}", flush=True)
    logits = lodo_logits(p, [*HEAD_GRID, *MEMBERS[1:]], args.cache, args.jobs)
    heads = {str(s): prob(logits[s]) for s in HEAD_GRID}
    heads[str(CANDIDATE)] = prob(np.mean([logits[s] for s in MEMBERS], axis=0))
    for s in MEMBERS:  # a reading aid: how much one network's transfer depends on its seed
        print(f"  head alone, {s}: {summary(per_domain_auc(prob(logits[s]), p.data, p.domains))}", flush=True)
    print(f"  head alone, {CANDIDATE}: {summary(per_domain_auc(heads[str(CANDIDATE)], p.data, p.domains))}",
          flush=True)
    table: dict[Key, dict[str, float]] = blend_aucs(p.linear, heads, p)
    current = {str(s) for s in HEAD_GRID}
    base = choose({k: v for k, v in table.items() if k[0] in current})
    pick = choose(table)
    for name, k in (("baseline", base), ("extended", pick)):
        print(f"[{name}] pick {k[0]} w={k[1]:g}: {summary(table[k])}", flush=True)
    k = choose({kk: v for kk, v in table.items() if kk[0] == str(CANDIDATE)})  # reading aid, not the rule
    print(f"  {CANDIDATE} at its best weight {k[1]:g}: {summary(table[k])}", flush=True)
    for s in MEMBERS[1:]:  # reading aid: each single seed blended at the baseline's weight
        aucs = per_domain_auc((1 - base[1]) * p.linear + base[1] * prob(logits[s]), p.data, p.domains)
        print(f"  {s} at w={base[1]:g}: {summary(aucs)}", flush=True)
    ok, why = GainBar(GAIN, REAL_LOSS, real_mean_guard=True).judge(table[base], table[pick])
    adopted = pick[0] == str(CANDIDATE) and ok
    print(f"rule: {pick[0]} {'adopted' if adopted else 'not adopted'} ({why})", flush=True)
    write_verdict(args.json, base, pick, table, adopted)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
