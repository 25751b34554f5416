"""Research (issue 12, session 21): authored batches aimed at the cells where session 20's diagnostic found the
default failing (disease-symptom contrast, French chatbot, tweet-register sarcasm and hard negatives, negation
contrast). Protocol and rule: docs/benchmarks.md, session 21. Shippable data only; never reads an evaluation
corpus.

- `default`: the build's data without the new batches, at the build's own pick over HEAD_GRID x WEIGHT_GRID.
- `s21`: the same scored rows, plus the new batches' training part (the held-out fold excluded, by the build's id
  rule) at the authored weight as train-only rows of their own domain: they train only when their domain is not
  held out and are never scored, so both candidates are judged on the very same rows.

It also prints (no choice is made from them) the shipped default's recall and share flagged on each new batch,
which it never saw, and both candidates' per-cell results on the old authored posts (research_cells). Both read
the committed model (its standard thresholds), so they reproduce at the commit a round ran on (round 1: ce62cba,
round 2: 7503a37); the LODO AUCs and the rule reproduce on any later main.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/research_s21_data.py --cache DIR [--round s21b]

Round 2 (`--round s21b`, protocol in docs/benchmarks.md) judges five more batches (`*_s21_02`) on top of round
1's, on the same scored rows: round 1's candidate is its baseline.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from research_cells import cell_counts, print_cells  # noqa: E402
from research_lodo import Prepared, blend_aucs, head_scores, prepare, round_setup, summary  # noqa: E402

from classifiers.ae.build_tier import choose  # noqa: E402
from classifiers.ae.domains import authored_records, file_records, per_domain_auc, platforms_of  # noqa: E402
from classifiers.ae.head import EmbeddingHead  # noqa: E402
from classifiers.ae.readers import read_corpus  # noqa: E402
from classifiers.build_model import (  # noqa: E402
    AUTHORED_DIR,
    AUTHORED_WEIGHT,
    HEAD_DIR,
    REPO,
    default_training_data,
    is_held_out,
    train_only_data,
)

GAIN = 0.002  # the gain bar: the candidate's mean LODO AUC must beat the baseline's by this much
REAL_LOSS = 0.005  # and neither real-post domain may lose more than this
REAL = ("psytar", "druglib")


# The rounds: each candidate's batches (file-name patterns), and the candidate it is judged against.
ROUNDS: dict[str, tuple[tuple[str, ...], str]] = {
    "s21": (("*_s21_01.jsonl",), "default"),  # round 1: the seven batches against the session 16 data
    "s21b": (("*_s21_01.jsonl", "*_s21_02.jsonl"), "s21"),  # round 2: five more batches on top of round 1's
}
PARKED = REPO / "classifiers" / "data" / "parked"  # where a round's batches wait until it decides (never built on)


def batch_files(name: str) -> list[Path]:
    """The batches of candidate `name` ("default" has none), adopted (authored/<lang>/) or parked."""
    if name == "default":
        return []
    return [f for pat in ROUNDS[name][0]
            for f in sorted(AUTHORED_DIR.glob(f"*/{pat}")) + sorted(PARKED.glob(f"*/{pat}"))]


def pick(p: Prepared, heads: dict[str, np.ndarray], name: str) -> tuple[tuple[str, float], dict[str, float]]:
    table = blend_aucs(p.linear, heads, p)
    k = choose(table)
    print(f"[{name}] linear alone {summary(per_domain_auc(p.linear, p.data, p.domains))}", flush=True)
    print(f"[{name}] pick {k[0]} w={k[1]:g}: {summary(table[k])}", flush=True)
    return k, table[k]


def shipped_on_batches(files: list[Path]) -> dict[str, dict[str, float]]:
    """The shipped default's decisions at the standard preset on each new batch (all of it: it trained on none)."""
    from classifiers.adverse_events import AdverseEventClassifier
    from pvwatch.config import load_config

    clf = AdverseEventClassifier.from_config(load_config(REPO / "config.toml"))
    out: dict[str, dict[str, float]] = {}
    for f in files:
        rows = read_corpus(f, "jsonl")
        dec = [a.adverse_event.decision for a in clf.analyze_many([e.text for e in rows], [e.lang for e in rows])]
        ae = [d for d, e in zip(dec, rows, strict=True) if e.label]
        other = [d for d, e in zip(dec, rows, strict=True) if not e.label]
        out[f.name] = {"posts": len(rows), "ae": len(ae), "recall": float(np.mean(ae)) if ae else float("nan"),
                       "other_flagged": float(np.mean(other)) if other else float("nan")}
        print(f"  shipped default on {f.name}: {len(rows)} posts, AE recall {out[f.name]['recall']:.2f} ({len(ae)}), "
              f"other flagged {out[f.name]['other_flagged']:.2f} ({len(other)})", flush=True)
    return out


