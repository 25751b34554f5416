"""The head over frozen sentence embeddings: a logistic regression, or (since session 16) a network with one
hidden ReLU layer, stored as numpy weights (no pickle).

`head.json` holds the format, the backbone it was trained on, the blend weight with the linear tier, the cascade
cut-off and the per-preset, per-language thresholds; `head.npy` holds the output coefficients, and an MLP head
adds `hidden.npy` (input x hidden) and `hidden_bias.npy` (float32, all read with allow_pickle=False), so loading
a head can never execute code.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from pvwatch.errors import PvwatchError

FORMAT = "pvwatch-ae-embedding-head/1"  # logistic
MLP_FORMAT = "pvwatch-ae-embedding-head/2"  # one hidden layer: an older pvwatch refuses it instead of misreading it
MLP_HIDDEN = 128
MLP_EPOCHS = 60  # a fixed budget, chosen with the family by LODO (docs/benchmarks.md, session 16)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """A head's probability from its logits (clipped: no overflow warning on extreme posts)."""
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0))))


class HeadError(PvwatchError):
    """The head directory is missing, malformed or does not match its backbone."""


class HeadKind(StrEnum):
    logistic = "logistic"
    mlp = "mlp"


@dataclass(frozen=True)
class HeadSpec:
    kind: HeadKind
    strength: float  # the logistic head's C, or the MLP's L2 penalty alpha
    seeds: int = 1  # an MLP only: an ensemble of this many networks, seeds `seed`, `seed` + 1, ... (session 22)
    seed: int = 0

    def __post_init__(self) -> None:
        if self.seeds < 1 or (self.kind is HeadKind.logistic and (self.seeds, self.seed) != (1, 0)):
            raise HeadError(f"head {self.kind.value}: seeds={self.seeds}, seed={self.seed}; a logistic head is "
                            "deterministic (seeds=1, seed=0) and an MLP needs seeds >= 1")

    def __str__(self) -> str:
        name = f"{self.kind.value} {'C' if self.kind is HeadKind.logistic else 'alpha'}={self.strength:g}"
        return name + (f" x{self.seeds}" if self.seeds > 1 else "") + (f" seed={self.seed}" if self.seed else "")


