"""The recognizers pvwatch runs, built once; also usable as a Presidio `RecognizerRegistry`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from classifiers.personal_data.recognizers._base import PvRegexRecognizer
from classifiers.personal_data.recognizers.address import PvAddressRecognizer
from classifiers.personal_data.recognizers.age import PvAgeRecognizer
from classifiers.personal_data.recognizers.country import PvCountryRecognizer
from classifiers.personal_data.recognizers.credit_card import PvCreditCardRecognizer
from classifiers.personal_data.recognizers.date import PvDateRecognizer
from classifiers.personal_data.recognizers.date_of_birth import PvDateOfBirthRecognizer
from classifiers.personal_data.recognizers.email import PvEmailRecognizer
from classifiers.personal_data.recognizers.employer import PvEmployerRecognizer
from classifiers.personal_data.recognizers.ethnicity import PvEthnicityRecognizer
from classifiers.personal_data.recognizers.fr_nir import PvFrNirRecognizer
from classifiers.personal_data.recognizers.fr_phone import PvFrPhoneRecognizer
from classifiers.personal_data.recognizers.handle import PvHandleRecognizer
from classifiers.personal_data.recognizers.health import PvHealthRecognizer
from classifiers.personal_data.recognizers.iban import PvIbanRecognizer
from classifiers.personal_data.recognizers.id_number import PvIdNumberRecognizer
from classifiers.personal_data.recognizers.intl_phone import PvIntlPhoneRecognizer
from classifiers.personal_data.recognizers.ip_address import PvIpAddressRecognizer
from classifiers.personal_data.recognizers.person import PvPersonRecognizer
from classifiers.personal_data.recognizers.place import PvPlaceRecognizer
from classifiers.personal_data.recognizers.political_opinion import PvPoliticalOpinionRecognizer
from classifiers.personal_data.recognizers.postcode import PvPostcodeRecognizer
from classifiers.personal_data.recognizers.profile_url import PvProfileUrlRecognizer
from classifiers.personal_data.recognizers.religion import PvReligionRecognizer
from classifiers.personal_data.recognizers.sexual_orientation import PvSexualOrientationRecognizer
from classifiers.personal_data.recognizers.trade_union import PvTradeUnionRecognizer
from classifiers.personal_data.recognizers.url import PvUrlRecognizer
from classifiers.personal_data.recognizers.us_ssn import PvUsSsnRecognizer

if TYPE_CHECKING:
    from presidio_analyzer import RecognizerRegistry

RECOGNIZERS: tuple[type[PvRegexRecognizer], ...] = (
    PvEmailRecognizer, PvFrPhoneRecognizer, PvIntlPhoneRecognizer, PvFrNirRecognizer, PvIbanRecognizer,
    PvCreditCardRecognizer, PvIpAddressRecognizer, PvAddressRecognizer, PvPostcodeRecognizer, PvDateOfBirthRecognizer,
    PvAgeRecognizer, PvHandleRecognizer, PvProfileUrlRecognizer, PvPersonRecognizer, PvDateRecognizer,
    PvUrlRecognizer, PvUsSsnRecognizer, PvIdNumberRecognizer, PvCountryRecognizer,
    PvPlaceRecognizer, PvEmployerRecognizer,
    PvHealthRecognizer, PvReligionRecognizer, PvEthnicityRecognizer, PvSexualOrientationRecognizer,
    PvPoliticalOpinionRecognizer, PvTradeUnionRecognizer,
)

SPECIAL_CATEGORIES = frozenset({"HEALTH", "RELIGION", "ETHNICITY", "SEXUAL_ORIENTATION", "POLITICAL_OPINION",
                                "TRADE_UNION"})

# Finding type -> GDPR category shown on the post's flag.
CATEGORY_OF = {
    "PERSON": "identity", "AGE": "identity", "DATE_OF_BIRTH": "identity", "DATE": "identity", "TITLE": "identity",
    "ORGANIZATION": "identity", "NRP": "identity", "LOCATION": "location", "URL": "online_identifier",
    "US_SSN": "national_id", "ID_NUMBER": "national_id",
    "EMAIL": "contact", "PHONE": "contact", "ADDRESS": "location", "POSTCODE": "location",
    "NIR": "national_id", "IBAN": "financial", "CREDIT_CARD": "financial",
    "HANDLE": "online_identifier", "PROFILE_URL": "online_identifier", "IP_ADDRESS": "online_identifier",
    "HEALTH": "health", "RELIGION": "religion", "ETHNICITY": "ethnicity",
    "SEXUAL_ORIENTATION": "sexual_orientation", "POLITICAL_OPINION": "political_opinion",
    "TRADE_UNION": "trade_union",
}


def build(language: str = "fr") -> list[PvRegexRecognizer]:
    """Fresh, loaded recognizers (LocalRecognizer.__init__ calls `load`)."""
    return [cls(supported_language=language) for cls in RECOGNIZERS]


def presidio_registry(languages: tuple[str, ...] = ("fr", "en")) -> RecognizerRegistry:
    """Our recognizers in a Presidio registry, for use with `AnalyzerEngine` if an integrator wants it."""
    from presidio_analyzer import RecognizerRegistry  # the whole of Presidio (presidio_base.py)

    registry = RecognizerRegistry(supported_languages=list(languages))
    for lang in languages:
        for rec in build(lang):
            registry.add_recognizer(rec)
    return registry
