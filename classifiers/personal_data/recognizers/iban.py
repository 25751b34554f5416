"""IBAN (ISO 13616): country code, 2 check digits, then up to 30 alphanumerics; valid when mod 97 == 1."""

from __future__ import annotations

import re

from classifiers.personal_data.recognizers._base import PvRegexRecognizer

# Lengths per country for the countries readers here are likely to use; others: 15..34.
_LENGTHS = {"FR": 27, "BE": 16, "CH": 21, "DE": 22, "ES": 24, "GB": 22, "IT": 27, "LU": 20, "MC": 27,
            "NL": 18, "PT": 25, "IE": 22, "AT": 20}


def iban_valid(value: str) -> bool:
    v = re.sub(r"[\s\-]", "", value).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", v):
        return False
    if len(v) != _LENGTHS.get(v[:2], len(v)):
        return False
    moved = v[4:] + v[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


class PvIbanRecognizer(PvRegexRecognizer):
    ENTITY = "IBAN"
    MIN_DIGITS = 8
    PRECHECK = r"\d[\d .\-()]{5,}\d"
    CONTEXT = ("iban", "rib", "virement", "compte", "bank", "account", "transfer")
    CONTEXT_BOOST = 0.0
    PATTERNS = ((r"(?<![\w])[A-Z]{2} ?\d{2}(?:[ \-]?[A-Z0-9]{2,4}){3,8}(?![\w])", 0.3),)

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        value = value.rstrip()
        if iban_valid(value):
            return 1.0
        # A wrong check with the IBAN shape and 'IBAN' just before: still someone's account number.
        return 0.6 if self.has_context(text, start, end) and value[:2].isalpha() else None
