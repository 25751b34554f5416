"""Postal addresses as whole spans: '12 bis rue de la Paix, 75002 Paris', '742 Evergreen Terrace, Springfield,
IL 62704', '15 Baker Street, London NW1 6XE', and the lines of a postal block ('Apt. 864', 'Suite 318',
'Unit 5477 Box 8244', 'PSC 5217, Box 4854', a city line, 'Finland 41600').

French: number (+ bis/ter), street type, then up to six name words. English: number, capitalised words,
then a street suffix. The house number plus the street type is what makes it an address, not the name alone.
The span then takes the postcode and town after it (FR `29200 Brest`, US `Springfield, IL 62704`, UK `London
NW1 6XE`) and, in a letter-style block, the apartment, town and country lines below it. A first name inside
a street ('8 rue de Lucie') is part of the address, not a person (the address outscores the name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from classifiers.personal_data.presidio_base import RecognizerResult
from classifiers.personal_data.recognizers._base import PvRegexRecognizer

_FR_TYPES = (r"rue|avenue|av\.?|boulevard|bd|bld|chemin|ch\.|allée|allee|impasse|place|pl\.|quai|cours|passage"
             r"|route|rte|square|sentier|villa|cité|cite|résidence|residence|lieu-dit|faubourg|hameau|parvis"
             r"|promenade|esplanade|voie|ruelle|mail")
_EN_TYPES = (r"street|st\.?|avenue|ave\.?|road|rd\.?|lane|ln\.?|drive|dr\.?|boulevard|blvd\.?|court|ct\.?"
             r"|place|pl\.?|way|terrace|crescent|close|square|parkway|highway|circle|trail|row|gardens")
_WORD = r"[A-Za-zÀ-ÖØ-öø-ÿ'’\-]+"
_CAP = r"[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]+"
_APT = r"(?:,? ?(?:apt|appt|app|apartment|suite|ste|bât|bat|étage|etage)\.? ?\w{1,5})?"
_UNIT = r"(?:apt|appt|apartment|suite|unit|box|psc|bât|bat|bâtiment|batiment|escalier|étage|etage)\.?"
# What may follow a street on the same line: FR postcode + town, US town + state + ZIP, UK town + postcode.
_TAIL = re.compile(
    rf",? ?(?:\d{{5}}(?: {_CAP}(?:[ \-]{_CAP}|[ \-](?:sur|sous|lès|les|en|le|la|de|du|des|aux|d'|l')){{0,5}}"
    rf"(?:[ \-]{_CAP})?(?: cedex(?: \d{{1,2}})?)?)?"
    rf"|(?:{_CAP} ?){{1,3}}, [A-Z]{{2}} \d{{5}}(?:-\d{{4}})?"
    rf"|(?:{_CAP} ){{1,2}}[A-Z]{{1,2}}\d[A-Z\d]? ?\d[A-Z]{{2}}"
    rf"|{_CAP}(?: {_CAP})?(?=[ \t]*(?:\n|$)))(?![\w])")
# Lines of a postal block under a street line (a quote marker like '>' may start them).
_BLOCK_LINE = re.compile(
    rf"\n[ \t>?]*(?:(?i:{_UNIT}) ?[\w\-]{{1,6}}(?:,? (?i:box) \d{{1,6}})?"
    rf"|(?:[A-Z]{{3}} )?[A-Z]{{2}} \d{{5}}|\d{{3,6}}(?:[ \-]\d{{2,4}})?"
    rf"|{_CAP}(?:[ \-]{_CAP}){{0,3}},?(?: [A-Z]{{2}})?(?: \d{{3,6}}(?:[ \-]\d{{2,4}})?)?)[ \t]*(?=[.,]?(?:\n|$))")


class PvAddressRecognizer(PvRegexRecognizer):
    ENTITY = "ADDRESS"
    MIN_DIGITS = 1
    CONTEXT = ("adresse", "habite", "domicile", "address", "live at", "lives at", "vis au", "j'habite")
    CONTEXT_BOOST = 0.15
    PATTERNS = (
        (rf"(?<![\w])\d{{1,4}}(?:[ \-]\d{{1,4}})?(?: ?(?:bis|ter|quater|b|t))?,? (?:{_FR_TYPES}) "
         rf"(?:(?:de la|de l'|du|des|de|d'|la|le|les|l')\s?)?{_WORD}(?: {_WORD}){{0,4}}{_APT}", 0.75),
        (rf"(?<![\w])\d{{1,5}} (?:[A-Z]{_WORD} ){{1,3}}(?i:{_EN_TYPES})(?![\w]){_APT}", 0.7),
        # a letter-style street line: house number, name, number ('3247 Rua Igreja 25', '727 Gesterbyntie 68')
        (rf"(?m)^[ \t>?]*(\d{{1,5}} {_CAP}(?: {_WORD}){{0,3}} \d{{1,4}}[a-z]?\.?)[ \t]*(?=\n)", 0.6),
        # an apartment/suite/box line or phrase: 'Apt. 864', 'Suite 318', 'Unit 5477 Box 8244', 'PSC 5217, Box 4854'
        (r"(?<![\w])(?i:apt\.|apartment|suite|unit|psc) ?\d{1,5}(?:,? (?i:box) \d{1,6})?(?![\w])", 0.55),
    )
    FLAGS = 0

    def load(self) -> None:
        super().load()
        # French street types are often typed in capitals ("12 RUE DU DOCTEUR GACHET").
        self._compiled[0] = (re.compile(self.PATTERNS[0][0], re.IGNORECASE), self.PATTERNS[0][1])

    def _scan(self, text: str, lower: str | None = None) -> Iterable[RecognizerResult]:
        kept: list[RecognizerResult] = []
        for rx, base in self._compiled:
            for m in rx.finditer(text):
                start, end = m.span(m.lastindex or 0) if rx.groups else m.span()
                if any(start < k.end and k.start < end for k in kept):
                    continue
                end = _extend(text, end)
                found = self._scored(text, start, end, base)
                if found is not None:
                    kept.append(found)
        return kept


def _extend(text: str, end: int) -> int:
    """The postcode and town after the street, then the block lines below it (at most four)."""
    while text[end - 1:end] in (" ", ","):
        end -= 1
    tail = _TAIL.match(text, end)
    if tail is not None:
        end = tail.end()
    for _ in range(4):
        line = _BLOCK_LINE.match(text, end)
        if line is None:
            break
        end = line.end()
    return end
