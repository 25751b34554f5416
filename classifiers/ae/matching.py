"""A spaCy PhraseMatcher over folded text, shared by the product and reaction layers."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from classifiers.ae.text import fold_aligned, tokenizer
from classifiers.ae.tokenizer_cache import cache_dir, cache_path, read_cache, write_cache
from classifiers.heavy import import_without_torch

PhraseMatcher = import_without_torch("spacy.matcher").PhraseMatcher
filter_spans = import_without_torch("spacy.util").filter_spans
Doc = import_without_torch("spacy.tokens").Doc


def lexicon_docs(lang: str, nlp: Any, terms: list[str]) -> list[Any]:
    """`nlp.make_doc(t)` for each lexicon term, from a cached tokenisation when the same terms were tokenised by
    the same tokenizer before: a Doc built from its words and spaces has the same tokens (ORTH, what the
    phrase matcher compares) and costs a fifth of tokenising ~5,000 terms at every start."""
    key = hashlib.sha256("\n".join([cache_path(lang).name, *terms]).encode("utf-8")).hexdigest()[:20]
    path = cache_dir() / f"lexicon-{lang}-{key}.msgpack"
    cached = read_cache(path)
    if isinstance(cached, list) and len(cached) == len(terms):
        return [Doc(nlp.vocab, words=words, spaces=spaces) for words, spaces in cached]
    docs = [nlp.make_doc(t) for t in terms]
    write_cache(path, [[[t.text for t in d], [bool(t.whitespace_) for t in d]] for d in docs])
    return docs


class TermMatcher:
    """Matches (term, canonical, label) triples; longest non-overlapping matches win."""

    def __init__(self, lang: str, entries: Iterable[tuple[str, str, str]]) -> None:
        self.nlp = tokenizer(lang)
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.info: dict[int, tuple[str, str]] = {}
        kept = [(folded, canonical, label) for term, canonical, label in entries
                if len(folded := fold_aligned(term.lstrip("#")).strip()) >= 2]
        docs = lexicon_docs(lang, self.nlp, [f for f, _, _ in kept])
        by_key: dict[tuple[str, str], list[Any]] = {}
        for (_, canonical, label), doc in zip(kept, docs, strict=True):
            by_key.setdefault((canonical, label), []).append(doc)
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
