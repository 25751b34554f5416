"""Layer 2: reaction mentions, from the shipped reaction lexicons of each language (PhraseMatcher entries)."""

from __future__ import annotations

from classifiers.ae.lexicon import load_lexicon

REACTION = "reaction"
CARE_SETTING = "care_setting"
# Lexicon canonicals that name where care happened, not what happened to the patient. They still count as
# reaction evidence for the scoring features (the model was trained so), but they are reported as
# `care_setting` spans: the clinical event of an ICSR is the pancreatitis, not the hospital stay, which is a
# seriousness criterion (E.i.3.2c, found by classifiers.ae.seriousness).
CARE_SETTINGS = frozenset({"hospitalisation", "hospitalisé", "aux urgences", "hospitalization", "hospitalized",
                           "emergency room", "er visit", "icu"})


def reaction_entries(lang: str) -> list[tuple[str, str, str]]:
    """Our written lexicon plus the one build_model derives from licence-compatible corpora."""
    entries: list[tuple[str, str, str]] = []
    for name in (f"reactions_{lang}", f"reactions_{lang}_built"):
        entries.extend((t, c, REACTION) for t, c in load_lexicon(name))
    return entries
