"""The detector end to end: findings carry type/offsets/score/recognizer, the GDPR flag and categories,
health data from the adverse-event tier, role-based redaction, and Presidio compatibility."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifiers.personal_data import PersonalDataDetector
from moderation.masking import redact_for_role
from pvwatch.models import AdverseEvent, Analysis, PersonalData, Span

REPO = Path(__file__).resolve().parents[1]
POST = ("Le Dr Martin a prescrit du Levothyrox à ma fille Léa, 12 ans. Elle est épileptique. "
        "Rappelez-moi au 06 12 34 56 78 ou lea.maman@example.com, NIR 2 69 05 49 588 157 80.")


@pytest.fixture(scope="module")
def det() -> PersonalDataDetector:
    return PersonalDataDetector()


def test_findings_have_type_offsets_score_recognizer(det: PersonalDataDetector) -> None:
    found = det.detect(POST, "fr")
    got = {(f.type, POST[f.start:f.end]) for f in found}
    assert {("PERSON", "Dr Martin"), ("PERSON", "Léa"), ("AGE", "12"), ("HEALTH", "épileptique"),
            ("PHONE", "06 12 34 56 78"), ("EMAIL", "lea.maman@example.com"),
            ("NIR", "2 69 05 49 588 157 80")} <= got
    for f in found:
        assert 0 <= f.start < f.end <= len(POST) and 0.5 <= f.score <= 1.0 and f.recognizer
        assert f.special_category == (f.type == "HEALTH")


def test_annotate_sets_flag_and_categories_without_touching_the_rest(det: PersonalDataDetector) -> None:
    before = Analysis(products=["Levothyrox"], lang="fr")
    after = det.annotate(POST, before)
    assert before.personal_data == [] and after.products == ["Levothyrox"]
    assert after.gdpr_flag
    assert set(after.gdpr_categories) == {"identity", "health", "contact", "national_id"}


def test_no_personal_data_no_flag(det: PersonalDataDetector) -> None:
    a = det.annotate("Le Levothyrox est-il remboursé en 2024 ? Le diabète est une maladie.", Analysis(lang="fr"))
    assert not a.gdpr_flag and a.gdpr_categories == []


def test_reported_reaction_in_an_identified_person_is_health_data(det: PersonalDataDetector) -> None:
    text = "Depuis le levo j'ai des bouffées de chaleur"
    start = text.index("bouffées")
    ev = [Span(label="reaction", start=start, end=len(text), text=text[start:]),
          Span(label="drug", start=10, end=14, text="levo")]
    ae = AdverseEvent(decision=True, score=0.8, subject="self", evidence=ev)
    a = det.annotate(text, Analysis(adverse_event=ae, lang="fr"))
    assert [(f.type, f.recognizer, text[f.start:f.end], f.special_category) for f in a.personal_data] == [
        ("HEALTH", "AdverseEventHealth", "bouffées de chaleur", True)]
    assert a.gdpr_categories == ["health"]
    for subject, decision in (("general", True), ("self", False)):
        other = ae.model_copy(update={"subject": subject, "decision": decision})
        assert det.annotate(text, Analysis(adverse_event=other, lang="fr")).personal_data == []


def test_demo_posts_labelled_types_are_found(det: PersonalDataDetector) -> None:
    """The invented demo stream carries post-level labels; identifiers must be found in nearly all of them."""
    posts = [json.loads(x) for x in (REPO / "pvwatch/demo/posts.jsonl").read_text(encoding="utf-8").splitlines()]
    want = {"EMAIL", "PHONE", "NIR", "IBAN", "CREDIT_CARD", "IP_ADDRESS", "PERSON"}
    hits = total = false_alarms = clean = 0
    for p in posts:
        labels = set(p["labels"].get("personal_data", []))
        got = {f.type for f in det.detect(p["text"], p.get("lang"))}
        for t in labels & want:
            total += 1
            hits += t in got
        if not labels:
            clean += 1
            false_alarms += bool(got & want - {"PERSON"})
    assert total > 30 and hits / total >= 0.9, (hits, total)
    assert false_alarms / clean <= 0.05, (false_alarms, clean)


ROLES_TEXT = "Dr Jean-Pierre Martin: rappelez au 06 12 34 56 78, IBAN FR7630006000011234567890189, 45 ans"


def _findings(det: PersonalDataDetector) -> list[PersonalData]:
    return det.detect(ROLES_TEXT, "fr")


@pytest.mark.parametrize(("role", "expected"), [
    ("social_moderator", "Dr [NAME]: rappelez au [PHONE], IBAN [IBAN], [AGE] ans"),
    ("compliance_officer", "Dr [NAME]: rappelez au [PHONE], IBAN [IBAN], [AGE] ans"),
    ("pv_officer", "Dr J.-P. M.: rappelez au 06 12 34 56 78, IBAN [IBAN], 45 ans"),
    ("unknown-role", "Dr [NAME]: rappelez au [PHONE], IBAN [IBAN], [AGE] ans"),
])
def test_redaction_per_role(det: PersonalDataDetector, role: str, expected: str) -> None:
    assert redact_for_role(ROLES_TEXT, _findings(det), role) == expected


def test_redaction_special_category_masked_for_social_team(det: PersonalDataDetector) -> None:
    text = "je suis séropositive depuis 2019"
    found = det.detect(text, "fr")
    # 'depuis 2019' dates the poster's diagnosis: personal data too (docs/privacy.md, dates)
    assert redact_for_role(text, found, "social_moderator") == "je suis [HEALTH] depuis [DATE]"
    assert redact_for_role(text, found, "pv_officer") == text


def test_redaction_merges_overlaps_and_ignores_bad_offsets() -> None:
    f = [PersonalData(type="EMAIL", start=3, end=10, score=1), PersonalData(type="PERSON", start=5, end=14, score=1),
         PersonalData(type="PHONE", start=50, end=40, score=1)]
    assert redact_for_role("ab cdefghijklmnop", f, "social_moderator") == "ab [EMAIL]nop"


def test_presidio_analyzer_engine_uses_our_recognizers() -> None:
    """The recognizers plug into a stock Presidio AnalyzerEngine (no spaCy model needed)."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

    from classifiers.personal_data.registry import presidio_registry

    class NoNlp(NlpEngine):  # pattern recognizers need no NLP artifacts
        def load(self) -> None: ...
        def is_loaded(self) -> bool: return True
        def process_text(self, text: str, language: str) -> NlpArtifacts:
            return NlpArtifacts([], [], [], [], None, language)  # type: ignore[arg-type]
        def process_batch(self, texts, language, batch_size=1, n_process=1, **kw):  # type: ignore[no-untyped-def]
            return [(t, self.process_text(t, language)) for t in texts]
        def is_stopword(self, word: str, language: str) -> bool: return False
        def is_punct(self, word: str, language: str) -> bool: return False
        def get_supported_entities(self) -> list[str]: return []
        def get_supported_languages(self) -> list[str]: return ["fr", "en"]

    engine = AnalyzerEngine(registry=presidio_registry(), nlp_engine=NoNlp(), supported_languages=["fr", "en"])
    res = engine.analyze("appelez le 06.12.34.56.78", language="fr", entities=["PHONE"])
    assert [(r.entity_type, r.start, r.end) for r in res] == [("PHONE", 11, 25)]
    assert res[0].score >= 0.5


