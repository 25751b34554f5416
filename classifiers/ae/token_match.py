"""spaCy's French `token_match` with the same answers, without compiling its big letter classes.

spaCy's French tokenizer keeps words such as "burn-out" or "entr'ouvert" whole with one regex of 266 anchored
alternatives over the whole Unicode letter class, case-insensitive: compiling it costs ~5 s of CPU, in every
process, before the first post (and ~15 ms per alternative compiled alone). `LazyTokenMatch` gives the same
truth value for every string without ever compiling a big set:

- each alternative gets a *skeleton*: the same pattern with every large character set replaced by "any
  character". A set matches one character, so the skeleton matches every string the alternative matches (a
  superset); it has only literals and small sets and compiles in milliseconds. A string no skeleton matches is
  matched by no alternative (most tokens: one regex call, as before);
- for a string some skeleton matches, each big set is replaced, in that alternative, by the set of the string's
  own characters that the big set matches (a regex only ever tests the string's characters against a set, so
  for this string the small set and the big one answer alike). Which characters a big set matches, with the
  pattern's flags (case-insensitive Unicode folding included), is computed once over every code point when the
  tokenizer cache is written (`closure`), and looked up by bisection afterwards.

spaCy only tests the result for truth (`if token_match(string)`), so a match of the one alternative stands for
the match of the union. `tests/test_cli_speed.py` checks the answers against spaCy's own regex.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterator, Sequence
from enum import Enum

ANY = r"[\s\S]"
NEVER = "(?!)"
BIG_SET = 40  # characters of a set's source above which it is replaced (the letter classes have 1000s)
MAX_CODE_POINT = 0x10FFFF
Template = list[str | int]  # pattern pieces; an int is the index of a big set


def _set_end(pattern: str, start: int) -> int:
    """Index just past the `]` closing the set that opens at `pattern[start] == '['`."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":  # a ']' first in a set is literal
        i += 1
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "]":
            return i + 1
        i += 1
    raise ValueError(f"unterminated character set at {start}")


class Piece(Enum):
    """What one step of `scan` stands on."""
    CHAR = "char"  # a character with no meaning to the scan
    ESCAPE = "escape"  # a backslash and the character after it (never special)
    SET = "set"  # a whole character set, `[` to its closing `]`
    OPEN = "open"  # `(`, groups and `(?...)` alike
    CLOSE = "close"
    BAR = "bar"  # `|`


_SINGLE = {"(": Piece.OPEN, ")": Piece.CLOSE, "|": Piece.BAR}


def scan(pattern: str) -> Iterator[tuple[Piece, tuple[int, int]]]:
    """`pattern` as consecutive (kind, (start, stop)) pieces: escapes and sets whole, so that a `|`, `(` or `[`
    inside them is never taken for one of the pattern's own."""
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            kind, end = Piece.ESCAPE, min(i + 2, len(pattern))
        elif ch == "[":
            kind, end = Piece.SET, _set_end(pattern, i)
        else:
            kind, end = _SINGLE.get(ch, Piece.CHAR), i + 1
        yield kind, (i, end)
        i = end


def split_top_level(pattern: str) -> list[str]:
    """The alternatives of `pattern` separated by `|` outside groups and sets."""
    parts: list[str] = []
    depth = last = 0
    for kind, (start, end) in scan(pattern):
        if kind is Piece.OPEN:
            depth += 1
        elif kind is Piece.CLOSE:
            depth -= 1
        elif kind is Piece.BAR and depth == 0:
            parts.append(pattern[last:start])
            last = end
    parts.append(pattern[last:])
    return parts


def template(pattern: str, big_sets: list[str]) -> Template:
    """`pattern` cut around its big sets; each big set is appended to `big_sets` once and referred to by index."""
    out: Template = []
    last = 0
    for kind, (start, end) in scan(pattern):
        if kind is Piece.SET and end - start > BIG_SET:
            source = pattern[start:end]
            if source not in big_sets:
                big_sets.append(source)
            out += [pattern[last:start], big_sets.index(source)]
            last = end
    out.append(pattern[last:])
    return [p for p in out if p != ""]


