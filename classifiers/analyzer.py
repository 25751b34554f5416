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


# A drug, a reaction and a name: every tier has something to do.
_WARM_UP = {"fr": "Marie Dupont, Lyon : depuis le Doliprane j'ai des nausées", "en":
            "John Smith, Boston: since taking Tylenol I feel nauseous"}


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

    def warm_up(self, langs: Sequence[str]) -> None:
        """Load now what otherwise loads on the first post: each language's matchers, the sentence encoder (which
        the cascade would skip on a plain sentence) and NER. A worker must not spend its first batch, while it
        holds source leases, loading models; a server's first request must not wait for them."""
        for lang in langs:
            self.analyze(_WARM_UP.get(lang, _WARM_UP["en"]), lang)
        if self.ae.embedding is not None:
            self.ae.embedding.encoder.encode(["warm-up"])

    def analyze_many(self, texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[Analysis]:
        langs = list(langs) if langs is not None else [None] * len(texts)
        analyses = self.ae.analyze_many(texts, langs)
        if self.pd is not None:
            # one batch: the personal-data NER tier runs spaCy's pipe over all the posts (2-3x faster)
            analyses = self.pd.annotate_many(texts, analyses)
        return analyses

    def analyze_posts(self, posts: Sequence[Post]) -> list[Analysis]:
        return self.analyze_many([p.text for p in posts], [p.lang for p in posts])
