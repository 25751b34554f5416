"""The bundled demo stream and our hand-written labelled sets: shape, label vocabulary, fake-but-valid identifiers."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from collectors.replay import record_to_post

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "pvwatch" / "demo" / "posts.jsonl"
WRITTEN = [REPO / "classifiers" / "data" / "written_fr.jsonl", REPO / "classifiers" / "data" / "written_en.jsonl"]

# The vocabulary documented in pvwatch/demo/README.md.
SPECIAL_SITUATIONS = {
    "pregnancy",
    "breastfeeding",
    "overdose",
    "abuse_misuse",
    "off_label",
    "medication_error",
    "lack_of_efficacy",
    "product_quality",
    "death",
}
PD_TYPES = {
    "PERSON",
    "EMAIL",
    "PHONE",
    "NIR",
    "IBAN",
    "CREDIT_CARD",
    "ADDRESS",
    "POSTCODE",
    "DATE_OF_BIRTH",
    "AGE",
    "HANDLE",
    "PROFILE_URL",
    "IP_ADDRESS",
    "HEALTH",
    "RELIGION",
    "ETHNICITY",
    "SEXUAL_ORIENTATION",
    "POLITICAL_OPINION",
    "TRADE_UNION",
}
PLATFORMS = {"facebook", "instagram", "x", "reddit", "youtube", "chatbot"}
REQUIRED = {"id", "platform", "author", "lang", "created_at", "text", "labels", "invented"}

# Deliberately loose patterns (optional spaces) so a mistyped identifier is still found and then fails its check.
NIR_RE = re.compile(r"\b([12])\s?(\d{2})\s?(\d{2})\s?(\d{2}|2[AB])\s?(\d{3})\s?(\d{3})\s?(\d{2})\b")
IBAN_RE = re.compile(r"\bFR\d{2}(?:\s?[0-9A-Z]{4}){5}\s?[0-9A-Z]{3}\b")
CARD_RE = re.compile(r"\b(?:\d{4}[ -]?){3}\d{4}\b")


def _load(path: Path) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{n} is blank"
        row = json.loads(line)
        assert isinstance(row, dict), f"{path.name}:{n} is not an object"
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def demo() -> list[dict[str, Any]]:
    return _load(DEMO)


def nir_valid(m: re.Match[str]) -> bool:
    """French NIR key: 97 - (13-digit number mod 97); Corsica 2A/2B count as 19/18."""
    body = "".join(m.groups()[:6]).replace("2A", "19").replace("2B", "18")
    return 97 - int(body) % 97 == int(m.group(7))


def iban_valid(iban: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to numbers, mod 97 == 1."""
    s = iban.replace(" ", "")
    rearranged = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def luhn_valid(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()][::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
    return total % 10 == 0


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("1 85 05 78 006 084 91", True),
        ("1 85 05 78 006 084 36", False),  # key off by a few: must be caught
        ("1 72 03 2A 004 117 85", True),  # Corsica
        ("1 72 03 2B 004 117 85", False),
    ],
)
def test_nir_checker_itself(text: str, ok: bool) -> None:
    m = NIR_RE.search(text)
    assert m is not None
    assert nir_valid(m) is ok


@pytest.mark.parametrize(
    ("text", "ok"),
    [("FR76 3000 6000 0112 3456 7890 189", True), ("FR76 3000 6000 0112 3456 7890 188", False)],
)
def test_iban_checker_itself(text: str, ok: bool) -> None:
    assert iban_valid(text) is ok


def test_demo_size_ids_and_languages(demo: list[dict[str, Any]]) -> None:
    assert len(demo) >= 300
    ids = [r["id"] for r in demo]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert all(re.fullmatch(r"demo-\d{4}", i) for i in ids)
    for lang in ("fr", "en"):
        share = sum(r["lang"] == lang for r in demo) / len(demo)
        assert share >= 0.40, f"{lang} is only {share:.0%} of the demo"


def test_demo_records_have_the_documented_shape(demo: list[dict[str, Any]]) -> None:
    ids = {r["id"] for r in demo}
    for r in demo:
        where = r.get("id")
        assert r.keys() >= REQUIRED, f"{where}: missing {REQUIRED - r.keys()}"
        assert r["invented"] is True, f"{where}: not marked invented"
        assert r["platform"] in PLATFORMS, where
        assert r["lang"] in ("fr", "en"), where
        assert isinstance(r["text"], str) and r["text"].strip(), where
        created = datetime.fromisoformat(r["created_at"].replace("Z", "+00:00"))
        assert created.tzinfo is not None and created.year == 2026 and created.month == 11, where
        if "url" in r:
            assert r["url"].startswith("https://example.com/"), where
        for key in ("thread_id", "parent_id"):
            if key in r:
                assert r[key] in ids, f"{where}: {key} {r[key]} does not exist"
        if "parent_id" in r:
            assert "thread_id" in r, f"{where}: a reply needs its thread_id"


