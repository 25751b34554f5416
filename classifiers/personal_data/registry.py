"""The recognizers pvwatch runs, built once; also usable as a Presidio `RecognizerRegistry`."""

from __future__ import annotations

from presidio_analyzer import RecognizerRegistry

from classifiers.personal_data.recognizers._base import RegexRecognizer
from classifiers.personal_data.recognizers.address import AddressRecognizer
from classifiers.personal_data.recognizers.age import AgeRecognizer
from classifiers.personal_data.recognizers.credit_card import CreditCardRecognizer
from classifiers.personal_data.recognizers.date_of_birth import DateOfBirthRecognizer
from classifiers.personal_data.recognizers.email import EmailRecognizer
from classifiers.personal_data.recognizers.ethnicity import EthnicityRecognizer
from classifiers.personal_data.recognizers.fr_nir import FrNirRecognizer
from classifiers.personal_data.recognizers.fr_phone import FrPhoneRecognizer
from classifiers.personal_data.recognizers.handle import HandleRecognizer
from classifiers.personal_data.recognizers.health import HealthRecognizer
from classifiers.personal_data.recognizers.iban import IbanRecognizer
from classifiers.personal_data.recognizers.intl_phone import IntlPhoneRecognizer
from classifiers.personal_data.recognizers.ip_address import IpAddressRecognizer
from classifiers.personal_data.recognizers.person import PersonRecognizer
from classifiers.personal_data.recognizers.political_opinion import PoliticalOpinionRecognizer
from classifiers.personal_data.recognizers.postcode import PostcodeRecognizer
from classifiers.personal_data.recognizers.profile_url import ProfileUrlRecognizer
from classifiers.personal_data.recognizers.religion import ReligionRecognizer
from classifiers.personal_data.recognizers.sexual_orientation import SexualOrientationRecognizer
from classifiers.personal_data.recognizers.trade_union import TradeUnionRecognizer

RECOGNIZERS: tuple[type[RegexRecognizer], ...] = (
    EmailRecognizer, FrPhoneRecognizer, IntlPhoneRecognizer, FrNirRecognizer, IbanRecognizer,
    CreditCardRecognizer, IpAddressRecognizer, AddressRecognizer, PostcodeRecognizer, DateOfBirthRecognizer,
    AgeRecognizer, HandleRecognizer, ProfileUrlRecognizer, PersonRecognizer,
    HealthRecognizer, ReligionRecognizer, EthnicityRecognizer, SexualOrientationRecognizer,
    PoliticalOpinionRecognizer, TradeUnionRecognizer,
)

SPECIAL_CATEGORIES = frozenset({"HEALTH", "RELIGION", "ETHNICITY", "SEXUAL_ORIENTATION", "POLITICAL_OPINION",
                                "TRADE_UNION"})

# Finding type -> GDPR category shown on the post's flag.
CATEGORY_OF = {
    "PERSON": "identity", "AGE": "identity", "DATE_OF_BIRTH": "identity",
    "EMAIL": "contact", "PHONE": "contact", "ADDRESS": "location", "POSTCODE": "location",
    "NIR": "national_id", "IBAN": "financial", "CREDIT_CARD": "financial",
    "HANDLE": "online_identifier", "PROFILE_URL": "online_identifier", "IP_ADDRESS": "online_identifier",
    "HEALTH": "health", "RELIGION": "religion", "ETHNICITY": "ethnicity",
    "SEXUAL_ORIENTATION": "sexual_orientation", "POLITICAL_OPINION": "political_opinion",
    "TRADE_UNION": "trade_union",
}


def build(language: str = "fr") -> list[RegexRecognizer]:
    """Fresh, loaded recognizers (LocalRecognizer.__init__ calls `load`)."""
    return [cls(supported_language=language) for cls in RECOGNIZERS]


def presidio_registry(languages: tuple[str, ...] = ("fr", "en")) -> RecognizerRegistry:
    """Our recognizers in a Presidio registry, for use with `AnalyzerEngine` if an integrator wants it."""
    registry = RecognizerRegistry(supported_languages=list(languages))
    for lang in languages:
        for rec in build(lang):
            registry.add_recognizer(rec)
    return registry
