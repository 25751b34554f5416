"""The one entry point the pipeline and `pvwatch classify` use: text in, `Analysis` out.

It composes the adverse-event tiers (classifiers.adverse_events) and personal-data detection
(classifiers.personal_data). Each part is built once from config and reused for every post.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pvwatch.config import Config
from pvwatch.models import Analysis, Post

if TYPE_CHECKING:  # both load their models on import: the CLI imports this module without paying for them
    from classifiers.adverse_events import AdverseEventClassifier
    from classifiers.personal_data.detector import PersonalDataDetector


class Analyzer:
    """The `pvwatch.ports.Analyzer` the pipeline is given."""

    def __init__(self, ae: AdverseEventClassifier, pd: PersonalDataDetector | None) -> None:
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
        analyses = self.ae.analyze_many(texts, langs)
        if self.pd is not None:
            # one batch: the personal-data NER tier runs spaCy's pipe over all the posts (2-3x faster)
            analyses = self.pd.annotate_many(texts, analyses)
        return analyses

    def analyze_posts(self, posts: Sequence[Post]) -> list[Analysis]:
        return self.analyze_many([p.text for p in posts], [p.lang for p in posts])
