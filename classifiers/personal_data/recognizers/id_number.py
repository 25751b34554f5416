"""Record and licence numbers introduced as such: hospital patient ids (IPP), stay numbers (NDA), file numbers
('dossier n°', 'sous le numéro'), patient/member ids, driver's licence and passport numbers. The number alone
is anonymous-looking; the word before it says whose record it is. Needs at least four digits."""

from __future__ import annotations

import re

from classifiers.personal_data.recognizers._base import PvRegexRecognizer

_CUES = (r"ipp|nda|n° ?dossier|dossier(?: patient)?(?: n°| no| num[ée]ro)?|n° ?(?:d')?identification(?: patient)?"
         r"|identifiant(?: d[’']hospitalisation| patient)?(?: est)?|num[ée]ro (?:de )?(?:patient|dossier|s[ée]jour)"
         r"|sous le num[ée]ro|n° ?id|id patient|patient id|patient|mrn|medical record(?: number)?|member id"
         r"|driver'?s licen[cs]e(?: number)?(?: is)?|licen[cs]e (?:number|no\.?)(?: is)?|passport(?: number| no\.?)?"
         r"(?: is)?|permis(?: de conduire)?|passeport|id")
_ID = r"[a-z0-9][a-z0-9\-]{3,18}[a-z0-9]"


class PvIdNumberRecognizer(PvRegexRecognizer):
    ENTITY = "ID_NUMBER"
    LOWER = True
    MIN_DIGITS = 4
    GROUP = 1
    PATTERNS = ((rf"(?<![\w])(?:{_CUES})\s*(?:\(\w+\)\s*)?(?:[:#]|n°|no\.?)?\s*({_ID})(?![\w\-])", 0.7),)

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        return score if sum(c.isdigit() for c in value) >= 4 and re.search(r"\d{3}", value) else None
