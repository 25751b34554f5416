"""Layer 4: a scikit-learn model over the text and the layer features, stored without pickle.

TF-IDF word (1-2) and char_wb (2-5) n-grams plus the layer features -> LogisticRegression (class_weight
balanced). `save` writes model.json (parameters, vocabularies) and model.npy (idf, coefficients; loaded with
allow_pickle=False), so loading a model can never execute code.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from classifiers.ae.features import FEATURE_NAMES
from pvwatch.errors import PvwatchError

FORMAT = "pvwatch-ae-linear/1"
WORD = {"analyzer": "word", "ngram_range": (1, 2), "min_df": 2, "max_features": 40_000, "sublinear_tf": True,
        "token_pattern": r"(?u)\b\w[\w']*\b|[!?]"}
CHAR = {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 3, "max_features": 40_000, "sublinear_tf": True}
FEATURE_SCALE = 3.0  # layer features weigh like a few strong n-grams before regularisation


class ModelError(PvwatchError):
    """The model directory is missing or not a pvwatch model."""


def _vectorizer(params: dict[str, Any]) -> TfidfVectorizer:
    return TfidfVectorizer(lowercase=False, dtype=np.float32, **params)


class LinearModel:
    def __init__(self, word: TfidfVectorizer, char: TfidfVectorizer, clf_coef: np.ndarray, intercept: float,
                 meta: dict[str, Any]) -> None:
        self.word, self.char = word, char
        self.coef = clf_coef.astype(np.float32)
        self.intercept = float(intercept)
        self.meta = meta

    @property
    def name(self) -> str:
        return str(self.meta.get("name", "linear"))

    # -- training ---------------------------------------------------------------------------------------------
    @classmethod
    def fit(cls, texts: Sequence[str], feats: Sequence[Sequence[float]], labels: Sequence[bool],
            c: float = 2.0, meta: dict[str, Any] | None = None) -> LinearModel:
        if len(set(labels)) < 2:
            raise ModelError("training needs both adverse-event and other examples; add the missing class")
        word, char = _vectorizer(WORD), _vectorizer(CHAR)
        x = sparse.hstack([word.fit_transform(texts), char.fit_transform(texts),
                           sparse.csr_matrix(np.asarray(feats, dtype=np.float32) * FEATURE_SCALE)]).tocsr()
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, solver="liblinear", random_state=0)
        clf.fit(x, np.asarray(labels, dtype=int))
        info = {"name": "linear", "examples": len(labels), "positives": int(sum(labels)), "C": c, **(meta or {})}
        return cls(word, char, clf.coef_[0], float(clf.intercept_[0]), info)

    # -- inference --------------------------------------------------------------------------------------------
    def decision(self, texts: Sequence[str], feats: Sequence[Sequence[float]]) -> np.ndarray:
        x = sparse.hstack([self.word.transform(texts), self.char.transform(texts),
                           sparse.csr_matrix(np.asarray(feats, dtype=np.float32) * FEATURE_SCALE)]).tocsr()
        return np.asarray(x @ self.coef + self.intercept, dtype=np.float64)

    def score(self, texts: Sequence[str], feats: Sequence[Sequence[float]]) -> list[float]:
        return [1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) for z in self.decision(texts, feats)]

    def top_features(self, n: int = 20) -> list[tuple[str, float]]:
        names = [*self.word.get_feature_names_out(), *(f"c:{t}" for t in self.char.get_feature_names_out()),
                 *(f"f:{f}" for f in FEATURE_NAMES)]
        order = np.argsort(-np.abs(self.coef))[:n]
        return [(str(names[i]), float(self.coef[i])) for i in order]

    # -- persistence (no pickle) --------------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        doc = {
            "format": FORMAT, "meta": self.meta, "features": FEATURE_NAMES, "intercept": self.intercept,
            "word": {"params": WORD, "vocabulary": _vocab_list(self.word)},
            "char": {"params": CHAR, "vocabulary": _vocab_list(self.char)},
        }
        (directory / "model.json").write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True) + "\n",
                                              encoding="utf-8")
        # One flat .npy (idf word, idf char, coef): byte-for-byte reproducible, unlike a zip with timestamps.
        flat = np.concatenate([self.word.idf_, self.char.idf_, self.coef]).astype("<f4")
        np.save(directory / "model.npy", flat, allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> LinearModel:
        meta_path, arr_path = directory / "model.json", directory / "model.npy"
        if not meta_path.exists() or not arr_path.exists():
            raise ModelError(f"no model in {directory} (model.json + model.npy); build one with `make model` "
                             "or `pvwatch train --corpus FILE --out DIR`")
        doc = json.loads(meta_path.read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT:
            raise ModelError(f"{meta_path} is not a {FORMAT} model; retrain it with `pvwatch train`")
        if doc.get("features") != FEATURE_NAMES:
            raise ModelError(f"{meta_path} was trained with other features; rebuild it with `make model`")
        flat = np.load(arr_path, allow_pickle=False)
        nw, nc = len(doc["word"]["vocabulary"]), len(doc["char"]["vocabulary"])
        if flat.shape != (2 * (nw + nc) + len(FEATURE_NAMES),):
            raise ModelError(f"{arr_path} does not match {meta_path}; rebuild the model")
        word = _restore(doc["word"], flat[:nw])
        char = _restore(doc["char"], flat[nw:nw + nc])
        return cls(word, char, flat[nw + nc:], doc["intercept"], doc["meta"])


def _vocab_list(vec: TfidfVectorizer) -> list[str]:
    return [str(t) for t in vec.get_feature_names_out()]  # index order


def _restore(part: dict[str, Any], idf: np.ndarray) -> TfidfVectorizer:
    params = dict(part["params"])
    params["ngram_range"] = tuple(params["ngram_range"])
    vec = _vectorizer(params)
    vec.vocabulary_ = {t: i for i, t in enumerate(part["vocabulary"])}
    vec.idf_ = idf
    return vec
