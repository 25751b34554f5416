"""An on-disk cache of sentence embeddings keyed by sha1(text), for `make model` and the benchmarks.

Encoding tens of thousands of posts takes minutes on 2 cores; the build and the benchmark re-read vectors they
already computed. Shards are `.npz` files (keys + float32 vectors, read with allow_pickle=False), one per write,
so an interrupted run keeps what it finished. Off unless a directory is given (PVWATCH_EMBED_CACHE).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from classifiers.ae.encoders import SentenceEncoder

CHUNK = 256


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


class CachedEncoder:
    """Wraps an encoder: vectors already in `directory` are read, the rest encoded (in length order, which
    keeps micro-batches even) and written."""

    def __init__(self, encoder: SentenceEncoder, directory: Path | None) -> None:
        self.encoder = encoder
        self.name = encoder.name
        self.directory = directory
        self.vectors: dict[str, np.ndarray] = {}
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            for shard in sorted(directory.glob("*.npz")):
                with np.load(shard, allow_pickle=False) as z:
                    self.vectors.update(zip((str(k) for k in z["keys"]), z["vecs"], strict=True))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        todo = sorted({t for t in texts if text_key(t) not in self.vectors}, key=len)
        for i in range(0, len(todo), CHUNK):
            chunk = todo[i:i + CHUNK]
            vecs = self.encoder.encode(chunk)
            keys = [text_key(t) for t in chunk]
            self.vectors.update(zip(keys, vecs, strict=True))
            if self.directory is not None:
                np.savez(self.directory / f"{time.time_ns()}.npz", keys=np.array(keys),
                         vecs=np.asarray(vecs, dtype=np.float32))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self.vectors[text_key(t)] for t in texts]).astype(np.float32)
