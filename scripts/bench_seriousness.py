"""Seriousness hints (ICH E2A criteria) measured on the team's authored posts, the only seriousness labels we may
use: per language, per criterion and per adverse-event post (serious yes/no), on every post and on the held-out
fold (sha1(id) % 10 == 0) that no rule was read against.

    .venv/bin/python scripts/bench_seriousness.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from classifiers.ae.seriousness import find_seriousness  # noqa: E402
from classifiers.ae.text import fold_aligned  # noqa: E402
from classifiers.build_model import is_held_out  # noqa: E402


def prf(c: Counter[str], prefix: str) -> str:
    tp, fp, fn = c[prefix + "tp"], c[prefix + "fp"], c[prefix + "fn"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {p:.3f} R {r:.3f} F1 {f:.3f} (gold {tp + fn})"


def main() -> int:
    for lang in ("fr", "en"):
        for fold in ("all", "held-out"):
            c: Counter[str] = Counter()
            for path in sorted((REPO / "classifiers/data/authored" / lang).glob("*.jsonl")):
                for line in path.read_text(encoding="utf-8").splitlines():
                    post = json.loads(line)
                    if fold == "held-out" and not is_held_out(post["id"]):
                        continue
                    gold = set(post["seriousness"])
                    pred = set(find_seriousness(fold_aligned(post["text"]), lang))
                    c["tp"] += len(gold & pred)
                    c["fp"] += len(pred - gold)
                    c["fn"] += len(gold - pred)
                    if post["adverse_event"]:
                        c["post_tp"] += bool(gold and pred)
                        c["post_fp"] += bool(pred and not gold)
                        c["post_fn"] += bool(gold and not pred)
            print(f"{lang} {fold:<8} criteria {prf(c, '')} | adverse-event posts serious {prf(c, 'post_')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
