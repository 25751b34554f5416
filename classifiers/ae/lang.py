"""French/English detection by stopword votes: cheap, and good enough to pick lexicons.

A language given by the platform is trusted; detection only fills the gap.
"""

from __future__ import annotations

import re

_FR = frozenset(
    ["le", "la", "les", "un", "une", "des", "du", "de", "et", "est", "je", "j", "ai", "pas", "ne", "que", "qui",
     "il", "elle", "nous", "vous", "mon", "ma", "mes", "ce", "cette", "avec", "pour", "sur", "dans", "au", "aux",
         "mais", "ou", "donc", "car", "depuis", "tres", "plus", "moi", "suis", "c", "ca", "d", "l", "m", "n", "qu",
             "sont", "fait",
     # SMS French: a short post with none of the words above ("jsuis ko", "cest degueu", "jai mal")
     "jai", "jsuis", "chui", "jme", "jte", "cest", "jsp", "mdr", "ptdr", "tkt", "jpp", "pk", "bcp", "apres",
     "rien", "trop", "quand", "comme", "sans", "toujours", "jamais", "nuit", "jour", "jours", "mal", "en"]
)
_EN = frozenset(
    ["the", "an", "and", "is", "are", "i", "im", "my", "me", "of", "to", "in", "for", "with", "it", "this", "that",
     "was", "have", "has", "had", "not", "no", "but", "you", "your", "he", "she", "they", "we", "been", "be", "do",
         "does", "did", "at", "by", "from", "so", "just", "can", "t", "s", "its", "what", "when"]
)
_WORD = re.compile(r"[a-z]+")
# "jtombe", "jvais", "jpeux": French j' contractions written without the apostrophe (no English word starts so)
_J_CONTRACTION = re.compile(r"j[bcdfghklmnpqrstvwxz][a-z]{2,}")
_FRENCH_LETTERS = frozenset("éèêëàâçùûîïôœÉÈÊÀÇ")


def detect_lang(folded: str, given: str | None = None, default: str = "en", text: str = "") -> str:
    """Return 'fr', 'en', or the given language code (normalised: 'fr-FR' -> 'fr'). `text` (the post before
    folding) breaks ties: accented letters are French."""
    if given:
        return given.split("-")[0].split("_")[0].lower()
    fr = en = 0
    for w in _WORD.findall(folded[:1000]):
        fr += w in _FR or bool(_J_CONTRACTION.fullmatch(w))
        en += w in _EN
    if fr == en:
        return "fr" if _FRENCH_LETTERS.intersection(text[:1000]) else default
    return "fr" if fr > en else "en"
