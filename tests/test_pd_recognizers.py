"""Table-driven tests, one table per recognizer: what each must find (with its score) and must not find."""

from __future__ import annotations

import pytest

from classifiers.personal_data.recognizers._base import PvRegexRecognizer
from classifiers.personal_data.recognizers.credit_card import luhn_valid
from classifiers.personal_data.recognizers.fr_nir import nir_key_valid
from classifiers.personal_data.recognizers.iban import iban_valid
from classifiers.personal_data.registry import RECOGNIZERS

BY_NAME = {cls.__name__: cls for cls in RECOGNIZERS}
_CACHE: dict[str, PvRegexRecognizer] = {}


def found(recognizer: str, text: str, min_score: float = 0.5) -> list[str]:
    if recognizer not in _CACHE:
        _CACHE[recognizer] = BY_NAME[recognizer]()
    return [text[r.start:r.end] for r in _CACHE[recognizer].scan(text) if r.score >= min_score]


# (recognizer, text, expected spans at score >= 0.5; [] means nothing may be found)
CASES = [
    # e-mails
    ("PvEmailRecognizer", "écrivez-moi à jean.dupont@example.com merci", ["jean.dupont@example.com"]),
    ("PvEmailRecognizer", "contact: tlabelle @ medimail . com", ["tlabelle @ medimail . com"]),
    ("PvEmailRecognizer", "suivez @levothyrox_info", []),
    # French phones: every usual layout scores >= 0.5 (stock Presidio gives them 0.4)
    ("PvFrPhoneRecognizer", "appelez le 06 12 34 56 78", ["06 12 34 56 78"]),
    ("PvFrPhoneRecognizer", "mon 06.12.34.56.78 ", ["06.12.34.56.78"]),
    ("PvFrPhoneRecognizer", "0612345678", ["0612345678"]),
    ("PvFrPhoneRecognizer", "06-12-34-56-78", ["06-12-34-56-78"]),
    ("PvFrPhoneRecognizer", "+33 6 12 34 56 78", ["+33 6 12 34 56 78"]),
    ("PvFrPhoneRecognizer", "+33 (0)6 12 34 56 78", ["+33 (0)6 12 34 56 78"]),
    ("PvFrPhoneRecognizer", "+33612345678", ["+33612345678"]),
    ("PvFrPhoneRecognizer", "0033 6 12 34 56 78", ["0033 6 12 34 56 78"]),
    ("PvFrPhoneRecognizer", "standard : (33) 1 20 49 98 13 - fax", ["(33) 1 20 49 98 13"]),
    ("PvFrPhoneRecognizer", "(+33) 6 12 34 56 78", ["(+33) 6 12 34 56 78"]),
    ("PvFrPhoneRecognizer", "lot 00 12 34 56 78 et 123456789", []),
    # international phones
    ("PvIntlPhoneRecognizer", "call me +44 7700 900123", ["+44 7700 900123"]),
    ("PvIntlPhoneRecognizer", "office (602)272-9781 today", ["(602)272-9781"]),
    ("PvIntlPhoneRecognizer", "text 618-226-1460", ["618-226-1460"]),
    ("PvIntlPhoneRecognizer", "I took 200 mg for 12 days in 2023", []),
    # North American layouts, +1, extensions; context words before, labels after
    ("PvIntlPhoneRecognizer", "call me at (555) 123-4567", ["(555) 123-4567"]),
    ("PvIntlPhoneRecognizer", "555-123-4567", ["555-123-4567"]),
    ("PvIntlPhoneRecognizer", "555.123.4567", ["555.123.4567"]),
    ("PvIntlPhoneRecognizer", "+1 555 123 4567", ["+1 555 123 4567"]),
    ("PvIntlPhoneRecognizer", "+1-555-123-4567", ["+1-555-123-4567"]),
    ("PvIntlPhoneRecognizer", "office (555) 123-4567 ext. 204", ["(555) 123-4567 ext. 204"]),
    ("PvIntlPhoneRecognizer", "tel 555 1234 x204", ["555 1234 x204"]),
    ("PvIntlPhoneRecognizer", "reach me at 555 1234", ["555 1234"]),
    ("PvIntlPhoneRecognizer", "my cell is 2125551234", ["2125551234"]),
    ("PvIntlPhoneRecognizer", "they are not answering at 44-12-34-56", ["44-12-34-56"]),
    ("PvIntlPhoneRecognizer", "781 2204 office", ["781 2204"]),
    ("PvIntlPhoneRecognizer", "2125551234-Fax", ["2125551234"]),
    # doses, counts, dates and other ids are not phones, even next to a context word
    ("PvIntlPhoneRecognizer", "I took 2 x 500 mg 3 times a day", []),
    ("PvIntlPhoneRecognizer", "call me, 1 000 000 people took it", []),
    ("PvIntlPhoneRecognizer", "call me on 12-05-2023", []),
    ("PvIntlPhoneRecognizer", "His social security number is 853-37-1694", []),
    ("PvIntlPhoneRecognizer", "my account number is 1234 5678 90", []),
    ("PvIntlPhoneRecognizer", "2125551234 tablets", []),
    # the phone, not the first or last groups of the longer number after it
    ("PvIntlPhoneRecognizer", "Mobile: 06 12 34 56 78, 29 241 876 532 98 90.", ["06 12 34 56 78"]),
    ("PvIntlPhoneRecognizer", "Mobile: 06 12 34 56 78, 1 20 49 98 13 22 31.", ["06 12 34 56 78"]),
    # NIR: key = 97 - (13 digits mod 97), Corsica 2A -> 19 and 2B -> 18
    ("PvFrNirRecognizer", "mon numéro 2 69 05 49 588 157 80", ["2 69 05 49 588 157 80"]),
    ("PvFrNirRecognizer", "NIR 269054958815780", ["269054958815780"]),
    ("PvFrNirRecognizer", "né en Corse: 1 78 01 2A 123 456 21", ["1 78 01 2A 123 456 21"]),
    ("PvFrNirRecognizer", "Bastia 2 92 05 2B 045 012 26", ["2 92 05 2B 045 012 26"]),
    ("PvFrNirRecognizer", "commande 978012312345699", []),  # sex digit 9: not a NIR
    ("PvFrNirRecognizer", "colis 1 78 15 75 123 456 99", []),  # month 15 does not exist, key wrong, a parcel
    ("PvFrNirRecognizer", "voici 3 84 12 75 123 456 38", ["3 84 12 75 123 456 38"]),  # temporary (3), wrong key
    ("PvFrNirRecognizer", "commande 3 84 12 75 123 456 38", []),  # introduced as an order number, wrong key
    ("PvFrNirRecognizer", "ref 1 24 49 75 123 456 99", []),  # month 49 does not exist, and said to be a reference
    ("PvFrNirRecognizer", "voici 3 84 12 00 123 456 99", []),  # department 00 does not exist, temporary number
    ("PvFrNirRecognizer", "commande 29 241 876 532 98 90", []),  # an order number
    ("PvFrNirRecognizer", "facture n° 1 24 49 75 123 456 99", []),
    # no context, fields or key wrong, but a 13-15 digit number starting with the sex digit: masked (typo, dictated)
    ("PvFrNirRecognizer", "Julien - 1 2 4 4 9 3 2 6 4 1 3 5 9 1, né le 21/08/1980", ["1 2 4 4 9 3 2 6 4 1 3 5 9 1"]),
    ("PvFrNirRecognizer", "jb@free.fr 29 241 876 532 98 90.", ["29 241 876 532 98 90"]),
    ("PvFrNirRecognizer", "F | 03/03/1944 | 12219381234295 | 170 rue", ["12219381234295"]),
    ("PvFrNirRecognizer", "20 203 192 29 3 3 29 20 029 29 392", []),  # a slice of a table row
    ("PvFrNirRecognizer", "V 929 293 920 29 299 29 120 40 210 92", []),
    ("PvFrNirRecognizer", "NIR : 29 241 876 532 98 90", ["29 241 876 532 98 90"]),  # said to be one
    ("PvFrNirRecognizer", "numéro de sécu 1 84 12 75 123 456 00", ["1 84 12 75 123 456 00"]),  # one span only
    # IBAN mod 97
    ("PvIbanRecognizer", "IBAN FR76 3000 6000 0112 3456 7890 189", ["FR76 3000 6000 0112 3456 7890 189"]),
    ("PvIbanRecognizer", "DE89370400440532013000", ["DE89370400440532013000"]),
    ("PvIbanRecognizer", "GB29 NWBK 6016 1331 9268 19", ["GB29 NWBK 6016 1331 9268 19"]),
    ("PvIbanRecognizer", "code FR77 3000 6000 0112 3456 7890 189", []),  # one check digit off
    # cards: Luhn
    ("PvCreditCardRecognizer", "ma carte 4111 1111 1111 1111", ["4111 1111 1111 1111"]),
    ("PvCreditCardRecognizer", "card 5500-0000-0000-0004", ["5500-0000-0000-0004"]),
    ("PvCreditCardRecognizer", "card 4111 1111 1111 1112", []),
    ("PvCreditCardRecognizer", "0000 0000 0000 0000", []),
    ("PvCreditCardRecognizer", "| 12219381234295 |", []),  # Luhn-valid, but no card network starts with 1
    ("PvCreditCardRecognizer", "carte 12219381234295", ["12219381234295"]),  # said to be a card
    # IP
    ("PvIpAddressRecognizer", "depuis 203.0.113.42 hier", ["203.0.113.42"]),
    ("PvIpAddressRecognizer", "ip 2001:db8::8a2e:370:7334", ["2001:db8::8a2e:370:7334"]),
    ("PvIpAddressRecognizer", "version 1.2.3 et 999.1.1.1", []),
    ("PvIpAddressRecognizer", "Note :: voir plus bas, 10:30:45, std::vector", []),
    # addresses and postcodes
    ("PvAddressRecognizer", "j'habite au 12 bis rue de la Paix à Paris", ["12 bis rue de la Paix à Paris"]),
    ("PvAddressRecognizer", "25, avenue du Maréchal Foch", ["25, avenue du Maréchal Foch"]),
    ("PvAddressRecognizer", "I live at 221 Baker Street", ["221 Baker Street"]),
    ("PvAddressRecognizer", "la rue est longue", []),
    ("PvPostcodeRecognizer", "12 rue X 75013 Paris", ["75013"]),
    ("PvPostcodeRecognizer", "code postal 69003", ["69003"]),
    ("PvPostcodeRecognizer", "j'ai pris 10000 pas", []),
    # dates of birth and ages
    ("PvDateOfBirthRecognizer", "née le 03/03/1944 à Lyon", ["03/03/1944"]),
    ("PvDateOfBirthRecognizer", "DOB: March 4, 1983", ["March 4, 1983"]),
    ("PvDateOfBirthRecognizer", "rendez-vous le 03/03/2024", []),
    ("PvAgeRecognizer", "Mon père Henri, 81 ans, est décédé", ["81"]),
    ("PvAgeRecognizer", "I'm 45 and my periods stopped", ["45"]),
    ("PvAgeRecognizer", "a 32-year-old woman", ["32"]),
    ("PvAgeRecognizer", "depuis 3 ans je prends ça", []),
    ("PvAgeRecognizer", "I'm 100% sure, took 50 mg", []),
    # handles and profiles
    ("PvHandleRecognizer", "merci @marie_dupont !", ["@marie_dupont"]),
    ("PvHandleRecognizer", "mail marie@example.com", []),
    ("PvProfileUrlRecognizer", "voir facebook.com/jean.dupont.75", ["facebook.com/jean.dupont.75"]),
    ("PvProfileUrlRecognizer", "https://www.linkedin.com/in/janedoe", ["https://www.linkedin.com/in/janedoe"]),
    ("PvProfileUrlRecognizer", "https://x.com/someone/status/123", []),
    ("PvProfileUrlRecognizer", "https://www.facebook.com/sharer/sharer.php", []),
    # person names
    ("PvPersonRecognizer", "Le Dr Martin m'a dit d'arrêter", ["Martin"]),
    ("PvPersonRecognizer", "ma fille Léa a de la fièvre", ["Léa"]),
    ("PvPersonRecognizer", "Mon père Henri, 81 ans", ["Henri"]),
    ("PvPersonRecognizer", "my son Tom has a rash", ["Tom"]),
    ("PvPersonRecognizer", "Mme Dupont est venue", ["Dupont"]),
    ("PvPersonRecognizer", "RDV avec Jean-Pierre Martin demain", ["Jean-Pierre Martin"]),
    ("PvPersonRecognizer", "Patient: JALONNET Christine", ["JALONNET Christine"]),
    ("PvPersonRecognizer", "je m'appelle Sophie", ["Sophie"]),
    ("PvPersonRecognizer", "Le Levothyrox me fatigue. Normal ?", []),
    ("PvPersonRecognizer", "hospitalisée à l'Hôpital Robert Debré", []),
    ("PvPersonRecognizer", "Will this pass? May be.", []),
    # English cues: introductions, greetings, signatures, titles, 'contact X', possessives, reporting verbs
    ("PvPersonRecognizer", "my name is Ann Lee", ["Ann Lee"]),
    ("PvPersonRecognizer", "my name is jessica", ["jessica"]),
    ("PvPersonRecognizer", "my name is not important", []),
    ("PvPersonRecognizer", "Dear Sarah, thank you", ["Sarah"]),
    ("PvPersonRecognizer", "Hi Bartek, thanks for the reply", ["Bartek"]),
    ("PvPersonRecognizer", "Thanks for reading\n-- Julia Novak", ["Julia Novak"]),
    ("PvPersonRecognizer", "please contact Dr. Hannah Weiss", ["Hannah Weiss"]),
    ("PvPersonRecognizer", "contact Maria Lopez for details", ["Maria Lopez"]),
    ("PvPersonRecognizer", "I'm Julia and I take Levothyrox", ["Julia"]),
    ("PvPersonRecognizer", "Peter's daughter has a rash", ["Peter"]),
    ("PvPersonRecognizer", "the film was directed by Tomasz Wrona", ["Tomasz Wrona"]),
    ("PvPersonRecognizer", "I spoke with Petrović today", ["Petrović"]),  # surname ending, Latin Extended-A
    ("PvPersonRecognizer", "Emma lives in Lyon", ["Emma"]),
    # a found name's later mentions, and names listed with it
    ("PvPersonRecognizer", "Dr Anna Berg called. Berg said to stop", ["Anna Berg", "Berg"]),
    ("PvPersonRecognizer", "We met Sarah Jones and Okafor yesterday", ["Sarah Jones", "Okafor"]),
    # places, organisations, nationalities and common words are not names
    ("PvPersonRecognizer", "I live in New Zealand", []),
    ("PvPersonRecognizer", "I work for Acme Solutions", []),
    ("PvPersonRecognizer", "Thanks Pfizer for nothing", []),
    ("PvPersonRecognizer", "I'm Tired of this", []),
    ("PvPersonRecognizer", "I'm French", []),
    ("PvPersonRecognizer", "The Princess Royal visited", []),
    ("PvPersonRecognizer", "We moved to 14 Henry Park", []),
    ("PvPersonRecognizer", "Meet me at Julia Street 12", []),
    # special categories: only about an identifiable person
    ("PvHealthRecognizer", "mon fils est diabétique", ["diabétique"]),
    ("PvHealthRecognizer", "I was diagnosed with epilepsy", ["epilepsy"]),
    ("PvHealthRecognizer", "Le diabète est une maladie chronique.", []),
    ("PvReligionRecognizer", "je suis musulmane et je fais le ramadan", ["musulmane", "ramadan"]),
    ("PvReligionRecognizer", "Le ramadan commence demain.", []),
    ("PvEthnicityRecognizer", "my doctor ignored a Black woman like me", ["Black woman"]),
    ("PvEthnicityRecognizer", "je suis d'origine maghrébine", ["d'origine maghrébine"]),
    ("PvSexualOrientationRecognizer", "je suis lesbienne", ["lesbienne"]),
    ("PvPoliticalOpinionRecognizer", "moi je suis de gauche", ["moi je suis de gauche"]),
    ("PvPoliticalOpinionRecognizer", "La gauche a gagné.", []),
    ("PvTradeUnionRecognizer", "je suis syndiquée à la CGT", ["syndiquée", "à la CGT"]),
    ("PvTradeUnionRecognizer", "Le syndicat a appelé à la grève.", []),
]