def test_replies_come_after_their_parent(demo: list[dict[str, Any]]) -> None:
    by_id = {r["id"]: r for r in demo}
    replies = [r for r in demo if "parent_id" in r]
    assert len(replies) >= 20, "the demo should contain threads"
    for r in replies:
        assert r["created_at"] > by_id[r["parent_id"]]["created_at"], r["id"]


def test_demo_labels_use_only_documented_names(demo: list[dict[str, Any]]) -> None:
    for r in demo:
        lab = r["labels"]
        assert set(lab) == {"adverse_event", "special_situations", "serious", "personal_data"}, r["id"]
        assert isinstance(lab["adverse_event"], bool) and isinstance(lab["serious"], bool), r["id"]
        assert set(lab["special_situations"]) <= SPECIAL_SITUATIONS, r["id"]
        assert set(lab["personal_data"]) <= PD_TYPES, r["id"]
        # Seriousness is a property of an adverse event.
        assert not lab["serious"] or lab["adverse_event"], r["id"]


def test_demo_covers_every_label(demo: list[dict[str, Any]]) -> None:
    ae = sum(r["labels"]["adverse_event"] for r in demo) / len(demo)
    assert 0.2 <= ae <= 0.45, f"adverse-event share {ae:.0%}"
    seen_ss = {s for r in demo for s in r["labels"]["special_situations"]}
    assert seen_ss == SPECIAL_SITUATIONS
    seen_pd = {p for r in demo for p in r["labels"]["personal_data"]}
    assert {"PERSON", "EMAIL", "PHONE", "NIR", "IBAN", "ADDRESS", "HEALTH"} <= seen_pd
    assert any(r["labels"]["adverse_event"] and r["labels"]["personal_data"] for r in demo)


def test_every_identifier_in_the_demo_has_a_valid_key(demo: list[dict[str, Any]]) -> None:
    nirs = ibans = 0
    for r in demo:
        for m in NIR_RE.finditer(r["text"]):
            nirs += 1
            assert nir_valid(m), f"{r['id']}: NIR {m.group(0)} has a wrong key"
        for m in IBAN_RE.finditer(r["text"]):
            ibans += 1
            assert iban_valid(m.group(0)), f"{r['id']}: IBAN {m.group(0)} has a wrong checksum"
        # IBAN digit groups look like card numbers: blank the IBANs out before looking for cards.
        for m in CARD_RE.finditer(IBAN_RE.sub(" ", r["text"])):
            assert luhn_valid(m.group(0)), f"{r['id']}: card number {m.group(0)} fails Luhn"
        labels = r["labels"]["personal_data"]
        if "NIR" in labels:
            assert NIR_RE.search(r["text"]), f"{r['id']}: labelled NIR but none found"
        if "IBAN" in labels:
            assert IBAN_RE.search(r["text"]), f"{r['id']}: labelled IBAN but none found"
    assert nirs >= 3 and ibans >= 2


def test_demo_records_load_through_the_replay_collector(demo: list[dict[str, Any]]) -> None:
    posts = [record_to_post(r, default_platform="demo", source="demo") for r in demo]
    assert {p.key for p in posts} == {f"{r['platform']}:{r['id']}" for r in demo}
    assert all(p.lang in ("fr", "en") and p.created_at is not None for p in posts)


@pytest.mark.parametrize("path", WRITTEN, ids=lambda p: p.name)
def test_written_sets(path: Path, demo: list[dict[str, Any]]) -> None:
    rows = _load(path)
    lang = path.stem.rsplit("_", 1)[1]
    assert len(rows) >= 200
    texts = [r["text"] for r in rows]
    assert len({t.lower() for t in texts}) == len(texts), "duplicate sentences"
    demo_texts = {r["text"].lower() for r in demo}
    for r in rows:
        assert set(r) == {"text", "lang", "adverse_event", "special_situations"}, r
        assert r["lang"] == lang and isinstance(r["adverse_event"], bool), r
        assert set(r["special_situations"]) <= SPECIAL_SITUATIONS, r
        assert r["text"].lower() not in demo_texts, f"also in the demo: {r['text']}"
    share = sum(r["adverse_event"] for r in rows) / len(rows)
    assert 0.3 <= share <= 0.5, f"positive share {share:.0%}"
