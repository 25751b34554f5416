"""E-mail addresses, including the spaced-out 'name @ host . com' people type to dodge scrapers."""

from __future__ import annotations

from classifiers.personal_data.recognizers._base import PvRegexRecognizer


class PvEmailRecognizer(PvRegexRecognizer):
    ENTITY = "EMAIL"
    LOWER = True
    TRIGGER = "@"
    PATTERNS = (
        (r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,24}\b", 0.95),
        (r"(?<![\w.+-])[\w.+-]+ @ [\w-]+(?: ?\. ?[\w-]+)* ?\. ?[a-z]{2,24}\b", 0.8),
    )
