"""Research (issue 12, session 21): authored batches aimed at the cells where session 20's diagnostic found the
default failing (disease-symptom contrast, French chatbot, tweet-register sarcasm and hard negatives, negation
contrast). Protocol and rule: docs/benchmarks.md, session 21. Shippable data only; never reads an evaluation
corpus.

- `default`: the build's data without the new batches, at the build's own pick over HEAD_GRID x WEIGHT_GRID.
- `s21`: the same scored rows, plus the new batches' training part (the held-out fold excluded, by the build's id
  rule) at the authored weight as train-only rows of their own domain: they train only when their domain is not
  held out and are never scored, so both candidates are judged on the very same rows.

It also prints (no choice is made from them) the shipped default's recall and share flagged on each new batch,
which it never saw, and both candidates' per-cell results on the old authored posts (research_cells).

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/research_s21_data.py --cache DIR [--new DIR]
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
from classifiers.ae.domains import authored_platforms, authored_records, file_records, per_domain_auc  # noqa: E402
from classifiers.ae.head import EmbeddingHead  # noqa: E402
from classifiers.ae.readers import Example, read_corpus  # noqa: E402
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


def new_batch_files(new: Path | None) -> list[Path]:
    """The session 21 batches: `--new DIR`, else the committed `*_s21_*` files of the authored corpus."""
    if new is not None:
        return sorted(new.glob("*.jsonl"))
    return sorted(AUTHORED_DIR.glob("*/*_s21_*.jsonl"))


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
        ap.add_argument("--new", type=Path, help="read the new batches from this folder (default: where committed)")

    args, use = round_setup("write both picks, the rule and the diagnostics here", more)
    files = new_batch_files(args.new)
    recs = {k: r for f in files for k, r in file_records(f).items()}
    new_rows: list[Example] = [e for f in files for e in read_corpus(f, "jsonl") if not is_held_out(e.id)]
    base = [e for e in default_training_data() if e.id not in recs]
    platforms = authored_platforms(AUTHORED_DIR) | {k: str(r["platform"]) for k, r in recs.items()}
    print(f"{len(files)} new batches: {len(recs)} posts, {len(new_rows)} in the training part "
          f"({sum(e.label for e in new_rows)} AE), x{AUTHORED_WEIGHT}", flush=True)
    shipped = shipped_on_batches(files)
    p0 = prepare(base, platforms, args.cache, use)
    k0, a0 = pick(p0, heads0 := head_scores(p0, args.cache, "mask"), "default")
    p1 = prepare(base, platforms, args.cache, use, train_only_data() + new_rows * AUTHORED_WEIGHT)
    assert [e.id for e in p1.data] == [e.id for e in p0.data], "both candidates must be scored on the same rows"
    k1, a1 = pick(p1, heads1 := head_scores(p1, args.cache, "s21"), "s21")
    m0, m1 = float(np.mean(list(a0.values()))), float(np.mean(list(a1.values())))
    real_loss = max(a0[d] - a1[d] for d in REAL)
    adopted = m1 >= m0 + GAIN and real_loss <= REAL_LOSS
    print(f"rule: s21 {'adopted' if adopted else 'not adopted'} (mean {m1:.4f} vs {m0:.4f}, needed "
          f"{m0 + GAIN:.4f}; largest real-post loss {real_loss:.4f}, allowed {REAL_LOSS})", flush=True)
    standard = EmbeddingHead.load(HEAD_DIR).meta["presets"]["standard"]
    old = authored_records(AUTHORED_DIR)
    cells = {}
    for name, p, (spec, wt), heads in (("default", p0, k0, heads0), ("s21", p1, k1, heads1)):
        print(f"\n===== [{name}] per cell, old authored posts, LODO at the standard preset", flush=True)
        counts = cell_counts(p.data, (1 - wt) * p.linear + wt * heads[spec], old, standard)
        print_cells(counts)
        cells[name] = {"|".join(k): v for k, v in sorted(counts.items())}
    if args.json:
        args.json.write_text(json.dumps({"default": {"pick": list(k0), "auc": a0}, "s21": {"pick": list(k1), "auc": a1},
                                         "adopted": adopted, "shipped_on_batches": shipped, "cells": cells},
                                        indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
