"""Our read labels of Druglib side-effect texts (issue 12, session 16; classifiers/data/relabel/README.md): the
field rows and the "No Side Effects" reviews take them, a changed corpus stops the build, and the committed file
keeps its own protocol (two passes, disagreements adjudicated)."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.ae import relabel
from classifiers.ae.readers import Example, druglib_field_views, read_corpus
from classifiers.ae.relabel import COLUMNS, Relabel, RelabelMismatch, digest, relabel_reviews, relabel_sides
from classifiers.build_model import DRUGLIB_TRAIN

HEADER = "\t".join(["", "urlDrugName", "rating", "effectiveness", "sideEffects", "condition", "benefitsReview",
                    "sideEffectsReview", "commentsReview"])
REVIEWS = [  # (rating, side-effect text, our label of that text)
    ("No Side Effects", "none while on it, horrible dizziness coming off it", True),
    ("No Side Effects", "none that I ever noticed", False),
    ("Mild Side Effects", "None. I had regular liver tests, all fine", False),
    ("Moderate Side Effects", "dry mouth and some weight gain", True),
]


def druglib(tmp_path: Path) -> Path:
    p = tmp_path / "drugLibTrain_raw.tsv"
    lines = [HEADER] + [f"{100 + i}\tdrug\t5\tHighly Effective\t{rating}\tcond\tit worked for my back\t{side}\tok"
                        for i, (rating, side, _) in enumerate(REVIEWS)]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def labels_for(p: Path) -> list[Relabel]:
    reviews = read_corpus(p, "druglib")
    sides = [e for e in druglib_field_views(p) if e.id.startswith("side:")]
    return [Relabel(i, reviews[i].id, digest(sides[i].text), digest(reviews[i].text), rating != "No Side Effects",
                    ours, ours, ours) for i, (rating, _, ours) in enumerate(REVIEWS)]


def tagged(examples: list[Example]) -> list[Example]:
    return [Example(e.text, e.label, e.lang, f"druglib:{e.id}") for e in examples]


def test_side_effect_rows_take_our_label_and_other_rows_keep_theirs(tmp_path: Path) -> None:
    p = druglib(tmp_path)
    rows = tagged(druglib_field_views(p))
    got = relabel_sides(rows, labels_for(p))
    assert [(e.id, e.label) for e in got] == [
        ("druglib:benefits:0", False), ("druglib:side:0", True),  # "No Side Effects" but a withdrawal reaction
        ("druglib:benefits:1", False), ("druglib:side:1", False),
        ("druglib:benefits:2", False), ("druglib:side:2", False),  # "Mild" rating, but the text is a denial
        ("druglib:benefits:3", False), ("druglib:side:3", True)]
    assert [e.text for e in got] == [e.text for e in rows]
    # the rating's labels, for contrast: the two relabelled rows were wrong for their text
    assert [e.label for e in rows if "side" in e.id] == [False, False, True, True]


def test_only_no_side_effects_reviews_reporting_a_reaction_change(tmp_path: Path) -> None:
    p = druglib(tmp_path)
    reviews = tagged(read_corpus(p, "druglib"))
    got = relabel_reviews(reviews, labels_for(p))
    # review 0 flips to AE; review 2 keeps its rating (the reviewer says they had a reaction); the rest unchanged
    assert [(e.id, e.label) for e in reviews] == [("druglib:100", False), ("druglib:101", False),
                                                  ("druglib:102", True), ("druglib:103", True)]
    assert [e.label for e in got] == [True, False, True, True]


@pytest.mark.parametrize("which", ["side", "review"])
def test_a_changed_corpus_stops_the_build(tmp_path: Path, which: str) -> None:
    p = druglib(tmp_path)
    labels = labels_for(p)
    edited = p.read_text(encoding="utf-8").replace("horrible dizziness", "mild dizziness")
    p.write_text(edited, encoding="utf-8")
    with pytest.raises(RelabelMismatch, match="relabel it again"):
        if which == "side":
            relabel_sides(tagged(druglib_field_views(p)), labels)
        else:
            relabel_reviews(tagged(read_corpus(p, "druglib")), labels)


def test_the_committed_file_keeps_its_protocol() -> None:
    header = next(line for line in relabel.DRUGLIB_SIDE.read_text(encoding="utf-8").splitlines()
                  if not line.startswith("#"))
    assert tuple(header.split("\t")) == COLUMNS
    rows = relabel.load()
    assert len(rows) >= 800
    assert len({r.row for r in rows}) == len(rows) and len({r.review for r in rows}) == len(rows)
    assert all(len(r.side_sha1) == 16 and len(r.review_sha1) == 16 for r in rows)
    # where the two blind passes agree, that is the label; the lead adjudicated only disagreements
    assert all(r.label == r.label_a for r in rows if r.label_a == r.label_b)
    disagreements = sum(r.label_a != r.label_b for r in rows)
    assert 0 < disagreements < len(rows) // 4
    # both kinds of noise the round exists for are present
    assert any(r.label and not r.rating_ae for r in rows) and any(r.rating_ae and not r.label for r in rows)


@pytest.mark.skipif(not DRUGLIB_TRAIN.is_file(), reason="../shared/data not present")
def test_the_build_applies_the_committed_labels_to_the_real_file() -> None:
    """Every hash matches the Druglib training file (else RelabelMismatch), and exactly the rows whose label
    differs from the rating change: the side-effect rows both ways, the reviews only to AE."""
    from classifiers.build_model import default_training_data, train_only_data

    labels = relabel.load()
    changed_sides = {r.row for r in labels if r.label != r.rating_ae}
    before, after = train_only_data(relabel=False, translated=False), train_only_data(translated=False)
    assert [(e.id, e.text) for e in before] == [(e.id, e.text) for e in after]
    diff = {int(a.id.rpartition(":")[2]) for a, b in zip(before, after, strict=True) if a.label != b.label}
    assert diff and diff <= changed_sides and len(diff) >= len(changed_sides) - 5  # a few texts the test repeats
    assert all(b.id.split(":")[1] == "side" for a, b in zip(before, after, strict=True) if a.label != b.label)
    reviews = [e for e in default_training_data(relabel=False) if e.id.startswith("druglib:")]
    flipped = [e for e in default_training_data(relabel=True) if e.id.startswith("druglib:")]
    changed = [(a.label, b.label) for a, b in zip(reviews, flipped, strict=True) if a.label != b.label]
    assert changed and set(changed) == {(False, True)}
    assert len(changed) <= sum(r.label and not r.rating_ae for r in labels)
