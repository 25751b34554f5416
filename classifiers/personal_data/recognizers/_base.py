"""A Presidio recognizer driven by compiled regexes, a validation hook and a context window.

Presidio's PatternRecognizer turns a failed checksum into a drop and a passed one into 1.0, and needs spaCy
lemmas for context. We need a middle ground (a NIR with a typo'd key next to "sécu" is still personal data)
and speed (no NLP pipeline per post), so each recognizer scores its own matches here. They are still
`LocalRecognizer`s: they plug into a Presidio `AnalyzerEngine` registry unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from presidio_analyzer import LocalRecognizer, RecognizerResult

CONTEXT_CHARS = 48  # how far before a match we look for context words


def fold(text: str) -> str:
    """Lower-case without accents, so 'Sécurité' and 'securite' match the same cue."""
    import unicodedata

    norm = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in norm if not unicodedata.combining(c))


class RegexRecognizer(LocalRecognizer):
    """Subclasses set ENTITY, PATTERNS (regex, base score), CONTEXT words and may override `check`."""

    ENTITY = ""
    PATTERNS: tuple[tuple[str, float], ...] = ()
    CONTEXT: tuple[str, ...] = ()
    CONTEXT_BOOST = 0.35
    FLAGS = re.IGNORECASE
    TRIGGER: str | None = None  # a cheap substring test; the regexes run only if it is present
    GROUP = 0  # which regex group is the entity

    def __init__(self, supported_language: str = "fr") -> None:
        super().__init__(supported_entities=[self.ENTITY], supported_language=supported_language,
                         name=type(self).__name__)

    def load(self) -> None:
        self._compiled = [(re.compile(rx, self.FLAGS), score) for rx, score in self.PATTERNS]
        self._context = tuple(fold(c) for c in self.CONTEXT)

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        """Final score for one match; None drops it. Default: keep the pattern score."""
        return score

    def has_context(self, text: str, start: int, end: int = -1) -> bool:
        window = fold(text[max(0, start - CONTEXT_CHARS):start])
        return any(c in window for c in self._context)

    def triggered(self, text: str) -> bool:
        return self.TRIGGER is None or self.TRIGGER in text

    def analyze(self, text: str, entities: list[str] | None = None,
                nlp_artifacts: object | None = None) -> list[RecognizerResult]:
        if entities and self.ENTITY not in entities:
            return []
        if not self.triggered(text):
            return []
        return list(self._scan(text))

    def _scan(self, text: str) -> Iterable[RecognizerResult]:
        seen: set[tuple[int, int]] = set()
        for rx, base in self._compiled:
            for m in rx.finditer(text):
                start, end = m.span(self.GROUP)
                if start == end or (start, end) in seen:
                    continue
                score = self.check(m.group(self.GROUP), text, start, end, base)
                if score is None:
                    continue
                if self._context and self.has_context(text, start, end):
                    score = min(1.0, score + self.CONTEXT_BOOST)
                seen.add((start, end))
                yield self.result(start, end, score)

    def result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            entity_type=self.ENTITY, start=start, end=end, score=round(score, 3),
            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                  RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id},
        )


def digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())
