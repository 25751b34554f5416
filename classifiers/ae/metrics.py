"""Precision, recall, F1 on the positive class, the confusion matrix, and recall-first threshold choice."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass
class Report:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {**asdict(self), "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


def evaluate(labels: Sequence[bool], predictions: Sequence[bool]) -> Report:
    tp = sum(1 for y, p in zip(labels, predictions, strict=True) if y and p)
    fp = sum(1 for y, p in zip(labels, predictions, strict=True) if not y and p)
    fn = sum(1 for y, p in zip(labels, predictions, strict=True) if y and not p)
    return Report(tp, fp, fn, len(labels) - tp - fp - fn)


def threshold_for_recall(scores: Sequence[float], labels: Sequence[bool], target: float = 0.8) -> float:
    """The highest threshold whose recall reaches `target` (recall first, then as precise as possible)."""
    positives = sorted((s for s, y in zip(scores, labels, strict=True) if y), reverse=True)
    if not positives:
        return 0.5
    k = min(len(positives), max(1, math.ceil(target * len(positives) - 1e-9)))
    return float(positives[k - 1])


def confusion_table(r: Report) -> str:
    return (f"               predicted AE  predicted not\n"
            f"  actual AE    {r.tp:>12}  {r.fn:>13}\n"
            f"  actual not   {r.fp:>12}  {r.tn:>13}")
