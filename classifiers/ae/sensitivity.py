"""Sensitivity presets: which threshold decides a post, per language.

`make model` calibrates each preset's threshold per language on out-of-fold scores of data the product may ship
from (our authored posts; never an evaluation corpus) and stores them in the model's metadata as
{"standard": {"fr": t, "en": t, "*": t}, ...}; "*" is the pooled threshold for other languages. An explicit
`[classifiers] ae_threshold` / `ae_threshold_fr` overrides the preset for the posts it covers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pvwatch.models import Sensitivity

TARGET_RECALL: dict[Sensitivity, float] = {Sensitivity.standard: 0.80, Sensitivity.high: 0.90,
                                           Sensitivity.maximum: 0.97}
ANY_LANG = "*"
FALLBACK = 0.35  # a model without calibrated presets (trained by hand before presets existed)

Presets = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class Thresholds:
    """The thresholds in force: a preset per language, overridden where an explicit threshold is set."""

    sensitivity: Sensitivity
    preset: dict[str, float]
    explicit: dict[str, float] = field(default_factory=dict)  # lang (or ANY_LANG) -> threshold

    def threshold_for(self, lang: str | None) -> float:
        key = lang or ""
        if key in self.explicit:
            return self.explicit[key]
        if ANY_LANG in self.explicit:
            return self.explicit[ANY_LANG]
        return self.preset.get(key, self.preset.get(ANY_LANG, FALLBACK))

    def source_for(self, lang: str | None) -> Sensitivity | None:
        """The preset that decides posts in `lang`, or None when an explicit threshold does."""
        return None if (lang or "") in self.explicit or ANY_LANG in self.explicit else self.sensitivity

    def summary(self, langs: tuple[str, ...]) -> dict[str, float]:
        return {lg: round(self.threshold_for(lg), 4) for lg in langs}


def resolve(presets: Presets | None, sensitivity: Sensitivity, ae_threshold: float | None = None,
            by_lang: Mapping[str, float] | None = None) -> Thresholds:
    """Thresholds for `sensitivity` from a model's calibrated `presets`; explicit values win."""
    chosen = dict((presets or {}).get(sensitivity.value, {}))
    explicit = {k: float(v) for k, v in (by_lang or {}).items()}
    if ae_threshold is not None:
        explicit[ANY_LANG] = float(ae_threshold)
        # ae_threshold alone sets every language; an explicit per-language value still beats it.
    return Thresholds(sensitivity, {k: float(v) for k, v in chosen.items()}, explicit)
