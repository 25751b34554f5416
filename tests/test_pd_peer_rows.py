"""Exact spans on rows of our own, written after the failure kinds that peers' test tables exposed (Presidio's
recognizer tests, python-stdnum, django-localflavor, phonenumbers, Faker fr_FR). No row is copied from them:
the numbers are ours, with checksums computed for these rows.

Each row: language, text, the type expected, and the exact span (None: nothing of that type may be found).
A row passes when a finding of that type has exactly that span and no other identifier overlaps it.
"""

from __future__ import annotations

import pytest

from classifiers.personal_data.detector import PersonalDataDetector

Row = tuple[str, str, str, str | None]

IBAN_ROWS: list[Row] = [
    ("en", "Transfer to CY21 0020 0195 0000 3570 0123 4567 failed twice", "IBAN",
     "CY21 0020 0195 0000 3570 0123 4567"),
    ("fr", "Mon IBAN est FR11 3000 2031 1200 0071 4853 K41 merci.", "IBAN", "FR11 3000 2031 1200 0071 4853 K41"),
    ("fr", "RIB : ES58 0081 7301 1900 0129 4531 merci d'avance", "IBAN", "ES58 0081 7301 1900 0129 4531"),
    ("en", "my account CH56 0483 5012 3456 7800 9 thanks", "IBAN", "CH56 0483 5012 3456 7800 9"),
    ("en", "pay LU870019401006447000 today", "IBAN", "LU870019401006447000"),
    ("fr", "IBAN GB89 BARC 2003 9576 4492 31 encore merci", "IBAN", "GB89 BARC 2003 9576 4492 31"),
    ("fr", "virement sur IT71 Y030 6909 6061 0000 0183 927, reçu ?", "IBAN", "IT71 Y030 6909 6061 0000 0183 927"),
]

NIR_ROWS: list[Row] = [
    ("fr", "Mon numéro de sécurité sociale est le 253072107300486 si besoin.", "NIR", "253072107300486"),
    ("fr", "Mon numéro de sécurité sociale est le 253072107300486 si besoin.", "IBAN", None),
    ("fr", "n° sécu 1.85.05.75.123.456.73 pour le dossier", "NIR", "1.85.05.75.123.456.73"),
    ("fr", "voici le 2.69.07.99.350.123.19 de ma mère", "NIR", "2.69.07.99.350.123.19"),
    ("fr", "Commande 185057512345600 expédiée hier", "NIR", None),
    ("fr", "Colis 269079935012399 livré", "NIR", None),
]

IP_ROWS: list[Row] = [
    ("en", "it only answers on ::1 from here", "IP_ADDRESS", "::1"),
    ("en", "link-local fe80::1 is up", "IP_ADDRESS", "fe80::1"),
    ("en", "mapped ::ffff:198.51.100.7 shows in logs", "IP_ADDRESS", "::ffff:198.51.100.7"),
    ("en", "host 2001:db8::10.0.0.1 answered", "IP_ADDRESS", "2001:db8::10.0.0.1"),
    ("en", "from 2001:db8:85a3::8a2e:370:7334, then", "IP_ADDRESS", "2001:db8:85a3::8a2e:370:7334"),
    ("en", "try ::ffff:c000:280 again", "IP_ADDRESS", "::ffff:c000:280"),
    ("fr", "mon IP 203.0.113.45.", "IP_ADDRESS", "203.0.113.45"),
    ("en", "version 2.1.0.4 released", "IP_ADDRESS", None),
]

PHONE_ROWS: list[Row] = [
    ("fr", "le service client au 0 812 34 56 78 ne répond pas", "PHONE", "0 812 34 56 78"),
    ("fr", "appelez le 0 805 12 34 56", "PHONE", "0 805 12 34 56"),
    ("en", "call me on 206 5550147 tonight", "PHONE", "206 5550147"),
    ("fr", "Tél : 01 42.67.31.08 (standard)", "PHONE", "01 42.67.31.08"),
    ("fr", "Tél : 01 42.67.31.08 (standard)", "IP_ADDRESS", None),
    ("fr", "standard 01 47.70.28.64 aux heures de bureau", "PHONE", "01 47.70.28.64"),
    ("fr", "joignable au 04 78.12.90.33", "PHONE", "04 78.12.90.33"),
]

