"""Corpus readers read a table as its format is written (session 22): SMM4H's tab-separated files are unquoted
(a quote is part of the tweet), PsyTAR's are tab-separated with CSV quoting (a quoted sentence may hold doubled
quotes and span lines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.ae.readers import CorpusError, psytar_sentences, read_corpus

PSYTAR = ('sentences\tADR\tWD\tEF\tINF\tSSI\tDI\n'
          '"I still feel like ""myself"" but less irritable."\t0\t0\t1\t0\t1\t1\n'
          '"It made me a ""zombie"",\nthen I quit."\t1\t0\t0\t0\t0\t0\n'
          'Brain zaps when I miss a dose.\t0\t1\t0\t0\t0\t0\n')
SMM4H = ('tweet_id\tuser_id\tclass\ttweet\n'
         '1\tu\t0\t"quoted" start, and ""two"" inside\n'
         '2\tu\t1\tthis "drug" made me dizzy\n')


@pytest.mark.parametrize(("body", "fmt", "texts", "labels"), [
    (PSYTAR, "tsv-quoted", ['I still feel like "myself" but less irritable.', 'It made me a "zombie",\nthen I quit.',
                            "Brain zaps when I miss a dose."], [False, True, False]),
    (PSYTAR, "auto", ['I still feel like "myself" but less irritable.', 'It made me a "zombie",\nthen I quit.',
                      "Brain zaps when I miss a dose."], [False, True, False]),
    (SMM4H, "tsv", ['"quoted" start, and ""two"" inside', 'this "drug" made me dizzy'], [False, True]),
    (SMM4H, "auto", ['"quoted" start, and ""two"" inside', 'this "drug" made me dizzy'], [False, True]),
])
def test_each_table_reads_as_written(tmp_path: Path, body: str, fmt: str, texts: list[str],
                                     labels: list[bool]) -> None:
    p = tmp_path / "corpus.csv"
    p.write_text(body, encoding="utf-8")
    got = read_corpus(p, fmt)
    assert [e.text for e in got] == texts and [e.label for e in got] == labels


def test_psytar_sentences_read_quoted_and_count_withdrawal(tmp_path: Path) -> None:
    p = tmp_path / "train.csv"
    p.write_text(PSYTAR, encoding="utf-8")
    got = psytar_sentences(p)
    assert len(got) == 3 and [e.label for e in got] == [False, True, True]  # the last one: withdrawal
    assert got[0].text.startswith("I still") and '""' not in got[0].text


def test_an_unknown_format_names_the_ones_there_are(tmp_path: Path) -> None:
    p = tmp_path / "x.tsv"
    p.write_text(SMM4H, encoding="utf-8")
    with pytest.raises(CorpusError, match="tsv-quoted"):
        read_corpus(p, "psv")
