"""`pvwatch classify` of one post loads neither torch nor transformers when the transformer tier is off (they
cost ~1 GB and seconds); they still import normally afterwards, for the tier that needs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PROBE = """
import sys, json
from classifiers.analyzer import Analyzer
from pvwatch.config import parse_config
a = Analyzer.from_config(parse_config({}))
r = a.analyze("J'ai pris du Levothyrox et depuis j'ai des palpitations, appelez le 06 12 34 56 78")
loaded = sorted(m for m in ("torch", "transformers", "spacy.lang.en") if m in sys.modules)
import torch  # still importable after the detector and spaCy were built without it
print(json.dumps({"ae": r.adverse_event.decision, "pd": sorted({p.type for p in r.personal_data}),
                  "loaded": loaded, "torch_ok": hasattr(torch, "Tensor")}))
"""


@pytest.mark.slow
def test_one_french_post_loads_neither_torch_nor_transformers() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=REPO,
                         timeout=600, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["ae"] is True and "PHONE" in result["pd"]
    assert "torch" not in result["loaded"] and "transformers" not in result["loaded"]
    assert result["torch_ok"] is True
