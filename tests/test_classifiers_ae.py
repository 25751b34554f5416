"""AdverseEventClassifier end to end with the shipped model; training, saving and loading without pickle."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from classifiers.adverse_events import DEFAULT_MODEL_DIR, AdverseEventClassifier
from classifiers.ae.layers import Layers
from classifiers.ae.metrics import at_threshold, evaluate, threshold_for_recall
from classifiers.ae.model import LinearModel, ModelError
from classifiers.ae.readers import Example
from classifiers.ae.training import split, train
from classifiers.analyzer import Analyzer
from pvwatch.config import parse_config
from pvwatch.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def clf(request: pytest.FixtureRequest) -> AdverseEventClassifier:
    cfg = parse_config({"products": [{"name": "Levothyrox", "inns": ["lévothyroxine", "levothyroxine"]},
                                     {"name": "Doliprane", "inns": ["paracétamol", "paracetamol"]}]})
    return AdverseEventClassifier.from_config(cfg)


def test_shipped_model_is_loaded(clf: AdverseEventClassifier) -> None:
    assert (DEFAULT_MODEL_DIR / "model.json").exists()
    assert clf.model_name.startswith("default+use-multilingual-v3(")
    assert clf.embedding is not None  # the transformer tier is on by default


def test_levothyrox_palpitations_is_an_adverse_event_with_spans(clf: AdverseEventClassifier) -> None:
    text = "J'ai pris du Levothyrox et depuis j'ai des palpitations"
    a = Analyzer(clf, None).analyze(text)
    assert a.lang == "fr"
    assert a.adverse_event.decision is True
    spans = {(s.label, s.text, s.start, s.end) for s in a.adverse_event.evidence}
    assert ("drug", "Levothyrox", 13, 23) in spans
    assert ("reaction", "palpitations", 43, 55) in spans
    assert a.products == ["Levothyrox"]
    assert all(c.met for c in a.icsr.values()), a.icsr


@pytest.mark.parametrize(("positive", "negative", "lang"), [
    ("J'ai pris du Levothyrox et depuis j'ai des vertiges", "J'ai pris du Levothyrox, aucun effet secondaire", "fr"),
    ("Started levothyroxine, now terrible headaches", "Started levothyroxine, no side effects at all", "en"),
    ("Le Levothyrox me donne des vertiges", "Est-ce que le Levothyrox peut donner des vertiges ?", "fr"),
])
def test_context_lowers_the_score(clf: AdverseEventClassifier, positive: str, negative: str, lang: str) -> None:
    pos, neg = Analyzer(clf, None).analyze_many([positive, negative], [lang, lang])
    assert pos.adverse_event.score > neg.adverse_event.score
    assert pos.adverse_event.decision


@pytest.mark.parametrize("text", [
    "Super soirée hier soir avec les copains, vivement le week-end !",
    "New study on paracetamol sales in Europe published today.",
])
def test_ordinary_posts_are_not_adverse_events(clf: AdverseEventClassifier, text: str) -> None:
    assert not Analyzer(clf, None).analyze(text).adverse_event.decision


def test_special_situations_seriousness_and_icsr_reasons(clf: AdverseEventClassifier) -> None:
    text = "Enceinte et sous paracétamol, j'ai fait une surdose, hospitalisée aux urgences"
    a = Analyzer(clf, None).analyze(text, "fr")
    kinds = {s.type for s in a.special_situations}
    assert {"pregnancy", "overdose"} <= kinds
    preg = next(s for s in a.special_situations if s.type == "pregnancy")
    assert text[preg.evidence[0].start:preg.evidence[0].end].lower() == "enceinte"
    assert "hospitalisation" in a.seriousness
    assert a.icsr["suspect_product"].met and "Doliprane" in a.icsr["suspect_product"].reason
    general = Analyzer(clf, None).analyze("Le paracétamol est très vendu", "fr")
    assert not general.icsr["patient"].met and "general" in general.icsr["patient"].reason


def test_unconfigured_language_is_still_screened_and_says_so() -> None:
    c = AdverseEventClassifier.from_config(parse_config({"classifiers": {"languages": ["fr"]},
                                                         "products": [{"name": "Levothyrox"}]}))
    a, b = c.analyze_many(["Ich habe Kopfschmerzen", "Tomo Levothyrox y tengo palpitations"], ["de", "es"])
    assert a.lang == "de" and "screened with the fr tier" in a.model and "'de'" in a.model
    assert not a.adverse_event.decision
    assert b.products == ["Levothyrox"] and "palpitations" in {s.text for s in b.adverse_event.evidence}


def test_hostile_input_is_bounded(clf: AdverseEventClassifier) -> None:
    out = clf.analyze_many(["", "\x00" * 10, "palpitations " * 50_000, "🙂" * 1000], None)
    assert len(out) == 4
    assert all(s.end <= 5_000 for a in out for s in a.adverse_event.evidence)


def test_bad_model_path_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="model_path"):
        AdverseEventClassifier.from_config(parse_config({"classifiers": {"model_path": str(tmp_path / "nope")}}))
    with pytest.raises(ModelError, match="make model"):
        LinearModel.load(tmp_path)


WRITTEN = [
    ("J'ai des vertiges depuis que je prends ce médicament", True, "fr"),
    ("Ce traitement me donne des nausées terribles", True, "fr"),
    ("depuis le comprimé j'ai mal à la tête", True, "fr"),
    ("this drug gave me awful headaches", True, "en"),
    ("these pills made me dizzy and nauseous", True, "en"),
    ("Belle journée au parc avec les enfants", False, "fr"),
    ("La pharmacie est fermée dimanche", False, "fr"),
    ("the pharmacy is closed today", False, "en"),
    ("great match last night", False, "en"),
    ("nouveau rapport sur les médicaments génériques", False, "fr"),
] * 3


def test_train_save_load_roundtrip_without_pickle(tmp_path: Path) -> None:
    examples = [Example(t, y, lg) for t, y, lg in WRITTEN]
    layers = Layers([])
    model = train(layers, examples, recall=0.8, cv=3)
    assert model.meta["threshold"] is not None
    model.save(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["model.json", "model.npy"]
    np.load(tmp_path / "m" / "model.npy", allow_pickle=False)  # plain array, no object
    loaded = LinearModel.load(tmp_path / "m")
    probe = [Example("ce médicament me donne des vertiges", True, "fr"), Example("le parc est fermé", False, "fr")]
    from classifiers.ae.training import featurize

    texts, feats = featurize(layers, probe)
    assert loaded.score(texts, feats) == pytest.approx(model.score(texts, feats))
    assert loaded.score(texts, feats)[0] > loaded.score(texts, feats)[1]
    doc = json.loads((tmp_path / "m" / "model.json").read_text())
    doc["features"] = ["other"]
    (tmp_path / "m" / "model.json").write_text(json.dumps(doc))
    with pytest.raises(ModelError, match="other features"):
        LinearModel.load(tmp_path / "m")


def test_a_drug_masked_model_reads_posts_as_it_was_trained(tmp_path: Path) -> None:
    from classifiers.ae.model import LinearParams
    from classifiers.ae.training import featurize

    named = [  # drugs the generic lexicon knows, so the masked text differs from the plain one
        ("depuis le doliprane j'ai des vertiges", True, "fr"), ("le levothyrox me donne des palpitations", True, "fr"),
        ("cymbalta gave me awful headaches", True, "en"), ("la pharmacie vend du doliprane", False, "fr"),
        ("is cymbalta covered by insurance", False, "en"),
    ] * 3
    examples = [Example(t, y, lg) for t, y, lg in WRITTEN + named]
    layers = Layers([])
    params = LinearParams(mask_drugs=True)
    texts, feats = featurize(layers, examples, mask_drugs=True)
    assert any("_drug_" in t for t in texts)
    LinearModel.fit(texts, feats, [e.label for e in examples], params=params).save(tmp_path / "m")
    loaded = LinearModel.load(tmp_path / "m")
    assert loaded.mask_drugs
    clf = AdverseEventClassifier(layers, loaded, 0.5)
    # Two drugs the model never saw in these words: masked, the posts are one text and score the same; the
    # unmasked text would differ by the names' n-grams.
    a, b = clf.analyze_many(["depuis le Zoloft je dors mal", "depuis le Prozac je dors mal"], ["fr", "fr"])
    assert a.adverse_event.score == b.adverse_event.score
    plain = loaded.score(*featurize(layers, [Example("depuis le Zoloft je dors mal", True, "fr"),
                                             Example("depuis le Prozac je dors mal", True, "fr")]))
    assert plain[0] != plain[1]
    doc = json.loads((tmp_path / "m" / "model.json").read_text())
    del doc["mask_drugs"]  # a model saved before the switch existed read the plain text
    (tmp_path / "m" / "model.json").write_text(json.dumps(doc))
    assert not LinearModel.load(tmp_path / "m").mask_drugs


def test_metrics_and_recall_first_threshold() -> None:
    rep = evaluate([True, True, False, False, True], [True, False, True, False, True])
    assert (rep.tp, rep.fp, rep.fn, rep.tn) == (2, 1, 1, 1)
    assert rep.precision == pytest.approx(2 / 3) and rep.recall == pytest.approx(2 / 3)
    scores, labels = [0.9, 0.8, 0.7, 0.6, 0.5, 0.1], [True, False, True, True, True, False]
    t = threshold_for_recall(scores, labels, 0.75)
    assert t == 0.6 and evaluate(labels, [s >= t for s in scores]).recall >= 0.75


def test_split_is_stratified_and_deterministic() -> None:
    ex = [Example(str(i), i % 10 == 0) for i in range(200)]
    tr, te = split(ex)
    assert len(te) == 40 and sum(e.label for e in te) == 4
    assert split(ex) == (tr, te)


def test_build_model_without_shared_data_leaves_the_model_untouched(tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in DEFAULT_MODEL_DIR.rglob("*") if p.is_file()}
    env = {**os.environ, "PVWATCH_SHARED_DATA": str(tmp_path / "missing")}
    proc = subprocess.run([sys.executable, "-m", "classifiers.build_model"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "not found" in proc.stderr and "left untouched" in proc.stderr
    assert {p.name: p.read_bytes() for p in DEFAULT_MODEL_DIR.rglob("*") if p.is_file()} == before


def test_french_threshold_overrides_the_default_for_french_posts() -> None:
    cfg = parse_config({"classifiers": {"ae_threshold": 0.35, "ae_threshold_fr": 0.99}})
    clf = AdverseEventClassifier.from_config(cfg)
    assert clf.threshold_for("fr") == 0.99 and clf.threshold_for("en") == 0.35 and clf.threshold_for(None) == 0.35
    fr, en = clf.analyze_many(["J'ai pris du Levothyrox et depuis j'ai des palpitations",
                               "Started levothyroxine, now terrible headaches"], ["fr", "en"])
    assert fr.adverse_event is not None and en.adverse_event is not None
    assert fr.adverse_event.score < 0.99 and not fr.adverse_event.decision
    assert en.adverse_event.decision
    assert AdverseEventClassifier.from_config(parse_config({})).thresholds.explicit == {}  # unset: the preset
    with pytest.raises(ConfigError, match="ae_threshold_fr"):
        parse_config({"classifiers": {"ae_threshold_fr": 1.5}})


def test_group_folds_keep_copies_together() -> None:
    from classifiers.ae.training import group_folds

    texts = [f"t{i}" for i in range(30)] * 3  # our data is repeated OWN_WEIGHT times
    labels = [i % 3 == 0 for i in range(30)] * 3
    f = group_folds(labels, texts, 3, 13)
    assert all(f[i] == f[i + 30] == f[i + 60] for i in range(30))
    assert sorted({f[i] for i in range(30)}) == [0, 1, 2]


@pytest.mark.parametrize(("labels", "scores", "threshold", "want"), [
    # one threshold: tp=1 fp=1 fn=1 tn=1; AUC 0.75 (3 of the 4 positive-negative pairs ranked right)
    ([True, False, True, False], [0.9, 0.6, 0.2, 0.1], 0.5,
     {"threshold": 0.5, "precision": 0.5, "recall": 0.5, "flagged": 0.5, "auc": 0.75}),
    # a threshold per post (each post's language's), reported as the sorted distinct values
    ([True, False, True, False], [0.9, 0.6, 0.2, 0.1], [0.95, 0.5, 0.1, 0.5],
     {"threshold": [0.1, 0.5, 0.95], "tp": 1, "fp": 1, "fn": 1, "flagged": 0.5}),
    # one class only: no ranking metric rather than an error
    ([False, False], [0.3, 0.7], 0.5, {"pos": 0, "auc": None, "ap": None, "flagged": 0.5}),
])
def test_at_threshold_reports_a_benchmark_row(labels: list[bool], scores: list[float],
                                              threshold: float | list[float], want: dict[str, object]) -> None:
    row = at_threshold(labels, scores, threshold).as_dict()
    assert {k: row[k] for k in want} == want


def test_the_encoder_uses_no_more_blas_threads_than_the_environment_allows(monkeypatch: pytest.MonkeyPatch) -> None:
    from classifiers.ae.encoders import UseEncoder

    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        monkeypatch.delenv(var, raising=False)
    assert UseEncoder(2).threads == 2  # nothing set: the configured threads
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert UseEncoder(2).threads == 1
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")  # read first, as OpenBLAS does; never above the config
    assert UseEncoder(2).threads == 2 and UseEncoder(8).threads == 4
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "auto")
    assert UseEncoder(2).threads == 1  # not a number: the next variable
