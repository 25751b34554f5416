"""The explainable layers, table-driven: products, reactions, context, subject, special situations, seriousness."""

from __future__ import annotations

import pytest

from classifiers.ae.lang import detect_lang
from classifiers.ae.layers import Layers
from classifiers.ae.text import fold_aligned
from pvwatch.config import parse_config

CFG = parse_config({"products": [
    {"name": "Levothyrox", "inns": ["lévothyroxine"], "synonyms": ["levo"], "misspellings": ["levotyrox"],
     "hashtags": ["#levothyrox"]},
    {"name": "Zentravir", "inns": ["zentravimab"]},
]})
LAYERS = Layers(CFG.products)


def run(text: str, lang: str | None = None):
    return LAYERS.run([text], [lang])[0]


def test_fold_keeps_offsets() -> None:
    text = "Lévothyrox’s ÉTÉ œdème"
    assert len(fold_aligned(text)) == len(text)
    assert fold_aligned(text).startswith("levothyrox's ete")


@pytest.mark.parametrize(("text", "lang"), [
    ("J'ai pris du Levothyrox et depuis j'ai des palpitations", "fr"),
    ("Started it last month and now I have terrible headaches", "en"),
    ("je ne sais pas si c'est le traitement", "fr"),
    ("I don't know if it is the drug", "en"),
])
def test_language_detection(text: str, lang: str) -> None:
    assert detect_lang(fold_aligned(text)) == lang


@pytest.mark.parametrize("text", ["xanax jvais dormir 12h", "Rivotril, vertiges énormes", "lyrica 75 chui ko",
                                  "nausées après 2 comprimés"])
def test_short_sms_french_is_french(text: str) -> None:
    # no French stopword: these went to the English tier (a tie defaulted to "en") and missed its lexicon
    assert detect_lang(fold_aligned(text), None, "en", text) == "fr"
    assert detect_lang(fold_aligned("Rivotril, huge dizzy spells"), None, "en", "Rivotril, huge dizzy spells") == "en"


def test_given_language_is_trusted() -> None:
    assert detect_lang(fold_aligned("the the the"), "fr-FR") == "fr"


@pytest.mark.parametrize(("text", "surface", "canonical"), [
    ("J'ai pris du Levothyrox hier", "Levothyrox", "Levothyrox"),
    ("sous LÉVOTHYROXINE depuis un an", "LÉVOTHYROXINE", "Levothyrox"),
    ("mon levotyrox est nul", "levotyrox", "Levothyrox"),
    ("le levothyrax me fatigue", "levothyrax", "Levothyrox"),  # fuzzy: in no list
    ("encore #levothyrox en rupture", "levothyrox", "Levothyrox"),
    ("Zentravimab injection today", "Zentravimab", "Zentravir"),
])
def test_watched_products(text: str, surface: str, canonical: str) -> None:
    ev = run(text)
    assert [(text[m.start:m.end], m.canonical, m.label) for m in ev.products] == [(surface, canonical, "product")]


def test_general_drug_lexicon_finds_other_drugs() -> None:
    ev = run("This Zoloft is making me so nauseous", "en")
    assert [m.label for m in ev.products] == ["drug"]
    assert ev.products[0].canonical.lower() == "zoloft"


def test_no_product_in_ordinary_text() -> None:
    assert run("Super soirée hier soir avec les copains", "fr").products == []


@pytest.mark.parametrize(("text", "lang", "canonicals", "negated"), [
    ("depuis j'ai des palpitations et des maux de tête", "fr", ["palpitations", "céphalée"], [False, False]),
    ("aucun effet secondaire avec ce traitement", "fr", ["effet indésirable"], [True]),
    ("je n'ai pas de nausées", "fr", ["nausée"], [True]),
    ("no side effects at all", "en", ["adverse effect"], [True]),
    ("I didn't get any nausea", "en", ["nausea"], [True]),
    ("no headache but terrible nausea", "en", ["headache", "nausea"], [True, False]),
    ("now terrible headaches and hair loss", "en", ["headache", "alopecia"], [False, False]),
])
def test_reactions_and_negation(text: str, lang: str, canonicals: list[str], negated: list[bool]) -> None:
    ev = run(text, lang)
    assert [r.canonical for r in ev.reactions] == canonicals
    assert [r.negated for r in ev.reactions] == negated


@pytest.mark.parametrize(("text", "lang", "hypothetical", "question"), [
    ("Est-ce que le Levothyrox peut donner des vertiges ?", "fr", True, True),
    ("Can it cause weight gain?", "en", True, True),
    ("Le Levothyrox me donne des vertiges", "fr", False, False),
])
def test_hypotheticals_and_questions(text: str, lang: str, hypothetical: bool, question: bool) -> None:
    ctx = run(text, lang).context
    assert (ctx.hypothetical, ctx.question) == (hypothetical, question)