class EmbeddingHead:
    def __init__(self, coef: np.ndarray, intercept: float, meta: dict[str, Any],
                 hidden: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        self.coef = np.asarray(coef, dtype=np.float32).reshape(-1)
        self.intercept = float(intercept)
        self.meta = meta
        self.hidden = None if hidden is None else (np.asarray(hidden[0], dtype=np.float32),
                                                   np.asarray(hidden[1], dtype=np.float32).reshape(-1))

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

    @property
    def dim(self) -> int:
        return int(self.coef.shape[0] if self.hidden is None else self.hidden[0].shape[0])

    @classmethod
    def fit(cls, x: np.ndarray, labels: Sequence[bool], c: float = 1.0, meta: dict[str, Any] | None = None,
            weights: Sequence[float] | np.ndarray | None = None, spec: HeadSpec | None = None) -> EmbeddingHead:
        """A logistic head (balanced classes, `c`), or the head `spec` describes."""
        spec = spec or HeadSpec(HeadKind.logistic, c)
        y = np.asarray(labels, dtype=int)
        if len(set(y.tolist())) < 2:
            raise HeadError("training a head needs both adverse-event and other examples; add the missing class")
        w = None if weights is None else np.asarray(weights, dtype=np.float64)
        if spec.kind is HeadKind.mlp:
            return cls._fit_mlp(x, y, w, spec, meta)
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=spec.strength, class_weight="balanced", max_iter=5000, solver="liblinear",
                                 random_state=0)
        clf.fit(np.asarray(x, dtype=np.float64), y, sample_weight=w)
        return cls(clf.coef_[0], float(clf.intercept_[0]), {"C": spec.strength, "dim": int(x.shape[1]),
                                                             **(meta or {})})

    @classmethod
    def _fit_mlp(cls, x: np.ndarray, y: np.ndarray, w: np.ndarray | None, spec: HeadSpec,
                 meta: dict[str, Any] | None) -> EmbeddingHead:
        """One network per seed. Their mean logit is itself one network (hidden layers side by side, output
        weights divided by the number of seeds), so an ensemble ships in the single-network format."""
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier

        parts = []
        for seed in range(spec.seed, spec.seed + spec.seeds):
            clf = MLPClassifier(hidden_layer_sizes=(MLP_HIDDEN,), alpha=spec.strength, max_iter=MLP_EPOCHS,
                                batch_size=min(256, len(x)), random_state=seed)  # sklearn clips it anyway
            with warnings.catch_warnings():
                # the epoch budget is fixed on purpose (chosen by LODO); not converging further is the design
                warnings.simplefilter("ignore", ConvergenceWarning)
                clf.fit(np.asarray(x, dtype=np.float32), y, sample_weight=w)
            parts.append(clf)
        n = len(parts)
        ens = {"seeds": n, "seed": spec.seed} if n > 1 or spec.seed else {}
        return cls(np.concatenate([c.coefs_[1][:, 0] for c in parts]) / n,
                   float(np.mean([c.intercepts_[1][0] for c in parts])),
                   {"kind": HeadKind.mlp.value, "alpha": spec.strength, "hidden": MLP_HIDDEN * n,
                    "epochs": MLP_EPOCHS, "dim": int(x.shape[1]), **ens, **(meta or {})},
                   hidden=(np.concatenate([c.coefs_[0] for c in parts], axis=1),
                           np.concatenate([c.intercepts_[0] for c in parts])))

    def logit(self, x: np.ndarray) -> np.ndarray:
        """The head's log-odds, unclipped (an ensemble's members are averaged on this scale)."""
        if x.shape[0] == 0:
            return np.zeros(0)
        if x.shape[1] != self.dim:
            raise HeadError(f"embeddings have {x.shape[1]} dimensions, the head {self.dim}: it was "
                            "trained on another backbone; rebuild it with `make model`")
        h = x.astype(np.float64)
        if self.hidden is not None:
            h = np.maximum(h @ self.hidden[0].astype(np.float64) + self.hidden[1].astype(np.float64), 0.0)
        return np.asarray(h @ self.coef.astype(np.float64) + self.intercept)

    def prob(self, x: np.ndarray) -> np.ndarray:
        return sigmoid(self.logit(x))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        doc = {"format": FORMAT if self.hidden is None else MLP_FORMAT, "intercept": self.intercept,
               "meta": self.meta}
        (directory / "head.json").write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n",
                                             encoding="utf-8")
        np.save(directory / "head.npy", self.coef.astype("<f4"), allow_pickle=False)
        for name in ("hidden.npy", "hidden_bias.npy"):
            (directory / name).unlink(missing_ok=True)  # a logistic head written over an MLP one leaves none
        if self.hidden is not None:
            np.save(directory / "hidden.npy", self.hidden[0].astype("<f4"), allow_pickle=False)
            np.save(directory / "hidden_bias.npy", self.hidden[1].astype("<f4"), allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> EmbeddingHead:
        meta_path, arr_path = directory / "head.json", directory / "head.npy"
        if not meta_path.is_file() or not arr_path.is_file():
            raise HeadError(f"no embedding head in {directory} (head.json + head.npy); build it with `make model`")
        doc = json.loads(meta_path.read_text(encoding="utf-8"))
        if doc.get("format") not in (FORMAT, MLP_FORMAT) or "backbone" not in doc.get("meta", {}):
            raise HeadError(f"{meta_path} is not a {FORMAT} or {MLP_FORMAT} head; rebuild it with `make model`")
        coef = np.load(arr_path, allow_pickle=False)
        hidden = None
        if doc["format"] == MLP_FORMAT:
            try:
                hidden = (np.load(directory / "hidden.npy", allow_pickle=False),
                          np.load(directory / "hidden_bias.npy", allow_pickle=False))
            except FileNotFoundError as exc:
                raise HeadError(f"{directory}: an MLP head needs hidden.npy and hidden_bias.npy ({exc.filename} "
                                "is missing); rebuild the head with `make model`") from exc
        dim = int(doc["meta"].get("dim", coef.shape[0] if hidden is None else hidden[0].shape[0]))
        ok = coef.ndim == 1 and (coef.shape[0] == dim if hidden is None else (
            hidden[0].shape == (dim, coef.shape[0]) and hidden[1].shape == (coef.shape[0],)))
        if not ok:
            raise HeadError(f"{arr_path} does not match {meta_path}; rebuild the head with `make model`")
        return cls(coef, float(doc["intercept"]), doc["meta"], hidden)
