"""pvwatch's recognizers and stock Presidio in one process.

Presidio's YAML loader finds a predefined recognizer by class name among every `EntityRecognizer` subclass
loaded in the process; a pvwatch class called `EmailRecognizer` was picked instead of Presidio's and failed
with `TypeError: ... unexpected keyword argument 'name'`.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, RecognizerRegistry

import classifiers.personal_data.registry as pv_registry
from classifiers.personal_data.detector import PersonalDataDetector


def _all_subclasses(cls: type) -> set[type]:
    return set(cls.__subclasses__()).union(*(_all_subclasses(c) for c in cls.__subclasses__()))


def test_stock_presidio_registry_loads_beside_ours() -> None:
    assert pv_registry.RECOGNIZERS  # ours are imported (and so are EntityRecognizer subclasses)
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(languages=["en"])
    names = {type(r).__name__ for r in registry.recognizers}
    assert {"EmailRecognizer", "CreditCardRecognizer", "IbanRecognizer"} <= names
    assert all(type(r).__module__.startswith("presidio_analyzer") for r in registry.recognizers)
    email = next(r for r in registry.recognizers if type(r).__name__ == "EmailRecognizer")
    res = email.analyze("write to jane.doe@example.org", ["EMAIL_ADDRESS"], None)
    assert [(r.start, r.end) for r in res] == [(9, 29)]
    # and ours still work in the same process
    det = PersonalDataDetector()
    assert [f.type for f in det.detect("écrivez à jean@example.fr", "fr")] == ["EMAIL"]


def test_no_pvwatch_recognizer_shares_a_class_name_with_presidio() -> None:
    by_name: dict[str, set[str]] = {}
    for cls in _all_subclasses(EntityRecognizer):
        by_name.setdefault(cls.__name__, set()).add(cls.__module__.split(".")[0])
    clashes = {n for n, mods in by_name.items() if len(mods) > 1 and "classifiers" in mods}
    assert clashes == set()
    assert all(c.__name__.startswith("Pv") for c in pv_registry.RECOGNIZERS)