def main() -> int:
    def more(ap: argparse.ArgumentParser) -> None:
        ap.add_argument("--round", choices=list(ROUNDS), default="s21", help="which round to judge (default s21)")

    args, use = round_setup("write both picks, the rule and the diagnostics here", more)
    cand, base_name = args.round, ROUNDS[args.round][1]
    files = {name: batch_files(name) for name in ("default", *ROUNDS)}
    recs = {k: r for f in {f for fs in files.values() for f in fs} for k, r in file_records(f).items()}  # all rounds
    base = [e for e in default_training_data() if e.id not in recs]  # the scored rows: no session 21 post, ever
    old = authored_records(AUTHORED_DIR)  # the domains and the cells (adopted batches are in it, parked ones not)
    platforms = platforms_of(old | recs)
    part = {name: [e for f in files[name] for e in read_corpus(f, "jsonl") if not is_held_out(e.id)]
            for name in (base_name, cand)}  # each candidate's batches' training part
    new = [f for f in files[cand] if f not in files[base_name]]
    print(f"[{cand}] {len(new)} new batches over [{base_name}]: {len(part[cand]) - len(part[base_name])} "
          f"posts in their training part, x{AUTHORED_WEIGHT}", flush=True)
    shipped = shipped_on_batches(new)
    judged: dict[str, tuple[Prepared, tuple[str, float], dict[str, float], dict[str, np.ndarray]]] = {}
    for name in (base_name, cand):
        p = prepare(base, platforms, args.cache, use, train_only_data() + part[name] * AUTHORED_WEIGHT)
        heads = head_scores(p, args.cache, "mask" if name == "default" else name)
        judged[name] = (p, *pick(p, heads, name), heads)
    (p0, k0, a0, _), (p1, k1, a1, _) = judged[base_name], judged[cand]
    assert [e.id for e in p1.data] == [e.id for e in p0.data], "both candidates must be scored on the same rows"
    m0, m1 = float(np.mean(list(a0.values()))), float(np.mean(list(a1.values())))
    real_loss = max(a0[d] - a1[d] for d in REAL)
    adopted = m1 >= m0 + GAIN and real_loss <= REAL_LOSS
    print(f"rule: {cand} {'adopted' if adopted else 'not adopted'} (mean {m1:.4f} vs {m0:.4f}, needed "
          f"{m0 + GAIN:.4f}; largest real-post loss {real_loss:.4f}, allowed {REAL_LOSS})", flush=True)
    standard = EmbeddingHead.load(HEAD_DIR).meta["presets"]["standard"]
    cells = {}
    for name, (p, (spec, wt), _, heads) in judged.items():
        print(f"\n===== [{name}] per cell, old authored posts, LODO at the standard preset", flush=True)
        counts = cell_counts(p.data, (1 - wt) * p.linear + wt * heads[spec], old, standard)
        print_cells(counts)
        cells[name] = {"|".join(k): v for k, v in sorted(counts.items())}
    if args.json:
        args.json.write_text(json.dumps({base_name: {"pick": list(k0), "auc": a0}, cand: {"pick": list(k1), "auc": a1},
                                         "adopted": adopted, "shipped_on_batches": shipped, "cells": cells},
                                        indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
