"""First and last names for the person recognizer, loaded once.

Sources: data/first_names.txt, data/ambiguous_names.txt and data/not_name_words.txt (written by the pvwatch
authors, same licence as pvwatch) and, when the `names` package is installed, its US Census 1990 first/last-name
lists (MIT). Nothing here comes from the benchmark corpora or from the generator that produced them. Words
that are also common French or English words ('Will', 'May', 'Rose', 'Pierre' as stone is fine) are dropped so
a capitalised sentence start is not a name.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from classifiers.personal_data.recognizers._base import cue_key

DATA = Path(__file__).resolve().parent / "data"


def _words(fname: str) -> set[str]:
    out: set[str] = set()
    for line in (DATA / fname).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            out.update(cue_key(w) for w in line.split())
    return out


def _census(fname: str) -> set[str]:
    try:
        import names  # type: ignore[import-untyped]
    except ImportError:  # optional: our own list still works
        return set()
    path = Path(names.__file__).resolve().parent / fname
    out: set[str] = set()
    for line in path.read_text(encoding="ascii", errors="ignore").splitlines():
        word = line.split(" ", 1)[0].strip().lower()
        if len(word) > 2:
            out.add(word)
    return out


def spacy_stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop-word list, executed from its own file: `import spacy.lang.fr.stop_words` would first run
    `spacy.lang.fr`, which compiles the French tokenizer's regexes (~5 s, in every process)."""
    spec = importlib.util.find_spec("spacy")
    if spec is None or spec.origin is None:
        raise ImportError("spaCy is not installed; `pip install -e .` installs it")
    path = Path(spec.origin).parent / "lang" / lang / "stop_words.py"
    module_spec = importlib.util.spec_from_file_location(f"_pvwatch_stop_words_{lang}", path)
    if module_spec is None or module_spec.loader is None:
        raise ImportError(f"spaCy has no stop-word list at {path}")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


@functools.lru_cache(maxsize=2)
def stopwords(with_ambiguous: bool = True) -> frozenset[str]:
    core = frozenset(cue_key(w) for w in (*spacy_stop_words("en"), *spacy_stop_words("fr")))
    return core | frozenset(_words("ambiguous_names.txt")) if with_ambiguous else core


@functools.lru_cache(maxsize=2)
def first_names(with_ambiguous: bool = False) -> frozenset[str]:
    ours = _words("first_names.txt")
    census = _census("dist.female.first") | _census("dist.male.first")
    if with_ambiguous:  # after an upper-case surname ('BOFFIN Lily') a first name is unambiguous
        return frozenset(ours | census)
    return frozenset((ours | census) - stopwords())


@functools.lru_cache(maxsize=1)
def last_names() -> frozenset[str]:
    # The census surname list is 88k long and holds many words; only its more frequent half is used.
    return frozenset(w for w in _census("dist.all.last") if len(w) > 3) - stopwords() - first_names()


@functools.lru_cache(maxsize=1)
def not_name_words() -> frozenset[str]:
    """Place, street and organisation words (data/not_name_words.txt, written by the pvwatch authors)."""
    return frozenset(_words("not_name_words.txt"))
