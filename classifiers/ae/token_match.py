"""spaCy's French `token_match` with the same answers, without compiling all of it at start-up.

spaCy's French tokenizer keeps words such as "burn-out" or "entr'ouvert" whole with one regex of 266 anchored
alternatives over the whole Unicode letter class, case-insensitive: compiling it costs ~5 s of CPU, in every
process, before the first post. `LazyTokenMatch` gives the same truth value for every string:

- each alternative gets a *skeleton*: the same pattern with every large character set replaced by "any
  character". A set matches one character, so the skeleton matches every string the alternative matches (a
  superset); it has only literals and small sets and compiles in milliseconds;
- a string no skeleton matches is matched by no alternative (most tokens: one regex call, as before);
- otherwise only the alternatives whose skeleton matched are compiled (once, then kept) and tried.

spaCy only tests the result for truth (`if token_match(string)`), so a match of the one alternative stands for
the match of the union. `tests/test_cli_speed.py` checks the answers against spaCy's own regex.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

ANY = r"[\s\S]"
BIG_SET = 40  # characters of a set's source above which it is replaced in the skeleton (letter classes: 1000s)


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


def split_top_level(pattern: str) -> list[str]:
    """The alternatives of `pattern` separated by `|` outside groups and sets."""
    parts, depth, last, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _set_end(pattern, i)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[last:i])
            last = i + 1
        i += 1
    parts.append(pattern[last:])
    return parts


def skeleton(pattern: str) -> str:
    """`pattern` with each set longer than BIG_SET characters replaced by ANY: it matches a superset."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if ch == "[":
            end = _set_end(pattern, i)
            out.append(ANY if end - i > BIG_SET else pattern[i:end])
            i = end
            continue
        out.append(ch)
        i += 1
    return "".join(out)


class LazyTokenMatch:
    """Callable like `re.compile(flags + "|".join(alternatives)).match`, for spaCy's `Tokenizer.token_match`."""

    def __init__(self, flags: str, alternatives: Sequence[str], skeletons: Sequence[str] | None = None) -> None:
        self.flags = flags  # inline flags such as "(?iu)", applied to every alternative as in the union
        self.alternatives = list(alternatives)
        # computing skeletons reads the 1.4 MB source (~0.3 s): the tokenizer cache stores them
        self.skeleton_sources = list(skeletons) if skeletons is not None else [skeleton(a) for a in alternatives]
        if len(self.skeleton_sources) != len(self.alternatives):
            raise ValueError("one skeleton per alternative")
        self.any_skeleton = re.compile(flags + "|".join(f"(?:{s})" for s in self.skeleton_sources))
        self._skeletons: list[re.Pattern[str]] | None = None  # compiled at the first string a skeleton matches
        self._full: dict[int, re.Pattern[str]] = {}
        self._lock = threading.Lock()

    @classmethod
    def of_pattern(cls, pattern: str) -> LazyTokenMatch:
        """From the union's source, as spaCy builds it: inline flags, then `(?:alt)|(?:alt)|...`."""
        flags = re.match(r"\(\?[a-zA-Z]+\)", pattern)
        head = flags.group(0) if flags else ""
        return cls(head, split_top_level(pattern[len(head):]))

    @property
    def pattern(self) -> str:  # what spaCy's Tokenizer.to_bytes reads from a compiled pattern's match method
        return self.flags + "|".join(self.alternatives)

    def _each_skeleton(self) -> list[re.Pattern[str]]:
        with self._lock:
            if self._skeletons is None:
                self._skeletons = [re.compile(self.flags + s) for s in self.skeleton_sources]
            return self._skeletons

    def _compiled(self, i: int) -> re.Pattern[str]:
        with self._lock:
            if i not in self._full:
                self._full[i] = re.compile(self.flags + self.alternatives[i])
            return self._full[i]

    def __call__(self, string: str) -> re.Match[str] | None:
        if self.any_skeleton.match(string) is None:
            return None
        for i, sk in enumerate(self._each_skeleton()):
            if sk.match(string) is not None:
                found = self._compiled(i).match(string)
                if found is not None:
                    return found
        return None