@pytest.mark.parametrize(("text", "lang", "subject"), [
    ("J'ai des vertiges depuis le traitement", "fr", "self"),
    ("Mon fils a des boutons depuis le vaccin", "fr", "child"),
    ("Ma mère a des trous de mémoire", "fr", "relative"),
    ("My daughter has nightmares on it", "en", "child"),
    ("I have headaches", "en", "self"),
    ("Headaches are a known effect of this drug", "en", "general"),
])
def test_subject(text: str, lang: str, subject: str) -> None:
    assert run(text, lang).subject == subject


@pytest.mark.parametrize(("text", "lang", "kind"), [
    ("Enceinte de 3 mois et sous Dépakine", "fr", "pregnancy"),
    ("je prends du levothyrox et j'allaite", "fr", "breastfeeding"),
    ("J'ai fait une surdose de Doliprane", "fr", "overdose"),
    ("xanax avec de l'alcool pour planer", "fr", "abuse_misuse"),
    ("pris hors AMM pour maigrir", "fr", "off_label"),
    ("le pharmacien m'a donné le mauvais dosage", "fr", "medication_error"),
    ("le Doliprane ne marche pas du tout", "fr", "lack_of_efficacy"),
    ("la nouvelle formule a un goût bizarre", "fr", "product_quality"),
    ("mon père est décédé sous ce traitement", "fr", "death"),
    ("took it while pregnant", "en", "pregnancy"),
    ("I overdosed on tylenol", "en", "overdose"),
    ("snorting adderall to get high", "en", "abuse_misuse"),
    ("prescribed off-label for sleep", "en", "off_label"),
    ("the pharmacy gave me the wrong dose", "en", "medication_error"),
    ("this pill stopped working", "en", "lack_of_efficacy"),
    ("these look like counterfeit pills", "en", "product_quality"),
    ("my uncle died on it", "en", "death"),
])
def test_special_situations(text: str, lang: str, kind: str) -> None:
    assert kind in run(text, lang).situations


@pytest.mark.parametrize(("text", "lang"), [
    ("aucun effet secondaire avec le vaccin", "fr"),
    ("je suis mort de rire", "fr"),
    ("no side effects so far", "en"),
])
def test_no_special_situation(text: str, lang: str) -> None:
    assert run(text, lang).situations == {}


@pytest.mark.parametrize(("text", "lang", "kind"), [
    ("hospitalisée 5 jours après le traitement", "fr", "hospitalisation"),
    ("choc anaphylactique, j'ai failli mourir", "fr", "life_threatening"),
    ("il est décédé", "fr", "death"),
    ("ended up in the ER", "en", "hospitalisation"),
    ("paralysed on one side since", "en", "disability"),
    ("my baby was born with a birth defect", "en", "congenital_anomaly"),
])
def test_seriousness(text: str, lang: str, kind: str) -> None:
    assert kind in run(text, lang).seriousness


@pytest.mark.parametrize(("text", "lang", "masked"), [
    ("Levotyrox me donne des palpitations", "fr", " _drug_  me donne des palpitations"),
    ("depuis le levothyrox et le doliprane jai mal", "fr", "depuis le  _drug_  et le  _drug_  jai mal"),
    ("zoloft gave me insomnia @doc https://x.co/a", "en", " _drug_  gave me insomnia  _user_   _url_ "),
    ("no drug named here, just a headache", "en", "no drug named here, just a headache"),
])
def test_model_text_masks_every_drug_the_layers_found(text: str, lang: str, masked: str) -> None:
    from classifiers.ae.features import model_text

    ev = run(text, lang)
    assert model_text(ev, mask_drugs=True) == masked
    assert "_drug_" not in model_text(ev)  # the default text keeps the names


def test_overlapping_drug_mentions_become_one_token() -> None:
    from classifiers.ae.features import model_text
    from classifiers.ae.layers import Mention

    ev = run("aaa bbbbbb ccc", "en")
    ev.products = [Mention(4, 8, "drug", "x", 1, 2), Mention(6, 10, "drug", "y", 1, 2)]
    assert model_text(ev, mask_drugs=True) == "aaa  _drug_  ccc"


@pytest.mark.parametrize(("text", "lang", "masked"), [
    ("Levotyrox me donne des palpitations 😩", "fr", "médicament me donne des palpitations 😩"),
    ("Depuis le Levothyrox et le Doliprane jai mal", "fr", "Depuis le médicament et le médicament jai mal"),
    ("Zoloft gave me insomnia @doc https://x.co/a", "en", "medication gave me insomnia @doc https://x.co/a"),
    ("No drug named here, just a HEADACHE", "en", "No drug named here, just a HEADACHE"),
])
def test_head_text_keeps_the_post_and_names_no_drug(text: str, lang: str, masked: str) -> None:
    from classifiers.ae.features import head_text

    assert head_text(run(text, lang)) == masked  # casing, accents, emojis, handles and links as written


def test_head_text_merges_overlapping_mentions_into_one_word() -> None:
    from classifiers.ae.features import head_text
    from classifiers.ae.layers import Mention

    ev = run("Aaa Bbbbbb ccc", "fr")
    ev.products = [Mention(4, 8, "drug", "x", 1, 2), Mention(6, 10, "drug", "y", 1, 2)]
    assert head_text(ev) == "Aaa médicament ccc"
