"""Loading the shipped lexicons (classifiers/lexicons/*.txt): `term` or `term<TAB>canonical` per line, '#' comments."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parents[1] / "lexicons"


@lru_cache(maxsize=32)
def load_lexicon(name: str, directory: str = str(LEXICON_DIR)) -> tuple[tuple[str, str], ...]:
    """(term, canonical) pairs of lexicon `name` (file name without .txt); a missing file is an empty lexicon."""
    path = Path(directory) / f"{name}.txt"
    if not path.exists():
        return ()
    pairs: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        term, _, canonical = line.partition("\t")
        term = term.strip()
        if term:
            pairs.append((term, canonical.strip() or term))
    return tuple(pairs)
