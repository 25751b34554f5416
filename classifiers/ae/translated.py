"""Our French translations of real English training sentences (PsyTAR, CC BY 4.0: classifiers/data/translated/).
A translation file holds, per row, a hash of the English sentence, the register it was written in, the second
reader's verdict and our French text, never the English sentence: the corpus stays outside the repository. Each
French row takes its source sentence's label at build time, so a label fix in the reader carries over, and a hash
no longer found in the corpus stops the build (a changed corpus cannot silently keep old translations)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from classifiers.ae.readers import Example
from classifiers.ae.relabel import digest
from pvwatch.errors import PvwatchError

TRANSLATED_DIR = Path(__file__).resolve().parents[1] / "data" / "translated"
PSYTAR_FR = TRANSLATED_DIR / "psytar_fr.tsv"
COLUMNS = ("source_sha1", "register", "check", "fr")


class Register(StrEnum):
    """How a French patient would write the sentence (assigned by rule before translation: README.md)."""

    forum = "forum"  # informal forum French (Doctissimo style)
    short = "short"  # a tweet or a comment
    sms = "sms"  # texting French: no accents, abbreviations


class Check(StrEnum):
    """The second reader's verdict on the (English, French) pair."""

    ok = "ok"
    fixed = "fixed"  # the second reader corrected a meaning error; the file holds the corrected text


class TranslationMismatch(PvwatchError):
    """A translation's source sentence is not in the corpus the build reads."""


@dataclass(frozen=True)
class Translation:
    source_sha1: str  # relabel.digest of the English sentence (stripped)
    register: Register
    check: Check
    text: str


def load(path: Path = PSYTAR_FR) -> list[Translation]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t",
                                   quoting=csv.QUOTE_NONE))
    if rows and tuple(rows[0]) != COLUMNS:
        raise PvwatchError(f"{path}: columns {tuple(rows[0])}, expected {COLUMNS}; regenerate the file with "
                           f"scripts/make_psytar_fr.py")
    out = []
    for i, r in enumerate(rows, start=2):
        try:
            out.append(Translation(r["source_sha1"], Register(r["register"]), Check(r["check"]), r["fr"].strip()))
        except ValueError as exc:
            raise PvwatchError(f"{path}, line {i}: {exc}; regenerate the file with scripts/make_psytar_fr.py") from exc
        if not out[-1].text:
            raise PvwatchError(f"{path}, line {i}: empty French text; regenerate the file")
    return out


def translated_rows(sources: Iterable[Example], translations: list[Translation], source: str) -> list[Example]:
    """One French example per translation, with the label of the source sentence it translates. `sources` are
    the corpus's training examples as the build reads them (test sentences already removed); ids are
    `<source>:fr:<hash>`, so the rows keep their source's domain."""
    label_of: dict[str, bool] = {}
    for e in sources:
        h = digest(e.text)
        label_of[h] = label_of.get(h, False) or e.label  # a sentence repeated across splits: AE if any says so
    missing = [t.source_sha1 for t in translations if t.source_sha1 not in label_of]
    if missing:
        raise TranslationMismatch(
            f"{len(missing)} translations have no source sentence in the {source} training data the build reads "
            f"(e.g. {missing[:3]}): the corpus changed, or a test sentence was translated. Regenerate "
            f"{PSYTAR_FR.name} with scripts/make_psytar_fr.py against the corpus you build from.")
    return [Example(t.text, label_of[t.source_sha1], "fr", f"{source}:fr:{t.source_sha1}") for t in translations]
