"""Personal data (GDPR) detection in French and English, on Presidio's recognizer interface.

`PersonalDataDetector.annotate(text, analysis)` fills `Analysis.personal_data` (type, offsets, score,
recognizer, special category) and `Analysis.gdpr_categories`. Recognizers live in `recognizers/`, one per
file; what each role may see of the findings is moderation's (moderation/masking.py).

Imports are lazy: importing this package does not load Presidio and spaCy (several seconds); the detector
loads them on first use.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

# Presidio's tldextract would otherwise fetch the public-suffix list over the network at import time.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

if TYPE_CHECKING:
    from classifiers.personal_data.detector import PersonalDataDetector

__all__ = ["PersonalDataDetector"]


def __getattr__(name: str) -> Any:
    if name == "PersonalDataDetector":
        from classifiers.personal_data.detector import PersonalDataDetector

        return PersonalDataDetector
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