@pytest.mark.parametrize(("recognizer", "text", "expected"), CASES, ids=[f"{c[0]}:{c[1][:30]}" for c in CASES])
def test_recognizer_table(recognizer: str, text: str, expected: list[str]) -> None:
    assert found(recognizer, text) == expected


@pytest.mark.parametrize(("value", "valid"), [
    ("269054958815780", True), ("2 69 05 49 588 157 80", True), ("178012A12345621", True),
    ("292052B04501226", True), ("269054958815781", False), ("178012A12345622", False),
    ("178012B12345621", False),  # 2B is counted as 18, so 2A's key does not fit
    ("969054958815780", False), ("26905495881578", False),
])
def test_nir_key(value: str, valid: bool) -> None:
    assert nir_key_valid(value) is valid


@pytest.mark.parametrize(("value", "valid"), [
    ("FR7630006000011234567890189", True), ("FR76 3000 6000 0112 3456 7890 189", True),
    ("DE89370400440532013000", True), ("GB29NWBK60161331926819", True),
    ("FR7630006000011234567890188", False), ("DE89370400440532013001", False), ("FR76300060000112", False),
])
def test_iban_mod97(value: str, valid: bool) -> None:
    assert iban_valid(value) is valid


@pytest.mark.parametrize(("value", "valid"), [
    ("4111111111111111", True), ("5500 0000 0000 0004", True), ("340000000000009", True),
    ("4111111111111112", False), ("1234567812345678", False), ("12345", False),
])
def test_luhn(value: str, valid: bool) -> None:
    assert luhn_valid(value) is valid


