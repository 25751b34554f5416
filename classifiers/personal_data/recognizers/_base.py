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
    FLAGS: int = re.IGNORECASE
    TRIGGER: str | None = None  # a cheap substring test; the regexes run only if it is present
    PRECHECK: str | None = None  # a cheap regex; the patterns run only if it matches somewhere
    NEEDS_CONTEXT = False  # True: nothing is reported without a context word, so look for one first
    # Patterns written in lower case run case-sensitively on the lower-cased text: Python's re is several
    # times faster that way than with IGNORECASE on long alternations.
    LOWER = False
    GROUP = 0  # which regex group is the entity

    def __init__(self, supported_language: str = "fr") -> None:
        super().__init__(supported_entities=[self.ENTITY], supported_language=supported_language,
                         name=type(self).__name__)

    def load(self) -> None:
        self._compiled = [(re.compile(rx, self.FLAGS), score) for rx, score in self.PATTERNS]
        self._lower_compiled = [(re.compile(rx, self.FLAGS & ~re.IGNORECASE), score) for rx, score in self.PATTERNS]
        self._context = tuple(fold(c) for c in self.CONTEXT)
        self._precheck = re.compile(self.PRECHECK, re.IGNORECASE) if self.PRECHECK else None
        self._context_rx = re.compile("|".join(re.escape(c.lower()) for c in (*self.CONTEXT, *self._context)))

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        """Final score for one match; None drops it. Default: keep the pattern score."""
        return score

    def has_context(self, text: str, start: int, end: int = -1) -> bool:
        window = fold(text[max(0, start - CONTEXT_CHARS):start])
        return any(c in window for c in self._context)

    def triggered(self, text: str, lower: str | None = None) -> bool:
        if self.TRIGGER is not None and self.TRIGGER not in text:
            return False
        if self._precheck is not None and self._precheck.search(text) is None:
            return False
        if not self.NEEDS_CONTEXT:
            return True
        return self._context_rx.search(text.lower() if lower is None else lower) is not None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        """Presidio's entry point (used when registered in an AnalyzerEngine)."""
        if entities and self.ENTITY not in entities:
            return []
        return self.scan(text)

    def scan(self, text: str, lower: str | None = None) -> list[RecognizerResult]:
        """pvwatch's entry point: no NLP artifacts needed. `lower` is text.lower(), computed once by the caller."""
        if not self.triggered(text, lower):
            return []
        return list(self._scan(text, lower))

    def _scan(self, text: str, lower: str | None = None) -> Iterable[RecognizerResult]:
        seen: set[tuple[int, int]] = set()
        compiled, haystack = self._compiled, text
        if self.LOWER:
            lower = text.lower() if lower is None else lower
            if len(lower) == len(text):  # offsets stay valid (a few characters lengthen when lower-cased)
                compiled, haystack = self._lower_compiled, lower
        for rx, base in compiled:
            for m in rx.finditer(haystack):
                start, end = m.span(self.GROUP)
                if start == end or (start, end) in seen:
                    continue
                score = self.check(text[start:end], text, start, end, base)
                if score is None:
                    continue
                if self._context and self.has_context(text, start, end):
                    score = min(1.0, score + self.CONTEXT_BOOST)
                seen.add((start, end))
                yield self.result(start, end, score)

    def result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            entity_type=self.ENTITY, start=start, end=end, score=round(score, 3),
            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                                  RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id},
        )


def digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())
