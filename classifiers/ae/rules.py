"""A hand-weighted score over the layer features: the fallback when no trained model is present, and the
"rules only" baseline the benchmark compares the trained model with."""

from __future__ import annotations

import math
from collections.abc import Sequence

from classifiers.ae.features import FEATURE_NAMES

# Weights say why: an affirmed reaction near a drug, told by someone about themselves, is the core signal.
WEIGHTS = {
    "has_drug": 0.8, "n_affirmed": 4.0, "all_negated": -2.0, "hypothetical": -0.8, "question": -0.5,
    "causal": 0.8, "subj_self": 0.8, "subj_child": 0.8, "subj_relative": 0.6, "subj_general": -0.6,
    "serious": 0.5, "drug_and_reaction": 1.2, "near": 0.6,
}
BIAS = -2.6
_IDX = [(FEATURE_NAMES.index(k), w) for k, w in WEIGHTS.items()]


class RuleScorer:
    name = "rules"
    mask_drugs = False  # reads the layer features only

    def score(self, texts: Sequence[str], feats: Sequence[Sequence[float]]) -> list[float]:
        out = []
        for f in feats:
            z = BIAS + sum(f[i] * w for i, w in _IDX)
            out.append(1.0 / (1.0 + math.exp(-z)))
        return out
