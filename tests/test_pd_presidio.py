"""pvwatch's recognizers and stock Presidio in one process.

Presidio's YAML loader finds a predefined recognizer by class name among every `EntityRecognizer` subclass
loaded in the process; a pvwatch class called `EmailRecognizer` was picked instead of Presidio's and failed
with `TypeError: ... unexpected keyword argument 'name'`.
"""

from __future__ import annotations

from typing import Any

import classifiers.personal_data.registry as pv_registry
from classifiers.personal_data.detector import PersonalDataDetector


def _stock() -> tuple[Any, Any]:
    """The whole of Presidio, imported when a test here runs (through our base classes, torch hidden): at
    collection, every xdist worker would pay it, and its transformers engine if torch is already imported."""
    from presidio_analyzer import EntityRecognizer, RecognizerRegistry

    return EntityRecognizer, RecognizerRegistry


def _all_subclasses(cls: type) -> set[type]:
    return set(cls.__subclasses__()).union(*(_all_subclasses(c) for c in cls.__subclasses__()))


def test_stock_presidio_registry_loads_beside_ours() -> None:
    assert pv_registry.RECOGNIZERS  # ours are imported (and so are EntityRecognizer subclasses)
    registry = _stock()[1]()
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
    for cls in _all_subclasses(_stock()[0]):
        by_name.setdefault(cls.__name__, set()).add(cls.__module__.split(".")[0])
    assert by_name["EmailRecognizer"] == {"presidio_analyzer"}  # Presidio's own recognizers are loaded
    clashes = {n for n, mods in by_name.items() if len(mods) > 1 and "classifiers" in mods}
    assert clashes == set()
    assert all(c.__name__.startswith("Pv") for c in pv_registry.RECOGNIZERS)


def test_the_detector_loads_only_presidios_base_classes_and_the_rest_completes_on_use() -> None:
    """A fresh process: the detector needs 5 of Presidio's modules (presidio_base.py); the first use of any other
    name runs Presidio's own __init__ in the same package, so the classes are the same objects as before."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    probe = (
        "import json, sys\n"
        "from classifiers.personal_data import PersonalDataDetector\n"
        "det = PersonalDataDetector(ner=False)\n"
        "found = [f.type for f in det.detect('écrivez à jean@example.fr', 'fr')]\n"
        "base = sorted(m for m in sys.modules if m.startswith('presidio'))\n"
        "from classifiers.heavy import import_without_torch\n"
        "import_without_torch('spacy').blank('xx')  # spaCy's entry points (any language): one is a Presidio module\n"
        "from presidio_analyzer import AnalyzerEngine, LocalRecognizer, RecognizerResult\n"
        "import presidio_analyzer.nlp_engine as nlp_engine\n"
        "from presidio_analyzer.nlp_engine import NlpEngine\n"
        "from presidio_analyzer.analyzer_engine import AnalyzerEngine as Again\n"
        "once = AnalyzerEngine is Again and nlp_engine.NlpEngine is NlpEngine\n"
        "once = once and nlp_engine.__spec__.loader.__class__.__name__ == 'SourceFileLoader'\n"
        "from classifiers.personal_data.recognizers._base import PvRegexRecognizer\n"
        "from classifiers.personal_data.recognizers._base import RecognizerResult as Ours\n"
        "from classifiers.personal_data.registry import presidio_registry\n"
        "reg = presidio_registry(('fr',))\n"
        "print(json.dumps({'found': found, 'base': base, 'sub': issubclass(PvRegexRecognizer, LocalRecognizer),\n"
        "  'same': Ours is RecognizerResult, 'once': once, 'n': len(reg.recognizers),\n"
        "  'torch': 'torch' in sys.modules}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    run = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    rec = json.loads(run.stdout)
    assert rec["found"] == ["EMAIL"]
    assert rec["base"] == ["presidio_analyzer", "presidio_analyzer.analysis_explanation",
                           "presidio_analyzer.entity_recognizer", "presidio_analyzer.local_recognizer",
                           "presidio_analyzer.recognizer_result", "presidio_analyzer.score_thresholds"]
    assert rec["sub"] and rec["same"] and rec["once"] and rec["n"] == len(pv_registry.RECOGNIZERS) and not rec["torch"]
