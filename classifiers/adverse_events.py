"""Adverse events and PV special situations for French and English posts.

Layered and explainable: (1) products, (2) reactions, (3) context (negation, hypotheticals, who), then
(4) a linear model over the text and those features, optionally blended with (5) a fine-tuned transformer.
Every decision comes with the spans that support it, special situations, seriousness hints and the ICSR
minimum-criteria check.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from classifiers.ae.embedding_tier import DEFAULT_HEAD_DIR, EmbeddingTier
from classifiers.ae.features import features, model_text
from classifiers.ae.icsr import icsr_criteria
from classifiers.ae.layers import Evidence, Layers, Mention
from classifiers.ae.model import LinearModel
from classifiers.ae.reactions import CARE_SETTING, CARE_SETTINGS
from classifiers.ae.rules import RuleScorer
from classifiers.ae.sensitivity import Thresholds, resolve
from classifiers.ae.text import span_end
from classifiers.ae.transformer import blend
from pvwatch.config import Config
from pvwatch.errors import ConfigError, PvwatchError
from pvwatch.models import AdverseEvent, Analysis, Sensitivity, Span, SpecialSituation

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models" / "default"


class Scorer(Protocol):
    @property
    def name(self) -> str: ...

    mask_drugs: bool  # it reads model_text with drug mentions masked

    def score(self, texts: Sequence[str], feats: Sequence[Sequence[float]]) -> list[float]: ...


def _reaction_label(m: Mention) -> str:
    if m.canonical in CARE_SETTINGS:
        return CARE_SETTING
    return "negated_reaction" if m.negated else "reaction"


def load_embedding_tier(cfg: Config) -> EmbeddingTier | None:
    """The default transformer tier ([classifiers.encoder]); None when disabled. The encoder itself loads on the
    first post that needs it."""
    e = cfg.classifiers.encoder
    if not e.enabled:
        return None
    directory = cfg.resolve(e.head_path) if e.head_path else DEFAULT_HEAD_DIR
    try:
        return EmbeddingTier.load(directory, cascade=e.cascade, threads=e.threads)
    except PvwatchError as exc:
        raise ConfigError("classifiers.encoder.head_path", str(exc),
                          "rebuild the head with `make model`, point head_path at a directory with head.json, "
                          "or set [classifiers.encoder] enabled = false") from exc


@functools.lru_cache(maxsize=4)
def _presets_in(path: Path, mtime: float) -> dict[str, Any] | None:
    meta = json.loads(path.read_text(encoding="utf-8")).get("meta", {})
    presets = meta.get("presets")
    return presets if isinstance(presets, dict) else None


def configured_thresholds(cfg: Config) -> Thresholds:
    """The thresholds in force for `cfg` without loading any model (the UI shows them): the presets stored in
    the head's or the linear model's metadata, overridden by explicit thresholds."""
    c = cfg.classifiers
    if c.encoder.enabled:
        meta = (cfg.resolve(c.encoder.head_path) if c.encoder.head_path else DEFAULT_HEAD_DIR) / "head.json"
    else:
        meta = (cfg.resolve(c.model_path) if c.model_path else DEFAULT_MODEL_DIR) / "model.json"
    presets = _presets_in(meta, meta.stat().st_mtime) if meta.is_file() else None
    by_lang = {"fr": c.ae_threshold_fr} if c.ae_threshold_fr is not None else {}
    return resolve(presets, c.sensitivity, c.ae_threshold, by_lang)


def load_scorer(path: Path | None) -> Scorer:
    """The configured model; the shipped default; or, if even that is absent, the rule baseline."""
    if path is not None:
        return LinearModel.load(path)
    if (DEFAULT_MODEL_DIR / "model.json").exists():
        return LinearModel.load(DEFAULT_MODEL_DIR)
    return RuleScorer()


class AdverseEventClassifier:
    def __init__(self, layers: Layers, scorer: Scorer, threshold: float | Thresholds | None = None,
                 languages: Sequence[str] = ("fr", "en"), transformer: Any | None = None,
                 transformer_weight: float = 0.5, lang_thresholds: dict[str, float] | None = None,
                 embedding: EmbeddingTier | None = None) -> None:
        self.layers = layers
        self.scorer = scorer
        self.languages = tuple(languages)
        self.transformer = transformer
        self.transformer_weight = transformer_weight
        self.embedding = embedding
        if isinstance(threshold, Thresholds):
            self.thresholds = threshold
        else:  # explicit numbers (tests, `pvwatch eval --threshold`), else the scorer's standard preset
            self.thresholds = resolve(self.presets, Sensitivity.standard, threshold, lang_thresholds)

    @property
    def presets(self) -> dict[str, Any] | None:
        """Calibrated thresholds of what actually scores: the embedding head's (blended score) or the linear
        model's. None for a model without them (rules, hand-trained): ae_threshold or 0.35 then."""
        meta = self.embedding.head.meta if self.embedding is not None else getattr(self.scorer, "meta", {})
        presets = meta.get("presets")
        return presets if isinstance(presets, dict) else None

    @classmethod
    def from_config(cls, cfg: Config) -> AdverseEventClassifier:
        c = cfg.classifiers
        path = None
        if c.model_path:
            path = cfg.resolve(c.model_path)
            if not path.is_dir():
                raise ConfigError("classifiers.model_path", f"{path} is not a directory",
                                  "point it at a directory written by `pvwatch train --out DIR`, or leave it empty")
        transformer = None
        if c.transformer.paths:
            from classifiers.ae.transformer import AveragedScorer, TransformerScorer

            scorers = []
            for p in c.transformer.paths:
                tpath = cfg.resolve(p)
                if not tpath.is_dir():
                    raise ConfigError("classifiers.transformer.model", f"{tpath} is not a directory",
                                      "point it at a local Hugging Face checkpoint (or a list of them), or leave "
                                      "it empty")
                scorers.append(TransformerScorer.load(tpath))
            transformer = scorers[0] if len(scorers) == 1 else AveragedScorer(scorers)
        embedding = load_embedding_tier(cfg)
        by_lang = {"fr": c.ae_threshold_fr} if c.ae_threshold_fr is not None else {}
        clf = cls(Layers(cfg.products, c.languages), load_scorer(path), None, c.languages,
                  transformer, c.transformer.weight, embedding=embedding)
        clf.thresholds = resolve(clf.presets, c.sensitivity, c.ae_threshold, by_lang)
        return clf

    def threshold_for(self, lang: str | None) -> float:
        """The decision threshold of a post in `lang`: an explicit override, else the preset's."""
        return self.thresholds.threshold_for(lang)

    def set_threshold(self, threshold: float) -> None:
        """One explicit threshold for every language (`pvwatch eval --threshold`)."""
        self.thresholds = resolve(self.presets, self.thresholds.sensitivity, threshold)

    @property
    def model_name(self) -> str:
        name = self.scorer.name
        if self.embedding is not None:
            name += f"+{self.embedding.name}"
        if self.transformer is not None:
            name += f"+transformer({self.transformer_weight:g})"
        return name

    def evidence(self, texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[Evidence]:
        return self.layers.run(texts, list(langs) if langs is not None else [None] * len(texts))

    def scores(self, evs: Sequence[Evidence]) -> list[float]:
        """Blended adverse-event probability for each post (no thresholding)."""
        if not evs:
            return []
        texts = [model_text(e, self.scorer.mask_drugs) for e in evs]
        out = self.scorer.score(texts, [features(e) for e in evs])
        if self.embedding is not None:
            out = self.embedding.blend([e.text for e in evs], out)
        if self.transformer is not None:
            out = blend(out, self.transformer.score([e.text for e in evs]), self.transformer_weight)
        return out

    def analyze_many(self, texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[Analysis]:
        evs = self.evidence(texts, langs)
        # A post in a language we have no tier for is still screened, with the configured language its words
        # look most like (drug names and many reactions are shared), and says so: a PV tool must never
        # leave a post silently unscreened.
        given = [e.lang for e in evs]
        fallback = [e.lang not in self.languages for e in evs]
        evs = [self.layers.run_one(e.text, e.folded, self._fallback_lang(e.folded)) if fb else e
               for e, fb in zip(evs, fallback, strict=True)]
        out = [self._analysis(e, s) for e, s in zip(evs, self.scores(evs), strict=True)]
        for i, fb in enumerate(fallback):
            if fb:
                out[i] = out[i].model_copy(update={
                    "lang": given[i],
                    "model": f"{out[i].model}; screened with the {evs[i].lang} tier: language {given[i]!r} "
                             "is not in classifiers.languages"})
        return out

    def _fallback_lang(self, folded: str) -> str:
        from classifiers.ae.lang import detect_lang

        guess = detect_lang(folded, None, self.languages[0])
        return guess if guess in self.languages else self.languages[0]

    def _analysis(self, ev: Evidence, score: float) -> Analysis:
        def end(m: Any) -> int:  # past invisible characters folding moved out of the word
            return span_end(ev.text, ev.folded, m.end)

        spans = [Span(label="drug", start=m.start, end=end(m), text=ev.text[m.start:end(m)], normalized=m.canonical)
                 for m in ev.products]
        spans += [Span(label=_reaction_label(m), start=m.start, end=end(m),
                       text=ev.text[m.start:end(m)], normalized=m.canonical) for m in ev.reactions]
        spans.sort(key=lambda s: s.start)
        situations = [
            SpecialSituation(type=kind, evidence=[Span(label=kind, start=a, end=b, text=ev.text[a:b]) for a, b in hits])
            for kind, hits in ev.situations.items()
        ]
        products = ev.product_names
        clinical = [m for m in ev.reactions if m.canonical not in CARE_SETTINGS]
        reactions = list(dict.fromkeys(m.canonical for m in clinical if not m.negated))
        return Analysis(
            adverse_event=AdverseEvent(
                decision=score >= self.threshold_for(ev.lang), score=round(score, 4), evidence=spans,
                threshold=round(self.threshold_for(ev.lang), 4), sensitivity=self.thresholds.source_for(ev.lang),
                subject=ev.subject,
                negated=bool(ev.reactions) and not ev.affirmed, hypothetical=ev.context.hypothetical,
            ),
            products=products,
            special_situations=situations,
            seriousness=sorted(ev.seriousness),
            icsr=icsr_criteria(ev.subject, products, reactions or [m.canonical for m in clinical],
                               bool(clinical) and not reactions),
            lang=ev.lang,
            model=self.model_name,
        )
