"""US social-security numbers: NNN-NN-NNNN (or spaced/compact with a context word). Area 000, 666 and 900-999,
group 00 and serial 0000 are never issued (SSA rules), so they are not SSNs."""

from __future__ import annotations

from classifiers.personal_data.recognizers._base import PvRegexRecognizer, digits


class PvUsSsnRecognizer(PvRegexRecognizer):
    ENTITY = "US_SSN"
    MIN_DIGITS = 9
    LOWER = True
    CONTEXT = ("ssn", "social security", "social sec", "ss#", "ss #")
    CONTEXT_BOOST = 0.35
    MERGE = True
    PATTERNS = (
        (r"(?<![\w\-])\d{3}-\d{2}-\d{4}(?![\w\-])", 0.5),
        (r"(?<![\w\-])\d{3}[ .]?\d{2}[ .]?\d{4}(?![\w\-])", 0.2),
    )

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        d = digits(value)
        area, group, serial = int(d[:3]), int(d[3:5]), int(d[5:])
        if area == 0 or area == 666 or area >= 900 or group == 0 or serial == 0:
            return None
        if score < 0.5 and not self.has_context(text, start, end):
            return None
        return score
