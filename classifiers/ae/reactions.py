"""Layer 2: reaction mentions, from the shipped reaction lexicons of each language (PhraseMatcher entries)."""

from __future__ import annotations

from classifiers.ae.lexicon import load_lexicon

REACTION = "reaction"


def reaction_entries(lang: str) -> list[tuple[str, str, str]]:
    """Our written lexicon plus the one build_model derives from licence-compatible corpora."""
    entries: list[tuple[str, str, str]] = []
    for name in (f"reactions_{lang}", f"reactions_{lang}_built"):
        entries.extend((t, c, REACTION) for t, c in load_lexicon(name))
    return entries
