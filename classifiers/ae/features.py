"""Numeric features from the layers, language-independent so English training data teaches French posts too."""

from __future__ import annotations

import re

from classifiers.ae.layers import Evidence
from classifiers.ae.products import WATCHED

FEATURE_NAMES = [
    "has_watched_product", "has_drug", "n_reactions", "n_affirmed", "any_negated", "all_negated",
    "hypothetical", "question", "causal", "subj_self", "subj_child", "subj_relative", "subj_other",
    "subj_general", "n_situations", "lack_of_efficacy", "serious", "lang_fr", "drug_and_reaction", "near",
]
NEAR_TOKENS = 15  # a drug and an affirmed reaction this close are probably linked

_URL = re.compile(r"https?://\S+|www\.\S+")
_USER = re.compile(r"@\w+")


DRUG_MASK = " _drug_ "  # one token for any drug name
HEAD_DRUG_WORD = {"fr": "médicament", "en": "medication"}  # head_text's word for any drug name


def _masked(text: str, ev: Evidence, word: str) -> str:
    """`text` (the post or its folded twin: offsets are shared) with each drug or product mention as `word`."""
    parts, at = [], 0
    for m in ev.products:  # sorted by start; overlapping mentions are merged into one word
        if m.start >= at:
            parts += [text[at:m.start], word]
            at = m.end
        else:
            at = max(at, m.end)
    return "".join(parts) + text[at:]


def model_text(ev: Evidence, mask_drugs: bool = False) -> str:
    """What the TF-IDF vectorizers see: folded text with links and user handles replaced; with `mask_drugs`,
    every drug or product mention the layers found is one token, so a model learns what is said about a drug,
    not which drug (research round of session 18, docs/benchmarks.md)."""
    text = _masked(ev.folded, ev, DRUG_MASK) if mask_drugs else ev.folded
    return _USER.sub(" _user_ ", _URL.sub(" _url_ ", text))


def head_text(ev: Evidence) -> str:
    """What a sentence encoder reads when the head is trained with drug names masked (research round of session
    20): the raw post, casing and accents kept, each mention the layers found as a plain word of the post's
    language, which keeps the sentence natural for the encoder."""
    return _masked(ev.text, ev, HEAD_DRUG_WORD.get(ev.lang, HEAD_DRUG_WORD["en"]))


def features(ev: Evidence) -> list[float]:
    affirmed = ev.affirmed
    near = any(abs(p.tok_start - r.tok_start) <= NEAR_TOKENS for p in ev.products for r in affirmed)
    return [
        float(any(p.label == WATCHED for p in ev.products)),
        float(bool(ev.products)),
        min(len(ev.reactions), 5) / 5,
        min(len(affirmed), 5) / 5,
        float(any(r.negated for r in ev.reactions)),
        float(bool(ev.reactions) and not affirmed),
        float(ev.context.hypothetical),
        float(ev.context.question),
        float(ev.context.causal),
        float(ev.subject == "self"),
        float(ev.subject == "child"),
        float(ev.subject == "relative"),
        float(ev.subject == "other"),
        float(ev.subject == "general"),
        min(len(ev.situations), 3) / 3,
        float("lack_of_efficacy" in ev.situations),
        float(bool(ev.seriousness)),
        float(ev.lang == "fr"),
        float(bool(affirmed) and bool(ev.products)),
        float(near),
    ]
