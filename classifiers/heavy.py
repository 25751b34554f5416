"""Importing spaCy and Presidio without torch.

spaCy's thinc and Presidio's transformers engine import torch (and transformers) whenever they are installed,
although the rule and linear tiers never use them: one sentence would cost ~1 GB and seconds of imports. Both
treat torch as optional (`try: import torch except ImportError`), so while they are first imported torch is
reported missing; afterwards it imports normally (the transformer tier loads it when it is configured)."""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

_UNUSED = ("torch", "transformers")
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
        return importlib.import_module(name)
