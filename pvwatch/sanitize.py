"""Hostile input made safe to store, index, show and send, in the one place raw input becomes a `Post`.

`Post`'s validators call these, so every collector gets the same treatment:
- text: lone surrogates become U+FFFD (they cannot be encoded to UTF-8, so SQLite, Elasticsearch and JSON
  serialisation fail on them), and so do NUL and other C0/C1 controls (tab, LF, CR kept; same length);
- identifiers (id, platform, author, lang, thread ids): the same, plus line breaks, tabs and invisible format
  characters, so a record cannot inject lines into an e-mail header, a Slack message or a log line;
- raw payloads: nesting bounded (deeper parts replaced by a marker), strings cleaned, size bounded.
`loads` parses JSON with a depth limit checked before the parser recurses (a 100,000-deep body would
otherwise raise RecursionError).
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 32  # real platform payloads nest < 10 levels
MAX_JSON_DEPTH = 400  # what `loads` accepts at all (Python's parser recurses: ~1,000 is its limit)
TRUNCATED = "<truncated: nested too deep>"

_TEXT_DROP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TOKEN_DROP = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


def clean_text(value: str) -> str:
    """Post text: lone surrogates, NUL and other C0/C1 controls become U+FFFD (tab, LF and CR stay), visibly.
    Length-preserving, so evidence offsets computed before (items stored by older versions) stay valid."""
    if value.isascii() and value.isprintable():
        return value  # the common case, fast
    return _TEXT_DROP.sub("\ufffd", _SURROGATE.sub("\ufffd", value))


def clean_token(value: str) -> str:
    """Identifiers shown in alerts, headers and logs: one line, no controls, no invisible characters."""
    if value.isascii() and value.isprintable():
        return value.strip()
    value = _SURROGATE.sub("\ufffd", value)
    return " ".join(_TOKEN_DROP.sub(" ", value).split())


def printable(value: str) -> str:
    """For a terminal: control characters (ESC sequences, CR, BEL ...) shown as visible escapes, never run."""
    if value.isprintable():
        return value
    return "".join(ch if ch.isprintable() or ch == " " else
                   (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}") for ch in value)


def bounded(value: Any, max_depth: int = MAX_DEPTH) -> Any:
    """A JSON-ready copy of `value` with strings cleaned and nesting cut at `max_depth` (iterative: a
    100,000-deep structure costs no recursion)."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any, int]] = [(value, root, 0, 0)]  # (node, parent, slot, depth)
    while stack:
        node, parent, slot, depth = stack.pop()
        if isinstance(node, dict | list) and depth >= max_depth:
            parent[slot] = TRUNCATED
        elif isinstance(node, dict):
            out: dict[str, Any] = {}
            parent[slot] = out
            for k, v in node.items():
                key = clean_token(str(k))[:200]
                out[key] = None
                stack.append((v, out, key, depth + 1))
        elif isinstance(node, list | tuple):
            lst: list[Any] = [None] * len(node)
            parent[slot] = lst
            for i, v in enumerate(node):
                stack.append((v, lst, i, depth + 1))
        elif isinstance(node, str):
            parent[slot] = clean_text(node)
        elif node is None or isinstance(node, bool | int | float):
            parent[slot] = node if not (isinstance(node, float) and node != node) else None  # NaN: not JSON
        else:
            parent[slot] = clean_text(str(node))
    return root[0]


def json_depth(data: bytes | str, limit: int = MAX_JSON_DEPTH) -> int:
    """Deepest bracket nesting outside strings, counting stops at limit + 1 (no parsing, no recursion)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return min(limit, raw.count(b"[") + raw.count(b"{"))
    depth = deepest = 0
    for m in _BRACKETS.finditer(_STRINGS.sub(b'""', raw)):
        depth += 1 if m.group() in (b"[", b"{") else -1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


class TooDeep(ValueError):
    """A JSON document nested deeper than accepted."""


def loads(data: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """json.loads, refusing documents nested deeper than max_depth with a TooDeep that says so."""
    if json_depth(data, max_depth) > max_depth:
        raise TooDeep(f"JSON nested deeper than {max_depth} levels; flatten the record")
    try:
        return json.loads(data)
    except RecursionError:  # cannot happen below max_depth; kept so no input ever becomes a traceback
        raise TooDeep(f"JSON nested too deep; flatten the record (limit {max_depth})") from None
