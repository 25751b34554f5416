"""Layer 3b: who experienced it: self, child, relative, other (a named third person) or general information."""

from __future__ import annotations

from classifiers.ae.cues import compile_table

# Order matters: "my son" is about a child although it contains "my".
_SUBJECTS = {
    "child": compile_table({
        "fr": [r"mon (fils|bebe|enfant|petit|garcon|ado)\b", r"ma (fille|petite|ado)\b", r"mes enfants",
               r"notre (fils|fille|bebe)"],
        "en": [r"my (son|daughter|baby|kid|child|toddler|boy|girl)s?\b", r"our (son|daughter|baby|kid|child)"],
    }),
    "relative": compile_table({
        "fr": [r"(ma|mon) (mere|pere|mari|femme|copain|copine|conjoint|compagne|compagnon|soeur|frere|maman|papa)\b",
               r"(ma|mon) (grand[- ]mere|grand[- ]pere|tante|oncle|belle[- ]mere)\b"],
        "en": [r"my (mom|mum|mother|dad|father|husband|wife|boyfriend|girlfriend|partner|sister|brother)\b",
               r"my (grandma|grandmother|grandpa|aunt|uncle)\b"],
    }),
    "self": compile_table({
        "fr": [r"je\b", r"j'", r"moi\b", r"\bme\b", r"m'", r"mon\b", r"ma\b", r"mes\b"],
        "en": [r"i\b", r"i'm\b", r"i've\b", r"im\b", r"ive\b", r"me\b", r"my\b", r"myself\b"],
    }),
    "other": compile_table({
        "fr": [r"(mon|ma) (amie?|voisine?|collegue|patiente?)\b", r"une amie?\b", r"il a (pris|eu)",
               r"elle a (pris|eu)"],
        "en": [r"my (friend|neighbou?r|coworker|colleague|patient)\b", r"a friend", r"(he|she) (took|had|got|was)"],
    }),
}


def subject_of(folded: str, lang: str) -> str:
    key = lang if lang in ("fr", "en") else "en"
    for subject, table in _SUBJECTS.items():
        if table[key].search(folded):
            return subject
    return "general"
