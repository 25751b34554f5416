"""Importing spaCy and Presidio without torch, and spaCy without its command line.

spaCy's thinc and Presidio's transformers engine import torch (and transformers) whenever they are installed,
although the rule and linear tiers never use them: one sentence would cost ~1 GB and seconds of imports. Both
treat torch as optional (`try: import torch except ImportError`), so while they are first imported torch is
reported missing; afterwards it imports normally (the transformer tier loads it when it is configured).

`import spacy` also imports `spacy.cli.info` for the one name it re-exports (`spacy.info`), and with it spaCy's
whole command line (typer apps of ~40 commands, weasel, requests, httpx: 0.2-0.9 s of CPU) that no tier uses.
While spaCy is first imported, `spacy.cli` and `spacy.cli.info` are placeholders: `spacy.info` forwards to the
real function; afterwards the placeholders are dropped, so `import spacy.cli` and `spacy.cli` (as Presidio's
`spacy.cli.download`) load the real command line."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

_UNUSED = ("torch", "transformers")
_CLI = ("spacy.cli", "spacy.cli.info")
_lock = threading.RLock()


@contextmanager
def torch_hidden() -> Iterator[None]:
    """While inside, `import torch` / `import transformers` raise ImportError (unless already imported)."""
    with _lock:
        blocked = [m for m in _UNUSED if m not in sys.modules]
        for m in blocked:
            sys.modules[m] = None  # type: ignore[assignment]  # "import m" raises ImportError (importlib docs)
        try:
            yield
        finally:
            for m in blocked:
                if sys.modules.get(m, 0) is None:
                    del sys.modules[m]


def import_without_torch(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    with torch_hidden():
        if name == "spacy" or name.startswith("spacy."):
            _import_spacy_without_cli()
        return importlib.import_module(name)


def spacy_info(*args: Any, **kwargs: Any) -> Any:
    """`spacy.info` while the command line is not loaded: the real `spacy.cli.info.info`, imported on first call."""
    return importlib.import_module("spacy.cli.info").info(*args, **kwargs)


def _spacy_getattr(name: str) -> Any:
    """`spacy.cli` after `import spacy`, as with spaCy's own import (PEP 562 module __getattr__)."""
    if name == "cli":
        return importlib.import_module("spacy.cli")
    raise AttributeError(f"module 'spacy' has no attribute {name!r}")


class _Placeholders(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: object = None,
                  target: object = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in _CLI:
            return None
        return importlib.util.spec_from_loader(fullname, self, is_package=fullname == "spacy.cli")

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # a plain module

    def exec_module(self, module: ModuleType) -> None:
        if module.__name__ == "spacy.cli.info":
            module.info = spacy_info  # type: ignore[attr-defined]


def _import_spacy_without_cli() -> None:
    with _lock:
        if "spacy" in sys.modules or any(m in sys.modules for m in _CLI):
            return
        finder = _Placeholders()
        sys.meta_path.insert(0, finder)
        try:
            spacy = importlib.import_module("spacy")
        finally:
            sys.meta_path.remove(finder)
            for m in _CLI:
                loaded = sys.modules.get(m)
                if loaded is not None and isinstance(loaded.__loader__, _Placeholders):
                    del sys.modules[m]
        if isinstance(getattr(spacy.__dict__.get("cli"), "__loader__", None), _Placeholders):
            del spacy.__dict__["cli"]
            spacy.__getattr__ = _spacy_getattr  # type: ignore[method-assign]
