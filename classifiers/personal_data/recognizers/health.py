"""Health data about an identifiable person: conditions, diagnoses, pregnancy, treatments they take.

The adverse-event classifier adds its own reaction spans when the post reports one (see the detector);
this list covers conditions a post names outright."""

from __future__ import annotations

from classifiers.personal_data.recognizers._special import PvSpecialCategoryRecognizer


class PvHealthRecognizer(PvSpecialCategoryRecognizer):
    ENTITY = "HEALTH"
    TERMS = (
        # French
        r"diab[ée]t(?:e|ique)s?", r"cancers?", r"tumeurs?", r"leuc[ée]mie", r"chimio(?:th[ée]rapie)?",
        r"d[ée]pression", r"d[ée]prim[ée]e?", r"anxi[ée]t[ée]", r"bipolaires?", r"schizophr[èe]n(?:e|ie)",
        r"autis(?:me|te)s?", r"[ée]pilep(?:sie|tique)s?", r"crises? d'[ée]pilepsie", r"asthm(?:e|atique)s?",
        r"hypothyro[ïi]die", r"hyperthyro[ïi]die", r"thyro[ïi]de", r"ur[ée]e", r"s[ée]ropositi(?:f|ve)", r"vih",
        r"sida", r"h[ée]patite", r"scl[ée]rose en plaques", r"parkinson", r"alzheimer", r"avc", r"infarctus",
        r"insuffisance (?:r[ée]nale|cardiaque)", r"enceinte", r"grossesse", r"fausse couche", r"allait(?:e|ement)",
        r"hospitalis[ée]e?s?", r"urgences", r"op[ée]r[ée]e?", r"dialyse", r"handicap[ée]?e?", r"migraines?",
        r"endom[ée]triose", r"maladie de crohn", r"ob[ée]sit[ée]", r"anorexie", r"boulimie", r"addiction",
        r"covid", r"h[ée]morragie", r"convulsions?", r"dyst?hyro[ïi]die", r"angoisses?", r"insomnies?",
        r"palpitations", r"naus[ée]es", r"vertiges", r"diarrh[ée]es?", r"effets? (?:secondaires?|ind[ée]sirables?)",
        r"ordonnance", r"traitement", r"sous (?:antid[ée]presseurs?|insuline|chimio|l[ée]vothyrox|d[ée]pakine)",
        # English
        r"diabet(?:es|ic)", r"cancer", r"tumou?r", r"leuka?emia", r"chemo(?:therapy)?", r"depress(?:ion|ed)",
        r"anxiety", r"bipolar", r"schizophreni[ac]", r"autis(?:m|tic)", r"epilep(?:sy|tic)", r"seizures?",
        r"asthma(?:tic)?", r"hypothyroid(?:ism)?", r"hiv(?:\+| positive)?", r"aids", r"hepatitis",
        r"multiple sclerosis", r"pregnant", r"pregnancy", r"miscarriage", r"breastfeeding", r"hospitali[sz]ed",
        r"\ber\b", r"surgery", r"disabled", r"disability", r"migraines?", r"endometriosis", r"crohn'?s",
        r"obes(?:e|ity)", r"anorexi[ac]", r"bulimi[ac]", r"addict(?:ion|ed)", r"stroke", r"heart attack",
        r"side effects?", r"prescription", r"night sweats", r"insomnia", r"nausea", r"dizz(?:y|iness)",
        r"rash(?:es)?", r"panic attacks?",
    )
