"""Social-media handles (@name) that are not part of an e-mail address."""

from __future__ import annotations

from classifiers.personal_data.recognizers._base import PvRegexRecognizer


class PvHandleRecognizer(PvRegexRecognizer):
    ENTITY = "HANDLE"
    LOWER = True
    TRIGGER = "@"
    PATTERNS = ((r"(?<![\w.@/])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@])(?!\.\w)", 0.8),)
