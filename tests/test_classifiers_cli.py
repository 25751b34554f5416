"""`pvwatch classify`, `train`, `eval` in-process (CliRunner), and the corpus readers on files written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifiers.ae.readers import CorpusError, parse_label, read_corpus
from pvwatch.app.main import app

runner = CliRunner()


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    p = tmp_path / "config.toml"
    p.write_text('[[products]]\nname = "Levothyrox"\ninns = ["lévothyroxine"]\n\n'
                 "[classifiers]\npersonal_data = false\n", encoding="utf-8")
    return p


def test_classify_text_prints_json(cfg: Path) -> None:
    r = runner.invoke(app, ["classify", "J'ai pris du Levothyrox et depuis j'ai des palpitations", "-c", str(cfg)])
    assert r.exit_code == 0, r.output
    rec = json.loads(r.output)
    assert rec["schema_version"] == 1
    assert rec["adverse_event"]["decision"] is True
    assert {e["label"] for e in rec["adverse_event"]["evidence"]} == {"drug", "reaction"}
    assert rec["personal_data"] == [] and "special_situations" in rec and "icsr" in rec


def test_classify_file_keeps_order_and_survives_bad_lines(cfg: Path, tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        json.dumps({"id": "a", "text": "Le Levothyrox me donne des vertiges", "lang": "fr"}) + "\n"
        + "{not json\n"
        + json.dumps({"id": "c", "text": "great match last night"}) + "\n"
        + json.dumps({"id": "d"}) + "\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["classify", "--file", str(posts), "--format", "jsonl", "-c", str(cfg)])
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in r.output.splitlines()]
    assert [x["id"] for x in lines] == ["a", "2", "c", "d"]
    assert lines[0]["adverse_event"]["decision"] and not lines[2]["adverse_event"]["decision"]
    assert "error" in lines[1] and "error" in lines[3]


def test_classify_csv(cfg: Path, tmp_path: Path) -> None:
    posts = tmp_path / "posts.csv"
    posts.write_text('id,text,lang\n1,"J\'ai des nausées depuis le Levothyrox",fr\n2,bonne journée,fr\n',
                     encoding="utf-8")
    r = runner.invoke(app, ["classify", "--file", str(posts), "-c", str(cfg)])
    assert r.exit_code == 0, r.output
    assert [json.loads(x)["adverse_event"]["decision"] for x in r.output.splitlines()] == [True, False]


def test_classify_needs_text_or_file(cfg: Path) -> None:
    r = runner.invoke(app, ["classify", "-c", str(cfg)])
    assert r.exit_code == 1 and "TEXT" in r.output


CORPUS = [("J'ai des vertiges depuis que je prends ce médicament", 1), ("Ce traitement me donne des nausées", 1),
          ("depuis le comprimé j'ai mal à la tête", 1), ("this drug gave me awful headaches", 1),
          ("these pills made me dizzy", 1), ("Belle journée au parc", 0), ("La pharmacie est fermée", 0),
          ("the pharmacy is closed today", 0), ("great match last night", 0), ("rapport sur les génériques", 0)] * 3


def test_train_then_eval(cfg: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "train.tsv"
    corpus.write_text("text\tlabel\n" + "".join(f"{t}\t{y}\n" for t, y in CORPUS), encoding="utf-8")
    out = tmp_path / "model"
    r = runner.invoke(app, ["train", "--corpus", str(corpus), "--out", str(out), "--only-corpus", "-c", str(cfg)])
    assert r.exit_code == 0, r.output
    assert "threshold for recall >= 0.8" in r.output and (out / "model.json").exists()
    r = runner.invoke(app, ["eval", "--corpus", str(corpus), "--model", str(out), "--json", "-c", str(cfg)])
    assert r.exit_code == 0, r.output
    res = json.loads(r.output)["corpora"][str(corpus)]
    assert res["tp"] + res["fn"] == 15 and res["recall"] >= 0.8
    r = runner.invoke(app, ["eval", "--corpus", str(corpus), "--model", str(out), "-c", str(cfg)])
    assert "precision" in r.output and "actual AE" in r.output


def test_train_from_decisions_uses_the_store(tmp_path: Path) -> None:
    pytest.importorskip("classifiers.decisions", reason="classifiers.decisions.labelled_examples not built yet")
    cfgp = tmp_path / "config.toml"
    cfgp.write_text(f'[storage]\npath = "{tmp_path / "s.db"}"\n[classifiers]\npersonal_data = false\n',
                    encoding="utf-8")
    r = runner.invoke(app, ["train", "--from-decisions", "--only-corpus", "--out", str(tmp_path / "m"), "-c",
                      str(cfgp)])
    assert "reviewer decisions: " in r.output


@pytest.mark.parametrize(("value", "expected"), [
    ("1", True), ("0", False), ("1.0", True), ("", False), (True, True), ("ADE", True), ("maybe", None),
    ({"decision": True}, True),
])
def test_parse_label(value: object, expected: bool | None) -> None:
    assert parse_label(value) is expected


def test_readers(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"text": "x", "label": true, "lang": "fr"}\nnot json\n'
                                      '{"text": "y", "label": 0}\n')
    assert [(e.text, e.label, e.lang) for e in read_corpus(tmp_path / "a.jsonl")] == [("x", True, "fr"), ("y",
            False, None)]
    (tmp_path / "s.tsv").write_text('tweet_id\tclass\ttweet\n1\t1\t"quoted" tweet\n2\t0\tplain\n')
    ex = read_corpus(tmp_path / "s.tsv")
    assert [(e.id, e.text, e.label) for e in ex] == [("1", '"quoted" tweet', True), ("2", "plain", False)]
    (tmp_path / "p.csv").write_text("sentences\tADR\tWD\nbad nausea\t1\t0\nfine\t0\t1\n")  # tab-separated .csv
    assert [e.label for e in read_corpus(tmp_path / "p.csv")] == [True, False]
    (tmp_path / "c.csv").write_text('post,verdict\n"a, b",yes\nc,no\n')
    assert [e.label for e in read_corpus(tmp_path / "c.csv", text_col="post", label_col="verdict")] == [True, False]
    brat = tmp_path / "brat"
    brat.mkdir()
    (brat / "d1.txt").write_text("vertiges sous levo")
    (brat / "d1.ann").write_text("T1\tADR 0 8\tvertiges\n")
    (brat / "d2.txt").write_text("rien")
    assert [(e.id, e.label) for e in read_corpus(brat)] == [("d1", True), ("d2", False)]
    ade = tmp_path / "ade"
    ade.mkdir()
    (ade / "DRUG-AE.rel").write_text("1|Drug-induced rash.|rash|0|4|drug|0|4\n1|Drug-induced rash.|x|0|1|d|0|1\n")
    (ade / "ADE-NEG.txt").write_text("2 NEG Nothing happened.\n")
    assert [(e.text, e.label) for e in read_corpus(ade)] == [("Drug-induced rash.", True), ("Nothing happened.", False)]
    lib = tmp_path / "lib.tsv"
    lib.write_text('\turlDrugName\trating\teffectiveness\tsideEffects\tcondition\tbenefitsReview\tsideEffectsReview\t'
                   'commentsReview\n1\tx\t5\tHigh\tMild Side Effects\tc\t"good"\t"some\nnausea"\tok\n'
                   '2\ty\t5\tHigh\tNo Side Effects\tc\tfine\tnone\tok\n')
    assert [(e.label, "nausea" in e.text) for e in read_corpus(lib)] == [(True, True), (False, False)]
    with pytest.raises(CorpusError, match="no column"):
        read_corpus(tmp_path / "c.csv", label_col="nope")


def test_eval_applies_the_french_threshold_unless_one_is_given(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text("[classifiers]\npersonal_data = false\nae_threshold = 0.35\nae_threshold_fr = 1.0\n",
                   encoding="utf-8")
    corpus = tmp_path / "fr.jsonl"
    corpus.write_text(json.dumps({"text": "Depuis le Levothyrox j'ai des vertiges et des nausées", "label": 1,
                                  "lang": "fr"}) + "\n", encoding="utf-8")
    r = runner.invoke(app, ["eval", "--corpus", str(corpus), "--json", "-c", str(cfg)])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["lang_thresholds"] == {"fr": 1.0} and doc["corpora"][str(corpus)]["tp"] == 0  # 1.0: nothing passes
    r = runner.invoke(app, ["eval", "--corpus", str(corpus), "--json", "--threshold", "0.01", "-c", str(cfg)])
    doc = json.loads(r.output)
    assert doc["lang_thresholds"] == {} and doc["corpora"][str(corpus)]["tp"] == 1  # --threshold: one for all


@pytest.mark.parametrize(("extra", "sensitivity"), [('sensitivity = "high"\n', "high"),
                                                    ('sensitivity = "maximum"\nae_threshold_fr = 0.9\n', None)])
def test_classify_shows_the_preset_and_the_threshold_in_force(tmp_path: Path, extra: str,
                                                             sensitivity: str | None) -> None:
    from classifiers.adverse_events import configured_thresholds
    from pvwatch.config import load_config

    cfg = tmp_path / "config.toml"
    cfg.write_text("[classifiers]\npersonal_data = false\n" + extra, encoding="utf-8")
    r = runner.invoke(app, ["classify", "J'ai pris du Levothyrox et depuis j'ai des palpitations", "--lang", "fr",
                            "-c", str(cfg)])
    assert r.exit_code == 0, r.output
    ae = json.loads(r.output)["adverse_event"]
    assert ae["sensitivity"] == sensitivity
    assert ae["threshold"] == round(configured_thresholds(load_config(cfg)).threshold_for("fr"), 4)
    assert ae["decision"] == (ae["score"] >= ae["threshold"])
    cfg.write_text('[classifiers]\nsensitivity = "paranoid"\n', encoding="utf-8")
    r = runner.invoke(app, ["classify", "x", "-c", str(cfg)])
    assert r.exit_code == 2 and "classifiers.sensitivity" in r.output
