"""TF-IDF vectors of a trained vocabulary, computed with numpy only: inference without scikit-learn and SciPy.

Importing `sklearn.feature_extraction` (and through it SciPy) costs ~1.5-2 s of CPU, more than scoring one post.
Training still uses scikit-learn's `TfidfVectorizer`; a model stores its vocabulary and idf (model.json +
model.npy) and this module reproduces what `TfidfVectorizer.transform` computes for the parameters pvwatch
uses (lowercase=False, analyzer word or char_wb, sublinear_tf, l2 norm, float32): the same analyzers (copied
from scikit-learn 1.x, `_word_ngrams` / `_char_wb_ngrams`), the same float32 steps. `tests/test_cli_speed.py`
compares it with scikit-learn on the committed model.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's _VectorizerMixin._white_spaces
SUPPORTED = {"analyzer", "ngram_range", "min_df", "max_features", "sublinear_tf", "token_pattern"}


def word_ngrams(tokens: list[str], min_n: int, max_n: int) -> list[str]:
    if max_n == 1:
        return tokens
    original = tokens
    if min_n == 1:
        out = list(original)
        min_n += 1
    else:
        out = []
    for n in range(min_n, min(max_n + 1, len(original) + 1)):
        for i in range(len(original) - n + 1):
            out.append(" ".join(original[i:i + n]))
    return out


def char_wb_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """scikit-learn's `_char_wb_ngrams`, its inner while loop written as one slice per offset 0..len-n."""
    text = _WHITE_SPACES.sub(" ", text)
    out: list[str] = []
    for w in text.split():
        w = " " + w + " "
        w_len = len(w)
        for n in range(min_n, max_n + 1):
            if n >= w_len:  # a short word is counted once, whole, and longer n-grams are not tried
                out.append(w)
                break
            out.extend([w[i:i + n] for i in range(w_len - n + 1)])
    return out


class NgramTfidf:
    """One fitted vectorizer: its parameters, vocabulary (term -> column) and idf weights."""

    def __init__(self, params: dict[str, Any], vocabulary: Sequence[str], idf: np.ndarray) -> None:
        unknown = set(params) - SUPPORTED
        if unknown:
            raise ValueError(f"vectorizer parameters {sorted(unknown)} are not reproduced without scikit-learn")
        if len(vocabulary) != len(idf):
            raise ValueError("one idf weight per vocabulary term")
        self.params = dict(params)
        self.terms = list(vocabulary)
        self.vocabulary = {t: i for i, t in enumerate(self.terms)}
        self.idf = np.asarray(idf, dtype=np.float32)
        self.sublinear = bool(params.get("sublinear_tf", False))
        self.analyze = self._analyzer()

    def _analyzer(self) -> Callable[[str], list[str]]:
        lo, hi = (int(n) for n in self.params["ngram_range"])
        kind = self.params["analyzer"]
        if kind == "word":
            pattern = re.compile(self.params.get("token_pattern", r"(?u)\b\w\w+\b"))
            if pattern.groups > 1:
                raise ValueError("token_pattern with more than one capturing group")
            return lambda doc: word_ngrams(pattern.findall(doc), lo, hi)
        if kind == "char_wb":
            return lambda doc: char_wb_ngrams(doc, lo, hi)
        raise ValueError(f"analyzer {kind!r} is not reproduced without scikit-learn; use word or char_wb")

    def __len__(self) -> int:
        return len(self.terms)

    def counts(self, doc: str) -> tuple[list[int], list[int]]:
        """Columns (ascending) and raw counts of one document's n-grams in the vocabulary."""
        counts: Counter[int | None] = Counter(map(self.vocabulary.get, self.analyze(doc)))  # C loops
        counts.pop(None, None)  # n-grams outside the vocabulary
        keys = sorted(k for k in counts if k is not None)
        return keys, [counts[k] for k in keys]


def _sequential_sums(values: np.ndarray, segment: np.ndarray, position: np.ndarray, n: int) -> np.ndarray:
    """Per segment, the values summed in order (left to right, in `values`' dtype), as a C loop would: each
    segment is a row of a zero-padded matrix and `cumsum` along a row is sequential (numpy's `sum`/`reduceat`
    are pairwise and round differently). Adding the padding zeros changes no sum."""
    width = int(position.max()) + 1 if position.size else 1
    grid = np.zeros((n, width), dtype=values.dtype)
    grid[segment, position] = values
    return np.cumsum(grid, axis=1, dtype=values.dtype)[:, -1]


def tfidf_scores(vectorizers: Sequence[NgramTfidf], coef: np.ndarray, docs: Sequence[str],
                 extra: np.ndarray) -> np.ndarray:
    """`hstack([v.transform(docs) for v in vectorizers] + [csr(extra)]) @ coef` as scikit-learn and SciPy compute
    it in float32: per vectorizer, tf = 1 + log(count) (sublinear), times idf, l2-normalised (float32 squares
    summed in order into a double, each value divided in double and stored as float32); then per document the
    products with `coef` summed in column order in float32, extra (non-zero) columns last."""
    n = len(docs)
    cols: list[int] = []
    counts: list[int] = []
    seg: list[int] = []  # (document, vectorizer) segment of each entry, for the norms
    doc_of: list[int] = []
    offset = 0
    offsets = []
    for v in vectorizers:
        offsets.append(offset)
        offset += len(v)
    for d, doc in enumerate(docs):
        for k, (v, off) in enumerate(zip(vectorizers, offsets, strict=True)):
            keys, cnt = v.counts(doc)
            cols += [off + c for c in keys]
            counts += cnt
            seg += [d * len(vectorizers) + k] * len(keys)
            doc_of += [d] * len(keys)
    col = np.array(cols, dtype=np.int64)
    tf = np.array(counts, dtype=np.float32)
    sublinear = np.concatenate([np.full(len(v), v.sublinear) for v in vectorizers]) if vectorizers else np.zeros(0)
    log_mask = sublinear[col].astype(bool)
    tf[log_mask] = np.log(tf[log_mask]) + np.float32(1)
    idf = np.concatenate([v.idf for v in vectorizers]).astype(np.float32)
    val = tf * idf[col]
    segment = np.array(seg, dtype=np.int64)
    starts = np.searchsorted(segment, segment, side="left")  # entries of a segment are contiguous
    position = np.arange(len(segment)) - starts
    norms = np.sqrt(_sequential_sums((val * val).astype(np.float64), segment, position, n * len(vectorizers)))
    val = (val.astype(np.float64) / np.where(norms > 0, norms, 1.0)[segment]).astype(np.float32)
    prod = val * coef[col]
    # the extra columns (layer features) after the n-grams, non-zero ones only as in a CSR row
    ed, ec = np.nonzero(extra)
    extra_prod = extra[ed, ec] * coef[offset + ec]
    owner = np.concatenate([np.array(doc_of, dtype=np.int64), ed.astype(np.int64)])
    values = np.concatenate([prod, extra_prod]).astype(np.float32)
    order = np.argsort(owner, kind="stable")  # per document: its n-gram entries in order, then its features
    owner, values = owner[order], values[order]
    first = np.searchsorted(owner, owner, side="left")
    return _sequential_sums(values, owner, np.arange(len(owner)) - first, n)
