"""Seriousness hints (ICH E2A criteria): hospitalisation, death, disability, life-threatening, congenital anomaly."""

from __future__ import annotations

from classifiers.ae.cues import compile_table, find_all

_FR = compile_table({
    "hospitalisation": [r"hospitalis", r"hopital", r"urgences", r"samu", r"reanimation", r"soins intensifs"],
    "death": [r"decede", r"deces", r"(est|sont) morte?s?", r"en est mort", r"mort d(e|')(?! ?rire)"],
    "disability": [r"handicap", r"invalid", r"paralys", r"sequelles?", r"ne (peux|peut) plus (marcher|travailler)",
                   r"arret maladie", r"irreversible"],
    "life_threatening": [r"failli mourir", r"pronostic vital", r"choc anaphylactique", r"arret cardiaque",
                         r"entre la vie et la mort", r"reanimation", r"coma"],
    "congenital_anomaly": [r"malformation", r"anomalie congenitale", r"syndrome (du )?valproate"],
})
_EN = compile_table({
    "hospitalisation": [r"hospital", r"\ber\b", r"emergency room", r"\bicu\b", r"admitted", r"ambulance", r"a&e"],
    "death": [r"died", r"death", r"passed away", r"\bdead\b"],
    "disability": [r"disabilit", r"disabled", r"paralys", r"permanent(ly)? damage", r"can'?t (walk|work) anymore",
                   r"irreversible"],
    "life_threatening": [r"almost died", r"nearly died", r"life[- ]threatening", r"anaphyla", r"cardiac arrest",
                         r"could have died", r"coma"],
    "congenital_anomaly": [r"birth defect", r"congenital", r"malformation"],
})


def find_seriousness(folded: str, lang: str) -> dict[str, list[tuple[int, int]]]:
    found = find_all(_EN, folded)
    if lang == "fr":
        for key, hits in find_all(_FR, folded).items():
            found.setdefault(key, []).extend(hits)
    return found
