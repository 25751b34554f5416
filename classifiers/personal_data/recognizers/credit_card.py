"""Payment card numbers (12-19 digits, optionally grouped) that pass the Luhn check."""

from __future__ import annotations

from classifiers.personal_data.recognizers._base import PvRegexRecognizer, digits


def luhn_valid(number: str) -> bool:
    d = digits(number)
    if not 12 <= len(d) <= 19:
        return False
    total = 0
    for i, c in enumerate(reversed(d)):
        n = int(c)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


class PvCreditCardRecognizer(PvRegexRecognizer):
    ENTITY = "CREDIT_CARD"
    LOWER = True
    MIN_DIGITS = 12
    PRECHECK = r"\d[\d .\-()]{5,}\d"
    CONTEXT = ("carte", "card", "cb", "visa", "mastercard", "amex", "paiement", "payment", "credit", "crédit")
    CONTEXT_BOOST = 0.0
    PATTERNS = ((r"(?<![\w\-.])(?:\d{4}[ \-]?){2,3}\d{3,4}(?:[ \-]?\d{1,3})?(?![\w\-])", 0.0),
                (r"(?<![\w])\d{12,19}(?![\w])", 0.0))

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        if not luhn_valid(value):
            return None
        d = digits(value)
        if len(set(d)) < 2:  # 0000 0000 0000 0000 passes Luhn but is nobody's card
            return None
        if d[0] in "3456" or self.has_context(text, start, end):
            return 1.0
        # Mastercard's 2-series; other first digits are airline, health, national or internal numbers (ISO/IEC
        # 7812 major industry identifiers), not payment cards, unless the post says so.
        return 0.6 if d[0] == "2" else None
