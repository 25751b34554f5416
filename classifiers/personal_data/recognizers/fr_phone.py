"""French phone numbers: 06 12 34 56 78, 06.12.34.56.78, 0612345678, +33 6 12..., +33 (0)6..., 0033 6..., (33) 1 20...

Presidio's phone recognizer (phonenumbers) scores these 0.4 by default, below the usual 0.5 threshold; a
French number has a rigid shape (ten digits, 0 + non-zero, pairs), so the shape alone is strong evidence.
"""

from __future__ import annotations

from classifiers.personal_data.recognizers._base import PvRegexRecognizer

_SEP = r"[ .\-]?"
_PAIRS = rf"(?:{_SEP}\d{{2}}){{4}}"


class PvFrPhoneRecognizer(PvRegexRecognizer):
    ENTITY = "PHONE"
    LOWER = True
    MIN_DIGITS = 10  # 06 12 34 56 78
    PRECHECK = r"\d[\d .\-()]{5,}\d"
    CONTEXT = ("tel", "tél", "téléphone", "portable", "mobile", "appel", "joindre", "joignable", "numéro",
               "phone", "call", "sms", "whatsapp")
    CONTEXT_BOOST = 0.2
    PATTERNS = (
        (rf"(?<![\w+])0[1-9]{_PAIRS}(?!\d)", 0.75),
        # service and short-prefix numbers as printed: 0 800 12 34 56, 0 812 34 56 78
        (r"(?<![\w+])0 [1-9]\d{2} \d{2} \d{2} \d{2}(?!\d)", 0.75),
        (rf"(?<![\w+])(?:\+|00)33{_SEP}(?:\(0\){_SEP})?[1-9]{_PAIRS}(?!\d)", 0.85),
        # the country code in brackets, as on letterheads: (33) 1 20 49 98 13, (+33) 6..., (0033) 6...
        (rf"(?<![\w+])\((?:\+|00)?33\){_SEP}(?:\(0\){_SEP})?[1-9]{_PAIRS}(?!\d)", 0.85),
    )
