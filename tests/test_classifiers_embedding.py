"""The default transformer tier's code: encoder loading on a tiny BERT built here (no hub), the head's numpy
weights round-trip, the blend and the cascade, presets per language, explicit overrides, config errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from classifiers.adverse_events import AdverseEventClassifier
from classifiers.ae.build_tier import average_precision, calibrate
from classifiers.ae.encoders import HFMeanPoolEncoder, encoder_for
from classifiers.ae.head import EmbeddingHead, HeadError
from classifiers.ae.readers import Example
from classifiers.ae.sensitivity import ANY_LANG, resolve
from pvwatch.config import parse_config
from pvwatch.errors import ConfigError
from pvwatch.models import Sensitivity
from tests.test_classifiers_transformer import NEG, POS, tiny_bert

os.environ["HF_HUB_OFFLINE"] = "1"


@pytest.fixture(autouse=True)
def hf() -> None:
    """As in test_classifiers_transformer.py: skipped without torch, imported when a test here runs."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")

PRESETS = {"standard": {"fr": 0.6, "en": 0.5, ANY_LANG: 0.55}, "high": {"fr": 0.4, "en": 0.3, ANY_LANG: 0.35},
           "maximum": {"fr": 0.2, "en": 0.1, ANY_LANG: 0.15}}


def built_head(tmp_path: Path, cascade_below: float = 0.0, weight: float = 0.5) -> tuple[Path, Path]:
    base = tiny_bert(tmp_path)
    enc = HFMeanPoolEncoder(base)
    x = enc.encode(POS + NEG)
    assert x.shape == (len(POS + NEG), 16)
    assert np.allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-5)  # mean-pooled, L2-normalised
    head = EmbeddingHead.fit(np.vstack([x] * 3), [True] * len(POS) * 3 + [False] * len(NEG) * 3, c=1.0,
                             meta={"backbone": str(base), "weight": weight, "cascade_below": cascade_below,
                                   "presets": PRESETS})
    out = tmp_path / "head"
    head.save(out)
    return base, out


def test_head_weights_round_trip_without_pickle(tmp_path: Path) -> None:
    base, out = built_head(tmp_path)
    head = EmbeddingHead.load(out)
    assert np.load(out / "head.npy", allow_pickle=False).dtype == np.float32
    x = HFMeanPoolEncoder(base).encode(POS + NEG)
    probs = head.prob(x)
    assert len(set(probs.round(6).tolist())) > 1 and np.all((probs > 0) & (probs < 1))
    again = EmbeddingHead.load(out)
    assert again.prob(x).tolist() == probs.tolist() and again.meta == head.meta
    with pytest.raises(HeadError, match="dimensions"):
        head.prob(np.zeros((1, 8), dtype=np.float32))
    np.save(out / "head.npy", np.zeros(7, dtype=np.float32), allow_pickle=False)
    with pytest.raises(HeadError, match="does not match"):
        EmbeddingHead.load(out)
    (out / "head.json").write_text(json.dumps({"format": "other"}), encoding="utf-8")
    with pytest.raises(HeadError, match="not a"):
        EmbeddingHead.load(out)


def test_config_loads_tier_and_blends(tmp_path: Path) -> None:
    base, out = built_head(tmp_path, weight=0.5)
    on = AdverseEventClassifier.from_config(parse_config({"classifiers": {"encoder": {"head_path": str(out),
                                                                                     "cascade": False}}}))
    off = AdverseEventClassifier.from_config(parse_config({"classifiers": {"encoder": {"enabled": False}}}))
    assert on.embedding is not None and off.embedding is None and "tiny-bert" in on.model_name
    evs = on.evidence(POS + NEG, ["fr"] * len(POS + NEG))
    lin = np.asarray(off.scores(evs))
    head = EmbeddingHead.load(out).prob(HFMeanPoolEncoder(base).encode(POS + NEG))
    assert on.scores(evs) == pytest.approx((0.5 * lin + 0.5 * head).tolist(), abs=1e-6)
    assert on.embedding.encoded == len(POS + NEG)


def test_cascade_skips_the_encoder_below_the_cut(tmp_path: Path) -> None:
    _, out = built_head(tmp_path, cascade_below=1.01, weight=0.4)  # every linear score is below: none encoded
    clf = AdverseEventClassifier.from_config(parse_config({"classifiers": {"encoder": {"head_path": str(out)}}}))
    off = AdverseEventClassifier.from_config(parse_config({"classifiers": {"encoder": {"enabled": False}}}))
    evs = clf.evidence(POS, ["fr"] * len(POS))
    assert clf.scores(evs) == pytest.approx([0.6 * s for s in off.scores(evs)])
    assert clf.embedding is not None and clf.embedding.encoded == 0


