"""Postcodes: a French five-digit code followed by a town ('75013 Paris', '69003 LYON'), or any code
after 'code postal' / 'CP' / 'zip'. A bare five-digit number alone is too common to flag."""

from __future__ import annotations

from classifiers.personal_data.recognizers._base import PvRegexRecognizer


class PvPostcodeRecognizer(PvRegexRecognizer):
    ENTITY = "POSTCODE"
    MIN_DIGITS = 4
    PRECHECK = r"\d{4}"
    CONTEXT = ("code postal", "cp", "zip", "postcode", "postal code", "cedex")
    CONTEXT_BOOST = 0.5
    MERGE = True
    PATTERNS = (
        (r"(?<![\w,.])(?:0[1-9]|[1-8]\d|9[0-8]|2[AB])\d{3}(?= [A-ZÉÈ][A-Za-zÀ-ÿ\-']{2,})", 0.6),
        # after 'zip'/'code postal': any country's layout ('7412 SL', '394 13', '3610-114', '75534-030')
        (r"(?<![\w,.])\d{3,5}(?:[ \-]\d{2,4})?(?: [A-Z]{2}(?![\w]))?(?![\w,.]\d)", 0.1),
    )
    FLAGS = 0

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        if score < 0.5 and not self.has_context(text, start, end):
            return None
        return score
