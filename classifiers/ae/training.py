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


def featurize(layers: Layers, examples: Sequence[Example]) -> tuple[list[str], list[list[float]]]:
    evs = layers.run([e.text for e in examples], [e.lang for e in examples])
    return [model_text(e) for e in evs], [features(e) for e in evs]


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


def split(examples: Sequence[Example], test_share: float = 0.2, seed: int = 13) -> tuple[list[Example], list[Example]]:
    """Stratified held-out split (the benchmark's declared split: 80/20, seed 13)."""
    k = round(1 / test_share)
    f = folds([e.label for e in examples], k, seed)
    return [e for e, i in zip(examples, f, strict=True) if i != 0], [e for e, i in zip(examples, f,
            strict=True) if i == 0]


def train(layers: Layers, examples: Sequence[Example], recall: float = 0.8, cv: int = 3, seed: int = 13,
          c: float = 2.0, meta: dict[str, Any] | None = None) -> LinearModel:
    """Fit on everything; the recall-first threshold comes from out-of-fold scores (never from training fit)."""
    texts, feats = featurize(layers, examples)
    labels = [e.label for e in examples]
    threshold = None
    if cv >= 2 and sum(labels) >= cv:
        oof = [0.0] * len(labels)
        f = folds(labels, cv, seed)
        for k in range(cv):
            tr = [i for i in range(len(labels)) if f[i] != k]
            te = [i for i in range(len(labels)) if f[i] == k]
            m = LinearModel.fit([texts[i] for i in tr], [feats[i] for i in tr], [labels[i] for i in tr], c=c)
            for i, s in zip(te, m.score([texts[i] for i in te], [feats[i] for i in te]), strict=True):
                oof[i] = s
        threshold = round(threshold_for_recall(oof, labels, recall), 4)
    info = {**(meta or {}), "recall_target": recall, "threshold": threshold}
    return LinearModel.fit(texts, feats, labels, c=c, meta=info)
