"""The detector: run every recognizer, keep the findings above the threshold, resolve overlaps."""

from __future__ import annotations

from collections.abc import Sequence

from presidio_analyzer import RecognizerResult

from classifiers.personal_data.recognizers._base import PvRegexRecognizer, count_digits
from classifiers.personal_data.recognizers._special import MergedSpecialCategories, PvSpecialCategoryRecognizer
from classifiers.personal_data.registry import CATEGORY_OF, SPECIAL_CATEGORIES, build
from pvwatch.config import Config
from pvwatch.models import Analysis, PersonalData

AE_HEALTH_SUBJECTS = frozenset({"self", "child", "relative", "other"})


class PersonalDataDetector:
    def __init__(self, threshold: float = 0.5) -> None:
        self.threshold = threshold
        self.recognizers: list[PvRegexRecognizer] = build("fr")
        # Identifier recognizers run one by one (each skipped by its own cheap test); the six special-category
        # term lists run as one regex pass.
        self._identifiers = [r for r in self.recognizers if not isinstance(r, PvSpecialCategoryRecognizer)]
        self._special = MergedSpecialCategories(
            [r for r in self.recognizers if isinstance(r, PvSpecialCategoryRecognizer)])

    @classmethod
    def from_config(cls, cfg: Config) -> PersonalDataDetector:
        return cls(threshold=cfg.classifiers.pd_threshold)

    def detect(self, text: str, lang: str | None = None) -> list[PersonalData]:
        """Findings sorted by offset; identifiers never overlap each other."""
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
            for r in raw if r.score >= self.threshold
        ]
        return resolve_overlaps(found)

    def detect_many(self, texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[list[PersonalData]]:
        langs = list(langs) if langs is not None else [None] * len(texts)
        return [self.detect(t, lang) for t, lang in zip(texts, langs, strict=True)]

    def annotate(self, text: str, analysis: Analysis) -> Analysis:
        """A copy of `analysis` with personal_data and gdpr_categories filled."""
        found = self.detect(text, analysis.lang)
        found = resolve_overlaps(found + _health_from_adverse_event(text, analysis))
        cats = sorted({CATEGORY_OF.get(f.type, f.type.lower()) for f in found})
        return analysis.model_copy(update={"personal_data": found, "gdpr_categories": cats})


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
