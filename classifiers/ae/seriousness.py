"""Seriousness hints (ICH E2A criteria): hospitalisation, death, disability, life-threatening, congenital anomaly.

A criterion is a cue table per language, matched on folded text (lowercase, no accents), minus three kinds of
false alarm that patients' posts are full of: the criterion denied ("elle n'a pas été hospitalisée", "no ER
visit", "6 ans sans hospitalisation"), the hospital as a place rather than an admission ("je travaille à
l'hôpital", "hôpital de jour", "prescrit à l'hôpital"), and death as slang ("je suis morte de rire", "I'm dead 💀").
These are hints for the PV officer, who confirms seriousness on the case; a missed criterion costs more than an
extra one (it decides the 15-day clock), so the tables lean towards recall.
"""

from __future__ import annotations

import re

from classifiers.ae.context import NEGATION_TOKENS
from classifiers.ae.cues import compile_table

_FR = compile_table({
    "hospitalisation": [
        r"hospitalis", r"\bhospi\b", r"hopital", r"urgences", r"samu", r"reanimation", r"\ben rea\b",
        r"soins intensifs", r"soins continus", r"operee? en urgence", r"transfusee?",
        r"(\d+|une|deux|trois|quatre|cinq|quelques|plusieurs) (jours?|semaines?|nuits?) "
        r"(a l'hopital|en (gastro|hemato(logie)?|cardio(logie)?|neuro(logie)?|pneumo(logie)?|psychiatrie|"
        r"pedopsychiatrie|pediatrie|reanimation|service))",
        r"(interne|admise?|transferee?) (en|a|aux|dans)",
    ],
    "death": [r"decede", r"deces", r"(est|sont) morte?s?", r"en est morte?", r"mort d(e|')(?! ?rire)",
              r"(son|mon|leur) c(oe|œ)ur s'est arrete", r"(il|elle) nous a quittes?", r"(l'a|les a) tuee?s?"],
    "disability": [r"handicap", r"invalid", r"paralys", r"sequelles?", r"irreversible", r"definiti(f|ve)s?\b",
                   r"a vie\b", r"pour toujours", r"je boite", r"avec une canne",
                   r"(fauteuil|chaise) roulant", r"devenue? (sourde?|aveugle)", r"perdu (mon|son) (travail|emploi)",
                   r"ne (peux|peut|pouvais|pouvait) plus (\w+ ){0,2}(marcher|travailler|conduire|courir|porter|lire)",
                   r"je ne travaille plus", r"arret maladie", r"arret de travail"],
    "life_threatening": [r"failli mourir", r"(j'ai )?cru mourir", r"pronostic vital", r"choc anaphylactique",
                         r"choc allergique", r"(oe|œ)deme de quincke", r"arret (cardiaque|respiratoire)",
                         r"(presque|a failli) (arrete de respirer|y passer|mourir)", r"arrete de respirer",
                         r"entre la vie et la mort", r"reanimation", r"coma", r"intubee?", r"greffe",
                         r"hepatite fulminante", r"j'etouffais"],
    "congenital_anomaly": [r"malformation", r"anomalie congenitale", r"syndrome (du )?valproate", r"spina bifida",
                           r"fente labiale", r"bec de lievre", r"nee? avec (une?|des) (malformation|anomalie|"
                           r"probleme|handicap|fente)", r"cardiopathie congenitale"],
})
_EN = compile_table({
    # "ER" alone is also extended release ("metformin ER"): only "the/to/in/at ER" is the emergency room.
    "hospitalisation": [r"hospital", r"(the|to|in|at|from) er\b(?! (version|tablet|formulation|form|dose))",
                        r"emergency room", r"\bicu\b", r"\bpicu\b", r"\bnicu\b",
                        r"intensive care", r"admitted", r"ambulance", r"a&e", r"on the (\w+ )?ward",
                        r"emergency surgery", r"\bresus\b", r"sectioned", r"transfus"],
    "death": [r"died", r"death", r"passed away", r"(is|was|were|found|now|are) dead\b",
              r"killed (him|her|them|my (mum|mom|dad|father|mother|son|daughter|husband|wife|brother|sister|friend))",
              r"(his|her) heart stopped"],
    "disability": [r"disabilit", r"disabled", r"paralys", r"permanent(ly)?", r"irreversible", r"for life",
                   r"can'?t (walk|work|run|drive|see|hear)( \w+)? anymore", r"still can'?t", r"went (deaf|blind)",
                   r"(partly|partially) (deaf|blind)", r"wheelchair", r"walk with a (cane|stick)",
                   r"lost my job", r"(doesn'?t|don'?t) work properly"],
    "life_threatening": [r"almost died", r"nearly died", r"life[- ]threatening", r"anaphyla", r"cardiac arrest",
                         r"could have died", r"coma", r"stopped breathing", r"couldn'?t breathe",
                         r"nearly didn'?t wake up",
                         r"(had to|reversed?|gave|given|needed) (\w+ ){0,3}(naloxone|narcan)", r"intubated", r"\bicu\b",
                         r"intensive care", r"sepsis", r"liver failure", r"shock (him|her|me)"],
    "congenital_anomaly": [r"birth defect", r"congenital", r"malformation", r"spina bifida", r"cleft (lip|palate)",
                           r"heart defect", r"born with (a|an) (heart|defect|malformation|cleft|problem)"],
})

