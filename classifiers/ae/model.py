"""Layer 4: a linear model over the text and the layer features, trained with scikit-learn, stored without pickle.

TF-IDF word (1-2) and char_wb (2-5) n-grams plus the layer features -> LogisticRegression (class_weight
balanced). `save` writes model.json (parameters, vocabularies) and model.npy (idf, coefficients; loaded with
allow_pickle=False), so loading a model can never execute code. Scoring needs neither scikit-learn nor SciPy
(classifiers.ae.tfidf; ~2 s of imports saved for a one-post `pvwatch classify`); training imports them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.ae.features import FEATURE_NAMES
from classifiers.ae.tfidf import NgramTfidf, tfidf_scores
from pvwatch.errors import PvwatchError

FORMAT = "pvwatch-ae-linear/1"
WORD = {"analyzer": "word", "ngram_range": (1, 2), "min_df": 2, "max_features": 40_000, "sublinear_tf": True,
        "token_pattern": r"(?u)\b\w[\w']*\b|[!?]"}
CHAR = {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 3, "max_features": 40_000, "sublinear_tf": True}
# Function words (folded) the word n-grams may drop (research candidate, scripts/select_ae_model.py; not shipped:
# the numpy scorer does not apply stop words). Negations and first-person pronouns are kept.
FUNCTION_WORDS = sorted({
    "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "et", "est", "c", "ce", "cet", "cette", "ces",
    "ca", "a", "au", "aux", "en", "dans", "sur", "pour", "par", "avec", "que", "qu", "qui", "il", "elle", "ils",
    "elles", "on", "nous", "vous", "ton", "ta", "tes", "son", "sa", "ses", "notre", "votre", "leur", "leurs",
    "mais", "ou", "donc", "car", "comme", "tres", "aussi", "y", "se", "s", "sont", "ete", "etait", "fait",
    "the", "an", "and", "or", "but", "of", "to", "in", "at", "for", "with", "by", "from", "is", "are",
    "was", "were", "be", "been", "it", "its", "this", "that", "these", "those", "as", "so", "than", "then",
    "there", "their", "they", "he", "she", "his", "her", "we", "our", "you", "your", "just", "also", "which"})
FEATURE_SCALE = 3.0  # layer features weigh like a few strong n-grams before regularisation (0: out of the score)
CHUNK = 64  # posts scored together


@dataclass(frozen=True)
class LinearParams:
    """What `make model` may choose for the linear tier (issue 12's selection protocol picks among these)."""

    word: dict[str, Any] = field(default_factory=lambda: dict(WORD))
    char: dict[str, Any] = field(default_factory=lambda: dict(CHAR))
    feature_scale: float = FEATURE_SCALE
    balanced: bool = True
    mask_drugs: bool = False  # the text it reads has drug mentions masked (features.model_text)


class ModelError(PvwatchError):
    """The model directory is missing or not a pvwatch model."""


def vectorizer(params: dict[str, Any]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(lowercase=False, dtype=np.float32, **params)


def _fitted(vec: Any, params: dict[str, Any]) -> NgramTfidf:
    return NgramTfidf(params, [str(t) for t in vec.get_feature_names_out()], vec.idf_)


class LinearModel:
    def __init__(self, word: NgramTfidf, char: NgramTfidf, clf_coef: np.ndarray, intercept: float,
                 meta: dict[str, Any], feature_scale: float = FEATURE_SCALE, mask_drugs: bool = False) -> None:
        self.word, self.char = word, char
        self.mask_drugs = bool(mask_drugs)
        self.coef = clf_coef.astype(np.float32)
        self.intercept = float(intercept)
        self.meta = meta
        self.feature_scale = float(feature_scale)

    @property
    def name(self) -> str:
        return str(self.meta.get("name", "linear"))

    # -- training ---------------------------------------------------------------------------------------------
    @classmethod
    def fit(cls, texts: Sequence[str], feats: Sequence[Sequence[float]], labels: Sequence[bool],
            c: float = 2.0, meta: dict[str, Any] | None = None, params: LinearParams | None = None,
            weights: Sequence[float] | None = None) -> LinearModel:
        """`weights`: how many times each row counts (our posts weigh more than one review sentence); the same
        fit as repeating the rows, on fewer of them."""
        p = params or LinearParams()
        word, char = vectorizer(p.word), vectorizer(p.char)
        x = design(word.fit_transform(texts), char.fit_transform(texts), feats, p.feature_scale)
        coef, intercept = fit_rows(x, labels, c, p, weights)
        info = {"name": "linear", "examples": len(labels), "positives": int(sum(labels)), "C": c, **(meta or {})}
        return cls(_fitted(word, p.word), _fitted(char, p.char), coef, intercept, info, p.feature_scale,
                   p.mask_drugs)

    # -- inference --------------------------------------------------------------------------------------------
    def decision(self, texts: Sequence[str], feats: Sequence[Sequence[float]]) -> np.ndarray:
        """What scikit-learn computed (`hstack([word, char, feats * 3]) @ coef + intercept`), in the same float32
        steps (classifiers.ae.tfidf), in chunks that bound the padded work arrays."""
        n_feat = len(self.coef) - len(self.word) - len(self.char)
        f = np.asarray(feats, dtype=np.float32).reshape(len(texts), n_feat) * np.float32(self.feature_scale)
        out = np.zeros(len(texts), dtype=np.float32)
        for i in range(0, len(texts), CHUNK):
            out[i:i + CHUNK] = tfidf_scores((self.word, self.char), self.coef, texts[i:i + CHUNK], f[i:i + CHUNK])
        return np.asarray(out + np.float32(self.intercept), dtype=np.float64)

    def score(self, texts: Sequence[str], feats: Sequence[Sequence[float]]) -> list[float]:
        return [1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) for z in self.decision(texts, feats)]

    def top_features(self, n: int = 20) -> list[tuple[str, float]]:
        names = [*self.word.terms, *(f"c:{t}" for t in self.char.terms),
                 *(f"f:{f}" for f in FEATURE_NAMES)]
        order = np.argsort(-np.abs(self.coef))[:n]
        return [(str(names[i]), float(self.coef[i])) for i in order]

    # -- persistence (no pickle) --------------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        doc = {
            "format": FORMAT, "meta": self.meta, "features": FEATURE_NAMES, "intercept": self.intercept,
            "feature_scale": self.feature_scale, "mask_drugs": self.mask_drugs,
            "word": {"params": self.word.params, "vocabulary": self.word.terms},
            "char": {"params": self.char.params, "vocabulary": self.char.terms},
        }
        (directory / "model.json").write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True) + "\n",
                                              encoding="utf-8")
        # One flat .npy (idf word, idf char, coef): byte-for-byte reproducible, unlike a zip with timestamps.
        flat = np.concatenate([self.word.idf, self.char.idf, self.coef]).astype("<f4")
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
        return cls(word, char, flat[nw + nc:], doc["intercept"], doc["meta"],
                   float(doc.get("feature_scale", FEATURE_SCALE)), bool(doc.get("mask_drugs", False)))


