"""The transformer tier with a tiny BERT built here (no hub): fine-tune, save, load via config, blend."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from classifiers.adverse_events import AdverseEventClassifier
from classifiers.ae.readers import Example
from classifiers.ae.transformer import TransformerError, TransformerScorer, fine_tune
from pvwatch.config import parse_config

os.environ["HF_HUB_OFFLINE"] = "1"


@pytest.fixture(autouse=True)
def hf() -> None:
    """Skipped without torch and transformers, imported when a test here runs: every xdist worker collects this
    module, and importing both at collection (and Presidio's transformers engine after them) costs each ~8 s."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")


WORDS = ["j'ai", "des", "vertiges", "nausées", "depuis", "ce", "médicament", "me", "donne", "mal", "tête", "belle",
         "journée", "parc", "pharmacie", "fermée", "match", "hier", "soir", "i", "have", "headaches", "dizzy",
             "drug", "great", "day", "closed"]
POS = ["j'ai des vertiges depuis ce médicament", "ce médicament me donne des nausées", "i have headaches dizzy drug"]
NEG = ["belle journée au parc", "pharmacie fermée", "great day", "match hier soir"]


def tiny_bert(tmp_path: Path) -> Path:
    import torch
    import transformers

    base = tmp_path / "tiny-bert"
    base.mkdir()
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted({w.strip("',.") for w in WORDS}), "'", ","]
    (base / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tok = transformers.BertTokenizer(str(base / "vocab.txt"), do_lower_case=True)
    tok.save_pretrained(str(base))
    torch.manual_seed(0)
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=32, max_position_embeddings=64,
                                     num_labels=2)
    transformers.BertForSequenceClassification(config).save_pretrained(str(base))
    return base


@pytest.mark.slow
def test_fine_tune_load_and_blend(tmp_path: Path) -> None:
    base = tiny_bert(tmp_path)
    before = TransformerScorer.load(base).score(POS + NEG)
    examples = [Example(t, True) for t in POS] * 4 + [Example(t, False) for t in NEG] * 3
    out = fine_tune(base, examples, tmp_path / "tuned", epochs=30, lr=5e-3, batch_size=8)
    after = TransformerScorer.load(out).score(POS + NEG)
    assert after != before
    assert min(after[:len(POS)]) > max(after[len(POS):]), after  # it learned the training posts

    def clf(weight: float) -> AdverseEventClassifier:
        cfg = parse_config({"classifiers": {"transformer": {"model": str(out), "weight": weight}}})
        return AdverseEventClassifier.from_config(cfg)

    full = clf(1.0)
    assert "transformer" in full.model_name
    scores = full.scores(full.evidence(POS + NEG, ["fr"] * len(POS + NEG)))
    assert scores == pytest.approx(after, abs=1e-5)
    half = clf(0.5)
    linear = clf(0.0)
    evs = linear.evidence(POS, ["fr"] * len(POS))
    blended = half.scores(evs)
    assert blended == pytest.approx([(a + b) / 2 for a, b in zip(linear.scores(evs), after[:len(POS)], strict=True)],
                                    abs=1e-4)


def test_missing_checkpoint_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(TransformerError, match="not a loadable"):
        TransformerScorer.load(tmp_path / "empty")


def test_epoch_sample_keeps_every_positive_and_caps_negatives() -> None:
    import random

    from classifiers.ae.transformer import class_weights, epoch_sample

    labels = [True] * 5 + [False] * 100
    a = epoch_sample(labels, 2.0, random.Random(0))
    b = epoch_sample(labels, 2.0, random.Random(0))
    assert a == b  # deterministic for a seed
    assert set(range(5)) <= set(a) and len(a) == 15 and len(set(a)) == 15
    assert sorted(epoch_sample(labels, None, random.Random(0))) == list(range(105))  # no cap: every example
    assert sorted(epoch_sample(labels, 50.0, random.Random(0))) == list(range(105))  # cap above what exists
    assert class_weights(10, 30) == [40 / 60, 40 / 20]


