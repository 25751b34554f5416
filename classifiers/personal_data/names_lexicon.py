"""First and last names for the person recognizer, loaded once.

Sources: data/first_names.txt, data/ambiguous_names.txt and data/not_name_words.txt (written by the pvwatch
authors, same licence as pvwatch) and, when the `names` package is installed, its US Census 1990 first/last-name
lists (MIT). Nothing here comes from the benchmark corpora or from the generator that produced them. Words
that are also common French or English words ('Will', 'May', 'Rose', 'Pierre' as stone is fine) are dropped so
a capitalised sentence start is not a name.
"""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=2)
def stopwords(with_ambiguous: bool = True) -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.fr.stop_words import STOP_WORDS as FR

    core = frozenset(cue_key(w) for w in (*EN, *FR))
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
