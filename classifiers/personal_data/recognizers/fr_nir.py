"""French social-security number (NIR, 'numéro de sécu'): 15 characters, key = 97 - (first 13 mod 97).

Layout: sex (1/2, 3/4/7/8 for temporary numbers), year (2), month (01-12, 20-42 or 50-99 when unknown),
department (2 digits, or 2A/2B for Corsica, counted as 19/18 in the key), commune (3), order (3), key (2).
People type it with spaces anywhere. A valid key scores 1.0; a well-shaped number with a wrong or missing key
still counts when a context word ('sécu', 'NIR', 'assuré') is near, because a typo does not make it anonymous.
"""

from __future__ import annotations

import re

from classifiers.personal_data.recognizers._base import RegexRecognizer

_D = r"\d ?"


def nir_key_valid(value: str) -> bool:
    """True when the 15-character NIR's key matches, with the Corsica rule (2A -> 19, 2B -> 18)."""
    v = re.sub(r"[\s.\-]", "", value).upper()
    if len(v) != 15 or not re.fullmatch(r"[12345678]\d{4}(?:\d{2}|2A|2B)\d{8}", v):
        return False
    body = v[:13].replace("2A", "19").replace("2B", "18")
    return 97 - int(body) % 97 == int(v[13:])


class FrNirRecognizer(RegexRecognizer):
    ENTITY = "NIR"
    PRECHECK = r"\d[\d .\-()]{5,}\d"
    CONTEXT = ("secu", "sécu", "sécurité sociale", "securite sociale", "nir", "insee", "assuré", "assure",
               "carte vitale", "n° ss", "no ss", "numéro ss", "identification", "social security")
    CONTEXT_BOOST = 0.0  # context is used in `check`, not as a boost
    PATTERNS = (
        # 13 to 15 characters, optionally spaced, department may be 2A/2B
        (r"(?<![\w])[1-478] ?\d ?\d ?\d ?\d ?(?:\d ?\d|2 ?[AB]) ?(?:\d ?){5}\d(?: ?\d ?\d)?(?![\w])", 0.5),
        # with a context word just before, shorter or oddly grouped numbers count too ('173 2857 4932')
        (r"(?<![\w])[12]\d{1,3}(?:[ .]\d{2,4}){2,5}(?![\w])", 0.0),
    )

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        if nir_key_valid(value):
            return 1.0
        compact = re.sub(r"[\s.]", "", value)
        context = self.has_context(text, start, end)
        if not 11 <= len(compact) <= 15 or (score == 0.0 and not context):
            return None
        if context:
            return 0.65
        # No context, wrong key: a 13-15 digit number shaped like a NIR (sex, month) is still likely one.
        if len(compact) >= 13 and compact[0] in "12" and self._plausible_month(compact):
            return 0.55
        return None

    @staticmethod
    def _plausible_month(compact: str) -> bool:
        month = int(compact[3:5])
        return 1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99