@pytest.mark.slow
def test_max_length_and_sampling_are_recorded_and_used(tmp_path: Path) -> None:
    import json

    base = tiny_bert(tmp_path)
    examples = [Example(t, True) for t in POS] + [Example(t, False) for t in NEG] * 5
    out = fine_tune(base, examples, tmp_path / "tuned", epochs=2, lr=1e-3, batch_size=4, max_length=8,
                    neg_per_pos=2.0, max_steps=3)
    settings = json.loads((out / "pvwatch_transformer.json").read_text(encoding="utf-8"))
    assert settings["max_length"] == 8 and settings["neg_per_pos"] == 2.0 and settings["steps"] == 3
    scorer = TransformerScorer.load(out)
    assert scorer.max_length == 8
    texts = [POS[0], NEG[0] + " " + NEG[1], POS[2]]
    together = scorer.score(texts)  # batched after sorting by length: results come back in input order
    assert together == pytest.approx([scorer.score([t])[0] for t in texts], abs=1e-5)
    # A checkpoint without the settings file (any plain HF directory) keeps the default length.
    assert TransformerScorer.load(base).max_length == 128


@pytest.mark.slow
def test_on_epoch_sees_each_epochs_weights_and_training_resumes(tmp_path: Path) -> None:
    base = tiny_bert(tmp_path)
    examples = [Example(t, True) for t in POS] * 4 + [Example(t, False) for t in NEG] * 3
    seen: list[tuple[int, list[float]]] = []
    out = fine_tune(base, examples, tmp_path / "tuned", epochs=3, lr=5e-3, batch_size=8,
                    on_epoch=lambda n, scorer: seen.append((n, scorer.score(POS + NEG))))
    assert [n for n, _ in seen] == [1, 2, 3]
    assert seen[0][1] != seen[1][1] != seen[2][1]  # the weights moved between epochs: training went on
    # the last epoch's scores are the saved checkpoint's
    assert TransformerScorer.load(out).score(POS + NEG) == pytest.approx(seen[-1][1], abs=1e-5)


@pytest.mark.slow
def test_several_fine_tuning_runs_are_averaged_and_trained_from_the_cli(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from pvwatch.app.main import app
    from pvwatch.errors import ConfigError

    base = tiny_bert(tmp_path)
    corpus = tmp_path / "train.jsonl"
    rows = [{"text": t, "label": 1} for t in POS] * 3 + [{"text": t, "label": 0} for t in NEG] * 3
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    cfg = tmp_path / "config.toml"
    cfg.write_text("[classifiers]\npersonal_data = false\n", encoding="utf-8")
    runs = []
    for seed in (0, 1):
        out = tmp_path / f"run{seed}"
        r = CliRunner().invoke(app, ["train", "--transformer", str(base), "--corpus", str(corpus), "--seed",
                                     str(seed), "--epochs", "3", "--stop-after-epoch", "2", "--batch-size", "4",
                                     "--out", str(out), "-c", str(cfg)])
        assert r.exit_code == 0, r.output
        settings = json.loads((out / "pvwatch_transformer.json").read_text(encoding="utf-8"))
        assert (settings["seed"], settings["stop_after_epoch"], settings["batch_size"]) == (seed, 2, 4)
        runs.append(out)
    texts = POS + NEG
    each = [TransformerScorer.load(p).score(texts) for p in runs]
    assert each[0] != each[1]  # different seeds, different models

    clf = AdverseEventClassifier.from_config(parse_config(
        {"classifiers": {"transformer": {"model": [str(p) for p in runs], "weight": 1.0}}}))
    got = clf.scores(clf.evidence(texts, ["fr"] * len(texts)))
    assert got == pytest.approx([(a + b) / 2 for a, b in zip(*each, strict=True)], abs=1e-5)

    with pytest.raises(ConfigError, match="classifiers.transformer.model"):
        AdverseEventClassifier.from_config(parse_config(
            {"classifiers": {"transformer": {"model": [str(runs[0]), str(tmp_path / "missing")]}}}))


@pytest.mark.slow
def test_stop_after_epoch_keeps_that_epochs_weights_of_the_longer_schedule(tmp_path: Path) -> None:
    base = tiny_bert(tmp_path)
    examples = [Example(t, True) for t in POS] * 4 + [Example(t, False) for t in NEG] * 3
    seen: dict[int, list[float]] = {}
    fine_tune(base, examples, tmp_path / "full", epochs=3, lr=5e-3, batch_size=8,
              on_epoch=lambda n, scorer: seen.__setitem__(n, scorer.score(POS + NEG)))
    kept = fine_tune(base, examples, tmp_path / "kept", epochs=3, lr=5e-3, batch_size=8, stop_after_epoch=2)
    assert TransformerScorer.load(kept).score(POS + NEG) == pytest.approx(seen[2], abs=1e-5)
    assert seen[2] != pytest.approx(seen[3], abs=1e-5)
    with pytest.raises(TransformerError, match="outside 1..3"):
        fine_tune(base, examples, tmp_path / "bad", epochs=3, stop_after_epoch=4)
