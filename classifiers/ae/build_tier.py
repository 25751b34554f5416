"""Train the embedding head and calibrate the sensitivity presets (called by `make model`).

Everything is chosen on out-of-fold scores of the shippable training data, with the linear tier's folds (copies
of one text share a fold): the head's C, the blend weight, the cascade cut-off, and each preset's threshold per
language. Presets are calibrated on our own posts (authored corpus + written data: the social-media register),
not on the review corpora, whose prevalence and style are unlike a stream. No evaluation corpus is read here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from classifiers.ae.head import EmbeddingHead
from classifiers.ae.metrics import threshold_for_recall
from classifiers.ae.readers import Example
from classifiers.ae.sensitivity import ANY_LANG, TARGET_RECALL

C_GRID = (0.3, 1.0, 3.0)
WEIGHT_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
CASCADE_KEEP = 0.99  # share of out-of-fold adverse events the cascade must still send to the encoder


@dataclass
class Calibration:
    presets: dict[str, dict[str, float]]
    recall: dict[str, dict[str, float]]  # out-of-fold recall each preset reaches, per language (distinct posts)
    flagged: dict[str, dict[str, float]]  # out-of-fold share of posts flagged


def average_precision(scores: Sequence[float], labels: Sequence[bool]) -> float:
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    y = np.asarray(labels, dtype=bool)[order]
    if not y.any():
        return 0.0
    hits = np.cumsum(y)
    return float(np.sum(hits[y] / (np.flatnonzero(y) + 1)) / y.sum())


def calibrate(scores: Sequence[float], examples: Sequence[Example], is_post: Callable[[Example], bool],
              languages: Sequence[str]) -> Calibration:
    """Per preset and language: the highest threshold reaching the preset's recall on the distinct posts."""
    distinct = {e.text: i for i, e in enumerate(examples) if is_post(e)}
    idx = sorted(distinct.values())
    presets: dict[str, dict[str, float]] = {}
    recall: dict[str, dict[str, float]] = {}
    flagged: dict[str, dict[str, float]] = {}
    for sens, target in TARGET_RECALL.items():
        presets[sens.value], recall[sens.value], flagged[sens.value] = {}, {}, {}
        for lang in [*languages, ANY_LANG]:
            sel = [i for i in idx if lang == ANY_LANG or examples[i].lang == lang]
            s = [float(scores[i]) for i in sel]
            y = [examples[i].label for i in sel]
            if not any(y):
                continue
            # rounded down: rounding up could drop the positive that sets the threshold below the target
            t = math.floor(threshold_for_recall(s, y, target) * 1e4) / 1e4
            presets[sens.value][lang] = t
            tp = sum(1 for a, b in zip(s, y, strict=True) if b and a >= t)
            recall[sens.value][lang] = round(tp / sum(y), 4)
            flagged[sens.value][lang] = round(sum(a >= t for a in s) / len(s), 4)
    return Calibration(presets, recall, flagged)


def head_oof(x: np.ndarray, labels: Sequence[bool], fold_of: Sequence[int], c: float) -> np.ndarray:
    out = np.zeros(len(labels))
    folds = sorted(set(fold_of))
    f = np.asarray(fold_of)
    y = np.asarray(labels, dtype=bool)
    for k in folds:
        tr, te = np.flatnonzero(f != k), np.flatnonzero(f == k)
        out[te] = EmbeddingHead.fit(x[tr], y[tr].tolist(), c=c).prob(x[te])
    return out


def build_head(x: np.ndarray, examples: Sequence[Example], linear_oof: Sequence[float], fold_of: Sequence[int],
               is_post: Callable[[Example], bool], languages: Sequence[str], backbone: str,
               meta: dict[str, Any], log: Callable[[str], None] = print) -> tuple[EmbeddingHead, Calibration]:
    labels = [e.label for e in examples]
    posts = [i for i, e in enumerate(examples) if is_post(e)]

    def post_ap(scores: np.ndarray) -> float:
        # mean over languages of the average precision on our posts: the register the product screens
        aps = []
        for lang in languages:
            sel = [i for i in posts if examples[i].lang == lang]
            if any(labels[i] for i in sel):
                aps.append(average_precision(scores[sel].tolist(), [labels[i] for i in sel]))
        return float(np.mean(aps))

    lin = np.asarray(linear_oof, dtype=np.float64)
    best: tuple[float, float, float, np.ndarray] | None = None
    for c in C_GRID:
        oof = head_oof(x, labels, fold_of, c)
        for w in WEIGHT_GRID:
            ap = post_ap((1 - w) * lin + w * oof)
            log(f"  head C={c:g} weight={w:g}: out-of-fold AP on our posts {ap:.4f}")
            if best is None or ap > best[0] + 1e-9:
                best = (ap, c, w, oof)
    assert best is not None
    ap, c, w, oof = best
    blended = (1 - w) * lin + w * oof
    cal = calibrate(blended.tolist(), examples, is_post, languages)
    cascade = _cascade_cut(lin, labels, w, cal)
    log(f"  chosen C={c:g} weight={w:g} (AP {ap:.4f}); cascade: encoder for linear score >= {cascade:.4f}")
    head = EmbeddingHead.fit(x, labels, c=c, meta={
        **meta, "backbone": backbone, "weight": w, "cascade_below": cascade, "presets": cal.presets,
        "oof_recall": cal.recall, "oof_flagged": cal.flagged, "oof_average_precision_posts": round(ap, 4),
        "target_recall": {s.value: r for s, r in TARGET_RECALL.items()}})
    return head, cal


def _cascade_cut(lin: np.ndarray, labels: Sequence[bool], w: float, cal: Calibration) -> float:
    """The highest linear score below which at most 1 - CASCADE_KEEP of the out-of-fold adverse events fall,
    capped so that a skipped post's score, (1 - w) * linear, stays under every preset threshold."""
    pos = np.sort(lin[np.asarray(labels, dtype=bool)])
    cut = float(pos[int(np.floor((1 - CASCADE_KEEP) * len(pos)))]) if len(pos) else 0.0
    lowest = min(t for by_lang in cal.presets.values() for t in by_lang.values())
    return round(min(cut, lowest / (1 - w)), 4)
