"""Adverse-event benchmark of the SHIPPED DEFAULT (config.toml as committed: linear tier + multilingual encoder
tier with its cascade), per corpus, never pooled, at each sensitivity preset; the linear tier alone beside it;
and throughput of both, end to end, in the same run.

    .venv/bin/python scripts/bench_classifiers.py [--cache DIR] [--json out.json] [--skip-throughput]

Corpora (../shared/data, evaluation only, never trained on, never used to choose a threshold or weight): SMM4H
2020 en and fr training files, PsyTAR test split, Druglib test file, ADE-Corpus-V2; plus the held-out fold of
our authored corpus (shippable, excluded from training by classifiers/build_model.py). `--cache DIR` re-reads
sentence embeddings computed by an earlier run (same vectors; throughput never uses it). The research
benchmarks (models trained on SMM4H) are scripts/bench_research_ae.py and scripts/bench_transformer.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classifiers.adverse_events import AdverseEventClassifier  # noqa: E402
from classifiers.ae.embed_cache import CachedEncoder  # noqa: E402
from classifiers.ae.metrics import at_threshold  # noqa: E402
from classifiers.ae.readers import Example, psytar_sentences, read_corpus  # noqa: E402
from classifiers.ae.sensitivity import resolve  # noqa: E402
from classifiers.analyzer import Analyzer  # noqa: E402
from classifiers.build_model import SHARED, authored_data  # noqa: E402
from pvwatch.config import Config, load_config  # noqa: E402
from pvwatch.models import Sensitivity  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
NEVER_SAW = {"smm4h_en": "SMM4H en (never trained on)", "smm4h_fr": "SMM4H fr (never trained on)",
             "psytar_test": "PsyTAR test split (training used the train and dev splits, minus any test text)",
             "psytar_test_wd": "PsyTAR test split labelled ADR or withdrawal, our boundary (not trained on)",
             "druglib_test": "Druglib test file (training used the train file, minus any test text)",
             "ade_corpus_v2": "ADE-Corpus-V2 (never trained on)",
             "authored_heldout_fr": "authored fr held-out fold (excluded from training)",
             "authored_heldout_en": "authored en held-out fold (excluded from training)"}


def corpora() -> dict[str, list[Example]]:
    held = authored_data(held_out=True)
    return {
        "smm4h_en": read_corpus(SHARED / "smm4h2020" / "en_train.tsv", lang="en"),
        "smm4h_fr": read_corpus(SHARED / "smm4h2020" / "fr_train.tsv", lang="fr"),
        "psytar_test": read_corpus(SHARED / "psytar" / "splits_binary" / "test.csv", "tsv-quoted", lang="en"),
        "psytar_test_wd": psytar_sentences(SHARED / "psytar" / "splits_binary" / "test.csv"),
        "druglib_test": read_corpus(SHARED / "druglib_uci" / "drugLibTest_raw.tsv", "druglib"),
        "ade_corpus_v2": read_corpus(SHARED / "ade_corpus_v2", "ade"),
        "authored_heldout_fr": [e for e in held if e.lang == "fr"],
        "authored_heldout_en": [e for e in held if e.lang == "en"],
    }


def classifier(cfg: Config, encoder: bool, cache: Path | None = None) -> AdverseEventClassifier:
    cfg = cfg.model_copy(deep=True)
    cfg.classifiers.encoder.enabled = encoder
    clf = AdverseEventClassifier.from_config(cfg)
    if clf.embedding is not None and cache is not None:
        clf.embedding.encoder = CachedEncoder(clf.embedding.encoder, cache)
    return clf


def measure(name: str, tier: str, sens: Sensitivity, labels: list[bool], scores: list[float],
            thresholds: list[float]) -> dict:
    m = at_threshold(labels, scores, thresholds)
    d = {"corpus": name, "tier": tier, "sensitivity": sens.value, **m.as_dict(), "never_saw": NEVER_SAW[name]}
    print(f"{name:<20} {tier:<8} {sens.value:<8} n={m.n:>6} pos={m.pos:>5} t={m.threshold} {m.prf()} "
          f"AUC={m.auc:.3f} AP={m.ap:.3f} flagged={m.flagged:.1%}", flush=True)
    return d


def score_corpus(clf: AdverseEventClassifier, exs: list[Example]) -> tuple[list[float], list[str | None]]:
    evs = clf.evidence([e.text for e in exs], [e.lang for e in exs])
    scores: list[float] = []
    for i in range(0, len(evs), 500):
        scores += clf.scores(evs[i:i + 500])
    return scores, [ev.lang for ev in evs]


def analyzer(cfg: Config, encoder: bool, cascade: bool = True) -> Analyzer:
    cfg = cfg.model_copy(deep=True)
    cfg.classifiers.encoder.enabled, cfg.classifiers.encoder.cascade = encoder, cascade
    return Analyzer.from_config(cfg)


def throughput(clfs: dict[str, Analyzer], texts: list[str], runs: int = 3) -> dict[str, list[float]]:
    """Posts per second end to end (the pipeline's Analyzer: adverse events + personal data) in the pipeline's
    batches of 50, runs interleaved so load on the machine hits every variant alike."""
    out: dict[str, list[float]] = {k: [] for k in clfs}
    for clf in clfs.values():
        clf.analyze_many(texts[:100], None)  # warm-up: loads the encoder
    for _ in range(runs):
        for name, clf in clfs.items():
            start = time.perf_counter()
            for i in range(0, len(texts), 50):
                clf.analyze_many(texts[i:i + 50], None)
            out[name].append(round(len(texts) / (time.perf_counter() - start), 1))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=None, help="embedding cache directory (PVWATCH_EMBED_CACHE)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--throughput-posts", type=int, default=2000)
    args = ap.parse_args()
    if not SHARED.is_dir():
        print(f"{SHARED} not found: the benchmark needs ../shared/data (set PVWATCH_SHARED_DATA)", file=sys.stderr)
        return 1
    cache = args.cache or (Path(os.environ["PVWATCH_EMBED_CACHE"]) if os.environ.get("PVWATCH_EMBED_CACHE")
                           else None)
    cfg = load_config(REPO / "config.toml")
    started = time.perf_counter()
    tiers = {"default": classifier(cfg, True, cache), "linear": classifier(cfg, False)}
    data = corpora()
    rows: list[dict] = []
    print(f"# machine: {os.cpu_count()} cores, no GPU; shipped sensitivity {cfg.classifiers.sensitivity.value}; "
          f"default tier {tiers['default'].model_name}")
    cascade: dict[str, float] = {}
    for name, exs in data.items():
        labels = [e.label for e in exs]
        for tier, clf in tiers.items():
            before = clf.embedding.encoded if clf.embedding is not None else 0
            scores, langs = score_corpus(clf, exs)
            if clf.embedding is not None:
                cascade[name] = round((clf.embedding.encoded - before) / len(exs), 4)
            for sens in Sensitivity:
                t = resolve(clf.presets, sens)
                rows.append(measure(name, tier, sens, labels, scores, [t.threshold_for(lg) for lg in langs]))
        print(f"  {name}: share of posts sent to the encoder by the cascade {cascade[name]:.1%}")
    result: dict = {"rows": rows, "encoded_share": cascade,
                    "presets": {k: c.presets for k, c in tiers.items()}}
    if not args.skip_throughput:
        tweets = ([e.text for e in data["smm4h_en"][:args.throughput_posts * 3 // 4]]
                  + [e.text for e in data["smm4h_fr"][:args.throughput_posts // 4]])
        runs = {"linear": analyzer(cfg, False), "default": analyzer(cfg, True),
                "default, no cascade": analyzer(cfg, True, cascade=False)}
        pps = throughput(runs, tweets)
        for name, v in pps.items():
            print(f"throughput {name}: {v} posts/s ({len(tweets)} tweets, batches of 50, 3 interleaved runs)")
        result["throughput_posts_per_s"] = pps
    result["seconds"] = round(time.perf_counter() - started)
    print(f"total: {result['seconds']} s")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
