"""French social-security number (NIR, 'numéro de sécu'): 15 characters, key = 97 - (first 13 mod 97).

Layout: sex (1/2, 3/4/7/8 for temporary numbers), year (2), month (01-12, 20-42 or 50-99 when unknown),
department (2 digits, or 2A/2B for Corsica, counted as 19/18 in the key), commune (3), order (3), key (2).
People type it with spaces anywhere. A valid key scores 1.0; a well-shaped number with a wrong or missing key
still counts when a context word ('sécu', 'NIR', 'assuré') is near, because a typo does not make it anonymous.
Without context, a 13-15 digit number starting with the sex digit 1/2 scores 0.55 when its fields are
plausible and 0.5 when they are not (a mistyped or dictated NIR): masking a stray long number costs little,
leaking a NIR is a breach. At 0.5, slices of longer runs of numbers (tables) and numbers introduced as an
order, parcel, invoice or other reference are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from classifiers.personal_data.presidio_base import RecognizerResult
from classifiers.personal_data.recognizers._base import CONTEXT_CHARS, PvRegexRecognizer, cue_key

_D = r"\d ?"


def nir_key_valid(value: str) -> bool:
    """True when the 15-character NIR's key matches, with the Corsica rule (2A -> 19, 2B -> 18)."""
    v = re.sub(r"[\s.\-]", "", value).upper()
    if len(v) != 15 or not re.fullmatch(r"[12345678]\d{4}(?:\d{2}|2A|2B)\d{8}", v):
        return False
    body = v[:13].replace("2A", "19").replace("2B", "18")
    return 97 - int(body) % 97 == int(v[13:])


class PvFrNirRecognizer(PvRegexRecognizer):
    ENTITY = "NIR"
    MIN_DIGITS = 11
    PRECHECK = r"\d[\d .\-()]{5,}\d"
    CONTEXT = ("secu", "sécu", "sécurité sociale", "securite sociale", "nir", "insee", "assuré", "assure",
               "carte vitale", "n° ss", "no ss", "numéro ss", "identification", "social security")
    CONTEXT_BOOST = 0.0  # context is used in `check`, not as a boost
    PATTERNS = (
        # 13 to 15 characters, optionally spaced, department may be 2A/2B
        # (also dotted at its fields, as on forms: 1.85.05.75.123.456.73)
        (r"(?<![\w.])[1-478][ .]?\d ?\d[ .]?\d ?\d[ .]?(?:\d ?\d|2 ?[AB])[ .]?(?:\d[ .]?){5}\d(?:[ .]?\d){0,2}"
         r"(?![\w]|\.\d)", 0.5),
        # with a context word just before, shorter or oddly grouped numbers count too ('173 2857 4932')
        (r"(?<![\w])[12]\d{1,3}(?:[ .]\d{2,4}){2,5}(?![\w])", 0.0),
    )

    def _scan(self, text: str, lower: str | None = None) -> Iterable[RecognizerResult]:
        # The context pattern may also match inside a NIR the first one found: keep the outer match only.
        kept: list[RecognizerResult] = []
        for r in sorted(super()._scan(text, lower), key=lambda r: (r.start, -r.end)):
            if not kept or r.end > kept[-1].end:
                kept.append(r)
        return kept

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        if nir_key_valid(value):
            return 1.0
        compact = re.sub(r"[\s.]", "", value)  # dots too: 1.85.05.75.123.456.73
        context = self.has_context(text, start, end)
        if not 11 <= len(compact) <= 15 or (score == 0.0 and not context):
            return None
        if context:  # said to be a NIR: a typo in the key or a missing digit does not make it anonymous
            return 0.65
        # No context, wrong key: a 13-15 digit number with a NIR's structure (sex, month, department) and
        # grouped as a NIR is written is still likely one; other numbers (tables, references) are not.
        if len(compact) < 13 or score == 0.0 or _OTHER_REFERENCE.search(cue_key(_line_before(text, start))):
            return None
        if nir_structure_ok(compact) and _grouped_like_nir(value):
            return 0.55
        if compact[0] in "12" and _dictated(value) and not _inside_longer_run(text, start, end):
            return 0.5
        return None


# Words that introduce a number that is not a NIR (same line, just before it).
_OTHER_REFERENCE = re.compile(r"\b(?:commande|colis|suivi|facture|ref|reference|order|tracking|invoice|lot|siret|"
                              r"siren|finess|rpps|adeli|transaction|isbn|ean|imei|serie|serial)\b")


def _line_before(text: str, start: int) -> str:
    window = text[max(0, start - CONTEXT_CHARS):start]
    return window.rsplit("\n", 1)[-1]


def _inside_longer_run(text: str, start: int, end: int) -> bool:
    """True for a slice of a longer run of numbers (a table row): a digit just before or after, past one space."""
    return bool(re.search(r"\d[ .]?\Z", text[max(0, start - 2):start])) or bool(re.match(r"[ .]?\d", text[end:end + 2]))


def _dictated(value: str) -> bool:
    """Compact, or in groups of at most four characters, as people read a number out ('29 241 876 532 98 90')."""
    groups = re.split(r"[\s.\-]+", value.strip())
    return len(groups) == 1 or all(len(g) <= 4 for g in groups)


def nir_structure_ok(compact: str) -> bool:
    """Sex 1/2 (3/4/7/8: temporary numbers), month 01-12, 20-42 or 50-99 (unknown), department 01-99 or 2A/2B."""
    if compact[0] not in "123478" or not compact[1:5].isdigit():
        return False
    month, dept = int(compact[3:5]), compact[5:7].upper()
    if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):
        return False
    return dept in ("2A", "2B") or (dept.isdigit() and dept != "00")


# Where a NIR's fields end: sex | year | month | department | commune | order | key.
_FIELD_ENDS = frozenset({1, 3, 5, 7, 10, 13})


def _grouped_like_nir(value: str) -> bool:
    """Written compact, one digit at a time, or with separators only between its fields ('1 84 12 75 123 456')."""
    groups = re.split(r"[\s.\-]+", value.strip())
    if len(groups) == 1 or all(len(g) == 1 for g in groups):
        return True
    pos = 0
    for g in groups[:-1]:
        pos += len(g)
        if pos not in _FIELD_ENDS:
            return False
    return True
