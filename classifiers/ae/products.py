"""Layer 1: suspect products. Watched products from config.toml (brand, INNs, synonyms, misspellings, hashtags),
the general drug lexicons (BDPM for French, our lists for English), and fuzzy matching for close misspellings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rapidfuzz import fuzz, process

from classifiers.ae.lexicon import load_lexicon
from classifiers.ae.text import fold_aligned

WATCHED = "product"  # a product from config.toml: the company's own
DRUG = "drug"  # any other medicinal product
FUZZY_CUTOFF = 86.0  # rapidfuzz ratio: "levothyrax" ~ "levothyrox" (90), "levure" ~ "levo" is not considered
FUZZY_MIN_LEN = 6  # short words are too often ordinary words to fuzz


def product_entries(products: Sequence[Any], lang: str) -> list[tuple[str, str, str]]:
    """(term, canonical, label) for the phrase matcher: watched products first, then the drug lexicon."""
    entries = [(term, p.name, WATCHED) for p in products for term in p.terms()]
    # A watched product wins over the lexicon; a word that is also a reaction ("fatigue") is not a drug.
    skip = {fold_aligned(t.lstrip("#")) for t, _, _ in entries}
    skip |= {fold_aligned(t) for name in (f"reactions_{lang}", f"reactions_{lang}_built")
             for t, _ in load_lexicon(name)}
    for name in (f"drugs_{lang}", f"drugs_{lang}_built"):
        entries.extend((t, c, DRUG) for t, c in load_lexicon(name) if fold_aligned(t) not in skip)
    return entries


class FuzzyProducts:
    """Catches misspellings of watched products that no list foresaw (one token, edit-distance close)."""

    def __init__(self, products: Sequence[Any]) -> None:
        self.choices: dict[str, str] = {}
        for p in products:
            for term in p.terms():
                t = fold_aligned(term.lstrip("#"))
                if " " not in t and len(t) >= FUZZY_MIN_LEN:
                    self.choices[t] = p.name

    def find(self, doc: Any, taken: set[int]) -> list[tuple[int, int, str, str, int, int]]:
        if not self.choices:
            return []
        found = []
        for tok in doc:
            text = tok.text
            if tok.i in taken or len(text) < FUZZY_MIN_LEN or not text.isalpha():
                continue
            best = process.extractOne(text, self.choices.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if best is not None:
                found.append((tok.idx, tok.idx + len(text), WATCHED, self.choices[best[0]], tok.i, tok.i + 1))
        return found
