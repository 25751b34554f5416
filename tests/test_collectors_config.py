"""The commented [sources.*] examples in config.toml are valid: uncommented, every collector builds from them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from collectors.registry import build_collectors
from collectors.rules import KeywordMatcher, x_rules
from pvwatch.config import Product, parse_config

TEMPLATE = Path(__file__).resolve().parents[1] / "config.toml"


def test_commented_source_examples_build() -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    block = re.search(r"# \[sources\.x\].*?keep_seconds[^\n]*", text, re.S)
    assert block is not None
    data = tomllib.loads("\n".join(line[2:] if line.startswith("# ") else "" for line in block.group(0).splitlines()))
    data["sources"]["youtube"]["videos"] = ["vid00000001"]  # the example leaves the choice to the reader
    cfg = parse_config({"products": [{"name": "Levothyrox"}], **data})
    assert sorted(type(c).__name__ for c in build_collectors(cfg)) == [
        "MetaCollector", "RedditCollector", "WebhookCollector", "XCollector", "YouTubeCollector"]


def test_rules_split_long_products_and_match_accents() -> None:
    p = Product(name="Dépakine", inns=["acide valproïque", "valproate"], hashtags=["depakine"],
                synonyms=[f"syn{i:03d}" for i in range(60)])
    rules = x_rules([p], max_len=120)
    assert len(rules) > 1 and all(len(r.value) <= 120 for r in rules)
    assert all(r.tag == "pvwatch:Dépakine" for r in rules)
    assert '"acide valproïque"' in rules[0].value and "#depakine" in " ".join(r.value for r in rules)
    m = KeywordMatcher([p])
    assert m.match("ACIDE VALPROIQUE depuis 2 ans") == "Dépakine"
    assert m.match("#depakine") == "Dépakine"
    assert m.match("valproates") is None  # word boundaries
