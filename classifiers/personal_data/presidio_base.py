"""Presidio's recognizer base classes without the rest of Presidio.

`import presidio_analyzer` runs the package's __init__, which imports the analyzer engine, spaCy and every
predefined recognizer (compiling the URL recognizer's list of top-level domains alone takes ~0.4 s): the largest
part of a one-post `pvwatch classify` after the models. Our recognizers need only `LocalRecognizer` and
`RecognizerResult`, whose modules import nothing heavy. So the package module is created without running its
__init__, those modules are loaded into it, and the first use of any other name (`from presidio_analyzer import
AnalyzerEngine`, or an import of any other submodule, as spaCy's entry points do) runs the package's own
__init__ in that same module object. Its imports of the base modules find
them loaded, so the classes keep their identity: our recognizers are Presidio `LocalRecognizer`s either way and
plug into a stock `RecognizerRegistry` (tests/test_pd_presidio.py)."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
from types import ModuleType

from classifiers.heavy import torch_hidden
from pvwatch.errors import PvwatchError

_PACKAGE = "presidio_analyzer"
# The base modules in import order, each with the name the package's __init__ exports from it (the later ones
# import the earlier names from the package).
_BASE = (("analysis_explanation", "AnalysisExplanation"), ("recognizer_result", "RecognizerResult"),
         ("score_thresholds", None), ("entity_recognizer", "EntityRecognizer"),
         ("local_recognizer", "LocalRecognizer"))
_lock = threading.RLock()


def load_base() -> ModuleType:
    """The `presidio_analyzer` package with only its base classes loaded (or fully, if it already was)."""
    with _lock:
        if _PACKAGE in sys.modules:
            return sys.modules[_PACKAGE]
        spec = importlib.util.find_spec(_PACKAGE)
        if spec is None or spec.loader is None:
            raise PvwatchError("presidio_analyzer is not installed; run `make venv` (or pip install -e .)")
        pkg = importlib.util.module_from_spec(spec)
        complete = _Completer(pkg, spec)
        pkg.__getattr__ = complete  # type: ignore[method-assign]  # PEP 562 module __getattr__
        sys.modules[_PACKAGE] = pkg
        try:
            for module, name in _BASE:
                loaded = importlib.import_module(f"{_PACKAGE}.{module}")
                if name is not None:
                    setattr(pkg, name, getattr(loaded, name))
            sys.meta_path.insert(0, _CompleteFirst(complete))
        except BaseException:
            for key in [k for k in sys.modules if k == _PACKAGE or k.startswith(_PACKAGE + ".")]:
                del sys.modules[key]
            raise
        return pkg


class _Completer:
    """Runs the package's __init__ once (called for a missing name or a submodule not loaded yet)."""

    def __init__(self, pkg: ModuleType, spec: importlib.machinery.ModuleSpec) -> None:
        self.pkg, self.spec = pkg, spec
        self.done = self.running = False

    def run(self) -> None:
        with _lock:
            if self.done or self.running:  # while running: the __init__'s own imports, in its own order
                return
            self.running = True
            try:
                with torch_hidden():
                    self.spec.loader.exec_module(self.pkg)  # type: ignore[union-attr]
                self.done = True
            finally:
                self.running = False

    def __call__(self, name: str) -> object:
        if not (name.startswith("__") and name != "__all__"):
            self.run()
            if name in self.pkg.__dict__:
                return self.pkg.__dict__[name]
        raise AttributeError(f"module {_PACKAGE!r} has no attribute {name!r}")


class _CompleteFirst(importlib.abc.MetaPathFinder):
    """Before another Presidio submodule is imported, the package's __init__ runs (it may import that module: it
    is then handed over as loaded, not loaded twice)."""

    def __init__(self, complete: _Completer) -> None:
        self.complete = complete

    def find_spec(self, fullname: str, path: object = None,
                  target: object = None) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(_PACKAGE + ".") or self.complete.running:
            return None
        if self.complete.done:
            sys.meta_path.remove(self)  # nothing left to do
            return None
        self.complete.run()
        loaded = sys.modules.get(fullname)
        if loaded is None:
            return None  # not one the __init__ imports: the normal finders load it
        return importlib.util.spec_from_loader(fullname, _Loaded(loaded))


class _Loaded(importlib.abc.Loader):
    """Hands over a module that is already in sys.modules (the import system then keeps that same object)."""

    def __init__(self, module: ModuleType) -> None:
        self.module, self.original = module, module.__spec__

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return self.module

    def exec_module(self, module: ModuleType) -> None:
        module.__spec__ = self.original  # module_from_spec replaced it with ours


load_base()
from presidio_analyzer.local_recognizer import LocalRecognizer  # noqa: E402  # after load_base, on purpose
from presidio_analyzer.recognizer_result import RecognizerResult  # noqa: E402

__all__ = ["LocalRecognizer", "RecognizerResult", "load_base"]