@pytest.mark.parametrize("text", [
    "J'ai pris 500 mg 2 fois par jour du 12/05/2023 au 15/06/2023, 3 boîtes de 30 comprimés.",
    "Took 2 x 500 mg, 3 times a day since 2023-05-12; 1 000 000 people take it, call it 1.5 mg/kg.",
    "Lot 123456789, expiry 05/2026, 28 tablets of 0.125 mg.",
])
def test_doses_counts_dates_are_not_phones(det: PersonalDataDetector, text: str) -> None:
    assert [text[f.start:f.end] for f in det.detect(text) if f.type == "PHONE"] == []


def test_english_post_end_to_end(det: PersonalDataDetector) -> None:
    text = ("Hi, my name is Ann Lee. My son Tom got a rash from Amoxil. Dr. Hannah Weiss said to stop. "
            "Call me at (555) 123-4567 ext. 12 or reach me at 555 1234.")
    got = {(f.type, text[f.start:f.end]) for f in det.detect(text, "en")}
    assert {("PERSON", "Ann Lee"), ("PERSON", "Tom"), ("PERSON", "Dr. Hannah Weiss"),
            ("PHONE", "(555) 123-4567 ext. 12"), ("PHONE", "555 1234")} <= got
    assert not any(t == "PERSON" and v == "Amoxil" for t, v in got)


SPECIAL_TEXTS = [
    "mon fils est diabétique et je suis musulmane, syndiquée à la CGT",
    "I was diagnosed with epilepsy; my wife is Catholic and I'm a union member",
    "je suis lesbienne et je vote pour les verts, moi je suis de gauche",
    "my doctor ignored a Black woman like me; my boyfriend and I came out",
    "Le diabète est une maladie. Le ramadan commence.",
]


@pytest.mark.parametrize("text", SPECIAL_TEXTS)
def test_one_pass_special_categories_find_what_each_recognizer_finds(det: PersonalDataDetector, text: str) -> None:
    """The detector runs the six special-category lists as one regex; same findings as one pass each."""
    one_pass = {(r.entity_type, r.start, r.end, r.score) for r in det._special.scan(text, text.lower())}
    each = {(r.entity_type, r.start, r.end, r.score) for rec in det._special.recognizers for r in rec.scan(text)}
    assert one_pass == each


@pytest.mark.parametrize("alternatives", [
    ["cancer", "chimio", "covid", "diabete", "c"],
    [r"diab[ée]t(?:e|ique)s?", r"[ée]pilepsie", r"\ber\b", "asthme", "asthmatique", "a?b", "hiv(?:\\+| positive)?"],
    ["my name is", "my name's", "name(?: is| ?:)", "nom ?:"],
])
def test_factored_alternation_matches_like_the_plain_one(alternatives: list[str]) -> None:
    import re

    from classifiers.personal_data.recognizers._base import factor_alternatives

    plain, factored = re.compile("|".join(alternatives)), re.compile(factor_alternatives(alternatives))
    text = ("le cancer et la chimio, covid, diabète diabétiques épilepsie er asthmatique ab b hiv+ hiv positive "
            "my name is my name's name: nom : c")
    assert {m.span() for m in plain.finditer(text)} == {m.span() for m in factored.finditer(text)}


def test_redact_import_does_not_load_presidio() -> None:
    """The web UI and the CLI only redact stored findings: importing redact must not pay for Presidio/spaCy."""
    import subprocess
    import sys

    code = ("import sys; from moderation.masking import redact_for_role; "
            "import classifiers.personal_data; "
            "print(sorted(m for m in ('presidio_analyzer', 'spacy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
