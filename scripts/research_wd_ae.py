"""Research (issue 12, session 15): PsyTAR training sentences that report a withdrawal reaction (WD = 1) labelled
as adverse events, as our labelling boundary says, instead of PsyTAR's ADR column alone. On top of the session 15
default (Druglib fields as train-only rows). Shippable data only; never reads an evaluation corpus. Protocol and
rule: docs/benchmarks.md, session 15.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/research_wd_ae.py --cache DIR

`--cache DIR` is select_ae_model.py's (feats.jsonl, emb_use/).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from research_lodo import lodo_blends  # noqa: E402

from classifiers.ae.build_tier import choose  # noqa: E402
from classifiers.ae.domains import (  # noqa: E402
    Domain,
    authored_platforms,
    per_domain_auc,
    roc_auc,
)
from classifiers.ae.readers import Example, read_corpus  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, SHARED, default_training_data  # noqa: E402

Key = tuple[str, float, float]  # (candidate, head C or alpha, blend weight)


def withdrawal_ids() -> set[str]:
    rows = read_corpus(SHARED / "psytar" / "splits_binary" / "train.csv", "tsv-quoted", label_col="WD", lang="en")
    return {f"psytar:{e.id}" for e in rows if e.label}


def relabel(data: list[Example], wd: set[str]) -> list[Example]:
    return [Example(e.text, e.label or e.id in wd, e.lang, e.id) for e in data]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, required=True)
    args = ap.parse_args()
    platforms = authored_platforms(AUTHORED_DIR)
    wd = withdrawal_ids()
    from classifiers.ae.embed_cache import CachedEncoder
    from classifiers.ae.encoders import USE_MULTILINGUAL, encoder_for

    use = CachedEncoder(encoder_for(USE_MULTILINGUAL), args.cache / "emb_use")
    blends: dict[str, dict[tuple[float, float], np.ndarray]] = {}
    scored: dict[str, tuple[list[Example], list[Domain]]] = {}
    for name in ("default", "wd"):
        base = default_training_data()
        cand = lodo_blends(relabel(base, wd) if name == "wd" else base, platforms, args.cache, use)
        blends[name], scored[name] = cand.blends, (cand.data, cand.domains)
        print(f"[{name}] {sum(e.label for e in cand.data)} positive rows of {len(cand.data)}; linear "
              f"{per_domain_auc(cand.linear, cand.data, cand.domains)}", flush=True)
    table: dict[Key, dict[str, float]] = {}
    for name, by_key in blends.items():
        data, doms = scored[name]
        for (c, wt), s in by_key.items():
            table[(name, c, wt)] = {k: v for k, v in per_domain_auc(s, data, doms).items() if k != "psytar"}
    k = choose(table)
    print(f"rule (seven other domains) picks {k}: mean {np.nanmean(list(table[k].values())):.4f} {table[k]}")
    wd_data, wd_doms = scored["wd"]
    adr_label = {e.id: e.label for e in scored["default"][0]}  # PsyTAR's own ADR column
    for name in blends:
        kk = choose({key: v for key, v in table.items() if key[0] == name})
        data, _ = scored[name]
        by_id = dict(zip((e.id for e in data), blends[name][(kk[1], kk[2])], strict=True))
        # PsyTAR's LODO scores under both definitions, on the rows both runs share
        idx = [i for i, (e, dd) in enumerate(zip(wd_data, wd_doms, strict=True))
               if dd is Domain.psytar and e.id in by_id and e.id in adr_label]
        pick = [float(by_id[wd_data[i].id]) for i in idx]
        both = roc_auc(pick, [wd_data[i].label for i in idx])
        adr = roc_auc(pick, [adr_label[wd_data[i].id] for i in idx])
        print(f"[{name}] pick C={kk[1]:g} w={kk[2]:g}: seven domains mean "
              f"{np.nanmean(list(table[kk].values())):.4f} {table[kk]}; PsyTAR LODO AUC, ADR or WD {both:.4f}, "
              f"ADR only {adr:.4f} ({len(idx)} sentences)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
