"""The one entry point the pipeline and `pvwatch classify` use: text in, `Analysis` out.

It composes the adverse-event tiers (classifiers.adverse_events) and personal-data detection
(classifiers.personal_data). Each part is built once from config and reused for every post.
"""

from __future__ import annotations

from collections.abc import Sequence

from pvwatch.config import Config
from pvwatch.models import Analysis, Post


class Analyzer:
    def __init__(self, ae: object, pd: object | None) -> None:
        self.ae = ae
        self.pd = pd

    @classmethod
    def from_config(cls, cfg: Config) -> Analyzer:
        from classifiers.adverse_events import AdverseEventClassifier

        pd = None
        if cfg.classifiers.personal_data:
            from classifiers.personal_data import PersonalDataDetector

            pd = PersonalDataDetector.from_config(cfg)
        return cls(AdverseEventClassifier.from_config(cfg), pd)

    def analyze(self, text: str, lang: str | None = None) -> Analysis:
        return self.analyze_many([text], [lang])[0]

    def analyze_many(self, texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[Analysis]:
        langs = list(langs) if langs is not None else [None] * len(texts)
        analyses: list[Analysis] = self.ae.analyze_many(texts, langs)  # type: ignore[attr-defined]
        if self.pd is not None:
            analyses = [self.pd.annotate(t, a) for t, a in zip(texts, analyses, strict=True)]  # type: ignore[attr-defined]
        return analyses

    def analyze_posts(self, posts: Sequence[Post]) -> list[Analysis]:
        return self.analyze_many([p.text for p in posts], [p.lang for p in posts])
