"""Each source type's options are checked by the roof at start-up, like [alerts]: exit code 2, the key and the fix,
before any collector, platform SDK or model is imported; collectors receive the checked model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from collectors.options import OPTIONS, RedditOptions
from collectors.registry import COLLECTORS, build_collectors
from pvwatch.app.main import app
from pvwatch.config import parse_config
from pvwatch.errors import ConfigError, PvwatchError

REPO = Path(__file__).resolve().parents[1]
PRODUCTS = '[[products]]\nname = "Levothyrox"\n'
GOOD = {
    "file": 'type = "replay"\npath = "in.jsonl"\n',
    "webhook": 'type = "webhook"\nsecret_env = "PVWATCH_HOOK_SECRET"\n',
    "chatbot": 'type = "webhook"\nsecret_env = "PVWATCH_BOT_SECRET"\nplatform = "chatbot"\nauth = "secret"\n',
    "x": 'type = "x"\nmode = "search"\n',
    "reddit": 'type = "reddit"\nsubreddits = ["Hypothyroidism"]\n',
    "youtube": 'type = "youtube"\nvideos = ["vid00000001"]\n',
    "facebook": 'type = "meta"\nplatform = "facebook"\naccounts = ["1234567890"]\n',
    "instagram": 'type = "meta"\nplatform = "instagram"\naccounts = ["17841400000000000"]\n',
}
# (source, its block, key in the error, words of the fix)
BAD = [
    ("file", 'type = "replay"\nformat = "csv"\n', "sources.file.path", "give the file to read"),
    ("file", 'type = "replay"\npath = "in.xml"\nformat = "xml"\n', "sources.file.format", "allowed values"),
    ("webhook", 'type = "webhook"\n', "sources.webhook.secret_env", "name the environment variable"),
    ("chatbot", 'type = "webhook"\nsecret_env = "S"\nauth = "basic"\n', "sources.chatbot.auth", "allowed values"),
    ("x", 'type = "x"\nmode = "firehose"\n', "sources.x.mode", "allowed values"),
    ("x", f'type = "x"\nrule_max_len = 64\nkeywords = ["{"a" * 80}"]\n', "sources.x.rule_max_len",
     "shorten the term"),
    ("reddit", 'type = "reddit"\nsubreddits = []\n', "sources.reddit.subreddits", "list at least one subreddit"),
    ("reddit", 'type = "reddit"\nsubreddits = ["a"]\nsubreddit = "b"\n', "sources.reddit.subreddit", "spelling"),
    ("reddit", 'type = "reddit"\nsubreddits = ["a"]\nlimit = 0\n', "sources.reddit.limit", "larger value"),
    ("youtube", 'type = "youtube"\nfilter = true\n', "sources.youtube", "list channel ids"),
    ("youtube", 'type = "youtube"\nvideos = "vid00000001"\n', "sources.youtube.videos", "write a list"),
    ("facebook", 'type = "meta"\nplatform = "tiktok"\naccounts = ["1"]\n', "sources.facebook.platform",
     'platform = "facebook"'),
    ("instagram", 'type = "meta"\nplatform = "instagram"\naccounts = []\n', "sources.instagram.accounts",
     "list the Page or Instagram"),
]


def write(tmp_path: Path, name: str, block: str, products: str = PRODUCTS) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'{products}[storage]\npath = "store.db"\n[sources.{name}]\n{block}', encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["check", "run", "serve"])
@pytest.mark.parametrize(("name", "block", "key", "fix"), BAD)
def test_bad_option_exits_2_with_key_and_fix(tmp_path: Path, command: str, name: str, block: str, key: str,
                                            fix: str) -> None:
    result = CliRunner().invoke(app, [command, "-c", str(write(tmp_path, name, block))])
    assert result.exit_code == 2, result.output
    assert f"config.toml: {key}: " in result.output
    assert "Fix: " in result.output and fix in result.output
    assert not (tmp_path / "store.db").exists(), "nothing may be half-started on a bad config"


def test_filter_without_products_is_a_start_up_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", "-c", str(write(tmp_path, "rd", GOOD["reddit"], products=""))])
    assert result.exit_code == 2
    assert "sources.rd.filter" in result.output and "set filter = false" in result.output


def test_good_configs_pass_check_and_build_with_the_checked_options(tmp_path: Path) -> None:
    blocks = "".join(f"[sources.{name}]\n{block}" for name, block in GOOD.items())
    path = tmp_path / "config.toml"
    path.write_text(f'{PRODUCTS}[storage]\npath = "store.db"\n{blocks}', encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "-c", str(path)])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output and not (tmp_path / "store.db").exists()
    from pvwatch.config import load_config

    cfg = load_config(path)
    collectors = build_collectors(cfg)
    assert [c.name for c in collectors] == list(GOOD)
    for collector in collectors:  # the very object the start-up check validated: not validated again
        assert collector.options is cfg.sources[collector.name].checked(OPTIONS[collector.source.type])
    assert cfg.sources["chatbot"].checked(OPTIONS["webhook"]).platform == "chatbot"


def test_options_and_collectors_name_the_same_types() -> None:
    assert set(OPTIONS) == set(COLLECTORS)


def test_unchecked_options_are_refused() -> None:
    from pvwatch.config import Config, SourceConfig

    src = SourceConfig.model_validate({"type": "reddit", "subreddits": ["a"]})
    with pytest.raises(PvwatchError, match="not checked at start-up"):
        src.checked(RedditOptions)
    cfg = Config.model_validate({"sources": {"rd": {"type": "reddit", "subreddits": []}}})  # checks skipped
    with pytest.raises(PvwatchError, match="not checked"):
        build_collectors(cfg)


def test_disabled_source_options_are_not_required(base_config: dict[str, Any]) -> None:
    cfg = parse_config({**base_config, "sources": {"later": {"type": "reddit", "enabled": False}}})
    assert build_collectors(cfg) == []
    with pytest.raises(ConfigError, match="sources.later.type"):
        parse_config({**base_config, "sources": {"later": {"type": "myspace", "enabled": False}}})


# Run in a fresh interpreter: what the CLI imports before it reports a bad source, and what the options pull in.
PROBE = """
import json, sys
from typer.testing import CliRunner
from pvwatch.app.main import app
outputs = [CliRunner().invoke(app, [cmd, "-c", path]) for cmd in ("check", "run", "serve") for path in sys.argv[1:]]
heavy = ("tweepy", "praw", "prawcore", "torch", "transformers", "sentence_transformers", "onnxruntime", "spacy",
         "presidio_analyzer", "collectors.x", "collectors.reddit", "collectors.youtube", "collectors.meta",
         "classifiers.ae.encoders", "classifiers.ae.embedding_tier",
         "classifiers.personal_data")
print(json.dumps({"codes": [r.exit_code for r in outputs], "loaded": [m for m in heavy if m in sys.modules]}))
"""


def test_bad_options_are_reported_before_any_sdk_or_model_is_imported(tmp_path: Path) -> None:
    paths = []
    for i, (name, block, _key, _fix) in enumerate(BAD):
        (tmp_path / str(i)).mkdir()
        paths.append(str(write(tmp_path / str(i), name, block)))
    out = subprocess.run([sys.executable, "-c", PROBE, *paths], capture_output=True, text=True, cwd=REPO,
                         timeout=300, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["codes"] == [2] * (3 * len(BAD))
    assert got["loaded"] == []


def test_the_options_module_imports_no_platform_client() -> None:
    code = ("import sys, collectors.options; print([m for m in ('tweepy', 'praw', 'prawcore', 'httpx', 'requests', "
            "'fastapi') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120,
                         check=True)
    assert out.stdout.strip() == "[]"
