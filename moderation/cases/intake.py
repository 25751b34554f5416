"""What the post states, as ICSR fields: patient age/sex/initials (D.2.2, D.5, D.1), reporter qualification and
country (C.2.r.4, C.2.r.3), reaction onset (E.i.4) and the reactions themselves, coded to MedDRA when configured.

Only what the post says is filled; anything else stays empty (exported as a nullFlavor) for the PV officer to ask
about in follow-up. Patterns are written for French and English social-media registers.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from moderation.cases.coding import MeddraCoder, fold
from moderation.masking import initials
from pvwatch.case_record import CaseReaction, Patient, Qualification, Reporter, Sex
from pvwatch.models import Item

_NUM = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "a": 1, "an": 1, "one": 1,
        "two": 2, "three": 3, "four": 4, "five": 5}
_AGE = [
    re.compile(r"(?<!depuis )(?<!il y a )(?<!pendant )(?<!dans )\b(\d{1,3}) ?ans\b(?! (?:de|d'|que|plus tard))"),
    re.compile(r"\b(\d{1,3}) ?(?:years? old|yo|y/o|yrs old)\b"),
    re.compile(r"\b(?:i'?m|i am|aged?|age) (\d{1,2})\b(?! (?:weeks|days|months|hours|mg|kg|%))"),
]
# (pattern on folded text, sex) — the patient is the relative when one is named, else the author
_RELATIVE = [
    (r"\b(?:mon|notre) (?:pere|mari|fils|frere|grand-pere|compagnon|copain|colocataire|papa|oncle|neveu)\b", Sex.male),
    (r"\b(?:ma|notre) (?:mere|femme|fille|soeur|grand-mere|compagne|copine|maman|tante|niece)\b", Sex.female),
    (r"\bmy (?:father|dad|husband|son|brother|grandfather|grandpa|boyfriend|uncle|nephew)\b", Sex.male),
    (r"\bmy (?:mother|mom|mum|wife|daughter|sister|grandmother|grandma|girlfriend|aunt|niece)\b", Sex.female),
]
_SELF_FEMALE = re.compile(r"\b(?:je suis (?:\w+ee|enceinte)|j'allaite|suis enceinte|i'?m pregnant|i was pregnant|"
                          r"my periods|je (?:me )?sens \w+ee)\b")
_QUALIFICATION = [
    (re.compile(r"\b(?:je suis|en tant que|i'?m an?|as an?) (?:medecin|docteur|doctor|physician|gp|generaliste)\b"),
     Qualification.physician),
    (re.compile(r"\b(?:je suis|en tant que|i'?m an?|as an?) (?:pharmacien(?:ne)?|pharmacist)\b"),
     Qualification.pharmacist),
    (re.compile(r"\b(?:je suis|en tant que|i'?m an?|as an?) (?:infirmiere?|sage-femme|kine\w*|nurse|midwife)\b"),
     Qualification.other_health_professional),
]
_COUNTRY = [
    (re.compile(r"\b(?:en belgique|je suis belge)\b"), "BE"), (re.compile(r"\b(?:en suisse|je suis suisse)\b"), "CH"),
    (re.compile(r"\b(?:au quebec|au canada|in canada)\b"), "CA"), (re.compile(r"\b(?:in the uk|in england)\b"), "GB"),
    (re.compile(r"\b(?:in the us|in the usa|in the states)\b"), "US"), (re.compile(r"\ben france\b"), "FR"),
]
_UNIT_DAYS = {"jour": 1, "day": 1, "semaine": 7, "week": 7, "mois": 30, "month": 30}
_ONSET = [
    re.compile(r"\b(?:depuis|il y a|ca fait) (\d+|un|une|deux|trois|quatre|cinq|six) (jour|semaine|mois)s?\b"),
    re.compile(r"\b(?:for|since) (?:the last |the past )?(\d+|a|one|two|three|four|five) (day|week|month)s?\b"),
    re.compile(r"\b(\d+|a|one|two|three|four|five) (day|week|month)s? ago\b"),
]
_YESTERDAY = re.compile(r"\b(?:depuis hier|hier|since yesterday|yesterday)\b")
_FR_MONTHS = ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
              "novembre", "decembre"]
_DATED = re.compile(r"\ble (\d{1,2}) (" + "|".join(_FR_MONTHS) + r")\b")


def patient_of(item: Item) -> Patient:
    text = fold(item.post.text)
    age = None
    for pat in _AGE:
        m = pat.search(text)
        if m and 0 < int(m.group(1)) < 120:
            age = int(m.group(1))
            break
    sex, relative_end = None, None
    for pattern, s in _RELATIVE:
        m = re.search(pattern, text)
        if m and (relative_end is None or m.end() < relative_end):
            sex, relative_end = s, m.end()
    if sex is None and item.analysis.adverse_event.subject == "self":
        sex = Sex.female if _SELF_FEMALE.search(text) else None
    name = None
    if relative_end is not None:  # "Mon père Henri", "my wife Margaret": the name right after the relative
        for f in item.analysis.personal_data:
            if f.type == "PERSON" and 0 <= f.start - relative_end <= 2:
                name = initials(item.post.text[f.start:f.end])
    return Patient(initials=name, age=age, sex=sex)


def reporter_of(item: Item, default_country: str) -> Reporter:
    text = fold(item.post.text)
    qual = next((q for pat, q in _QUALIFICATION if pat.search(text)), Qualification.consumer)
    country = next((c for pat, c in _COUNTRY if pat.search(text)), default_country)
    return Reporter(qualification=qual, country=country)


def onset_of(item: Item) -> tuple[datetime | None, str]:
    """(onset, precision "day"/"month") when the post dates the reaction, relative to when it was posted."""
    text = fold(item.post.text)
    posted = item.post.created_at or item.post.collected_at
    for pat in _ONSET:
        m = pat.search(text)
        if m:
            n = int(m.group(1)) if m.group(1).isdigit() else _NUM.get(m.group(1), 1)
            days = n * _UNIT_DAYS[m.group(2)]
            return posted - timedelta(days=days), "month" if m.group(2) in ("mois", "month") else "day"
    m = _DATED.search(text)
    if m:
        month = _FR_MONTHS.index(m.group(2)) + 1
        year = posted.year if month <= posted.month else posted.year - 1
        try:
            return posted.replace(year=year, month=month, day=int(m.group(1))), "day"
        except ValueError:
            return None, "day"
    if _YESTERDAY.search(text):
        return posted - timedelta(days=1), "day"
    return None, "day"


def reactions_of(item: Item, coder: MeddraCoder | None) -> list[CaseReaction]:
    """Affirmed reaction spans (care settings and negated mentions excluded), one per normalised term."""
    lang = item.analysis.lang or item.post.lang or "en"
    onset, precision = onset_of(item)
    out: dict[str, CaseReaction] = {}
    identifiers = [f for f in item.analysis.personal_data if not f.special_category]
    for s in item.analysis.adverse_event.evidence:
        if s.label != "reaction":
            continue
        key = fold(s.normalized or s.text)
        if key in out:
            continue
        # the post's own words; should an identifier overlap them, the lexicon term is sent instead
        leaks = any(f.start < s.end and s.start < f.end for f in identifiers)
        reported = (s.normalized or "adverse reaction") if leaks else s.text
        out[key] = CaseReaction(reported=reported[:250], lang=lang, normalized=(s.normalized or "")[:250],
                                start=s.start, end=s.end, onset=onset, onset_precision=precision,
                                coding=coder.code(s.text, s.normalized or "", lang) if coder else None)
    return list(out.values())
