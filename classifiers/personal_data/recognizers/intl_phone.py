"""International and North-American phone numbers (+44 7700 900123, (602) 272-9781, 001-253-366-9781).

The shape is looser than a French number's, so bare digit runs need a context word; numbers that start
with '+' or '00' and a country code, or use the (area) NNN-NNNN layout, stand on their own.
"""

from __future__ import annotations

from classifiers.personal_data.recognizers._base import RegexRecognizer, digits


class IntlPhoneRecognizer(RegexRecognizer):
    ENTITY = "PHONE"
    LOWER = True
    PRECHECK = r"\d[\d .\-()]{5,}\d"
    CONTEXT = ("tel", "tél", "phone", "mobile", "cell", "call", "fax", "contact", "reach", "number", "sms",
               "whatsapp", "portable", "numéro", "joindre", "joignable", "appel")
    CONTEXT_BOOST = 0.4
    PATTERNS = (
        # +CC or 00CC then groups (not +33/0033: fr_phone owns those)
        (r"(?<![\w+])(?:\+|00)(?!33)[1-9]\d{0,2}[ .\-]?(?:\(0\)[ .\-]?)?\(?\d{1,4}\)?(?:[ .\-]?\d{2,4}){1,4}(?!\d)",
         0.7),
        # North American: (602)272-9781, 618-226-1460, 930.167.3943, 1-800-...
        (r"(?<![\w+])(?:1[ .\-])?\(\d{3}\)[ .\-]?\d{3}[ .\-]\d{4}(?!\d)", 0.7),
        (r"(?<![\w+.\-])(?:1[ .\-])?\d{3}([.\-])\d{3}\1\d{4}(?![\d.\-]\d)", 0.6),
        # UK mobile/landline: 07700 900123, 020 7946 0000
        (r"(?<![\w+])0[1-9]\d{2,4} ?\d{3} ?\d{3,4}(?!\d)", 0.3),
        # anything else phone-like: only with context
        (r"(?<![\w+.\-/])\(?\d{2,4}\)?(?:[ .\-]\d{2,4}){1,4}(?![\d/])", 0.15),
    )

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        n = len(digits(value))
        if n < 7 or n > 15:
            return None
        if score < 0.5 and not self.has_context(text, start, end):
            return None
        return score