def skeleton(pattern: str) -> str:
    """`pattern` with each big set replaced by ANY: it matches a superset."""
    return "".join(ANY if isinstance(p, int) else p for p in template(pattern, []))


def closure(flags: str, source: str) -> list[int]:
    """The code points the set `source` matches under `flags`, as flat [start, stop, start, stop, ...] ranges
    (stop exclusive)."""
    rx = re.compile(flags + source)
    flat: list[int] = []
    inside = False
    for cp in range(MAX_CODE_POINT + 1):
        hit = rx.match(chr(cp)) is not None
        if hit != inside:  # a range starts or stops here
            flat.append(cp)
        inside = hit
    if inside:
        flat.append(MAX_CODE_POINT + 1)
    return flat


class LazyTokenMatch:
    """Callable like `re.compile(flags + "|".join(alternatives)).match`, for spaCy's `Tokenizer.token_match`."""

    def __init__(self, flags: str, alternatives: Sequence[str], templates: Sequence[Template],
                 closures: Sequence[Sequence[int]]) -> None:
        if len(templates) != len(alternatives):
            raise ValueError("one template per alternative")
        self.flags = flags  # inline flags such as "(?iu)", applied to every alternative as in the union
        self.alternatives = list(alternatives)
        self.templates = [list(t) for t in templates]
        self.closures = [list(c) for c in closures]
        sources = ["".join(ANY if isinstance(p, int) else p for p in t) for t in self.templates]
        self.any_skeleton = re.compile(flags + "|".join(f"(?:{s})" for s in sources))
        self._sources = sources
        self._skeletons: list[re.Pattern[str]] | None = None  # compiled at the first string a skeleton matches
        self._lock = threading.Lock()

    @classmethod
    def of_pattern(cls, pattern: str) -> LazyTokenMatch:
        """From the union's source, as spaCy builds it: inline flags, then `(?:alt)|(?:alt)|...` (slow: the big
        sets' closures are computed over every code point, ~1 s each)."""
        flags = re.match(r"\(\?[a-zA-Z]+\)", pattern)
        head = flags.group(0) if flags else ""
        alternatives = split_top_level(pattern[len(head):])
        big_sets: list[str] = []
        templates = [template(a, big_sets) for a in alternatives]
        return cls(head, alternatives, templates, [closure(head, s) for s in big_sets])

    @property
    def pattern(self) -> str:  # what spaCy's Tokenizer.to_bytes reads from a compiled pattern's match method
        return self.flags + "|".join(self.alternatives)

    def _each_skeleton(self) -> list[re.Pattern[str]]:
        with self._lock:
            if self._skeletons is None:
                self._skeletons = [re.compile(self.flags + s) for s in self._sources]
            return self._skeletons

    def _member(self, set_index: int, ch: str) -> bool:
        flat = self.closures[set_index]
        return bisect.bisect_right(flat, ord(ch)) % 2 == 1  # in [start, stop) iff an odd number of bounds <= cp

    def _restricted(self, t: Template, chars: set[str]) -> str:
        out = []
        for piece in t:
            if isinstance(piece, str):
                out.append(piece)
                continue
            hits = sorted(c for c in chars if self._member(piece, c))
            # case-sensitive: the closure already holds every character the flags let the set match
            out.append("(?-i:[" + "".join(f"\\U{ord(c):08x}" for c in hits) + "])" if hits else NEVER)
        return "".join(out)

    def __call__(self, string: str) -> re.Match[str] | None:
        if self.any_skeleton.match(string) is None:
            return None
        chars = set(string)
        for i, sk in enumerate(self._each_skeleton()):
            if sk.match(string) is not None:
                found = re.match(self.flags + self._restricted(self.templates[i], chars), string)
                if found is not None:
                    return found
        return None
