"""Lexicon matching over folded text, shared by the product and reaction layers.

The matches are those of a spaCy `PhraseMatcher` on ORTH (every token sequence equal to a term's, each
entry sharing a sequence in the matcher's own order; classifiers/ae/lexicon_cache.py), found by walking a
trie of the terms' tokens: built from the cached tokenisation in a few milliseconds, where building the
PhraseMatcher at every start costs ~0.3 s (tests/test_cli_startup.py compares the two on every lexicon)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from classifiers.ae import lexicon_cache
from classifiers.ae.text import fold_aligned, tokenizer
from classifiers.heavy import import_without_torch

filter_spans = import_without_torch("spacy.util").filter_spans
_END = ""  # trie key of the entries ending at a node (no token is empty)


class TermMatcher:
    """Matches (term, canonical, label) triples; longest non-overlapping matches win."""

    def __init__(self, lang: str, entries: Iterable[tuple[str, str, str]]) -> None:
        self.nlp = tokenizer(lang)
        kept = [(folded, canonical, label) for term, canonical, label in entries
                if len(folded := fold_aligned(term.lstrip("#")).strip()) >= 2]
        compiled = lexicon_cache.load(lang, self.nlp, kept)
        self.trie: dict[str, Any] = {}
        for words, pairs in zip(compiled["sequences"], compiled["keys"], strict=True):
            node = self.trie
            for word in words:
                node = node.setdefault(word, {})
            node[_END] = [(label, canonical) for label, canonical in pairs]
        self.keys = {(label, canonical) for pairs in compiled["keys"] for label, canonical in pairs}

    def __len__(self) -> int:
        return len(self.keys)

    def matches(self, words: list[str]) -> list[tuple[str, str, int, int]]:
        """(label, canonical, tok_start, tok_end) in the PhraseMatcher's order: by start, then end."""
        out = []
        n = len(words)
        for start in range(n):
            node = self.trie.get(words[start])
            end = start + 1
            while node is not None:
                out += [(label, canonical, start, end) for label, canonical in node.get(_END, ())]
                if end >= n:
                    break
                node = node.get(words[end])
                end += 1
        return out

    def find(self, doc: Any) -> list[tuple[int, int, str, str, int, int]]:
        """(char_start, char_end, label, canonical, tok_start, tok_end) for each match in a folded doc."""
        spans = []
        for label, canonical, start, end in self.matches([t.text for t in doc]):
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


SHARED_KEEP = 8  # term sets kept in memory per process (a few configurations in turn; ~1 MB each)
_shared: OrderedDict[tuple[str, str, tuple[tuple[str, str, str], ...]], TermMatcher] = OrderedDict()
_shared_lock = threading.Lock()


def shared_matcher(lang: str, entries: Sequence[tuple[str, str, str]]) -> TermMatcher:
    """One `TermMatcher` per term set and process (it is read-only once built): each `Layers` built from the same
    products (every Analyzer, API engine or `train`/`eval` run in the process) reuses it instead of reading the
    lexicon cache again. Keyed by the cache folder too, so a process that changes it still writes its file."""
    key = (lang, str(lexicon_cache.cache_dir()), tuple(entries))
    with _shared_lock:
        if key in _shared:
            _shared.move_to_end(key)
            return _shared[key]
        matcher = _shared[key] = TermMatcher(lang, entries)
        while len(_shared) > SHARED_KEEP:
            _shared.popitem(last=False)
        return matcher
