"""Issue 16, one-post start-up: spaCy imported without its command line, stale lexicon caches deleted. Each is
compared with what it replaces (timings: scripts/bench_cli.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from classifiers.ae import lexicon_cache
from classifiers.ae.matching import TermMatcher
from classifiers.ae.products import product_entries
from classifiers.ae.reactions import reaction_entries
from classifiers.ae.text import fold_aligned, tokenizer
from pvwatch.config import parse_config
from tests.test_cli_speed import _texts

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PVWATCH_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _fresh(code: str) -> object:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_spacy_is_imported_without_its_command_line_which_still_loads_on_use() -> None:
    got = _fresh(
        "import json, sys\n"
        "from classifiers.heavy import import_without_torch\n"
        "import_without_torch('spacy.matcher')\n"
        "before = sorted(m for m in sys.modules if m.startswith('spacy.cli') or m in ('weasel', 'requests'))\n"
        "import spacy\n"
        "ours = spacy.info(silent=True)\n"
        "download = spacy.cli.download\n"  # as Presidio calls it, without importing spacy.cli itself
        "from spacy.cli.info import info\n"
        "print(json.dumps({'before': before, 'same_info': ours == info(silent=True),"
        " 'real_cli': 'weasel' in sys.modules and download is sys.modules['spacy.cli.download'].download,"
        " 'info_module': info.__module__, 'keys': sorted(ours)}))\n")
    assert got == {"before": [], "same_info": True, "real_cli": True, "info_module": "spacy.cli.info",
                   "keys": got["keys"]}
    assert "spacy_version" in got["keys"]  # type: ignore[index]


def test_spacy_imported_first_the_usual_way_is_left_alone() -> None:
    got = _fresh(
        "import json, sys\n"
        "import spacy\n"
        "from classifiers.heavy import import_without_torch\n"
        "import_without_torch('spacy.matcher')\n"
        "print(json.dumps([spacy.info.__module__, 'spacy.cli' in sys.modules]))\n")
    assert got == ["spacy.cli.info", True]


def _phrase_matcher_find(lang: str, entries: list[tuple[str, str, str]]) -> Any:
    """TermMatcher.find as it was: a spaCy PhraseMatcher built from the entries at every start."""
    from spacy.matcher import PhraseMatcher
    from spacy.util import filter_spans

    nlp = tokenizer(lang)
    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    info: dict[int, tuple[str, str]] = {}
    kept = [(folded, canonical, label) for term, canonical, label in entries
            if len(folded := fold_aligned(term.lstrip("#")).strip()) >= 2]
    by_key: dict[tuple[str, str], list[Any]] = {}
    for folded, canonical, label in kept:
        by_key.setdefault((canonical, label), []).append(nlp.make_doc(folded))
    for i, ((canonical, label), docs) in enumerate(sorted(by_key.items())):
        matcher.add(f"{label}:{i}", docs)
        info[nlp.vocab.strings[f"{label}:{i}"]] = (label, canonical)

    def find(doc: Any) -> list[tuple[int, int, str, str, int, int]]:
        spans = []
        for match_id, start, end in matcher(doc):
            label, canonical = info[match_id]
            span = doc[start:end]
            span.label_, span.kb_id_ = label, canonical
            spans.append(span)
        spans.sort(key=lambda sp: sp.label_ == "reaction" and fold_aligned(sp.kb_id_) == sp.text)
        return [(s.start_char, s.end_char, s.label_, s.kb_id_, s.start, s.end) for s in filter_spans(spans)]

    return nlp, find, len(by_key)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_token_trie_finds_what_the_phrase_matcher_found(lang: str, cache: Path) -> None:
    products = parse_config({}).products
    entries = [*product_entries(products, lang), *reaction_entries(lang)]
    # ties made on purpose: one term under several entries, where the order alone picks the one kept
    entries += [("Zorbex", f"Zorbex {c}", label) for c in "CAB" for label in ("drug", "product", "reaction")]
    entries += [(t, f"ties {i}", "reaction") for i, t in enumerate(["palpitations", "nausées", "nausea", "tête"])]
    nlp, reference, n_keys = _phrase_matcher_find(lang, entries)
    cold = TermMatcher(lang, entries)  # tokenises, builds the PhraseMatcher once for the order, writes the cache
    assert len(list(cache.glob(f"lexicon-{lang}-*.msgpack"))) == 1
    warm = TermMatcher(lang, entries)  # from the cache alone
    assert len(cold) == len(warm) == n_keys > 500
    # entries sharing a token sequence, whose order decides which one a tie keeps
    assert sum(1 for node in _terminals(warm.trie) if len(node) > 1) >= 5
    texts = [*_texts(), "Zorbex m'a donné des palpitations", "zorbex, nausea, tête"]
    texts += [" ".join(texts[i:i + 40]) for i in range(0, len(texts), 40)]  # terms side by side, overlapping
    found = 0
    for text in texts:
        doc = nlp.make_doc(fold_aligned(text))
        want = reference(doc)
        assert cold.find(doc) == want == warm.find(doc), text
        found += len(want)
    assert found > 1000


def _terminals(node: dict[str, Any]) -> Iterator[list[Any]]:
    for key, child in node.items():
        if key == "":
            yield child
        else:
            yield from _terminals(child)


def test_a_new_term_set_deletes_stale_lexicon_files_and_only_ours(cache: Path) -> None:
    cache.mkdir(parents=True)
    old = [cache / f"lexicon-fr-{i:020x}.msgpack" for i in range(lexicon_cache.KEEP + 2)]
    for age, path in enumerate(old):
        path.write_bytes(b"old")
        os.utime(path, (1_000_000 - age, 1_000_000 - age))  # old[0] the most recently used
    others = [cache / "lexicon-en-00000000000000000000.msgpack", cache / "lexicon-fr-notours.msgpack",
              cache / "notes.txt", cache / "lexicon-fr-00000000000000000009.msgpack.tmp"]
    for path in others:
        path.write_bytes(b"keep")
    TermMatcher("fr", [("Doliprane", "Doliprane", "drug"), ("maux de tête", "maux de tête", "reaction")])
    new = [p for p in cache.glob("lexicon-fr-*.msgpack") if p not in old and p not in others]
    assert len(new) == 1
    assert [p.exists() for p in old] == [True] * (lexicon_cache.KEEP - 1) + [False] * 3
    assert all(p.read_bytes() == b"keep" for p in others)
    # reading a file marks it used: it outlives files written after it
    os.utime(new[0], (1, 1))
    TermMatcher("fr", [("Doliprane", "Doliprane", "drug"), ("maux de tête", "maux de tête", "reaction")])
    assert new[0].stat().st_mtime > 1_000_000
    removed = lexicon_cache.delete_stale("fr", keep=cache / "lexicon-fr-ffffffffffffffffffff.msgpack")
    assert new[0].exists() and len(removed) == 1


PD_POSTS = [
    "Je suis Marie Dupont, 12 rue du Docteur Gachet 75012 Paris, tél 06 12 34 56 78, marie.dupont@example.fr",
    "Mon NIR 2 84 05 75 112 123 45 et mon IBAN FR76 3000 6000 0112 3456 7890 189, né le 03/04/1984",
    "My name is John Smith, I live at 221B Baker Street, call me on +44 20 7946 0958, card 4111 1111 1111 1111",
    "Ma fille est diabétique, je suis musulmane et syndiquée à la CGT; je vis en Belgique, apt 4",
    "12 RUE DE LA PAIX, séropositif depuis 2019, sécu 1 85 12 13 055 123 99",
]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_recognizers_compile_their_patterns_when_first_used_and_find_the_same(lang: str) -> None:
    from classifiers.personal_data import registry

    def scan_all(recognizers: list[Any], text: str) -> list[tuple[str, int, int, float]]:
        return [(x.entity_type, x.start, x.end, x.score) for r in recognizers for x in r.scan(text)]

    lazy, eager = registry.build(lang), registry.build(lang)
    for r in eager:  # compiled at start, as before
        (r._compiled, r._lower_compiled, r._merged)
    compiled = [type(r).__name__ for r in lazy if any(k in vars(r) for k in ("_compiled", "_lower_compiled"))]
    assert compiled == ["PvAddressRecognizer"]  # its load() replaces one compiled pattern
    scan_all(lazy, "J'ai pris du Levothyrox et depuis j'ai des palpitations")
    assert sum("_compiled" in vars(r) or "_lower_compiled" in vars(r) for r in lazy) < len(lazy) / 2
    texts = [*PD_POSTS, *_texts()]
    found = 0
    for text in texts:
        want = scan_all(eager, text)
        assert scan_all(lazy, text) == want, text
        found += len(want)
    assert found > 100
