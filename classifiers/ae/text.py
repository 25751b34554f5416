"""Text helpers shared by the layers: length-preserving folding and cached spaCy tokenizers.

Folding lowercases and strips accents one character at a time, so an offset in the folded text is the same
offset in the original post: evidence spans point into what the reviewer sees.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

MAX_CLASSIFY_CHARS = 5_000  # posts are hostile input; AE evidence lives in the first few thousand characters


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    low = ch.lower()
    if len(low) != 1:
        return ch if len(ch) == 1 else "?"
    base = unicodedata.normalize("NFD", low)[0]
    if base in "’ʼ`´":
        return "'"
    return base


def fold_aligned(text: str) -> str:
    """Lowercase, accents removed, curly apostrophes straightened; same length as `text`."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


@lru_cache(maxsize=8)
def tokenizer(lang: str) -> Any:
    """A blank spaCy pipeline (tokenizer only): fast, and enough for phrase matching."""
    from classifiers.heavy import import_without_torch

    spacy = import_without_torch("spacy")
    return spacy.blank(lang if lang in ("fr", "en") else "en")