def test_french_phone_scores_at_least_half() -> None:
    rec = BY_NAME["PvFrPhoneRecognizer"]()
    for text in ("06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "0033 6 12 34 56 78"):
        scores = [r.score for r in rec.scan(text)]
        assert scores and min(scores) >= 0.5, text


@pytest.mark.parametrize(("text", "score"), [
    ("2 69 05 49 588 157 80", 1.0),  # valid key
    ("1 78 01 2A 123 456 21", 1.0),  # valid key, Corsica
    ("numéro de sécu 2 69 05 49 588 157 81", 0.65),  # wrong key, but said to be a NIR
    ("voici 2 69 05 49 588 157 81", 0.55),  # wrong key, NIR-shaped: still likely someone's NIR (typo)
    ("voici 1 78 01 2B 123 456 21", 0.55),  # 2A's key under 2B: wrong
    ("voici 3 84 12 75 123 456 38", 0.55),  # temporary number (sex 3), valid structure, wrong key
    ("voici 3 84 12 75 123 456 37", 1.0),  # the same with its right key
    ("INSEE 1 84 12 75 123 456 00", 0.65),  # wrong key, said to be a NIR
    ("né le 21/08/1980, 1 24 49 75 123 456 99", 0.5),  # month 49 does not exist: a typo, still masked
])
def test_nir_scores_checksum_above_shape(text: str, score: float) -> None:
    rec = BY_NAME["PvFrNirRecognizer"]()
    assert [r.score for r in rec.scan(text)] == [score]


@pytest.mark.parametrize(("recognizer", "text", "expected"), [c for c in CASES if c[2]],
                         ids=[f"{c[0]}:{c[1][:30]}" for c in CASES if c[2]])
def test_digit_gate_never_hides_a_positive_case(recognizer: str, text: str, expected: list[str]) -> None:
    """The detector skips a recognizer when the post has fewer ASCII digits than its MIN_DIGITS."""
    from classifiers.personal_data.recognizers._base import count_digits

    assert count_digits(text) >= BY_NAME[recognizer].MIN_DIGITS
