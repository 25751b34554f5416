"""The layers' blank spaCy tokenizers, read from a cache file instead of built from `spacy.lang.<lang>`.

`spacy.blank("fr")` imports `spacy.lang.fr`, whose import compiles the French `token_match` regex (~5 s of CPU)
and scans every installed package's entry points (which imports Presidio). The layers only tokenise (text,
offsets, phrase matching on ORTH), so the first use builds the tokenizer the normal way once and writes its
rules (`Tokenizer.to_bytes`: exceptions, prefix/suffix/infix/URL patterns) and the `token_match` alternatives
with what classifiers.ae.token_match derives from them (templates, closures of the big sets) to `cache_dir()`;
later processes rebuild the same tokenizer from that file in ~0.1 s. Both paths return the tokenizer rebuilt
from the same data, so the first run and the next ones tokenise alike. The file is keyed by spaCy's version and
this format; an unreadable file is rebuilt.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from classifiers.ae.token_match import LazyTokenMatch
from classifiers.heavy import import_without_torch

log = logging.getLogger(__name__)
FORMAT = 2


def cache_dir() -> Path:
    """`PVWATCH_CACHE_DIR`, else `$XDG_CACHE_HOME/pvwatch`, else `~/.cache/pvwatch`."""
    explicit = os.environ.get("PVWATCH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pvwatch"


class BlankPipeline:
    """What the layers use of a blank `Language`: `vocab` and `make_doc`."""

    def __init__(self, vocab: Any, tokenizer: Any) -> None:
        self.vocab = vocab
        self.tokenizer = tokenizer

    def make_doc(self, text: str) -> Any:
        return self.tokenizer(text)


def cache_path(lang: str) -> Path:
    spacy = import_without_torch("spacy")
    return cache_dir() / f"spacy-{spacy.__version__}-tokenizer-{lang}-v{FORMAT}.msgpack"


def blank(lang: str) -> BlankPipeline:
    path = cache_path(lang)
    try:
        return _rebuild(_read(path, lang))
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, TypeError) as exc:  # a truncated or foreign file: rebuilt below
        log.warning("tokenizer cache %s is unreadable (%s); rebuilding it", path, exc)
    data = _describe(lang)
    write_cache(path, data)
    return _rebuild(data)


def _describe(lang: str) -> dict[str, Any]:
    """The cache's content, from spaCy's own blank pipeline (the slow path: seconds)."""
    spacy = import_without_torch("spacy")
    nlp = spacy.blank(lang)
    tok = nlp.tokenizer
    match = None
    if tok.token_match is not None:
        lazy = LazyTokenMatch.of_pattern(tok.token_match.__self__.pattern)
        match = {"flags": lazy.flags, "alternatives": lazy.alternatives, "templates": lazy.templates,
                 "closures": lazy.closures}
    return {"format": FORMAT, "spacy": spacy.__version__, "lang": lang,
            "tokenizer": tok.to_bytes(exclude=["vocab", "token_match"]), "token_match": match}


def _read(path: Path, lang: str) -> dict[str, Any]:
    import srsly

    data = srsly.msgpack_loads(path.read_bytes())
    spacy = import_without_torch("spacy")
    if not isinstance(data, dict) or (data.get("format"), data.get("spacy"), data.get("lang")) != (
            FORMAT, spacy.__version__, lang):
        raise ValueError("written by another pvwatch or spaCy version")
    return data


def read_cache(path: Path) -> Any:
    """A cache file's content, or None when it is missing or unreadable (then rebuilt by the caller)."""
    import srsly

    try:
        return srsly.msgpack_loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as exc:
        log.warning("cache file %s is unreadable (%s); rebuilding it", path, exc)
        return None


def write_cache(path: Path, data: Any) -> None:
    import srsly

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(srsly.msgpack_dumps(data))
        os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the whole new one
    except OSError as exc:  # read-only home, full disk: every start then builds the tokenizer (slow, correct)
        log.warning("cannot write the cache file %s (%s); set PVWATCH_CACHE_DIR to a writable folder", path, exc)


def _rebuild(data: dict[str, Any]) -> BlankPipeline:
    from spacy.tokenizer import Tokenizer
    from spacy.vocab import Vocab

    vocab = Vocab()
    tok = Tokenizer(vocab).from_bytes(data["tokenizer"], exclude=["vocab", "token_match"])
    match = data["token_match"]
    if match is not None:
        tok.token_match = LazyTokenMatch(match["flags"], match["alternatives"], match["templates"],
                                         match["closures"])
    return BlankPipeline(vocab, tok)
