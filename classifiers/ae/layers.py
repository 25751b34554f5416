"""Runs the explainable layers on a batch of posts: language, products, reactions, context, subject,
special situations and seriousness. The result (`Evidence`) feeds the features, the model and the output."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from classifiers.ae.context import Context, analyse_context
from classifiers.ae.lang import detect_lang
from classifiers.ae.matching import TermMatcher, shared_matcher
from classifiers.ae.products import WATCHED, FuzzyProducts, product_entries
from classifiers.ae.reactions import REACTION, reaction_entries
from classifiers.ae.seriousness import find_seriousness
from classifiers.ae.situations import find_situations
from classifiers.ae.subject import subject_of
from classifiers.ae.text import MAX_CLASSIFY_CHARS, fold_aligned


@dataclass
class Mention:
    start: int
    end: int
    label: str  # product (watched), drug, reaction
    canonical: str
    tok_start: int
    tok_end: int
    negated: bool = False


@dataclass
class Evidence:
    text: str
    folded: str
    lang: str
    products: list[Mention] = field(default_factory=list)
    reactions: list[Mention] = field(default_factory=list)
    context: Context = field(default_factory=lambda: Context([], False, False, False))
    subject: str = "general"
    situations: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    seriousness: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    @property
    def affirmed(self) -> list[Mention]:
        return [r for r in self.reactions if not r.negated]

    @property
    def product_names(self) -> list[str]:
        names = [m.canonical for m in self.products if m.label == WATCHED]
        names += [m.canonical for m in self.products if m.label != WATCHED]
        return list(dict.fromkeys(names))


class Layers:
    """Built once per configuration; matchers are per language and reused for every post."""

    def __init__(self, products: Sequence[Any], languages: Sequence[str] = ("fr", "en")) -> None:
        # Built on first use per language: a French post never pays for the English tokenizer (seconds).
        self.products = list(products)
        self.languages = tuple(languages)
        self.matchers: dict[str, TermMatcher] = {}
        self._lock = threading.Lock()
        self.fuzzy = FuzzyProducts(products)
        self.default_lang = "fr" if "fr" in languages and "en" not in languages else "en"

    def matcher(self, lang: str) -> TermMatcher | None:
        if lang not in self.languages:
            return None
        with self._lock:
            if lang not in self.matchers:
                entries = [*product_entries(self.products, lang), *reaction_entries(lang)]
                self.matchers[lang] = shared_matcher(lang, entries)
            return self.matchers[lang]

    def run(self, texts: Sequence[str], langs: Sequence[str | None]) -> list[Evidence]:
        out = []
        for text, given in zip(texts, langs, strict=True):
            text = text[:MAX_CLASSIFY_CHARS]
            folded = fold_aligned(text)
            lang = detect_lang(folded, given, self.default_lang, text)
            out.append(self.run_one(text, folded, lang))
        return out

    def run_one(self, text: str, folded: str, lang: str) -> Evidence:
        ev = Evidence(text=text, folded=folded, lang=lang)
        matcher = self.matcher(lang)
        if matcher is None:
            return ev
        doc = matcher.nlp.make_doc(folded)
        mentions = [Mention(*m) for m in matcher.find(doc)]
        taken = {i for m in mentions for i in range(m.tok_start, m.tok_end)}
        mentions += [Mention(*m) for m in self.fuzzy.find(doc, taken)]
        ev.products = sorted((m for m in mentions if m.label != REACTION), key=lambda m: m.start)
        ev.reactions = [m for m in mentions if m.label == REACTION]
        ev.context = analyse_context(doc, folded, lang, [r.tok_start for r in ev.reactions])
        for r, neg in zip(ev.reactions, ev.context.negated, strict=True):
            r.negated = neg
        ev.subject = subject_of(folded, lang)
        ev.situations = find_situations(folded, lang)
        ev.seriousness = find_seriousness(folded, lang)
        return ev
