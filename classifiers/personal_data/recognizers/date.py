"""Dates about a person: when something happened to someone (admission, visit, surgery, death, the day a
reaction began), which with a place or an employer identifies them.

Policy (docs/privacy.md): a date is personal data when it is tied to a person's event: a life or care cue
near it ('admis le', 'opéré le', 'visite du', 'born', 'since'), or the sentence is about the poster, a relative
or a named person (je/my/ma fille/il…). The detector also counts every date of a post that names or contacts
someone (a PERSON, phone, e-mail, NIR… finding). A date in a post about nobody ('le webinaire du 12 mars') is
not. Birth dates are DATE_OF_BIRTH (date_of_birth.py), which wins where both match.

Forms: 28/03/2031, 28.03.31, 2024-02-24 12:45:18, 1/14/1961, 12 mars 2024, 1er janvier, March 3, 2021,
3 March 2021, mars 2024, 'vingt mars deux mille vingt', digit by digit (1 5 0 3 2 0 2 4), a year after a cue
('en 2019', 'since 2004'), 'on Monday'.
"""

from __future__ import annotations

import re

from classifiers.personal_data.recognizers._base import PvRegexRecognizer, cue_key
from classifiers.personal_data.recognizers._special import sentence_bounds
from classifiers.personal_data.recognizers.date_of_birth import _MONTHS, _NUM_WORDS

_DAY_MONTH = r"(?:\d{1,2}(?:er|st|nd|rd|th)?|premier|(?:" + _NUM_WORDS + r"))"
_YEAR = r"(?:1[89]\d{2}|20\d{2})"
_WEEKDAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
# Life and care events a date is tied to (folded: no accents).
EVENT_CUES = ("ne le", "nee le", "naissance", "admis", "admission", "hospitalis", "entree", "arrivee", "sortie",
              "sorti", "decede", "deces", "opere", "operation", "intervention", "chirurgie", "consultation",
              "visite", "rendez-vous", "rdv", "vu le", "vue le", "examen", "realise", "effectue", "bilan",
              "suivi", "depuis", "debut", "commence", "arrete", "pris", "vaccin", "accouch", "greffe",
              "date d", "born", "admitted", "discharged", "died", "death", "visit", "appointment", "surgery",
              "since", "diagnosed", "started", "stopped", "took", "flew", "moved", "married", "when", "quand")
_CUE_CHARS = 30
# The poster or a relative (not il/elle/he/she: 'est-il remboursé en 2024' is about nobody).
_SUBJECT = re.compile(
    r"(?<![\w])(?:je|j'|j’|moi|mon|ma|mes|m'|m’|nous|notre|nos|i|i'm|i’m|im|i've|my|me|we|our|fille|fils|femme"
    r"|mari|mère|mere|père|pere|sœur|soeur|frère|frere|enfant|bébé|bebe|daughter|son|wife|husband|mother|mom"
    r"|mum|father|dad|sister|brother|baby|child|patient|patiente)(?![\w])", re.IGNORECASE)
_YEAR_CUE = re.compile(r"(?:\b(?:en|depuis|de|des|datant de|in|since|during|of|from|year|annee|ete|hiver"
                       r"|printemps|automne|summer|winter|spring|autumn)\s*)\Z")


class PvDateRecognizer(PvRegexRecognizer):
    ENTITY = "DATE"
    LOWER = True
    MIN_DIGITS = 0
    PRECHECK = rf"\d|{_MONTHS}|mille|{_WEEKDAYS}"
    MERGE = True
    CONTEXT_BOOST = 0.0
    PATTERNS = (
        # ISO date, optional time
        (rf"(?<![\w]){_YEAR}-\d{{1,2}}-\d{{1,2}}(?:[ t]\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?(?![\w])", 0.45),
        # day month year in numbers, any separator people use
        (r"(?<![\w/.\-])\d{1,2} ?[/.\-|] ?\d{1,2} ?[/.\-|] ?(?:1[89]|20)?\d{2}(?![\w]|[/.\-]\d)", 0.45),
        # digit by digit: 1 5 0 3 2 0 2 4
        (r"(?<![\w] )(?<![\w])\d \d \d \d (?:1 9|2 0) \d \d(?![\w]| \d)", 0.45),
        # written out: 12 mars 2024, 1er janvier, 3 March 2021, vingt mars deux mille vingt
        (rf"(?<![\w]){_DAY_MONTH},? (?:{_MONTHS})\.?(?:,? (?:{_YEAR}|\d{{2}}(?![\w])|(?:mille|deux mille)"
         rf"(?:{_NUM_WORDS})?))?(?![\w])", 0.45),
        # March 3, 2021 / March 3rd / mars 2024
        (rf"(?<![\w])(?:{_MONTHS})\.? (?:\d{{1,2}}(?:st|nd|rd|th)?,? {_YEAR}|\d{{1,2}}(?:st|nd|rd|th)?|{_YEAR})"
         rf"(?![\w])", 0.45),
        # day/month alone after le/du/au: 'le 28.01', 'du 15/06'
        (r"(?<=\ble |\bdu |\bau )\d{1,2}[/.]\d{1,2}(?![\w]|[/.]\d)", 0.45),
        # a year after a cue; a weekday after 'on'
        (rf"(?<![\w]){_YEAR}(?![\w]|[/.\-:]\d)", 0.4),
        (rf"(?<=\bon )(?:{_WEEKDAYS})(?![\w])", 0.4),
    )

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        before = cue_key(text[max(0, start - _CUE_CHARS):start])
        if score < 0.45 and value[0].isdigit() and not _YEAR_CUE.search(before):
            return None  # a bare year: only after 'en', 'since', 'during'…
        if value[0].isdigit() and not _plausible(value):
            return None
        left, right = sentence_bounds(text, start, end)
        if any(c in before for c in EVENT_CUES) or _SUBJECT.search(text, left, right):
            return score + 0.15
        return score


_NUMERIC = re.compile(r"(\d{1,4}) ?[/.\-|] ?(\d{1,2})(?: ?[/.\-|] ?(\d{2,4}))?")


def _plausible(value: str) -> bool:
    """Day and month in range (either order: 1/14/1961 is American); not a dose or a score like 12.5."""
    m = _NUMERIC.match(value)
    if m is None:
        return True
    a, b = int(m.group(1)), int(m.group(2))
    if len(m.group(1)) == 4:  # ISO
        return 1 <= b <= 12
    return (1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31)
