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

from research_lodo import lodo_blends, summary  # noqa: E402

from classifiers.ae.build_tier import choose  # noqa: E402
from classifiers.ae.domains import (  # noqa: E402
    authored_platforms,
    per_domain_auc,  # noqa: E402
)
from classifiers.ae.readers import Example, psytar_sentences  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, SHARED, default_training_data  # noqa: E402

Key = tuple[str, float, float]  # (candidate, head C or alpha, blend weight)


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
    table: dict[Key, dict[str, float]] = {}
    for name in ("default", "dev"):
        cand = lodo_blends(default_training_data() + (dev_rows() if name == "dev" else []), platforms,
                           args.cache, use)
        n = len(cand.data)
        for key, blend in cand.blends.items():
            aucs = per_domain_auc(blend, cand.data, cand.domains)
            table[(name, *key)] = {k: v for k, v in aucs.items() if k != "psytar"}
        k = choose({key: v for key, v in table.items() if key[0] == name})
        print(f"[{name}] {n} rows; pick C={k[1]:g} w={k[2]:g}: seven domains {summary(table[k])}", flush=True)
    k = choose(table)
    print(f"rule (seven other domains) picks {k}: {summary(table[k])}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