def test_presets_resolve_per_language_and_explicit_thresholds_override(tmp_path: Path) -> None:
    t = resolve(PRESETS, Sensitivity.high)
    assert (t.threshold_for("fr"), t.threshold_for("en"), t.threshold_for("de")) == (0.4, 0.3, 0.35)
    assert t.source_for("fr") is Sensitivity.high
    t = resolve(PRESETS, Sensitivity.maximum, by_lang={"fr": 0.9})
    assert (t.threshold_for("fr"), t.threshold_for("en")) == (0.9, 0.1)
    assert t.source_for("fr") is None and t.source_for("en") is Sensitivity.maximum
    t = resolve(PRESETS, Sensitivity.standard, ae_threshold=0.7, by_lang={"fr": 0.9})
    assert (t.threshold_for("fr"), t.threshold_for("en")) == (0.9, 0.7)
    assert resolve(None, Sensitivity.standard).threshold_for("fr") == 0.35  # a model without presets

    _, out = built_head(tmp_path)
    for sens, fr in (("standard", 0.6), ("high", 0.4), ("maximum", 0.2)):
        cfg = parse_config({"classifiers": {"sensitivity": sens, "encoder": {"head_path": str(out)}}})
        clf = AdverseEventClassifier.from_config(cfg)
        a = clf.analyze_many(["ce médicament me donne des nausées"], ["fr"])[0].adverse_event
        assert (a.threshold, a.sensitivity) == (fr, Sensitivity(sens))
        assert a.decision == (a.score >= fr)
    cfg = parse_config({"classifiers": {"ae_threshold_fr": 0.99, "encoder": {"head_path": str(out)}}})
    a = AdverseEventClassifier.from_config(cfg).analyze_many(["ce médicament me donne des nausées"], ["fr"])[0]
    assert (a.adverse_event.threshold, a.adverse_event.sensitivity) == (0.99, None)


def test_config_errors_name_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"classifiers\.sensitivity.*Fix: use one of the allowed values"):
        parse_config({"classifiers": {"sensitivity": "extreme"}})
    cfg = parse_config({"classifiers": {"encoder": {"head_path": str(tmp_path / "nothing")}}})
    with pytest.raises(ConfigError, match=r"classifiers\.encoder\.head_path.*make model"):
        AdverseEventClassifier.from_config(cfg)
    _, out = built_head(tmp_path)
    doc = json.loads((out / "head.json").read_text(encoding="utf-8"))
    doc["meta"]["backbone"] = str(tmp_path / "gone")
    (out / "head.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"classifiers\.encoder\.head_path.*neither"):
        AdverseEventClassifier.from_config(parse_config({"classifiers": {"encoder": {"head_path": str(out)}}}))
    with pytest.raises(Exception, match="neither"):
        encoder_for("no-such-backbone")


def test_calibration_reaches_each_target_on_the_hardest_domain() -> None:
    """Two domains per language, one much harder (scores of its positives lower): each preset's threshold is
    the one that reaches the target recall on both, i.e. the hard one's, never the easy one's."""
    rng = np.random.default_rng(0)
    exs = [Example(f"p{i}", bool(i % 3 == 0), "fr" if i % 2 else "en", str(i)) for i in range(1200)]
    hard = [i >= 600 for i in range(len(exs))]
    scores = [float(rng.random() * 0.6 + (0.0 if not e.label else 0.15 if h else 0.4))
              for e, h in zip(exs, hard, strict=True)]
    groups = {lang: [[i for i, e in enumerate(exs) if e.lang == lang and hard[i] == h] for h in (False, True)]
              for lang in ("fr", "en")}
    cal = calibrate(scores, exs, groups, {"fr": ["easy", "hard"], "en": ["easy", "hard"]})
    for sens, target in (("standard", 0.8), ("high", 0.9), ("maximum", 0.97)):
        for lang in ("fr", "en"):
            assert cal.recall[sens][f"{lang}/hard"] >= target
            assert cal.recall[sens][f"{lang}/easy"] > cal.recall[sens][f"{lang}/hard"]
            easy_only = calibrate(scores, exs, {lang: [groups[lang][0]]})
            assert cal.presets[sens][lang] < easy_only.presets[sens][lang]
        assert cal.presets[sens][ANY_LANG] == min(cal.presets[sens]["fr"], cal.presets[sens]["en"])
    assert cal.presets["standard"]["fr"] > cal.presets["high"]["fr"] > cal.presets["maximum"]["fr"]
    assert average_precision([0.9, 0.8, 0.1], [True, False, True]) == pytest.approx((1 + 2 / 3) / 2)
