"""A Presidio recognizer driven by compiled regexes, a validation hook and a context window.

Presidio's PatternRecognizer turns a failed checksum into a drop and a passed one into 1.0, and needs spaCy
lemmas for context. We need a middle ground (a NIR with a typo'd key next to "sécu" is still personal data)
and speed (no NLP pipeline per post), so each recognizer scores its own matches here. They are still
`LocalRecognizer`s: they plug into a Presidio `AnalyzerEngine` registry unchanged.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from classifiers.personal_data.presidio_base import LocalRecognizer, RecognizerResult

CONTEXT_CHARS = 48  # how far before a match we look for context words
_DIGITS = "0123456789"


def count_digits(text: str) -> int:
    """ASCII digits in `text`: ten C-level str.count calls, cheaper than any regex pass over the text."""
    return sum(map(text.count, _DIGITS))


def cue_key(text: str) -> str:
    """Lower-case without accents, so 'Sécurité' and 'securite' match the same cue."""
    import unicodedata

    norm = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in norm if not unicodedata.combining(c))


def factor_alternatives(alternatives: Iterable[str]) -> str:
    """'cancer|chimio|covid|diabete' -> 'c(?:ancer|himio|ovid)|diabete': the same language, but re tries one
    branch per letter instead of every alternative at each position (applied recursively).
    Alternatives that do not start with a plain letter followed by a non-quantifier are kept as they are."""
    by_first: dict[str, list[str]] = {}
    other: list[str] = []
    for alt in alternatives:
        if len(alt) > 1 and (alt[0].isalnum() or alt[0] in "'’ ") and alt[1] not in "?*+{":
            by_first.setdefault(alt[0], []).append(alt[1:])
        else:
            other.append(alt)
    parts = [first + (rests[0] if len(rests) == 1 else "(?:" + factor_alternatives(rests) + ")")
             for first, rests in by_first.items()]
    return "|".join(parts + other)


class PvRegexRecognizer(LocalRecognizer):
    """Subclasses set ENTITY, PATTERNS (regex, base score), CONTEXT words and may override `check`."""

    ENTITY = ""
    PATTERNS: tuple[tuple[str, float], ...] = ()
    CONTEXT: tuple[str, ...] = ()
    CONTEXT_BOOST = 0.35
    FLAGS: int = re.IGNORECASE
    TRIGGER: str | None = None  # a cheap substring test; the regexes run only if it is present
    PRECHECK: str | None = None  # a cheap regex; the patterns run only if it matches somewhere
    NEEDS_CONTEXT = False  # True: nothing is reported without a context word, so look for one first
    MIN_DIGITS = 0  # the text needs at least this many ASCII digits (counted once per post by the detector)
    # Patterns written in lower case run case-sensitively on the lower-cased text: Python's re is several
    # times faster that way than with IGNORECASE on long alternations.
    LOWER = False
    GROUP = 0  # which regex group is the entity
    # True: the patterns run as one alternation, one pass over the text instead of one each (a pass costs about
    # the same whatever its length). Only for patterns without back-references; where two patterns match at the
    # same place, the first listed wins.
    MERGE = False

    def __init__(self, supported_language: str = "fr") -> None:
        super().__init__(supported_entities=[self.ENTITY], supported_language=supported_language,
                         name=type(self).__name__)

    def load(self) -> None:
        # The patterns compile on first use (the properties below): most posts trigger few recognizers, and
        # compiling all of them at start was ~0.2 s of a one-post `pvwatch classify`.
        self._context = tuple(cue_key(c) for c in self.CONTEXT)
        self._precheck = re.compile(self.PRECHECK, re.IGNORECASE) if self.PRECHECK else None
        self._context_words = tuple(dict.fromkeys(c.lower() for c in (*self.CONTEXT, *self._context)))

    @functools.cached_property
    def _compiled(self) -> list[tuple[re.Pattern[str], float]]:
        return [(re.compile(rx, self.FLAGS), score) for rx, score in self.PATTERNS]

    @functools.cached_property
    def _lower_compiled(self) -> list[tuple[re.Pattern[str], float]]:
        return [(re.compile(rx, self.FLAGS & ~re.IGNORECASE), score) for rx, score in self.PATTERNS]

    @functools.cached_property
    def _merged(self) -> tuple[re.Pattern[str], re.Pattern[str], list[tuple[int, float]]] | None:
        if not (self.MERGE and len(self.PATTERNS) > 1):
            return None
        parts, groups, index = [], [], 0
        for i, (rx, score) in enumerate(self.PATTERNS):
            parts.append(f"(?P<_p{i}>{rx})")
            groups.append((index + 1 + self.GROUP, score))
            index += 1 + re.compile(rx).groups
        merged = "|".join(parts)
        return re.compile(merged, self.FLAGS), re.compile(merged, self.FLAGS & ~re.IGNORECASE), groups

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        """Final score for one match; None drops it. Default: keep the pattern score."""
        return score

    def has_context(self, text: str, start: int, end: int = -1) -> bool:
        window = cue_key(text[max(0, start - CONTEXT_CHARS):start])
        return any(c in window for c in self._context)

    def triggered(self, text: str, lower: str | None = None, ndigits: int | None = None) -> bool:
        if self.MIN_DIGITS and (count_digits(text) if ndigits is None else ndigits) < self.MIN_DIGITS:
            return False
        if self.TRIGGER is not None and self.TRIGGER not in text:
            return False
        if self._precheck is not None and self._precheck.search(text) is None:
            return False
        if not self.NEEDS_CONTEXT:
            return True
        low = text.lower() if lower is None else lower
        return any(c in low for c in self._context_words)  # str.__contains__: cheaper than a regex pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        """Presidio's entry point (used when registered in an AnalyzerEngine)."""
        if entities and self.ENTITY not in entities:
            return []
        return self.scan(text)

    def scan(self, text: str, lower: str | None = None, ndigits: int | None = None) -> list[RecognizerResult]:
        """pvwatch's entry point: no NLP artifacts needed. `lower` (text.lower()) and `ndigits`
        (count_digits(text)) are computed once per post by the caller."""
        if not self.triggered(text, lower, ndigits):
            return []
        return list(self._scan(text, lower))

    def _scan(self, text: str, lower: str | None = None) -> Iterable[RecognizerResult]:
        seen: set[tuple[int, int]] = set()
        lowered, haystack = False, text
        if self.LOWER:
            lower = text.lower() if lower is None else lower
            if len(lower) == len(text):  # offsets stay valid (a few characters lengthen when lower-cased)
                lowered, haystack = True, lower
        if self.MERGE and self._merged is not None:
            yield from self._scan_merged(text, haystack)
            return
        for rx, base in self._lower_compiled if lowered else self._compiled:
            for m in rx.finditer(haystack):
                start, end = m.span(self.GROUP)
                if start == end or (start, end) in seen:
                    continue
                found = self._scored(text, start, end, base)
                if found is not None:
                    seen.add((start, end))
                    yield found

    def _scan_merged(self, text: str, haystack: str) -> Iterable[RecognizerResult]:
        assert self._merged is not None
        full, lower_rx, groups = self._merged
        rx = lower_rx if haystack is not text else full
        for m in rx.finditer(haystack):
            group, base = groups[int(str(m.lastgroup)[2:])]
            start, end = m.span(group)
            if start == end:
                continue
            found = self._scored(text, start, end, base)
            if found is not None:
                yield found

    def _scored(self, text: str, start: int, end: int, base: float) -> RecognizerResult | None:
        """The checksum/validation hook, then the context boost: one place for both scan paths."""
        score = self.check(text[start:end], text, start, end, base)
        if score is None:
            return None
        if self._context and self.has_context(text, start, end):
            score = min(1.0, score + self.CONTEXT_BOOST)
        return self.result(start, end, score)

    def result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            entity_type=self.ENTITY, start=start, end=end, score=round(score, 3),
            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                                  RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id},
        )


def digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())
