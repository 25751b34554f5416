"""Street addresses: '12 bis rue de la Paix', '25, avenue du Maréchal Foch', '6750 Main Street Apt. 864'.

French: number (+ bis/ter), street type, then up to six name words. English: number, capitalised words,
then a street suffix. The house number plus the street type is what makes it an address, not the name alone.
"""

from __future__ import annotations

from classifiers.personal_data.recognizers._base import PvRegexRecognizer

_FR_TYPES = (r"rue|avenue|av\.?|boulevard|bd|bld|chemin|ch\.|allée|allee|impasse|place|pl\.|quai|cours|passage"
             r"|route|rte|square|sentier|villa|cité|cite|résidence|residence|lieu-dit|faubourg|hameau|parvis"
             r"|promenade|esplanade|voie|ruelle|mail")
_EN_TYPES = (r"street|st\.?|avenue|ave\.?|road|rd\.?|lane|ln\.?|drive|dr\.?|boulevard|blvd\.?|court|ct\.?"
             r"|place|pl\.?|way|terrace|crescent|close|square|parkway|highway|circle|trail|row|gardens")
_WORD = r"[A-Za-zÀ-ÖØ-öø-ÿ'’\-]+"
_APT = r"(?:,? ?(?:apt|appt|app|apartment|suite|ste|bât|bat|étage|etage)\.? ?\w{1,5})?"


class PvAddressRecognizer(PvRegexRecognizer):
    ENTITY = "ADDRESS"
    MIN_DIGITS = 1
    CONTEXT = ("adresse", "habite", "domicile", "address", "live at", "lives at", "vis au", "j'habite")
    CONTEXT_BOOST = 0.15
    PATTERNS = (
        (rf"(?<![\w])\d{{1,4}}(?:[ \-]\d{{1,4}})?(?: ?(?:bis|ter|quater|b|t))?,? (?:{_FR_TYPES}) "
         rf"(?:(?:de la|de l'|du|des|de|d'|la|le|les|l')\s?)?{_WORD}(?: {_WORD}){{0,4}}{_APT}", 0.75),
        (rf"(?<![\w])\d{{1,5}} (?:[A-Z]{_WORD} ){{1,3}}(?i:{_EN_TYPES})(?![\w]){_APT}", 0.7),
    )
    FLAGS = 0

    def load(self) -> None:
        import re

        super().load()
        # French street types are often typed in capitals ("12 RUE DU DOCTEUR GACHET").
        self._compiled[0] = (re.compile(self.PATTERNS[0][0], re.IGNORECASE), self.PATTERNS[0][1])
