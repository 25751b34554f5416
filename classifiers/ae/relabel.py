"""Our own labels for rows of a real training corpus whose label is wrong for the text we train on (Druglib's
side-effect rating read against the side-effect text alone: classifiers/data/relabel/README.md). A relabel file
holds, per row, its position, hashes of the texts and our label, never the text: the corpus stays outside the
repository. A hash that no longer matches stops the build, so a changed corpus cannot silently take old labels."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from classifiers.ae.readers import Example
from pvwatch.errors import PvwatchError

RELABEL_DIR = Path(__file__).resolve().parents[1] / "data" / "relabel"
DRUGLIB_SIDE = RELABEL_DIR / "druglib_train_side.tsv"
COLUMNS = ("row", "review", "side_sha1", "review_sha1", "rating_ae", "label_a", "label_b", "label")


class RelabelMismatch(PvwatchError):
    """A relabelled row's text is not the one that was read when it was labelled."""


def digest(text: str) -> str:
    return hashlib.sha1(text.strip().encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


@dataclass(frozen=True)
class Relabel:
    row: int  # DictReader position in the Druglib file: the N of the field rows' `side:N` ids
    review: str  # the review's own id (the file's unnamed first column), the id of the whole-review row
    side_sha1: str
    review_sha1: str
    rating_ae: bool  # the label the reviewer's rating gives
    label_a: bool
    label_b: bool
    label: bool  # ours: both passes, disagreements adjudicated by reading


def load(path: Path = DRUGLIB_SIDE) -> list[Relabel]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))
    if rows and tuple(rows[0]) != COLUMNS:
        raise PvwatchError(f"{path}: columns {tuple(rows[0])}, expected {COLUMNS}; regenerate the file")
    return [Relabel(int(r["row"]), r["review"], r["side_sha1"], r["review_sha1"], r["rating_ae"] == "1",
                    r["label_a"] == "1", r["label_b"] == "1", r["label"] == "1") for r in rows]


def relabel_sides(examples: Iterable[Example], labels: list[Relabel]) -> list[Example]:
    """Side-effect field rows (ids ending `side:N`) take our label where we have one."""
    by_row = {r.row: r for r in labels}
    out = []
    for e in examples:
        kind, _, n = e.id.rpartition(":")
        r = by_row.get(int(n)) if kind.endswith("side") and n.isdigit() else None
        if r is not None:
            _check(r.side_sha1, e, "side-effect text")
            e = Example(e.text, r.label, e.lang, e.id)
        out.append(e)
    return out


def relabel_reviews(examples: Iterable[Example], labels: list[Relabel]) -> list[Example]:
    """A whole review rated "No Side Effects" whose side-effect text reports a reaction becomes an adverse event.
    Reviews under a positive rating keep it: the reviewer says they had one, even where the box says "none"."""
    flip = {r.review: r for r in labels if r.label and not r.rating_ae}
    out = []
    for e in examples:
        r = flip.get(e.id.rpartition(":")[2])
        if r is not None:
            _check(r.review_sha1, e, "review")
            e = Example(e.text, True, e.lang, e.id)
        out.append(e)
    return out


def _check(expected: str, e: Example, what: str) -> None:
    if digest(e.text) != expected:
        raise RelabelMismatch(f"{e.id}: the {what} read now is not the one relabelled (hash {digest(e.text)}, "
                              f"expected {expected}); the Druglib file changed: relabel it again "
                              f"(classifiers/data/relabel/README.md)")
