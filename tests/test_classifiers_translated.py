"""Our lay-French translations of PsyTAR's training sentences (issue 12, session 17;
classifiers/data/translated/README.md): each French row takes its source's label and domain, a translation
without its source stops the build, broken files are refused with the fix, and the committed file keeps its
protocol (registers by rule, a second reader's verdict on every row, hashes only)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from classifiers.ae import translated
from classifiers.ae.domains import Domain, domain_of
from classifiers.ae.readers import Example
from classifiers.ae.relabel import digest
from classifiers.ae.translated import COLUMNS, Check, Register, Translation, TranslationMismatch, translated_rows
from pvwatch.errors import PvwatchError

SOURCES = [  # as the build reads PsyTAR: ids tagged with the split, label = ADR or withdrawal
    Example("Gained 10 lbs in two months.", True, "en", "psytar:0"),
    Example("It helped my anxiety a lot.", False, "en", "psytar:1"),
    Example("Brain zaps when I miss a dose.", False, "en", "psytar:2"),  # the train split says no...
    Example("Brain zaps when I miss a dose.", True, "en", "psytar:dev:7"),  # ...the dev split says withdrawal
]
FR = {0: "jai pris 5 kilos en 2 mois", 1: "Ça m'a beaucoup aidé pour mon anxiété.",
      2: "des décharges dans la tête quand j'oublie une prise"}


def t(i: int, text: str | None = None) -> Translation:
    return Translation(digest(SOURCES[i].text), Register.forum, Check.ok, text or FR[i])


def test_french_rows_take_their_source_label_and_stay_in_its_domain() -> None:
    rows = translated_rows(SOURCES, [t(0), t(1), t(2)], "psytar")
    assert [(e.text, e.label, e.lang) for e in rows] == [(FR[0], True, "fr"), (FR[1], False, "fr"),
                                                         (FR[2], True, "fr")]  # AE if any split says so
    assert all(e.id == f"psytar:fr:{digest(s.text)}" for e, s in zip(rows, SOURCES, strict=False))
    # in PsyTAR's domain, so a LODO fold that scores PsyTAR never trains on a translation of it
    assert {domain_of(e, {}) for e in rows} == {Domain.psytar}


def test_a_translation_without_its_source_stops_the_build() -> None:
    stray = Translation(digest("a sentence the corpus no longer has"), Register.sms, Check.fixed, "une phrase")
    with pytest.raises(TranslationMismatch, match="make_psytar_fr.py"):
        translated_rows(SOURCES, [t(0), stray], "psytar")


BROKEN = [  # (file body after the comment line, what the error names)
    ("source_sha1\tregister\tfr\nabc\tforum\tbonjour\n", "columns"),
    ("\t".join(COLUMNS) + "\nabc\tlinkedin\tok\tbonjour\n", "line 2"),
    ("\t".join(COLUMNS) + "\nabc\tforum\tmaybe\tbonjour\n", "line 2"),
    ("\t".join(COLUMNS) + "\nabc\tforum\tok\tbonjour\nabd\tsms\tok\t \n", "line 3: empty French text"),
]


@pytest.mark.parametrize(("body", "names"), BROKEN)
def test_broken_files_are_refused_with_the_fix(tmp_path: Path, body: str, names: str) -> None:
    p = tmp_path / "psytar_fr.tsv"
    p.write_text("# header\n" + body, encoding="utf-8")
    with pytest.raises(PvwatchError, match=names) as err:
        translated.load(p)
    assert "regenerate" in str(err.value)


def test_a_written_file_reads_back(tmp_path: Path) -> None:
    p = tmp_path / "psytar_fr.tsv"
    p.write_text("# header\n" + "\t".join(COLUMNS) + "\n" + f"{digest(SOURCES[0].text)}\tsms\tfixed\t{FR[0]}\n",
                 encoding="utf-8")
    assert translated.load(p) == [Translation(digest(SOURCES[0].text), Register.sms, Check.fixed, FR[0])]


def test_the_committed_file_keeps_its_protocol() -> None:
    header = next(line for line in translated.PSYTAR_FR.read_text(encoding="utf-8").splitlines()
                  if not line.startswith("#"))
    assert tuple(header.split("\t")) == COLUMNS
    rows = translated.load()
    assert len(rows) >= 4500
    assert len({r.source_sha1 for r in rows}) == len(rows)  # one translation per source sentence
    assert all(len(r.source_sha1) == 16 for r in rows)
    share = Counter(r.register for r in rows)
    # registers were assigned by rule before translating: 20 % sms, 20 % short, 60 % forum
    assert abs(share[Register.sms] / len(rows) - 0.2) < 0.02 and abs(share[Register.forum] / len(rows) - 0.6) < 0.02
    # every row was read a second time; the readers fixed some, not most
    fixed = sum(r.check is Check.fixed for r in rows)
    assert 0 < fixed < len(rows) // 4
    # SMS French is written without accents, as the register says
    sms = [r.text for r in rows if r.register is Register.sms]
    assert sum(any(ch in "éèêàçù" for ch in x) for x in sms) < len(sms) * 0.05


@pytest.mark.skipif(not translated.PSYTAR_FR.is_file(), reason="no translation file")
def test_the_build_joins_every_translation_to_a_training_sentence_never_to_a_test_one() -> None:
    from classifiers.build_model import PSYTAR_TEST, SHARED, psytar_training, train_only_data

    if not SHARED.is_dir():
        pytest.skip("../shared/data not present")
    from classifiers.ae.readers import read_corpus

    test = {digest(e.text) for e in read_corpus(*PSYTAR_TEST, lang="en")}
    rows = translated.load()
    assert not {r.source_sha1 for r in rows} & test
    label_of: dict[str, bool] = {}
    for e in psytar_training():
        label_of[digest(e.text)] = label_of.get(digest(e.text), False) or e.label
    french = [e for e in train_only_data(translated=True) if e.id.startswith("psytar:fr:")]
    assert len(french) == len(rows)
    assert all(e.label == label_of[e.id.rpartition(":")[2]] and e.lang == "fr" for e in french)
    assert 0.3 < sum(e.label for e in french) / len(french) < 0.5  # PsyTAR's ADR-or-withdrawal share
    # the session 17 round did not adopt them: the default build trains without them
    assert not [e for e in train_only_data() if e.id.startswith("psytar:fr:")]
