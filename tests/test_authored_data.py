"""The authored AE corpus (classifiers/data/authored/<lang>/*.jsonl) follows /work/coord's shared schema.

Schema valid line by line, ids unique and well formed, at least 3,000 distinct posts per language, and every
labelled drug and reaction written verbatim in its post (so evidence spans can be checked against the text).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

AUTHORED = Path(__file__).resolve().parents[1] / "classifiers" / "data" / "authored"
LANGS = ("fr", "en")
PLATFORMS = {"x", "facebook", "instagram", "youtube", "reddit", "forum", "chatbot", "review", "literature"}
REGISTERS = {"standard", "sms", "typo", "formal", "slang", "codeswitch"}
SITUATIONS = {"pregnancy", "breastfeeding", "overdose", "abuse_misuse", "off_label", "medication_error",
              "lack_of_efficacy", "product_quality", "death"}
SERIOUSNESS = {"death", "life_threatening", "hospitalisation", "disability", "congenital_anomaly"}
FIELDS = {"id", "lang", "platform", "register", "cell", "text", "adverse_event", "special_situations", "serious",
          "seriousness", "drugs", "reactions", "check"}
MIN_DISTINCT = 3000


def records(lang: str) -> list[tuple[str, dict]]:
    out = []
    for p in sorted((AUTHORED / lang).glob("*.jsonl")):
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                out.append((f"{p.name}:{n}", json.loads(line)))
    return out


def schema_problems(where: str, r: dict, lang: str) -> list[str]:
    bad = []
    if set(r) != FIELDS:
        bad.append(f"{where}: fields {sorted(set(r) ^ FIELDS)} differ from the schema")
        return bad
    if not re.fullmatch(rf"{lang}-\d{{5}}", r["id"]) or r["lang"] != lang:
        bad.append(f"{where}: id {r['id']!r} / lang {r['lang']!r}")
    if r["platform"] not in PLATFORMS or r["register"] not in REGISTERS:
        bad.append(f"{where}: platform {r['platform']!r} / register {r['register']!r}")
    prefix = "ae." if r["adverse_event"] is True else "neg."
    if not isinstance(r["adverse_event"], bool) or not str(r["cell"]).startswith(prefix):
        bad.append(f"{where}: cell {r['cell']!r} does not match adverse_event {r['adverse_event']!r}")
    if not isinstance(r["text"], str) or not r["text"].strip():
        bad.append(f"{where}: empty text")
    if not set(r["special_situations"]) <= SITUATIONS or not set(r["seriousness"]) <= SERIOUSNESS:
        bad.append(f"{where}: unknown situation/seriousness {r['special_situations']} {r['seriousness']}")
    if not isinstance(r["serious"], bool) or (r["serious"] and not r["seriousness"]):
        bad.append(f"{where}: serious={r['serious']!r} with seriousness {r['seriousness']}")
    if not (r["check"] == "agree" or str(r["check"]).startswith("fixed:")):
        bad.append(f"{where}: check {r['check']!r}")
    for key in ("drugs", "reactions"):
        bad += [f"{where}: {key[:-1]} {x!r} not verbatim in the text" for x in r[key] if x not in r["text"]]
    return bad


@pytest.mark.parametrize("lang", LANGS)
def test_schema_and_verbatim_spans(lang: str) -> None:
    recs = records(lang)
    assert recs, f"no authored {lang} posts under {AUTHORED / lang}"
    problems = [p for where, r in recs for p in schema_problems(where, r, lang)]
    assert not problems, "\n".join(problems[:30]) + f"\n({len(problems)} problems)"


@pytest.mark.parametrize("lang", LANGS)
def test_ids_unique_and_enough_distinct_posts(lang: str) -> None:
    recs = records(lang)
    ids = [r["id"] for _, r in recs]
    dup = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) != len(ids) else []
    assert not dup, f"duplicate ids: {dup[:20]}"
    distinct = {" ".join(r["text"].split()).lower() for _, r in recs}
    assert len(distinct) >= MIN_DISTINCT, f"{lang}: {len(distinct)} distinct posts, issue 12 asks >= {MIN_DISTINCT}"
    assert {r["adverse_event"] for _, r in recs} == {True, False}


def test_schema_check_catches_a_bad_record() -> None:
    good = {"id": "fr-00001", "lang": "fr", "platform": "x", "register": "sms", "cell": "ae.first_person",
            "text": "la venlafaxine me donne des nausées", "adverse_event": True, "special_situations": [],
            "serious": False, "seriousness": [], "drugs": ["venlafaxine"], "reactions": ["nausées"],
            "check": "agree"}
    assert schema_problems("x", good, "fr") == []
    bad = {**good, "reactions": ["nausees"], "cell": "neg.question", "id": "fr-1"}
    assert len(schema_problems("x", bad, "fr")) == 3
