"""International and North-American phone numbers (+44 7700 900123, (602) 272-9781, 555.123.4567, x204).

The shape is looser than a French number's, so bare digit runs need a context word, before the number
('call', 'reach me at', 'my registered ...', 'not answering at') or as a label just after it ('... office',
'...-Fax'); numbers that start with '+' or '00' and a country code, or use the (area) NNN-NNNN layout, stand on
their own. An extension ('x204', 'ext. 12') belongs to the number. Doses, counts, dates, US social-security
(NNN-NN-NNNN) and other id numbers ('licence', 'account', 'order' next to them) are not phones.
"""

from __future__ import annotations

import re

from classifiers.personal_data.recognizers._base import PvRegexRecognizer, cue_key, digits

_EXT = r"(?:,? ?(?:x|ext\.?|extension) ?\d{1,5})?"
_EXT_RX = re.compile(r",? ?(?:x|ext\.?|extension) ?\d{1,5}$", re.IGNORECASE)
# Labels written right after a number on a signature or a business card.
_AFTER = ("office", "fax", "mobile", "cell", "home", "work", "desk", "phone", "tel")
# Other numbers people give: a weak (context-only) match next to these is an id, not a phone.
_ID_WORDS = ("social security", "ssn", "licen", "passport", "account", "order", "invoice", "policy", "tracking",
             "serial", "lot ", "batch", "card", "iban", "member id", "patient id", "nir", "secu", "identif",
             "dossier", "sous le numero", "reference", "ref ", "client", "commande", "facture", "contrat",
             "ipp", "finess", "rpps", "adeli", "hospitalisation")
_DATE = re.compile(r"\d{1,2}[./\-]\d{1,2}[./\-](?:19|20)?\d{2}|(?:19|20)\d{2}[./\-]\d{1,2}[./\-]\d{1,2}")
_SSN = re.compile(r"\d{3}-\d{2}-\d{4}")


class PvIntlPhoneRecognizer(PvRegexRecognizer):
    ENTITY = "PHONE"
    LOWER = True
    MIN_DIGITS = 7
    PRECHECK = r"\d[\d .\-()]{5,}\d"
    CONTEXT = ("tel", "tél", "phone", "mobile", "cell", "call", "fax", "contact", "reach", "number", "sms",
               "whatsapp", "portable", "numéro", "joindre", "joignable", "appel", "office", "desk", "landline",
               "answering", "answer", "registered", "dial", "ring me", "text me", "extension", "fixe")
    CONTEXT_BOOST = 0.4
    PATTERNS = (
        # +CC or 00CC then groups (not +33/0033: fr_phone owns those)
        (r"(?<![\w+])(?:\+|00)(?!33)[1-9]\d{0,2}[ .\-]?(?:\(0\)[ .\-]?)?\(?\d{1,4}\)?(?:[ .\-]?\d{2,4}){1,4}(?!\d)"
         + _EXT, 0.7),
        # North American: (602)272-9781, 618-226-1460, 930.167.3943, 1-800-...
        (r"(?<![\w+])(?:1[ .\-])?\(\d{3}\)[ .\-]?\d{3}[ .\-]\d{4}(?!\d)" + _EXT, 0.7),
        (r"(?<![\w+.\-])(?:1[ .\-])?\d{3}([.\-])\d{3}\1\d{4}(?![\d.\-]\d)" + _EXT, 0.6),
        # UK mobile/landline: 07700 900123, 020 7946 0000
        (r"(?<![\w+])0[1-9]\d{2,4} ?\d{3} ?\d{3,4}(?!\d)" + _EXT, 0.3),
        # anything else phone-like, including a bare 10-11 digit run: only with context
        # (not the first groups of a longer run of numbers: a table row, a NIR read out in groups)
        (r"(?<![\w+.\-/)])(?<!\d[ .\-])(?:\(?\d{2,4}\)?(?:[ .\-]\d{2,4}){1,4}|\(?\d{3}\)?[ .\-]\d{7}|\d{10,11})"
         r"(?![\d/]|[ .\-]\d)" + _EXT, 0.15),
    )

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        number = _EXT_RX.sub("", value)
        n = len(digits(number))
        if n < 7 or n > 15 or _DATE.fullmatch(number) or _SSN.fullmatch(number):
            return None
        if score >= 0.5:
            return score
        if self.has_context(text, start, end):
            window = cue_key(text[max(0, start - 30):start])
            return None if any(w in window for w in _ID_WORDS) else score
        after = text[end:end + 10].lower()
        if any(w in after for w in _AFTER):
            return score + self.CONTEXT_BOOST
        return None
