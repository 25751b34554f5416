"""The default transformer tier: a frozen multilingual sentence encoder + a trained head, blended with the linear
tier, behind a cascade.

score = (1 - w) * linear + w * head(encoder(text)). The cascade: a post whose linear score is below the head's
`cascade_below` (chosen by `make model` so that almost no out-of-fold adverse event falls under it) is not
encoded; its score is (1 - w) * linear, below every preset's threshold by construction of the cut-off. That keeps
the tier fast on a stream where most posts are plainly unrelated. The encoder loads on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from classifiers.ae.encoders import SentenceEncoder, encoder_for
from classifiers.ae.head import EmbeddingHead

DEFAULT_HEAD_DIR = Path(__file__).resolve().parents[1] / "models" / "default" / "encoder"


class EmbeddingTier:
    def __init__(self, head: EmbeddingHead, encoder: SentenceEncoder, cascade: bool = True) -> None:
        self.head = head
        self.encoder = encoder
        self.cascade = cascade
        self.encoded = 0  # posts sent to the encoder (the benchmark reports the cascade's share)

    @classmethod
    def load(cls, directory: Path, cascade: bool = True, threads: int = 2) -> EmbeddingTier:
        head = EmbeddingHead.load(directory)
        return cls(head, encoder_for(head.backbone, directory, threads), cascade)

    @property
    def name(self) -> str:
        return f"{self.head.backbone}({self.head.weight:g})"

    def head_scores(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded += len(texts)
        return self.head.prob(self.encoder.encode(texts))

    def blend(self, texts: Sequence[str], linear: Sequence[float]) -> list[float]:
        w = self.head.weight
        lin = np.asarray(linear, dtype=np.float64)
        out = (1 - w) * lin
        todo = np.arange(len(texts)) if not self.cascade else np.flatnonzero(lin >= self.head.cascade_below)
        if todo.size:
            out[todo] += w * self.head_scores([texts[int(i)] for i in todo])
        return [float(s) for s in out]
