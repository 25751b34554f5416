"""Queries built from `[[products]]`: X filtered-stream rules / search queries, and a keyword matcher.

One rule per product (tag `pvwatch:<product>`), split into several rules when the terms do not fit
the platform's rule length (512 characters on X's self-serve tiers). The keyword matcher is used
by collectors whose platform has no server-side filter (Reddit, YouTube, Meta) and to name the rule
that matched a post.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from pvwatch.config import Product

TAG_PREFIX = "pvwatch:"


@dataclass(frozen=True)
class Rule:
    value: str
    tag: str


def _quote(term: str) -> str:
    term = term.strip().replace('"', "")
    if term.startswith("#"):
        return term if re.fullmatch(r"#\w+", term) else f'"{term[1:]}"'
    return term if re.fullmatch(r"[\w-]+", term) and "-" not in term else f'"{term}"'


def product_terms(product: Product) -> list[str]:
    """Every distinct term of a product, plus its hashtags with a '#'."""
    seen: dict[str, None] = {}
    for t in [product.name, *product.inns, *product.synonyms, *product.misspellings]:
        if t.strip():
            seen.setdefault(t.strip(), None)
    for h in product.hashtags:
        h = h.strip().lstrip("#")
        if h:
            seen.setdefault(f"#{h}", None)
    return list(seen)


def x_rules(products: Sequence[Product], *, suffix: str = "-is:retweet", max_len: int = 512,
            extra_terms: Sequence[str] = ()) -> list[Rule]:
    """Filtered-stream rules (also valid recent-search queries), one or more per product."""
    rules: list[Rule] = []
    groups: list[tuple[str, list[str]]] = [(p.name, product_terms(p)) for p in products]
    if extra_terms:
        groups.append(("keywords", [t for t in extra_terms if t.strip()]))
    for name, terms in groups:
        tag = f"{TAG_PREFIX}{name}"
        chunk: list[str] = []
        for term in (_quote(t) for t in terms):
            candidate = chunk + [term]
            if chunk and len(_rule_value(candidate, suffix)) > max_len:
                rules.append(Rule(_rule_value(chunk, suffix), tag))
                candidate = [term]
            if len(_rule_value(candidate, suffix)) > max_len:
                raise ValueError(f"term {term!r} of {name} is longer than an X rule may be ({max_len})")
            chunk = candidate
        if chunk:
            rules.append(Rule(_rule_value(chunk, suffix), tag))
    return rules


def _rule_value(terms: list[str], suffix: str) -> str:
    body = terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"
    return f"{body} {suffix}".strip()


def match_key(text: str) -> str:
    """Case- and accent-insensitive form: 'Dépakine' and 'depakine' match."""
    nfkd = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in nfkd if not unicodedata.combining(c))


class KeywordMatcher:
    """Which product (or extra keyword) a text mentions, on word boundaries."""

    def __init__(self, products: Sequence[Product], extra: Sequence[str] = ()) -> None:
        table: list[tuple[str, str]] = []
        for p in products:
            table += [(match_key(t.lstrip("#")), p.name) for t in product_terms(p)]
        table += [(match_key(k), k) for k in extra if k.strip()]
        table.sort(key=lambda t: -len(t[0]))  # longest first so "acide valproïque" wins over "valproate"
        self._names = {term: name for term, name in table}
        self._re = (
            re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t, _ in table) + r")(?!\w)") if table else None
        )

    def match(self, text: str | None) -> str | None:
        if not text or self._re is None:
            return None
        m = self._re.search(match_key(text))
        return self._names[m.group(1)] if m else None

    @property
    def empty(self) -> bool:
        return self._re is None
