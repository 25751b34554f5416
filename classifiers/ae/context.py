"""Layer 3a: context of each reaction mention: negated ("aucun effet secondaire", "no side effects"),
hypothetical or asked about ("est-ce que ça donne...", "can it cause"), and causal/temporal links to a drug."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from classifiers.ae.cues import compile_table

NEGATION_TOKENS = {
    "fr": {"pas", "aucun", "aucune", "sans", "jamais", "ni", "rien", "zero"},
    "en": {"no", "not", "never", "without", "n't", "none", "zero", "nothing", "nor", "free"},
}
NEG_WINDOW = 5  # tokens before a reaction in which a negation cue applies
_CLAUSE_BREAK = re.compile(r"^[.!?;:]+$|^(mais|but|however|pourtant|sauf|except)$")

_HYPOTHETICAL = compile_table({
    "fr": [r"est[- ]ce qu", r"peut[- ](il|elle|on)\b",
           r"(peut|peuvent|pourrait|risque de) (donner|provoquer|causer|entrainer)",
           r"si jamais", r"au cas ou", r"quels? (sont les )?effets", r"vous avez deja eu", r"quelqu'un (a|aurait)",
           r"risque", r"pourrait", r"possible"],
    "en": [r"can (it|they|this|that)\b", r"(could|may|might|can) (cause|give|lead)",
           r"does (it|this|that) (cause|give)",
           r"if you", r"in case", r"anyone (else )?(had|have|get|experienced)", r"what are the side",
           r"risk of", r"would", r"might", r"possible"],
})
_CAUSAL = compile_table({
    "fr": [r"depuis", r"apres avoir (pris|commence)", r"m'a (donne|provoque|cause|rendu)", r"me (donne|rend|fait)",
           r"a cause d", r"provoque", r"depuis que je prends", r"sous (levo|traitement)",
               r"effets? (secondaire|indesirable)",
           r"j'ai (eu|des|une|un)", r"ca me"],
    "en": [r"since (i |starting|taking)", r"after (taking|starting|i took|being on)", r"made me", r"makes me",
           r"gave me", r"gives me", r"caused", r"causing", r"side[- ]?effects?", r"i('ve| have) (had|got)",
           r"i (got|get|had)", r"on (it|this|them)", r"because of"],
})


@dataclass
class Context:
    negated: list[bool]  # per reaction mention
    hypothetical: bool
    question: bool
    causal: bool


def negation_of(doc: Any, tok_start: int, lang: str) -> bool:
    """A negation cue shortly before the mention, in the same clause."""
    cues = NEGATION_TOKENS.get(lang, NEGATION_TOKENS["en"])
    for i in range(tok_start - 1, max(-1, tok_start - 1 - NEG_WINDOW), -1):
        text = doc[i].text
        if _CLAUSE_BREAK.match(text):
            return False
        if text in cues or (lang == "fr" and text == "n'" and i + 2 < len(doc) and doc[i + 2].text in ("pas",
                            "jamais")):
            return True
    return False


def analyse_context(doc: Any, folded: str, lang: str, reaction_tok_starts: list[int]) -> Context:
    key = lang if lang in ("fr", "en") else "en"
    return Context(
        negated=[negation_of(doc, s, key) for s in reaction_tok_starts],
        hypothetical=bool(_HYPOTHETICAL[key].search(folded)),
        question="?" in folded,
        causal=bool(_CAUSAL[key].search(folded)),
    )
