"""Base for GDPR Art. 9 special categories (health, religion, ...): a term list, counted only when the
sentence is about an identifiable person (the poster: je/I/my..., a relative: ma fille/my son..., or a name).

'Le diabète est une maladie' is not personal data; 'mon fils est diabétique' is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from classifiers.personal_data.presidio_base import RecognizerResult
from classifiers.personal_data.recognizers._base import PvRegexRecognizer, factor_alternatives

# Who the sentence is about; kept cheap (one regex) because it runs on every special-category hit.
SUBJECT_RX = re.compile(
    r"(?<![\w])(?:je|j'|j’|moi|mon|ma|mes|me|m'|m’|nous|notre|nos|i|i'm|i’m|im|i've|my|me|we|our|mine"
    r"|fille|fils|femme|mari|mère|mere|père|pere|sœur|soeur|frère|frere|enfant|bébé|bebe|copine|copain"
    r"|daughter|son|wife|husband|mother|mom|mum|father|dad|sister|brother|kid|baby|child|boyfriend"
    r"|girlfriend|partner|il|elle|he|she|his|her|il est|elle est)(?![\w])",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?\n]")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right_m = _SENTENCE_END.search(text, end)
    return left, (right_m.start() if right_m else len(text))


class PvSpecialCategoryRecognizer(PvRegexRecognizer):
    """Subclasses set ENTITY and TERMS (regex alternatives, matched on word boundaries)."""

    TERMS: tuple[str, ...] = ()
    SCORE = 0.7
    NEEDS_SUBJECT = True
    LOWER = True

    def load(self) -> None:
        self.PATTERNS = ((r"(?<![\w])(?:" + "|".join(self.TERMS) + r")(?![\w])", self.SCORE),)
        super().load()

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        if not self.NEEDS_SUBJECT:
            return score
        left, right = sentence_bounds(text, start, end)
        return score if SUBJECT_RX.search(text, left, right) else None


class MergedSpecialCategories:
    """Every special-category term list in one regex pass over the lower-cased post (one named group per
    recognizer) instead of one pass each: a pass costs about as much whatever the alternation's length, so
    six became one. Findings are the same as each recognizer's own `scan`, except where terms of two
    categories overlap: one finding then (the first category listed), where the detector would have kept only
    one of the two anyway."""

    def __init__(self, recognizers: Sequence[PvSpecialCategoryRecognizer]) -> None:
        self.recognizers = list(recognizers)
        groups = "|".join(f"(?P<g{i}>{factor_alternatives(r.TERMS)})" for i, r in enumerate(self.recognizers))
        self._rx = re.compile(rf"(?<![\w])(?:{groups})(?![\w])")

    def scan(self, text: str, lower: str | None = None) -> list[RecognizerResult]:
        lower = text.lower() if lower is None else lower
        if len(lower) != len(text):  # offsets would shift: fall back to one pass per recognizer
            return [r for rec in self.recognizers for r in rec.scan(text)]
        out: list[RecognizerResult] = []
        for m in self._rx.finditer(lower):
            rec = self.recognizers[int(str(m.lastgroup)[1:])]
            start, end = m.span()
            score = rec.check(text[start:end], text, start, end, rec.SCORE)
            if score is not None:
                out.append(rec.result(start, end, score))
        return out
