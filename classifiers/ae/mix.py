"""Training-mix options of the default model (issue 12's selection round, docs/benchmarks.md): how much each
domain weighs, which domains train at all, and noisy training copies of our authored posts.

Noisy copies imitate what real posts do to our clean authored ones (dropped accents, SMS spellings, typos,
appended hashtags / handles / links). They are deterministic per post, only ever train, and are never scored
or written to the corpus.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from collections.abc import Sequence
from enum import StrEnum

import numpy as np

from classifiers.ae.domains import Domain


class Mix(StrEnum):
    default = "default"  # the corpus weights (our written data x3, authored x2, PsyTAR/Druglib x1)
    domain = "domain"  # every domain the same total weight
    rows = "rows"  # every distinct row weight 1
    authored4 = "authored4"  # authored posts x4 instead of x2


LITERATURE_DOMAINS = frozenset({Domain.en_literature, Domain.fr_literature})
SHARED_DOMAINS = frozenset({Domain.psytar, Domain.druglib})


def mix_weights(weights: Sequence[float], domains: Sequence[Domain], authored: Sequence[bool],
                mix: Mix) -> np.ndarray:
    """Row weights for a training mix; the total weight is kept, so the logistic regression's C means the same."""
    w = np.asarray(weights, dtype=np.float64)
    if mix is Mix.default:
        return w
    if mix is Mix.rows:
        out = np.ones_like(w)
    elif mix is Mix.authored4:
        out = np.where(np.asarray(authored, dtype=bool), w * 2.0, w)
    else:
        d = np.asarray([x.value for x in domains])
        out = w.copy()
        for dom in set(d.tolist()):
            m = d == dom
            out[m] = w[m] / w[m].sum()
    return out * (w.sum() / out.sum())


_SMS = {
    "fr": [("je suis", "chui"), ("j'ai", "jai"), ("c'est", "cest"), ("j'", "j"), ("beaucoup", "bcp"),
           ("pourquoi", "pk"), ("quoi", "koi"), ("que ", "ke "), ("aujourd'hui", "ajd"), ("toujours", "tjr"),
           ("vraiment", "vrmt"), ("quelque", "qlq"), ("maintenant", "mtn"), ("pas ", "pa "), ("est-ce", "esce")],
    "en": [("you", "u"), (" are ", " r "), (" to ", " 2 "), (" for ", " 4 "), ("because", "bc"),
           ("really", "rly"), ("tonight", "2nite"), ("i am", "im"), ("don't", "dont"), ("can't", "cant"),
           ("people", "ppl"), ("please", "pls"), ("though", "tho"), ("with", "w/"), ("about", "abt")],
}
_TAILS = ["#{w}", "#sante", "#health", "@{u}", "https://t.co/{u}", "#{w} #{w2}", "lol", "mdr", "🙄", "😩"]
_WORD = re.compile(r"[^\W\d_]{5,}")


def _strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(3)
    if op == 0:  # swap two letters
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == 1:  # drop one
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]  # double one


def noisy(text: str, lang: str | None) -> str:
    """A noisier copy of one post: the same kind of post, written the way real social posts often are."""
    rng = random.Random(hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest())
    out = text
    if rng.random() < 0.6:
        out = _strip_accents(out)
    if rng.random() < 0.5:
        out = out.lower()
    for a, b in _SMS.get(lang or "en", _SMS["en"]):
        if a in out.lower() and rng.random() < 0.5:
            out = re.sub(re.escape(a), b, out, flags=re.IGNORECASE)
    words = list(_WORD.finditer(out))
    for m in sorted(rng.sample(words, min(len(words), rng.choice((1, 1, 2)))), key=lambda m: -m.start()):
        out = out[:m.start()] + _typo(m.group(), rng) + out[m.end():]
    if rng.random() < 0.5:
        pick = rng.choice(_TAILS)
        w = [m.group().lower() for m in _WORD.finditer(text)] or ["post"]
        out = f"{out} " + pick.format(w=rng.choice(w), w2=rng.choice(w), u=f"u{rng.randrange(10**6)}")
    return out
