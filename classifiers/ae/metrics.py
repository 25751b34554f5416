"""Precision, recall, F1 on the positive class, the confusion matrix, recall-first threshold choice, and a
benchmark row's metrics at the operating threshold (`at_threshold`: P/R/F1, ROC AUC, AP, share flagged)."""

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


@dataclass(frozen=True)
class Scored:
    """One corpus' scores judged at its operating threshold(s): what every benchmark row reports."""
    report: Report  # P/R/F1 on the positive class at the threshold
    n: int
    pos: int
    threshold: float | list[float]  # rounded; a list when posts had their language's own threshold
    flagged: float  # share of posts at or above their threshold
    auc: float | None  # ROC AUC of the scores themselves; None when the corpus has one class only
    ap: float | None  # average precision, likewise

    def as_dict(self) -> dict[str, object]:
        return {"n": self.n, "pos": self.pos, "threshold": self.threshold, **self.report.as_dict(),
                "auc": self.auc, "ap": self.ap, "flagged": self.flagged}

    def prf(self) -> str:
        r = self.report
        return f"P={r.precision:.3f} R={r.recall:.3f} F1={r.f1:.3f}"


def at_threshold(labels: Sequence[bool], scores: Sequence[float], threshold: float | Sequence[float]) -> Scored:
    """`scores` judged at `threshold`, one for all posts or one per post (each post's language's)."""
    from sklearn.metrics import average_precision_score, roc_auc_score  # only benchmarks need it: kept off import

    per_post = [threshold] * len(scores) if isinstance(threshold, float | int) else list(threshold)
    r = evaluate(labels, [s >= t for s, t in zip(scores, per_post, strict=True)])
    two_classes = 0 < sum(labels) < len(labels)
    return Scored(
        report=r, n=len(labels), pos=sum(labels),
        threshold=(round(threshold, 4) if isinstance(threshold, float | int)
                   else sorted({round(t, 4) for t in threshold})),
        flagged=round((r.tp + r.fp) / len(labels), 4) if labels else 0.0,
        auc=round(float(roc_auc_score(labels, scores)), 4) if two_classes else None,
        ap=round(float(average_precision_score(labels, scores)), 4) if two_classes else None)
