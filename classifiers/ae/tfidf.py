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
    text = _WHITE_SPACES.sub(" ", text)
    out: list[str] = []
    for w in text.split():
        w = " " + w + " "
        w_len = len(w)
        for n in range(min_n, max_n + 1):
            offset = 0
            out.append(w[offset:offset + n])
            while offset + n < w_len:
                offset += 1
                out.append(w[offset:offset + n])
            if offset == 0:  # a short word (w_len < n) is counted once
                break
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

    def row(self, doc: str) -> tuple[np.ndarray, np.ndarray]:
        """(columns ascending, float32 values) of one document, as a row of `TfidfVectorizer.transform`."""
        vocab = self.vocabulary
        counts = Counter(vocab[t] for t in self.analyze(doc) if t in vocab)
        cols = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
        data = np.fromiter((counts[c] for c in cols), dtype=np.float32, count=len(cols))
        if self.sublinear:
            np.log(data, out=data)
            data += np.float32(1)
        data *= self.idf[cols]
        # scikit-learn's inplace_csr_row_normalize_l2: float32 squares summed in order into a double, each value
        # divided in double precision and stored as float32
        if not data.size:
            return cols, data
        norm = np.sqrt(np.cumsum((data * data).astype(np.float64))[-1])
        if norm > 0:
            data = (data.astype(np.float64) / norm).astype(np.float32)
        return cols, data