PERSON_ROWS: list[Row] = [
    # the name takes its title (redaction keeps it readable for PV: 'Mr. R.')
    ("en", "I spoke to Mr. Reed yesterday", "PERSON", "Mr. Reed"),
    ("en", "Ask Tom Reed about it", "PERSON", "Tom Reed"),
    ("en", "Ask Dan Hale about it", "PERSON", "Dan Hale"),
    ("fr", "J'ai vu Mathilde de Castelnau à la pharmacie", "PERSON", "Mathilde de Castelnau"),
    ("fr", "Mme Hélène du Plessis a appelé", "PERSON", "Mme Hélène du Plessis"),
    ("fr", "rendez-vous avec Louis Le Gall demain", "PERSON", "Louis Le Gall"),
]

ADDRESS_ROWS: list[Row] = [
    ("fr", "J'habite 8 rue de Lucie, 29200 Brest depuis un an", "ADDRESS", "8 rue de Lucie, 29200 Brest"),
    ("fr", "J'habite 8 rue de Lucie, 29200 Brest depuis un an", "PERSON", None),
    ("fr", "envoyez-le au 41 boulevard Henri Martin, 33000 Bordeaux.", "ADDRESS",
     "41 boulevard Henri Martin, 33000 Bordeaux"),
    ("fr", "adresse : 3 impasse Camille-Pascal 45170 Neuville-aux-Bois", "ADDRESS",
     "3 impasse Camille-Pascal 45170 Neuville-aux-Bois"),
    ("fr", "au 17 bis allée des Tilleuls 69530 Saint-Andéol-le-Château merci", "ADDRESS",
     "17 bis allée des Tilleuls 69530 Saint-Andéol-le-Château"),
    ("fr", "chez nous, 5 place Émile Zola, 38000 Grenoble", "ADDRESS", "5 place Émile Zola, 38000 Grenoble"),
    ("en", "ship it to 742 Evergreen Terrace, Springfield, IL 62704 please", "ADDRESS",
     "742 Evergreen Terrace, Springfield, IL 62704"),
    ("en", "I live at 15 Baker Street, London NW1 6XE now", "ADDRESS", "15 Baker Street, London NW1 6XE"),
]

URL_ROWS: list[Row] = [
    ("fr", "mon blog https://carnet-de-lea.fr/articles/12 raconte tout", "URL", "https://carnet-de-lea.fr/articles/12"),
    ("en", "my shop is www.knitsbymaya.co.uk, come by", "URL", "www.knitsbymaya.co.uk"),
    ("en", "see http://jdoe-photos.net/gallery?id=3.", "URL", "http://jdoe-photos.net/gallery?id=3"),
]

ROWS = IBAN_ROWS + NIR_ROWS + IP_ROWS + PHONE_ROWS + PERSON_ROWS + ADDRESS_ROWS + URL_ROWS


@pytest.fixture(scope="module")
def det() -> PersonalDataDetector:
    return PersonalDataDetector()


def exact(det: PersonalDataDetector, lang: str, text: str, kind: str, span: str | None) -> bool:
    found = det.detect(text, lang)
    of_kind = [text[f.start:f.end] for f in found if f.type == kind]
    if span is None:
        return of_kind == []
    if span not in of_kind:
        return False
    start = text.index(span)
    end = start + len(span)
    others = [f for f in found if f.type != kind and not f.special_category and f.start < end and start < f.end]
    return others == []


@pytest.mark.parametrize(("lang", "text", "kind", "span"), ROWS)
def test_peer_row_exact_span(det: PersonalDataDetector, lang: str, text: str, kind: str, span: str | None) -> None:
    found = [(f.type, text[f.start:f.end], f.score) for f in det.detect(text, lang)]
    assert exact(det, lang, text, kind, span), found
