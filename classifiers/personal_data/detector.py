"""The detector: run every recognizer and the NER tier, keep the findings above the threshold, resolve overlaps."""

from __future__ import annotations

import re
from collections.abc import Sequence

from classifiers.ae.lang import detect_lang
from classifiers.personal_data.ner import Entity, NerTier
from classifiers.personal_data.presidio_base import RecognizerResult
from classifiers.personal_data.recognizers._base import PvRegexRecognizer, count_digits, cue_key
from classifiers.personal_data.recognizers._special import MergedSpecialCategories, PvSpecialCategoryRecognizer
from classifiers.personal_data.registry import CATEGORY_OF, SPECIAL_CATEGORIES, build
from pvwatch.config import Config
from pvwatch.models import Analysis, PersonalData

AE_HEALTH_SUBJECTS = frozenset({"self", "child", "relative", "other"})
# Findings that make a post about an identified person: its dates are then personal data (date.py's policy).
IDENTIFYING = frozenset({"PERSON", "PHONE", "EMAIL", "NIR", "ADDRESS", "DATE_OF_BIRTH", "AGE", "ID_NUMBER",
                         "US_SSN", "IBAN", "CREDIT_CARD", "HANDLE", "PROFILE_URL"})
DATE_FLOOR = 0.4  # dates are kept down to this score until the post is known to be about someone


