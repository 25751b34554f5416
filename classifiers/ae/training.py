"""Training and scoring helpers shared by `pvwatch train`, `pvwatch eval`, build_model and the benchmark."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from classifiers.ae.features import features, model_text
from classifiers.ae.layers import Layers
from classifiers.ae.metrics import threshold_for_recall
from classifiers.ae.model import LinearModel
from classifiers.ae.readers import Example


def featurize(layers: Layers, examples: Sequence[Example],
              mask_drugs: bool = False) -> tuple[list[str], list[list[float]]]:
    # Each distinct (text, language) once: training data repeats our posts, and the layers are deterministic.
    keys = list(dict.fromkeys((e.text, e.lang) for e in examples))
    evs = layers.run([t for t, _ in keys], [lang for _, lang in keys])
    done = {k: (model_text(ev, mask_drugs), features(ev)) for k, ev in zip(keys, evs, strict=True)}
    out = [done[(e.text, e.lang)] for e in examples]
    return [t for t, _ in out], [f for _, f in out]


def folds(labels: Sequence[bool], k: int, seed: int) -> list[int]:
    """Stratified fold index per example, deterministic for a seed."""
    rng = random.Random(seed)
    fold_of = [0] * len(labels)
    for cls in (True, False):
        idx = [i for i, y in enumerate(labels) if y == cls]
        rng.shuffle(idx)
        for n, i in enumerate(idx):
            fold_of[i] = n % k
    return fold_of


def group_folds(labels: Sequence[bool], groups: Sequence[str], k: int, seed: int) -> list[int]:
    """Like `folds`, but copies of one text (our data is repeated OWN_WEIGHT times) always share a fold, so
    out-of-fold scores never come from a model that saw the same text."""
    keys = list(dict.fromkeys(groups))
    positive = {g for g, y in zip(groups, labels, strict=True) if y}
    by_key = dict(zip(keys, folds([g in positive for g in keys], k, seed), strict=True))
    return [by_key[g] for g in groups]


def split(examples: Sequence[Example], test_share: float = 0.2, seed: int = 13) -> tuple[list[Example], list[Example]]:
    """Stratified held-out split (the benchmark's declared split: 80/20, seed 13)."""
    k = round(1 / test_share)
    f = folds([e.label for e in examples], k, seed)
    return [e for e, i in zip(examples, f, strict=True) if i != 0], [e for e, i in zip(examples, f,
            strict=True) if i == 0]


def train(layers: Layers, examples: Sequence[Example], recall: float = 0.8, cv: int = 3, seed: int = 13,
          c: float = 2.0, meta: dict[str, Any] | None = None,
          lang_recall: dict[str, float] | None = None) -> LinearModel:
    """Fit on everything; the recall-first threshold comes from out-of-fold scores (never from training fit)."""
    return train_with_oof(layers, examples, recall, cv, seed, c, meta, lang_recall)[0]


def train_with_oof(layers: Layers, examples: Sequence[Example], recall: float = 0.8, cv: int = 3, seed: int = 13,
                   c: float = 2.0, meta: dict[str, Any] | None = None,
                   lang_recall: dict[str, float] | None = None) -> tuple[LinearModel, list[float], list[int]]:
    """`train`, also returning the out-of-fold scores and each example's fold (copies of a text share one).

    `lang_recall` ({"fr": 0.95}) adds a per-language threshold to the metadata: the highest reaching that
    recall on the out-of-fold scores of the distinct training texts in that language."""
    texts, feats = featurize(layers, examples)
    labels = [e.label for e in examples]
    threshold = None
    by_lang: dict[str, float] = {}
    oof = [0.0] * len(labels)
    f = group_folds(labels, [e.text for e in examples], cv, seed) if cv >= 2 else [0] * len(labels)
    if cv >= 2 and sum(labels) >= cv:
        for k in range(cv):
            tr = [i for i in range(len(labels)) if f[i] != k]
            te = [i for i in range(len(labels)) if f[i] == k]
            m = LinearModel.fit([texts[i] for i in tr], [feats[i] for i in tr], [labels[i] for i in tr], c=c)
            for i, s in zip(te, m.score([texts[i] for i in te], [feats[i] for i in te]), strict=True):
                oof[i] = s
        threshold = round(threshold_for_recall(oof, labels, recall), 4)
        for lang, r in (lang_recall or {}).items():
            distinct = {examples[i].text: i for i in range(len(examples)) if examples[i].lang == lang}
            idx = sorted(distinct.values())
            if any(labels[i] for i in idx):
                by_lang[lang] = round(threshold_for_recall([oof[i] for i in idx], [labels[i] for i in idx], r), 4)
    info = {**(meta or {}), "recall_target": recall, "threshold": threshold}
    if by_lang:
        info["threshold_by_lang"] = by_lang
        info["recall_target_by_lang"] = lang_recall
    return LinearModel.fit(texts, feats, labels, c=c, meta=info), oof, f
