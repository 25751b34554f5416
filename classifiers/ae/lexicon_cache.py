"""The lexicons' tokenisation and match order, cached per term set, and the deletion of stale cache files.

A term set (config.toml products + lexicons, per language) is tokenised once by the tokenizer and matched
once by spaCy's `PhraseMatcher` to learn the order it reports entries sharing one token sequence (the first
wins a tie in `filter_spans`); both go to `lexicon-<lang>-<key>.msgpack` in `cache_dir()`, the key hashing the
tokenizer cache's name, this format and the entries. Each configuration has its own file, so writing one
deletes the files of that language not used lately (`KEEP` kept, the most recently used by mtime): only files
named as ours, each unlinked alone, so a process reading one sees it whole or rebuilds it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
from pathlib import Path
from typing import Any

from classifiers.ae.tokenizer_cache import cache_dir, cache_path, read_cache, write_cache

log = logging.getLogger(__name__)
FORMAT = 2
KEEP = 16  # term sets per language (30-160 kB each) kept: configurations in turn (make unit: 8) keep their file
_OURS = re.compile(r"lexicon-(?P<lang>[a-z]{2,3})-[0-9a-f]{20}\.msgpack")

Entry = tuple[str, str, str]  # folded term, canonical, label
Compiled = dict[str, Any]  # {"sequences": [[word, ...], ...], "keys": [[[label, canonical], ...], ...]}


def lexicon_path(lang: str, entries: list[Entry]) -> Path:
    lines = [cache_path(lang).name, f"format {FORMAT}", *("\t".join(e) for e in entries)]
    key = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:20]
    return cache_dir() / f"lexicon-{lang}-{key}.msgpack"


def load(lang: str, nlp: Any, entries: list[Entry]) -> Compiled:
    """The entries' token sequences with their (label, canonical) pairs in PhraseMatcher order."""
    path = lexicon_path(lang, entries)
    cached = read_cache(path)
    if _valid(cached):
        _touch(path)
        return cached  # type: ignore[no-any-return]
    compiled = compile_entries(nlp, entries)
    write_cache(path, {"format": FORMAT, **compiled})
    delete_stale(lang, keep=path)
    return compiled


def compile_entries(nlp: Any, entries: list[Entry]) -> Compiled:
    """The slow path (tokenising ~5,000 terms and building a PhraseMatcher: ~0.3 s)."""
    from classifiers.heavy import import_without_torch

    phrase_matcher = import_without_torch("spacy.matcher").PhraseMatcher
    doc_class = import_without_torch("spacy.tokens").Doc
    docs = [nlp.make_doc(folded) for folded, _, _ in entries]
    by_key: dict[tuple[str, str], list[Any]] = {}
    by_words: dict[tuple[str, ...], set[tuple[str, str]]] = {}
    for (_, canonical, label), doc in zip(entries, docs, strict=True):
        by_key.setdefault((canonical, label), []).append(doc)
        by_words.setdefault(tuple(t.text for t in doc), set()).add((label, canonical))
    matcher = phrase_matcher(nlp.vocab, attr="ORTH")
    info: dict[int, tuple[str, str]] = {}
    for i, ((canonical, label), key_docs) in enumerate(sorted(by_key.items())):  # the order TermMatcher used
        matcher.add(f"{label}:{i}", key_docs)
        info[nlp.vocab.strings[f"{label}:{i}"]] = (label, canonical)
    keys: list[list[list[str]]] = []
    for words, pairs in by_words.items():
        if len(pairs) == 1:
            keys.append([list(p) for p in pairs])
            continue
        doc = doc_class(nlp.vocab, words=list(words), spaces=[False] * len(words))
        ordered = [info[m] for m, start, end in matcher(doc) if (start, end) == (0, len(words))]
        keys.append([list(p) for p in ordered])
    return {"sequences": [list(w) for w in by_words], "keys": keys}


def _valid(data: Any) -> bool:
    return (isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("sequences"), list)
            and isinstance(data.get("keys"), list) and len(data["sequences"]) == len(data["keys"]))


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):  # read-only cache folder: the file is still read, it only looks older
        os.utime(path)  # "used lately" for delete_stale


def delete_stale(lang: str, keep: Path) -> list[Path]:
    """Delete this language's lexicon files beyond the `KEEP` most recently used (never `keep`)."""
    folder = keep.parent
    try:
        ours = [p for p in folder.iterdir() if (m := _OURS.fullmatch(p.name)) and m["lang"] == lang]
        dated = sorted(((p.stat().st_mtime, p) for p in ours if p != keep), reverse=True)
    except OSError as exc:
        log.warning("cannot list the cache folder %s (%s): stale lexicon files are kept", folder, exc)
        return []
    deleted = []
    for _, path in dated[KEEP - 1:]:
        try:
            path.unlink(missing_ok=True)  # another process may have deleted it first
            deleted.append(path)
        except OSError as exc:
            log.warning("cannot delete the stale cache file %s (%s)", path, exc)
    return deleted