class PersonalDataDetector:
    def __init__(self, threshold: float = 0.5, ner: bool = True, ner_tier: NerTier | None = None) -> None:
        self.threshold = threshold
        # Places, organisations, groups and more names; the spaCy pipelines load on the first post that needs
        # them, never at construction.
        self.ner: NerTier | None = (ner_tier or NerTier()) if ner else None
        self.recognizers: list[PvRegexRecognizer] = build("fr")
        # Identifier recognizers run one by one (each skipped by its own cheap test); the six special-category
        # term lists run as one regex pass.
        self._identifiers = [r for r in self.recognizers if not isinstance(r, PvSpecialCategoryRecognizer)]
        self._special = MergedSpecialCategories(
            [r for r in self.recognizers if isinstance(r, PvSpecialCategoryRecognizer)])

    @classmethod
    def from_config(cls, cfg: Config) -> PersonalDataDetector:
        return cls(threshold=cfg.classifiers.pd_threshold, ner=cfg.classifiers.pd_ner)

    def detect(self, text: str, lang: str | None = None) -> list[PersonalData]:
        """Findings sorted by offset; identifiers never overlap each other."""
        return self.detect_many([text], [lang])[0]

    def detect_many(self, texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[list[PersonalData]]:
        """As `detect` for each text; the NER tier runs on the batch (spaCy is 2-3x faster on batches)."""
        given = list(langs) if langs is not None else [None] * len(texts)
        resolved = [detect_lang(cue_key(t[:300]), g) for t, g in zip(texts, given, strict=True)]
        ents = self.ner.entities(texts, resolved) if self.ner is not None else [[] for _ in texts]
        return [self._detect_one(t, e) for t, e in zip(texts, ents, strict=True)]

    def _detect_one(self, text: str, ents: list[Entity]) -> list[PersonalData]:
        raw: list[RecognizerResult] = []
        lower = text.lower()
        ndigits = count_digits(text)
        for rec in self._identifiers:
            if ndigits >= rec.MIN_DIGITS:
                raw.extend(rec.scan(text, lower, ndigits))
        raw.extend(self._special.scan(text, lower))
        found = [
            PersonalData(
                type=r.entity_type, start=r.start, end=r.end, score=float(r.score),
                recognizer=str((r.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, "")),
                special_category=r.entity_type in SPECIAL_CATEGORIES,
            )
            for r in raw if r.score >= min(self.threshold, DATE_FLOOR if r.entity_type == "DATE" else 1.0)
        ]
        found += [PersonalData(type=e.type, start=e.start, end=e.end, score=e.score, recognizer=f"Ner{e.label}",
                               special_category=False) for e in ents]
        found = _date_policy([f for f in found if f.score >= self.threshold or f.type == "DATE"], self.threshold)
        return resolve_overlaps(_with_titles(text, _merge_names(found)))

    def annotate(self, text: str, analysis: Analysis) -> Analysis:
        """A copy of `analysis` with personal_data and gdpr_categories filled."""
        return self.annotate_many([text], [analysis])[0]

    def annotate_many(self, texts: Sequence[str], analyses: Sequence[Analysis]) -> list[Analysis]:
        out = []
        found_many = self.detect_many(texts, [a.lang for a in analyses])
        for text, analysis, found in zip(texts, analyses, found_many, strict=True):
            found = resolve_overlaps(found + _health_from_adverse_event(text, analysis))
            cats = sorted({CATEGORY_OF.get(f.type, f.type.lower()) for f in found})
            out.append(analysis.model_copy(update={"personal_data": found, "gdpr_categories": cats}))
        return out


def _date_policy(found: list[PersonalData], threshold: float) -> list[PersonalData]:
    """Dates below the threshold (no event cue, no subject in their sentence) count when the post identifies
    someone by another finding; otherwise they are dropped."""
    about_someone = any(f.type in IDENTIFYING and f.score >= threshold for f in found)
    out = []
    for f in found:
        if f.type == "DATE" and f.score < threshold:
            if not about_someone:
                continue
            f = f.model_copy(update={"score": threshold})
        out.append(f)
    return out


_TITLE_BEFORE = re.compile(r"(?:^|(?<=[\s(>]))(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Pr|M|Mme|Mlle|Monsieur|Madame|Mademoiselle"
                           r"|Docteur|Professeur|Sir|Lady|Lord)\.? ?\Z")


def _with_titles(text: str, found: list[PersonalData]) -> list[PersonalData]:
    """A name takes the honorific just before it ('Mr. Reed', 'Mme Hélène du Plessis', 'Dr Martin'): the title
    tells the sex or the profession, and redaction keeps it readable for PV ('Dr J. M.')."""
    out = []
    for f in found:
        if f.type == "PERSON":
            m = _TITLE_BEFORE.search(text, max(0, f.start - 14), f.start)
            if m is not None and m.end() == f.start:
                f = f.model_copy(update={"start": m.start()})
        out.append(f)
    return out


def _merge_names(found: list[PersonalData]) -> list[PersonalData]:
    """Overlapping PERSON findings of the cue rules and NER become one span: their union where NER runs on
    ('Mathilde' + 'Mathilde de Castelnau'), NER's where the rules took a capitalised word before the name
    ('Ask Tom Reed' -> 'Tom Reed'). The best score is kept."""
    names = sorted((f for f in found if f.type == "PERSON"), key=lambda f: (f.start, -f.end))
    merged: list[PersonalData] = []
    for f in names:
        last = merged[-1] if merged else None
        if last is None or f.start >= last.end:
            merged.append(f)
            continue
        start = last.start
        if f.recognizer.startswith("Ner") and not last.recognizer.startswith("Ner") and f.start > last.start \
                and f.end >= last.end:
            start = f.start  # NER saw where the name begins
        merged[-1] = last.model_copy(update={"start": start, "end": max(last.end, f.end),
                                             "score": max(last.score, f.score)})
    return [f for f in found if f.type != "PERSON"] + merged


def resolve_overlaps(found: list[PersonalData]) -> list[PersonalData]:
    """Highest score, then longest, wins among overlapping identifiers of any type; special-category findings
    are context and may overlap identifiers, but not each other."""
    order = sorted(found, key=lambda f: (-f.score, -(f.end - f.start), f.start))
    kept: list[PersonalData] = []
    for f in order:
        clash = any(
            f.start < k.end and k.start < f.end and f.special_category == k.special_category for k in kept
        )
        if not clash:
            kept.append(f)
    return sorted(kept, key=lambda f: (f.start, f.end))


def _health_from_adverse_event(text: str, analysis: Analysis) -> list[PersonalData]:
    """A reported reaction in someone the post identifies (the poster, a relative) is health data about them."""
    ae = analysis.adverse_event
    if not ae.decision or ae.subject not in AE_HEALTH_SUBJECTS:
        return []
    return [
        PersonalData(type="HEALTH", start=s.start, end=s.end, score=round(max(0.5, min(1.0, ae.score)), 3),
                     recognizer="AdverseEventHealth", special_category=True)
        for s in ae.evidence if s.label in ("reaction", "care_setting") and 0 <= s.start < s.end <= len(text)
    ]


