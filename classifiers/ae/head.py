"""A logistic-regression head over frozen sentence embeddings, stored as numpy weights (no pickle).

`head.json` holds the format, the backbone it was trained on, the blend weight with the linear tier, the cascade
cut-off and the per-preset, per-language thresholds; `head.npy` holds the coefficients (float32, read with
allow_pickle=False), so loading a head can never execute code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pvwatch.errors import PvwatchError

FORMAT = "pvwatch-ae-embedding-head/1"


class HeadError(PvwatchError):
    """The head directory is missing, malformed or does not match its backbone."""


class EmbeddingHead:
    def __init__(self, coef: np.ndarray, intercept: float, meta: dict[str, Any]) -> None:
        self.coef = np.asarray(coef, dtype=np.float32).reshape(-1)
        self.intercept = float(intercept)
        self.meta = meta

    @property
    def backbone(self) -> str:
        return str(self.meta["backbone"])

    @property
    def weight(self) -> float:
        """Weight of this head's probability in the blend with the linear tier."""
        return float(self.meta.get("weight", 0.5))

    @property
    def cascade_below(self) -> float:
        """Posts whose linear score is below this skip the encoder (0: every post is encoded)."""
        return float(self.meta.get("cascade_below", 0.0))

    @classmethod
    def fit(cls, x: np.ndarray, labels: Sequence[bool], c: float = 1.0, meta: dict[str, Any] | None = None,
            weights: Sequence[float] | np.ndarray | None = None) -> EmbeddingHead:
        from sklearn.linear_model import LogisticRegression

        y = np.asarray(labels, dtype=int)
        if len(set(y.tolist())) < 2:
            raise HeadError("training a head needs both adverse-event and other examples; add the missing class")
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, solver="liblinear", random_state=0)
        clf.fit(np.asarray(x, dtype=np.float64), y, sample_weight=None if weights is None else np.asarray(weights))
        return cls(clf.coef_[0], float(clf.intercept_[0]), {"C": c, "dim": int(x.shape[1]), **(meta or {})})

    def prob(self, x: np.ndarray) -> np.ndarray:
        if x.shape[0] == 0:
            return np.zeros(0)
        if x.shape[1] != self.coef.shape[0]:
            raise HeadError(f"embeddings have {x.shape[1]} dimensions, the head {self.coef.shape[0]}: it was "
                            "trained on another backbone; rebuild it with `make model`")
        z = np.clip(x.astype(np.float64) @ self.coef.astype(np.float64) + self.intercept, -30.0, 30.0)
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        doc = {"format": FORMAT, "intercept": self.intercept, "meta": self.meta}
        (directory / "head.json").write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n",
                                             encoding="utf-8")
        np.save(directory / "head.npy", self.coef.astype("<f4"), allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> EmbeddingHead:
        meta_path, arr_path = directory / "head.json", directory / "head.npy"
        if not meta_path.is_file() or not arr_path.is_file():
            raise HeadError(f"no embedding head in {directory} (head.json + head.npy); build it with `make model`")
        doc = json.loads(meta_path.read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT or "backbone" not in doc.get("meta", {}):
            raise HeadError(f"{meta_path} is not a {FORMAT} head; rebuild it with `make model`")
        coef = np.load(arr_path, allow_pickle=False)
        if coef.ndim != 1 or coef.shape[0] != int(doc["meta"].get("dim", coef.shape[0])):
            raise HeadError(f"{arr_path} does not match {meta_path}; rebuild the head with `make model`")
        return cls(coef, float(doc["intercept"]), doc["meta"])
