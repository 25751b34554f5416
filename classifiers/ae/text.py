"""Text helpers shared by the layers: length-preserving folding and cached spaCy tokenizers.

Folding lowercases and strips accents one character at a time, so an offset in the folded text is the same
offset in the original post: evidence spans point into what the reviewer sees.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

MAX_CLASSIFY_CHARS = 5_000  # posts are hostile input; AE evidence lives in the first few thousand characters


# Characters that change nothing a reader sees but break matching: zero-width and format characters, soft
# hyphens. `fold` moves them to the end of their word as spaces (length preserved: offsets stay valid).
_INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
                       "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Cyrillic and Greek letters that look like Latin ones (Unicode confusables, the ones seen in spam evasion).
_HOMOGLYPHS = str.maketrans({
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ӏ": "l",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ϲ": "c", "ℓ": "l",
})


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch == "\ufffd":  # what sanitising left of a control character: a word break, not part of a drug name
        return " "
    compat = unicodedata.normalize("NFKC", ch)  # fullwidth "Ｌ" -> "L", ligatures stay as they are
    if len(compat) == 1:
        ch = compat
    low = ch.lower().translate(_HOMOGLYPHS)
    if len(low) != 1:
        return ch if len(ch) == 1 else "?"
    base = unicodedata.normalize("NFD", low)[0]
    if base in "’ʼ`´":
        return "'"
    return base


def fold_aligned(text: str) -> str:
    """Lowercase, accents removed, curly apostrophes straightened, fullwidth letters and homoglyphs mapped to
    Latin, invisible characters moved out of words; same length as `text`."""
    if text.isascii():
        return text.lower()
    folded = "".join(_fold_char(c) for c in text)
    if not _INVISIBLE.intersection(text):
        return folded
    out: list[str] = []
    pad = 0
    for orig, ch in zip(text, folded, strict=True):
        if orig in _INVISIBLE:
            pad += 1
            continue
        if ch.isspace() and pad:
            out.append(" " * pad)
            pad = 0
        out.append(ch)
    out.append(" " * pad)
    return "".join(out)


def span_end(text: str, folded: str, end: int) -> int:
    """Where a match ending at `end` in `folded` ends in `text`: past the invisible characters `fold_aligned` moved."""
    while end < len(text) and folded[end] == " " and not text[end].isspace():
        end += 1
    return end


@lru_cache(maxsize=8)
def tokenizer(lang: str) -> Any:
    """A blank spaCy tokenizer (tokenizer only): fast, and enough for phrase matching; read from the tokenizer
    cache (classifiers.ae.tokenizer_cache) after the first use."""
    from classifiers.ae.tokenizer_cache import blank

    return blank(lang if lang in ("fr", "en") else "en")
