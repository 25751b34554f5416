"""PV special situations (GVP Module VI): cue tables in French and English, matched on folded text."""

from __future__ import annotations

from classifiers.ae.cues import compile_table, find_all

_TABLE = {
    "pregnancy": (
        [r"enceinte", r"grossesse", r"pendant ma grossesse", r"future maman", r"(mois|semaines) de grossesse",
         r"foetus"],
        [r"pregnan", r"expecting a baby", r"weeks pregnant", r"while pregnant", r"fetus", r"foetus"],
    ),
    "breastfeeding": (
        [r"allait", r"j'allaite", r"lait maternel", r"tetee"],
        [r"breast ?feeding", r"breastfed", r"nursing (my|a) baby", r"breast milk"],
    ),
    "overdose": (
        [r"surdos", r"overdose", r"trop de (comprimes|cachets|gelules|doses?)", r"toute la (boite|plaquette)",
         r"double dose", r"intoxication", r"(avale|pris) \d+ (comprimes|cachets)"],
        [r"overdos", r"od'?d\b", r"too many (pills|tablets|doses)", r"took too much", r"double dose",
         r"the whole (bottle|pack|box)", r"poisoning"],
    ),
    "abuse_misuse": (
        [r"pour planer", r"defonce", r"recreati", r"sniff", r"(melange|avec) (de l'|l')?alcool", r"detourn",
         r"sans ordonnance", r"mesusage", r"abus"],
        [r"get(ting)? high", r"recreational", r"snort", r"abus", r"misus", r"with (alcohol|booze|beer|wine)",
         r"without (a )?prescription", r"for fun"],
    ),
    "off_label": (
        [r"hors[- ]amm", r"hors autorisation", r"hors indication", r"pour maigrir", r"pour perdre du poids",
         r"pas (prevu|indique) pour"],
        [r"off[- ]label", r"not approved for", r"to lose weight", r"for weight loss", r"not indicated for"],
    ),
    "medication_error": (
        [r"erreur (de|du|d') ?(medicament|dosage|dose|pharmacie|prescription|traitement)",
         r"mauvais (medicament|dosage|comprime)",
         r"(pharmacien|pharmacienne|pharmacie) (s'est trompee?|m'a donne le mauvais)", r"pris deux fois",
         r"oublie (de prendre|ma dose|mon comprime)", r"confondu"],
        [r"wrong (dose|dosage|medication|meds|pill|drug|strength)", r"medication error", r"took it twice",
         r"mix[- ]?up", r"pharmacy (gave|messed)", r"forgot (to take|my dose)", r"missed (a|my) dose", r"mixed up"],
    ),
    "lack_of_efficacy": (
        [r"(ne )?marche (pas|plus)", r"(ne )?fonctionne (pas|plus)", r"ne fait (rien|plus rien|aucun effet)",
         r"aucun effet(?! (secondaire|indesirable))", r"inefficace",
                       r"sans (aucun )?effet(?! (secondaire|indesirable))",
         r"(ne )?fait (plus|pas) effet", r"n'agit pas", r"aucune efficacite"],
        [r"(does|did|do)(n't| not) work", r"not working", r"stopped working", r"does nothing", r"did nothing",
         r"ineffective", r"no effect", r"useless", r"not helping", r"(does|did)(n't| not) help", r"no relief"],
    ),
    "product_quality": (
        [r"nouvelle formule", r"gout (bizarre|different|amer)", r"comprime (casse|abime|effrite)", r"contrefa",
         r"defaut", r"boite (abimee|endommagee)", r"moisi", r"odeur (bizarre|etrange)", r"lot (defectueux|rappele)",
         r"rappel de lot", r"couleur (differente|bizarre)"],
        [r"new formula", r"counterfeit", r"fake (pills|meds)", r"defective", r"broken (pill|tablet)s?",
         r"tastes? (different|weird|funny)", r"contaminat", r"recall(ed)?\b", r"different colou?r",
                    r"smells? (weird|funny)"],
    ),
    "death": (
        [r"decede", r"deces", r"(est|sont) morte?s?", r"en est mort", r"mort d(e|')(?! ?rire)", r"a tue"],
        [r"died", r"death", r"passed away", r"killed (him|her|my)", r"\bdead\b"],
    ),
}
_FR = compile_table({k: fr for k, (fr, _) in _TABLE.items()})
_EN = compile_table({k: en for k, (_, en) in _TABLE.items()})
TYPES = tuple(_TABLE)


def find_situations(folded: str, lang: str) -> dict[str, list[tuple[int, int]]]:
    """Special-situation type -> cue offsets. Both languages' cues run on French posts (English words are common)."""
    found = find_all(_EN, folded)
    if lang == "fr":
        for key, hits in find_all(_FR, folded).items():
            found.setdefault(key, []).extend(hits)
    return found
