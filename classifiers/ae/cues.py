"""Regex cue tables compiled once, matched on folded text (lowercase, no accents): one helper for the
context, subject, special-situation and seriousness layers, so each of them stays a readable table."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence


def compile_table(table: Mapping[str, Sequence[str]]) -> dict[str, re.Pattern[str]]:
    """Each key gets one alternation; patterns start at a word boundary and may be stems."""
    return {key: re.compile(r"(?<!\w)(?:" + "|".join(pats) + r")", re.IGNORECASE) for key, pats in table.items()}


def find_all(patterns: Mapping[str, re.Pattern[str]], folded: str) -> dict[str, list[tuple[int, int]]]:
    """Offsets of every cue per key, only for keys that matched."""
    found: dict[str, list[tuple[int, int]]] = {}
    for key, pat in patterns.items():
        hits = [(m.start(), m.end()) for m in pat.finditer(folded)]
        if hits:
            found[key] = hits
    return found
