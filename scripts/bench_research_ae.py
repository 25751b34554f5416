"""RESEARCH adverse-event benchmark (the shipped default is measured by scripts/bench_classifiers.py): the
linear tier alone, the rules-only baseline and a linear model trained on SMM4H (evaluation-only licence, never
shipped), P/R/F1 per labelled corpus of ../shared/data.

    .venv/bin/python scripts/bench_research_ae.py [--quick] [--json out.json]

Declared split: SMM4H 2020 en/fr training files, stratified 80/20 with seed 13 (classifiers.ae.training.split);
the dev model trains on the 80 % parts (tweets only, C=1) and is scored on the 20 % parts. Its threshold
is chosen for recall >= 0.80 on out-of-fold (3-fold) scores of the training tweets of each language.
The default model never saw SMM4H, ADE-Corpus-V2, the PsyTAR test split or the Druglib test file.
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
from classifiers.ae.layers import Layers  # noqa: E402
from classifiers.ae.metrics import at_threshold, threshold_for_recall  # noqa: E402
from classifiers.ae.model import LinearModel  # noqa: E402
from classifiers.ae.readers import Example, read_corpus  # noqa: E402
from classifiers.ae.rules import RuleScorer  # noqa: E402
from classifiers.ae.training import featurize, folds, split  # noqa: E402
from classifiers.build_model import SHARED  # noqa: E402
from pvwatch.config import load_config  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def corpora() -> dict[str, list[Example]]:
    en = read_corpus(SHARED / "smm4h2020" / "en_train.tsv", lang="en")
    fr = read_corpus(SHARED / "smm4h2020" / "fr_train.tsv", lang="fr")
    return {
        "smm4h_en": en, "smm4h_fr": fr,
        "psytar_test": read_corpus(SHARED / "psytar" / "splits_binary" / "test.csv", "tsv-quoted", lang="en"),
        "druglib_test": read_corpus(SHARED / "druglib_uci" / "drugLibTest_raw.tsv", "druglib"),
        "ade_corpus_v2": read_corpus(SHARED / "ade_corpus_v2", "ade"),
    }


def row(name: str, model: str, labels: list[bool], scores: list[float], t: float) -> dict:
    m = at_threshold(labels, scores, t)
    r = m.report
    d = {"corpus": name, "model": model, **m.as_dict()}
    print(f"{name:<16} {model:<22} n={m.n:>6} pos={m.pos:>5} t={t:.3f}  {m.prf()}  "
          f"tp={r.tp} fp={r.fp} fn={r.fn} tn={r.tn}", flush=True)
    return d


def oof_scores(texts: list[str], f: list[list[float]], labels: list[bool], k: int = 3, seed: int = 13) -> list[float]:
    """Out-of-fold scores of the dev linear model (tweets, C=1)."""
    oof = [0.0] * len(labels)
    fold_of = folds(labels, k, seed)
    for j in range(k):
        tr = [i for i in range(len(labels)) if fold_of[i] != j]
        m = LinearModel.fit([texts[i] for i in tr], [f[i] for i in tr], [labels[i] for i in tr], c=1.0)
        te = [i for i in range(len(labels)) if fold_of[i] == j]
        for i, s in zip(te, m.score([texts[i] for i in te], [f[i] for i in te]), strict=True):
            oof[i] = s
    return oof


def french_cv(layers: Layers, en_tr: list[Example], fr: list[Example], fr_feats: tuple[list[str], list[list[float]]],
              k: int = 5) -> dict:
    """5-fold cross-validation of the dev model on all French tweets, pooled (31 positives instead of 7).

    Each outer fold trains on the English 80 % + the other French folds; its threshold is chosen for recall
    >= 0.80 on 3-fold out-of-fold scores of those French training tweets (never on the scored fold)."""
    en_texts, en_f = featurize(layers, en_tr)
    fr_texts, fr_f = fr_feats
    y_fr = [e.label for e in fr]
    fold_of = folds(y_fr, k, 13)
    decided = [False] * len(fr)
    ts = []
    for j in range(k):
        tr = [i for i in range(len(fr)) if fold_of[i] != j]
        texts = en_texts + [fr_texts[i] for i in tr]
        f = en_f + [fr_f[i] for i in tr]
        labels = [e.label for e in en_tr] + [y_fr[i] for i in tr]
        oof = oof_scores(texts, f, labels)
        t = threshold_for_recall(oof[len(en_tr):], labels[len(en_tr):], 0.8)
        ts.append(round(t, 4))
        m = LinearModel.fit(texts, f, labels, c=1.0)
        te = [i for i in range(len(fr)) if fold_of[i] == j]
        for i, s in zip(te, m.score([fr_texts[i] for i in te], [fr_f[i] for i in te]), strict=True):
            decided[i] = s >= t
    print(f"  thresholds of the {k} folds (each chosen on its training tweets): {ts}")
    return {**row("smm4h_fr_cv5", "dev(cv5, pooled)", y_fr, [float(d) for d in decided], 0.5), "threshold": ts}


def throughput(clf: AdverseEventClassifier, texts: list[str]) -> float:
    clf.analyze_many(texts[:200], None)  # warm-up
    start = time.perf_counter()
    for i in range(0, len(texts), 50):  # the pipeline's default batch size
        clf.analyze_many(texts[i:i + 50], None)
    return len(texts) / (time.perf_counter() - start)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="skip the dev-model training")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    if not SHARED.is_dir():
        print(f"{SHARED} not found: the benchmark needs ../shared/data (set PVWATCH_SHARED_DATA)", file=sys.stderr)
        return 1
    cfg = load_config(REPO / "config.toml")
    cfg.classifiers.encoder.enabled = False  # the linear tier alone; the shipped default is bench_classifiers.py
    clf = AdverseEventClassifier.from_config(cfg)
    data = corpora()
    rows = []
    print(f"# machine: {os.cpu_count()} cores; linear tier thresholds {clf.thresholds.summary(clf.languages)}")
    started = time.perf_counter()
    layers = clf.layers
    feats = {k: featurize(layers, v) for k, v in data.items()}
    rules = RuleScorer()
    for name, exs in data.items():
        labels = [e.label for e in exs]
        texts, f = feats[name]
        rows.append(row(name, "default", labels, clf.scorer.score(texts, f), clf.threshold_for('en')))
        rows.append(row(name, "rules-only", labels, rules.score(texts, f), clf.threshold_for('en')))
        if name == "smm4h_fr":
            rows.append(row(name, "default, French threshold", labels, clf.scorer.score(texts, f),
                            clf.threshold_for("fr")))

    result: dict = {"rows": rows}
    if not args.quick:
        en_tr, en_te = split(data["smm4h_en"])
        fr_tr, fr_te = split(data["smm4h_fr"])
        train = en_tr + fr_tr  # tweets only: the review corpora pull the tweet model off (measured: F1 -0.03)
        texts, f = featurize(layers, train)
        labels = [e.label for e in train]
        oof = oof_scores(texts, f, labels)
        t_en = threshold_for_recall(oof[:len(en_tr)], [e.label for e in en_tr], 0.8)
        t_fr = threshold_for_recall(oof[len(en_tr):], [e.label for e in fr_tr], 0.8)
        dev = LinearModel.fit(texts, f, labels, c=1.0)
        for name, exs, t in (("smm4h_en_heldout", en_te, t_en), ("smm4h_fr_heldout", fr_te, t_fr)):
            tx, fx = featurize(layers, exs)
            lab = [e.label for e in exs]
            rows.append(row(name, "dev(smm4h 80%)", lab, dev.score(tx, fx), t))
            rows.append(row(name, "default", lab, clf.scorer.score(tx, fx), clf.threshold_for('en')))
            if name == "smm4h_fr_heldout":
                rows.append(row(name, "default, French threshold", lab, clf.scorer.score(tx, fx),
                                clf.threshold_for("fr")))
        for name in ("psytar_test", "druglib_test", "ade_corpus_v2"):
            rows.append(row(name, "dev(smm4h 80%)", [e.label for e in data[name]], dev.score(*feats[name]), t_en))
        result["dev_thresholds"] = {"en": t_en, "fr": t_fr}
        rows.append(french_cv(layers, en_tr, data["smm4h_fr"], feats["smm4h_fr"]))

    tweets = [e.text for e in data["smm4h_en"][:1500]] + [e.text for e in data["smm4h_fr"][:500]]
    pps = throughput(clf, tweets)
    print(f"throughput default tier (AE layers + linear model), 2000 tweets, batches of 50: {pps:.0f} posts/s")
    result["throughput_posts_per_s"] = round(pps, 1)
    result["seconds"] = round(time.perf_counter() - started)
    print(f"total: {result['seconds']} s")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
