"""A spaCy PhraseMatcher over folded text, shared by the product and reaction layers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from classifiers.ae.text import fold_aligned, tokenizer
from classifiers.heavy import import_without_torch

PhraseMatcher = import_without_torch("spacy.matcher").PhraseMatcher
filter_spans = import_without_torch("spacy.util").filter_spans


class TermMatcher:
    """Matches (term, canonical, label) triples; longest non-overlapping matches win."""

    def __init__(self, lang: str, entries: Iterable[tuple[str, str, str]]) -> None:
        self.nlp = tokenizer(lang)
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.info: dict[int, tuple[str, str]] = {}
        by_key: dict[tuple[str, str], list[Any]] = {}
        for term, canonical, label in entries:
            folded = fold_aligned(term.lstrip("#")).strip()
            if len(folded) < 2:
                continue
            by_key.setdefault((canonical, label), []).append(self.nlp.make_doc(folded))
        for i, ((canonical, label), docs) in enumerate(sorted(by_key.items())):
            key = f"{label}:{i}"
            self.matcher.add(key, docs)
            self.info[self.nlp.vocab.strings[key]] = (label, canonical)

    def __len__(self) -> int:
        return len(self.info)

    def find(self, doc: Any) -> list[tuple[int, int, str, str, int, int]]:
        """(char_start, char_end, label, canonical, tok_start, tok_end) for each match in a folded doc."""
        spans = []
        for match_id, start, end in self.matcher(doc):
            label, canonical = self.info[match_id]
            span = doc[start:end]
            span.label_ = label
            span.kb_id_ = canonical
            spans.append(span)
        # One span, two lexicon entries ("headaches" -> "headache" written by us, "headaches" as-is from a
        # built lexicon): the explicit normalisation wins, whatever order the entries were added in.
        spans.sort(key=lambda sp: sp.label_ == "reaction" and fold_aligned(sp.kb_id_) == sp.text)
        return [
            (s.start_char, s.end_char, s.label_, s.kb_id_, s.start, s.end) for s in filter_spans(spans)
        ]