def design(word_x: Any, char_x: Any, feats: Sequence[Sequence[float]], scale: float) -> Any:
    """The training design matrix: word and char TF-IDF columns, then the layer features (SciPy CSR)."""
    from scipy import sparse

    return sparse.hstack([word_x, char_x, sparse.csr_matrix(np.asarray(feats, dtype=np.float32) * scale)]).tocsr()


def fit_rows(x: Any, labels: Sequence[bool], c: float, params: LinearParams,
             weights: Sequence[float] | None = None) -> tuple[np.ndarray, float]:
    """Logistic regression on a design matrix: (coefficients, intercept). Also used on row subsets of one
    matrix for the leave-one-domain-out scores (classifiers/ae/domains.py), without re-vectorising."""
    if len(set(labels)) < 2:
        raise ModelError("training needs both adverse-event and other examples; add the missing class")
    from sklearn.linear_model import LogisticRegression

    # dual: fewer rows than n-gram columns, where liblinear's dual solver converges much faster
    clf = LogisticRegression(C=c, class_weight="balanced" if params.balanced else None, max_iter=3000,
                             solver="liblinear", dual=True, random_state=0)
    clf.fit(x, np.asarray(labels, dtype=int), sample_weight=None if weights is None else np.asarray(weights))
    return clf.coef_[0], float(clf.intercept_[0])


def _restore(part: dict[str, Any], idf: np.ndarray) -> NgramTfidf:
    return NgramTfidf(part["params"], part["vocabulary"], idf)
