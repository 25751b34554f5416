"""How the default build reads its shippable corpora (issue 12, session 15): Druglib's review fields as train-only
rows, a head build that trains on rows it never scores nor calibrates on, and PsyTAR under our labelling boundary
(a withdrawal reaction is an adverse event)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from classifiers.ae.build_tier import build_head
from classifiers.ae.domains import Domain
from classifiers.ae.readers import Example, druglib_field_views, psytar_sentences

HEADER = "\t".join(["", "urlDrugName", "rating", "effectiveness", "sideEffects", "condition", "benefitsReview",
                    "sideEffectsReview", "commentsReview"])


def tsv(tmp_path: Path, rows: list[tuple[str, str, str]]) -> Path:
    p = tmp_path / "drugLibTrain_raw.tsv"
    lines = [HEADER] + [f"{i}\tdrug\t5\tHighly Effective\t{rating}\tcond\t{benefits}\t{side}\tcomments"
                        for i, (rating, benefits, side) in enumerate(rows)]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


@pytest.mark.parametrize(("rating", "benefits", "side", "expected"), [
    # the benefits field is efficacy wording, never an adverse event; the side-effect field takes the rating
    ("Mild Side Effects", "cleared my skin in a month", "slight nausea without food",
     [("benefits:0", "cleared my skin in a month", False), ("side:0", "slight nausea without food", True)]),
    ("No Side Effects", "my panic attacks stopped", "none at all, really",
     [("benefits:0", "my panic attacks stopped", False), ("side:0", "none at all, really", False)]),
    ("Extremely Severe Side Effects", "", "seizures after the second dose",
     [("side:0", "seizures after the second dose", True)]),  # an empty field gives no row
    ("Moderate Side Effects", "ok", "none", []),  # under 10 characters: nothing to learn from
    ("", "a continuation fragment of the row before", "no rating", []),  # not a review of its own
])
def test_druglib_field_views(tmp_path: Path, rating: str, benefits: str, side: str,
                             expected: list[tuple[str, str, bool]]) -> None:
    got = druglib_field_views(tsv(tmp_path, [(rating, benefits, side)]))
    assert [(e.id, e.text, e.label) for e in got] == expected
    assert all(e.lang == "en" for e in got)


def test_build_head_trains_on_train_only_rows_but_never_scores_them() -> None:
    """Scored rows in two English domains; train-only rows in a third that none of the scored rows is in. The
    choice and calibration see only the scored rows (no third domain in the LODO AUCs); the head is still
    fitted on every row (it differs from a build without the extra rows)."""
    rng = np.random.default_rng(1)
    dim = 8
    scored = [Example(f"s{i}", bool(i % 3 == 0), "en", f"s{i}") for i in range(240)]
    extra = [Example(f"x{i}", bool(i % 2), "en", f"druglib:side:{i}") for i in range(120)]
    domains = [Domain.psytar if i % 2 else Domain.en_short for i in range(len(scored))]
    domains += [Domain.druglib] * len(extra)
    direction = rng.normal(size=dim)
    x = np.stack([rng.normal(size=dim) + (0.8 if e.label else -0.8) * direction for e in scored + extra])
    # extra rows pull the head along another direction, so a head fitted on them is measurably different
    x[len(scored):] += np.where(np.asarray([e.label for e in extra])[:, None], 2.0, -2.0) * np.roll(direction, 3)
    n = len(scored)
    lin = {"linear": rng.random(n)}
    weights = [1.0] * (n + len(extra))
    meta = {"name": "t"}
    head, cal, name = build_head(x, scored + extra, weights, lin, domains, "b", meta, log=lambda _: None,
                                 n_eval=n)
    assert name == "linear"
    assert set(head.meta["lodo_auc"]) == {"psytar", "en_short"}
    assert set(cal.recall["standard"]) == {"en/psytar", "en/en_short"}
    alone, _, _ = build_head(x[:n], scored, weights[:n], lin, domains[:n], "b", meta, log=lambda _: None)
    probe = x[n:n + 20]
    assert not np.allclose(head.prob(probe), alone.prob(probe), atol=1e-3)
    # without n_eval the extra rows would be scored: the third domain shows up in the choice
    everything, _, _ = build_head(x, scored + extra, weights, {"linear": rng.random(n + len(extra))}, domains,
                                  "b", meta, log=lambda _: None)
    assert "druglib" in everything.meta["lodo_auc"]


def test_psytar_sentences_count_a_withdrawal_reaction_as_an_adverse_event(tmp_path: Path) -> None:
    rows = [("I gained 20 pounds on it", 1, 0), ("brain zaps for weeks after I stopped", 0, 1),
            ("missed a dose: dizzy and nauseous, then it started to work", 1, 1), ("it lifted my mood", 0, 0),
            ('he said "it was fine" for him', 0, 0)]  # a quote is text (PsyTAR's split files are unquoted)
    p = tmp_path / "train.csv"
    p.write_text("sentences\tADR\tWD\tEF\tINF\tSSI\tDI\n" + "".join(
        f"{t}\t{a}\t{w}\t0\t0\t0\t0\n" for t, a, w in rows), encoding="utf-8")
    got = psytar_sentences(p)
    assert [(e.text, e.label) for e in got] == [(t, bool(a or w)) for t, a, w in rows]
    assert all(e.lang == "en" for e in got) and len({e.id for e in got}) == len(rows)


def test_a_text_the_benchmark_scores_never_trains(tmp_path: Path) -> None:
    """PsyTAR and Druglib repeat a few texts across their own splits: the build drops a training row whose text
    the test file holds (whitespace aside), and keeps the rest in order."""
    from classifiers.build_model import _unseen

    test = tmp_path / "test.csv"
    test.write_text("sentences\tADR\tWD\nNo side effects at all.\t0\t0\nI gained weight\t1\t0\n", encoding="utf-8")
    train = [Example("I gained weight ", True, "en", "psytar:1"), Example("it helped", False, "en", "psytar:2"),
             Example("No side effects at all.", False, "en", "psytar:3"), Example("I gained weight fast", True,
                                                                                  "en", "psytar:4")]
    assert [e.id for e in _unseen(train, (test, "tsv"))] == ["psytar:2", "psytar:4"]
