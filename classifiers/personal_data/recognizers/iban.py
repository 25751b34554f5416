"""IBAN (ISO 13616): country code, 2 check digits, then up to 30 alphanumerics; valid when mod 97 == 1.

People write IBANs in groups of four and the last group may be one character long (`CH56 … 7800 9`). The
shape regex can run into the next word (`… 4567 failed`, `… K41 merci`), so the span is cut back to the
longest prefix that checks out, or to the country's length; a wrong check is kept only with `IBAN`/`RIB`
context.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from classifiers.personal_data.presidio_base import RecognizerResult
from classifiers.personal_data.recognizers._base import PvRegexRecognizer

# ISO 13616 registry lengths (SWIFT IBAN registry); other countries: 15..34.
_LENGTHS = {"AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
            "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27,
            "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MA": 28, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28,
            "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26}
_SEPS = re.compile(r"[\s\-]")


def iban_valid(value: str) -> bool:
    v = _SEPS.sub("", value).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", v):
        return False
    if len(v) != _LENGTHS.get(v[:2], len(v)):
        return False
    moved = v[4:] + v[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _cut_points(value: str) -> list[int]:
    """Ends of the groups in `value` (after each alphanumeric run), longest first."""
    return sorted({m.end() for m in re.finditer(r"[A-Za-z0-9]+", value)}, reverse=True)


class PvIbanRecognizer(PvRegexRecognizer):
    ENTITY = "IBAN"
    MIN_DIGITS = 8
    PRECHECK = r"\d[\d .\-()]{5,}\d"
    CONTEXT = ("iban", "rib", "virement", "compte", "bank", "account", "transfer")
    CONTEXT_BOOST = 0.0
    FLAGS = 0  # the country code is upper case; a lower-case word after the number is not part of it
    PATTERNS = ((r"(?<![\w])[A-Z]{2} ?\d{2}(?:[ \-]?[A-Z0-9]{1,4}){3,8}(?![\w])", 0.3),
                (r"(?<![\w])[A-Z]{2} ?\d{2}(?:[ \-]?[A-Za-z0-9]{1,4}){3,8}", 0.3))

    def _scan(self, text: str, lower: str | None = None) -> Iterable[RecognizerResult]:
        seen: set[int] = set()
        for rx, _ in self._compiled:
            for m in rx.finditer(text):
                if m.start() in seen:
                    continue
                found = self._best(text, m.start(), m.group())
                if found is not None:
                    seen.add(m.start())
                    yield found

    def _best(self, text: str, start: int, value: str) -> RecognizerResult | None:
        """The longest prefix (ending at a group end) that is a valid IBAN; else, with context, the prefix of
        the country's length (or the whole upper-case match)."""
        for end in _cut_points(value):
            if iban_valid(value[:end]) and not text[start + end:start + end + 1].isalnum():
                return self.result(start, start + end, 1.0)
        if not self.has_context(text, start):
            return None
        want = _LENGTHS.get(value[:2])
        for end in _cut_points(value):
            compact = _SEPS.sub("", value[:end])
            if (len(compact) == want if want else compact.isupper() or compact.isdigit()) and len(compact) >= 15:
                return self.result(start, start + end, 0.6)
        return None
