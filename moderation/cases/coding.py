"""Coding reported reactions to a MedDRA LLT and its PT: exact, then lemma, then fuzzy, in the post's language.

Each reaction is tried as the post words it, then as pvwatch's normalised lexicon term ("maux de tête" ->
"céphalée"), first in the post's language, then in the other configured one. Only current LLTs are proposed.
A PV officer confirms or corrects every code (CaseService.set_coding, audited).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from moderation.cases.meddra import Llt, MeddraRelease, load_release
from pvwatch.case_record import CodingMethod, MeddraCoding
from pvwatch.config import Config


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower().replace("œ", "oe").replace("’", "'"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def _lemma_word(word: str, lang: str) -> str:
    # Enough morphology for reaction terms: plural and (French) feminine endings.
    if len(word) <= 3:
        return word
    if lang == "fr":
        for suffix, repl in (("aux", "al"), ("ees", "e"), ("ee", "e"), ("es", "e"), ("s", ""), ("x", "")):
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                return word[: -len(suffix)] + repl
        return word
    for suffix, repl in (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("xes", "x"), ("sses", "ss"), ("s", "")):
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)] + repl
    return word


def lemma_key(text: str, lang: str) -> str:
    return " ".join(_lemma_word(w, lang) for w in fold(text).replace("'", " ").replace("-", " ").split())


@dataclass
class _Index:
    release: MeddraRelease
    exact: dict[str, Llt] = field(default_factory=dict)
    lemma: dict[str, Llt] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, release: MeddraRelease) -> _Index:
        ix = cls(release)
        # PT-level LLTs first so that a name shared by an LLT and its PT codes to the PT's own LLT
        for llt in sorted(release.llts.values(), key=lambda x: (x.code != x.pt_code, x.code)):
            if not llt.current:
                continue
            ix.exact.setdefault(fold(llt.name), llt)
            ix.lemma.setdefault(lemma_key(llt.name, release.language), llt)
        ix.names = list(ix.exact)
        return ix


class MeddraCoder:
    def __init__(self, releases: Mapping[str, MeddraRelease], fuzzy_min: int = 90) -> None:
        self.indexes = {lang: _Index.build(r) for lang, r in releases.items()}
        self.fuzzy_min = fuzzy_min

    @classmethod
    def from_config(cls, cfg: Config) -> MeddraCoder | None:
        """None when no MedDRA release is configured (reactions then stay free text)."""
        paths = cfg.meddra.paths()
        if not paths:
            return None
        releases = {lang: load_release(cfg.resolve(p), lang, cfg.meddra.version) for lang, p in paths.items()}
        return cls(releases, cfg.meddra.fuzzy_min)

    @classmethod
    def from_folders(cls, folders: Mapping[str, Path], fuzzy_min: int = 90) -> MeddraCoder:
        return cls({lang: load_release(p, lang) for lang, p in folders.items()}, fuzzy_min)

    @property
    def version(self) -> str:
        return ", ".join(sorted({ix.release.version for ix in self.indexes.values()}))

    def _coding(self, ix: _Index, llt: Llt, method: CodingMethod, score: float = 100.0) -> MeddraCoding:
        return MeddraCoding(llt_code=llt.code, llt_name=llt.name, pt_code=llt.pt_code,
                            pt_name=ix.release.pt_name(llt.pt_code), version=ix.release.version,
                            language=ix.release.language, method=method, score=round(score, 1))

    def _in(self, ix: _Index, term: str) -> MeddraCoding | None:
        key = fold(term)
        if not key:
            return None
        if key in ix.exact:
            return self._coding(ix, ix.exact[key], CodingMethod.exact)
        lk = lemma_key(term, ix.release.language)
        if lk in ix.lemma:
            return self._coding(ix, ix.lemma[lk], CodingMethod.lemma)
        if len(key) >= 5:  # short words match too much by similarity ("rash" ~ "rush")
            hit = process.extractOne(key, ix.names, scorer=fuzz.ratio, score_cutoff=self.fuzzy_min)
            if hit is not None:
                return self._coding(ix, ix.exact[hit[0]], CodingMethod.fuzzy, float(hit[1]))
        return None

    def code(self, reported: str, normalized: str, lang: str) -> MeddraCoding | None:
        order = [lang, *sorted(k for k in self.indexes if k != lang)]
        for code_lang in order:
            ix = self.indexes.get(code_lang)
            for term in dict.fromkeys(t for t in (reported, normalized) if t):
                if ix is not None and (found := self._in(ix, term)) is not None:
                    return found
        return None

    def lookup(self, llt_code: str, lang: str = "en") -> MeddraCoding | None:
        """A PV officer's chosen LLT code, named in the case's language when that release is configured."""
        for ix in sorted(self.indexes.values(), key=lambda x: x.release.language != lang):
            llt = ix.release.llts.get(llt_code.strip())
            if llt is not None:
                return self._coding(ix, llt, CodingMethod.manual)
        return None
