"""Research (issue 12, session 20): the MLP head at L2 penalties below the grid's edge (alpha 0.03 and 0.01)
against the build's pick over the current head grid (build_tier.HEAD_GRID) x blend weight, all on the raw post
and the shipped linear tier. Shippable data only; never reads an evaluation corpus. Protocol and rule:
docs/benchmarks.md, session 20.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/research_mlp_alpha.py --cache DIR [--json FILE]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from research_lodo import GainBar, blend_aucs, head_scores, prepare, round_setup, summary, write_verdict  # noqa: E402

from classifiers.ae.build_tier import HEAD_GRID, TIE, choose  # noqa: E402
from classifiers.ae.domains import authored_platforms, per_domain_auc  # noqa: E402
from classifiers.ae.head import HeadKind, HeadSpec  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, default_training_data, train_only_data  # noqa: E402

NEW = tuple(HeadSpec(HeadKind.mlp, a) for a in (0.03, 0.01))
GAIN = TIE  # the protocol: the new pick's mean must clear the baseline's by more than the build's tie
REAL_LOSS = 0.005  # ... and neither real-post domain may lose more than this

Key = tuple[str, float]  # (head spec, blend weight)


def main() -> int:
    args, use = round_setup("write the baseline's and the extended grid's picks here")
    p = prepare(default_training_data(), authored_platforms(AUTHORED_DIR), args.cache, use, train_only_data())
    print(f"linear alone: {summary(per_domain_auc(p.linear, p.data, p.domains))}", flush=True)
    # session 18's file names: the head on the raw post
    heads = head_scores(p, args.cache, "mask", HEAD_GRID) | head_scores(p, args.cache, "mask", NEW)
    table: dict[Key, dict[str, float]] = blend_aucs(p.linear, heads, p)
    for spec in NEW:
        print(f"  head alone, {spec}: {summary(per_domain_auc(heads[str(spec)], p.data, p.domains))}", flush=True)
    current = {str(s) for s in HEAD_GRID}
    base = choose({k: v for k, v in table.items() if k[0] in current})
    pick = choose(table)
    for name, k in (("baseline", base), ("extended", pick)):
        print(f"[{name}] pick {k[0]} w={k[1]:g}: {summary(table[k])}", flush=True)
    for spec in NEW:  # a reading aid, not part of the rule: each new alpha at its own best weight
        k = choose({kk: v for kk, v in table.items() if kk[0] == str(spec)})
        print(f"  {spec} at its best weight {k[1]:g}: {summary(table[k])}", flush=True)
    ok, why = GainBar(GAIN, REAL_LOSS).judge(table[base], table[pick])
    adopted = pick[0] not in current and ok
    print(f"rule: {pick[0]} {'adopted' if adopted else 'not adopted'} ({why})", flush=True)
    write_verdict(args.json, base, pick, table, adopted)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
