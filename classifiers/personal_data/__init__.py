"""Personal data (GDPR) detection in French and English, on Presidio's recognizer interface.

`PersonalDataDetector.annotate(text, analysis)` fills `Analysis.personal_data` (type, offsets, score,
recognizer, special category) and `Analysis.gdpr_categories`. Recognizers live in `recognizers/`, one per
file; `redact.py` turns findings into the text each role may see.
"""

from __future__ import annotations

import os

# Presidio's tldextract would otherwise fetch the public-suffix list over the network at import time.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

from classifiers.personal_data.detector import PersonalDataDetector  # noqa: E402
from classifiers.personal_data.redact import redact_for_role  # noqa: E402

__all__ = ["PersonalDataDetector", "redact_for_role"]
