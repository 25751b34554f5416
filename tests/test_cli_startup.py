"""Issue 16, one-post start-up: spaCy imported without its command line, stale lexicon caches deleted. Each is
compared with what it replaces (timings: scripts/bench_cli.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _fresh(code: str) -> object:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_spacy_is_imported_without_its_command_line_which_still_loads_on_use() -> None:
    got = _fresh(
        "import json, sys\n"
        "from classifiers.heavy import import_without_torch\n"
        "import_without_torch('spacy.matcher')\n"
        "before = sorted(m for m in sys.modules if m.startswith('spacy.cli') or m in ('weasel', 'requests'))\n"
        "import spacy\n"
        "ours = spacy.info(silent=True)\n"
        "download = spacy.cli.download\n"  # as Presidio calls it, without importing spacy.cli itself
        "from spacy.cli.info import info\n"
        "print(json.dumps({'before': before, 'same_info': ours == info(silent=True),"
        " 'real_cli': 'weasel' in sys.modules and download is sys.modules['spacy.cli.download'].download,"
        " 'info_module': info.__module__, 'keys': sorted(ours)}))\n")
    assert got == {"before": [], "same_info": True, "real_cli": True, "info_module": "spacy.cli.info",
                   "keys": got["keys"]}
    assert "spacy_version" in got["keys"]  # type: ignore[index]


def test_spacy_imported_first_the_usual_way_is_left_alone() -> None:
    got = _fresh(
        "import json, sys\n"
        "import spacy\n"
        "from classifiers.heavy import import_without_torch\n"
        "import_without_torch('spacy.matcher')\n"
        "print(json.dumps([spacy.info.__module__, 'spacy.cli' in sys.modules]))\n")
    assert got == ["spacy.cli.info", True]
