"""The selection domains (classifiers/ae/domains.py): which LODO domain a training row belongs to, read from the
authored files' platform field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifiers.ae.domains import Domain, authored_platforms, authored_records, domain_of, file_records
from classifiers.ae.readers import Example


def _write(path: Path, recs: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs) + "\n", encoding="utf-8")


def test_records_are_read_per_file_and_per_folder(tmp_path: Path) -> None:
    _write(tmp_path / "fr" / "a.jsonl", [{"id": "fr-1", "platform": "x", "cell": "ae.sarcasm"},
                                         {"id": "fr-2", "platform": "chatbot", "cell": "neg.chatbot"}])
    _write(tmp_path / "en" / "b.jsonl", [{"id": "en-1", "platform": "reddit", "cell": "neg.negated"}])
    (tmp_path / "en" / "notes.tsv").write_text("en-1\ttrue\n", encoding="utf-8")  # not a corpus file
    assert set(file_records(tmp_path / "fr" / "a.jsonl")) == {"fr-1", "fr-2"}
    recs = authored_records(tmp_path)
    assert set(recs) == {"fr-1", "fr-2", "en-1"} and recs["fr-1"]["cell"] == "ae.sarcasm"
    assert authored_platforms(tmp_path) == {"fr-1": "x", "fr-2": "chatbot", "en-1": "reddit"}


@pytest.mark.parametrize(("ident", "lang", "platform", "domain"), [
    ("fr-1", "fr", "x", Domain.fr_short),
    ("fr-2", "fr", "chatbot", Domain.fr_short),
    ("fr-3", "fr", "forum", Domain.fr_forum),
    ("fr-4", "fr", "literature", Domain.fr_literature),
    ("en-1", "en", "reddit", Domain.en_forum),
    ("en-2", "en", "review", Domain.en_forum),
    ("en-3", "en", "youtube", Domain.en_short),
    ("en-4", "en", "literature", Domain.en_literature),
    ("written:7", "en", None, Domain.en_short),  # written data and demo posts have no platform: short posts
    ("psytar:12", "en", None, Domain.psytar),
    ("druglib:3", "en", None, Domain.druglib),
])
def test_domain_of(ident: str, lang: str, platform: str | None, domain: Domain) -> None:
    platforms = {ident: platform} if platform else {}
    assert domain_of(Example("un texte", True, lang, ident), platforms) is domain
