"""Seriousness hints, table-driven: each criterion found in patients' words, and the three false alarms posts are
full of (the criterion denied, the hospital as a place, death as slang) left out."""

from __future__ import annotations

import pytest

from classifiers.ae.seriousness import find_seriousness
from classifiers.ae.text import fold_aligned


def criteria(text: str, lang: str) -> set[str]:
    return set(find_seriousness(fold_aligned(text), lang))


FOUND = [
    ("fr", "Hémorragie sous Xarelto, transfusée, 4 jours en gastro", {"hospitalisation"}),
    ("fr", "Ma mère a fait une aplasie sous Méthotrexate, 3 semaines en hématologie", {"hospitalisation"}),
    ("fr", "Ulcère perforé sous ibuprofène, opéré en urgence", {"hospitalisation"}),
    ("fr", "Œdème de Quincke après l'amoxicilline, j'ai cru mourir", {"life_threatening"}),
    ("fr", "Choc allergique à la pénicilline, intubé", {"life_threatening"}),
    ("fr", "Devenue sourde d'une oreille après la gentamicine, définitif selon l'ORL", {"disability"}),
    ("fr", "Neuropathie depuis la cipro, je marche avec une canne", {"disability"}),
    ("fr", "Mon fils est né avec une malformation cardiaque, j'étais sous Dépakine", {"congenital_anomaly"}),
    ("fr", "On lui a donné de l'Haldol et son cœur s'est arrêté dans la nuit", {"death"}),
    ("en", "Myocarditis after my second dose, 3 days on the cardiac ward", {"hospitalisation"}),
    ("en", "Perforated ulcer from naproxen, emergency surgery at 3am", {"hospitalisation"}),
    ("en", "My tongue swelled up on ramipril, I couldn't breathe", {"life_threatening"}),
    ("en", "Permanent nerve damage from a fluoroquinolone, I still can't feel my feet", {"disability"}),
    ("en", "Our son was born with a cleft lip, I took topiramate in the first trimester", {"congenital_anomaly"}),
    ("en", "We went to the ER after the second dose", {"hospitalisation"}),
    ("fr", "Sous Seroplex, elle a été hospitalisée pour une hépatite", {"hospitalisation"}),
]

LEFT_OUT = [
    ("fr", "Elle n'a pas été hospitalisée, juste des nausées sous Tramadol", "hospitalisation"),
    ("fr", "15 ans de Lithium et aucune hospitalisation depuis", "hospitalisation"),
    ("fr", "Le lithium m'a rendu ma vie, 6 ans sans hospitalisation", "hospitalisation"),
    ("fr", "Grâce au vaccin il a eu une grippe légère au lieu de finir à l'hôpital", "hospitalisation"),
    ("fr", "20 bouffées de Ventoline, palpitations, urgences évitées de justesse", "hospitalisation"),
    ("fr", "Je travaille de nuit à l'hôpital, le Stilnox m'aide à dormir le jour", "hospitalisation"),
    ("fr", "Perfusion de Xolair à l'hôpital de jour, je lis en attendant", "hospitalisation"),
    ("fr", "Fluoxétine pour la boulimie de ma fille, suivi hospitalier", "hospitalisation"),
    ("fr", "Ce meme me tue, je suis décédé 💀", "death"),
    ("fr", "Je suis morte de rire devant la notice du Doliprane", "death"),
    ("fr", "Humira : une fatigue permanente, rhume sur rhume", "disability"),
    ("fr", "Lévothyrox : l'ancienne formule définitivement retirée du marché", "disability"),
    ("fr", "Le Seroplex m'a sauvé la vie franchement", "life_threatening"),
    ("en", "Lithium has kept me out of hospital for six years", "hospitalisation"),
    ("en", "Diarrhea on metformin, then it got better with the ER version", "hospitalisation"),
    ("en", "I wasn't hospitalized, just a bad rash from amoxicillin", "hospitalisation"),
    ("en", "yaz killed my libido fr", "death"),
    ("en", "gym had me dead after leg day, ibuprofen time", "death"),
    ("en", "My antidepressant saved my life, no exaggeration", "life_threatening"),
    ("en", "Naloxone kits were provided at discharge", "life_threatening"),
]


@pytest.mark.parametrize(("lang", "text", "expected"), FOUND)
def test_criterion_found(lang: str, text: str, expected: set[str]) -> None:
    assert expected <= criteria(text, lang)


@pytest.mark.parametrize(("lang", "text", "criterion"), LEFT_OUT)
def test_false_alarm_left_out(lang: str, text: str, criterion: str) -> None:
    assert criterion not in criteria(text, lang)


def test_offsets_point_at_the_cue() -> None:
    text = "Sous Seroplex, elle a été hospitalisée pour une hépatite"
    folded = fold_aligned(text)
    (start, end), = find_seriousness(folded, "fr")["hospitalisation"]
    assert text[start:end].lower().startswith("hospitalis")