# A denial just before the cue, in the same clause: "pas été hospitalisée", "aucune hospitalisation",
# "sans passage aux urgences", "zéro passage aux urgences", "au lieu de finir à l'hôpital", "no ER visit".
# The same negation words as a reaction's (context.NEGATION_TOKENS), plus the ways a stay is said to be avoided.
# The window stops at punctuation: "il n'a pas supporté, réanimation" is not a denial.
_AVOIDED = ("evite", "au lieu de", "plutot que", "avoided", "instead of", "out of")
_NEGATORS = sorted({w for words in NEGATION_TOKENS.values() for w in words if w != "n't"} | set(_AVOIDED))
_NEGATED = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, _NEGATORS))
                      + r"|(did|was|were|do|does|have|has|had|is|are|wo|would|could|need)n'?t)(?!\w)[^.,;:!?\n]{0,30}$")
# The hospital as a workplace or a care setting, not an admission.
_PLACE = re.compile(
    r"(travaille|bosse|garde|gardes|internes?|infirmiere?|medecin|prescrite?|primo-prescription|suivi|consultation|"
    r"rendez-vous|rdv|works?|working|nurse|shift|prescribed)[^.;!?\n]{0,25}$")
_NEGATED_AFTER = re.compile(r"^\w*\s+(evitee?s?|avoided)")
_PLACE_AFTER = re.compile(r"^\w*\s+de jour|^ier\b|^\s+(pharmacy|parking|car park)")
# The author announcing their own death is slang ("je suis morte de rire", "I'm dead", "ce meme me tue").
_SLANG_DEATH = re.compile(r"(je suis|chui|jsuis|i'?m|i am|we'?re) (\w+ )?$")

_CLAUSE = 60  # characters looked at before a cue


def _kept(key: str, folded: str, start: int, end: int) -> bool:
    before = folded[max(0, start - _CLAUSE):start]
    if _NEGATED.search(before) or _NEGATED_AFTER.match(folded[end:end + 20]):
        return False
    cue = folded[start:end]
    if (key == "hospitalisation" and ("hopital" in cue or "hospital" in cue)
            and (_PLACE.search(before) or _PLACE_AFTER.match(folded[end:end + 12]))):
        return False
    return not (key == "death" and _SLANG_DEATH.search(before))


def find_seriousness(folded: str, lang: str) -> dict[str, list[tuple[int, int]]]:
    """Offsets of each criterion's cues that are neither denied nor slang nor a mere place."""
    # French posts get the French table only: English words there are false friends ("fatigue permanente" is
    # constant, not lasting; "suivi hospitalier" is a follow-up).
    tables = [_FR] if lang == "fr" else [_EN]
    found: dict[str, list[tuple[int, int]]] = {}
    for table in tables:
        for key, pat in table.items():
            hits = [(m.start(), m.end()) for m in pat.finditer(folded) if _kept(key, folded, m.start(), m.end())]
            if hits:
                found.setdefault(key, []).extend(hits)
    return found
