"""Smaller promises of issue 14: the raw payload keeps no author in clear, drug names survive invisible
characters and look-alike letters, no post is left silently unscreened, a read-only or full store says how to
fix it, and the terminal never receives raw control characters."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifiers.adverse_events import AdverseEventClassifier
from pvwatch.app.main import app
from pvwatch.config import parse_config
from pvwatch.errors import ConfigError
from pvwatch.models import Post
from pvwatch.privacy import PSEUDONYM_PREFIX, Pseudonymizer
from pvwatch.storage.sqlite import SqliteStore
from tests.moderation_helpers import make_item

runner = CliRunner()


def test_keep_raw_never_keeps_the_author_in_clear() -> None:
    raw = {"id": "1", "text": "t", "author": "@marie_l", "user": {"name": "Marie Lefèvre", "screen_name": "marie_l"},
           "includes": {"users": [{"username": "marie_l", "id": "42"}]}, "mentions": ["@marie_l"]}
    post = Post(platform="x", id="1", text="t", author="@marie_l", raw=raw)
    safe = Pseudonymizer(b"k" * 32, keep_raw=True).protect(post)
    blob = json.dumps(safe.raw, ensure_ascii=False)
    assert "marie" not in blob.lower() and "Lefèvre" not in blob
    assert safe.raw is not None and safe.raw["author"] == safe.author and safe.author.startswith(PSEUDONYM_PREFIX)
    assert safe.raw["text"] == "t" and safe.raw["includes"]["users"][0]["id"] == "42"


@pytest.fixture(scope="module")
def clf() -> AdverseEventClassifier:
    return AdverseEventClassifier.from_config(parse_config({"products": [{"name": "Levothyrox"}]}))


@pytest.mark.parametrize("name", [
    "Levo\u200bthyrox",  # zero-width space
    "Lévo\u00adthyrox",  # soft hyphen
    "Levo\u2060thy\u200drox",  # word joiner, zero-width joiner
    "Ｌｅｖｏｔｈｙｒｏｘ",  # fullwidth
    "Lеvоthyrоx",  # Cyrillic е and о
    "Lεvοthyrοx",  # Greek ε and ο
])
def test_disguised_drug_names_are_still_products(clf: AdverseEventClassifier, name: str) -> None:
    text = f"J'ai pris du {name} et depuis j'ai des palpitations"
    (a,) = clf.analyze_many([text], ["fr"])
    assert a.products == ["Levothyrox"] and a.adverse_event.decision
    drug = next(s for s in a.adverse_event.evidence if s.label == "drug")
    assert text[drug.start:drug.end] == name == drug.text  # the evidence still points at what was written


def test_an_empty_language_list_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="classifiers.languages"):
        parse_config({"classifiers": {"languages": []}})


def test_a_post_outside_the_configured_languages_is_screened_and_marked() -> None:
    c = AdverseEventClassifier.from_config(parse_config({"classifiers": {"languages": ["en"]},
                                                         "products": [{"name": "Levothyrox"}]}))
    (a,) = c.analyze_many(["J'ai pris du Levothyrox et depuis j'ai des palpitations"], ["fr"])
    assert a.products == ["Levothyrox"] and "screened with the en tier" in a.model and "'fr'" in a.model


def _store_config(tmp_path: Path, db_dir: Path) -> Path:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[storage]\npath = "{db_dir / "s.db"}"\n[alerts]\nenabled = false\n', encoding="utf-8")
    return cfg


@pytest.fixture
def tmpfs(tmp_path: Path):  # type: ignore[no-untyped-def]
    where = tmp_path / "fs"
    where.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a small tmpfs (a genuinely full or read-only filesystem)")
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_read_only_store_says_how_to_fix_it(tmp_path: Path, tmpfs: Path) -> None:
    store = SqliteStore(tmpfs / "s.db")
    store.items.upsert(make_item("r1", "Levothyrox et palpitations"))
    store.close()
    for f in tmpfs.glob("s.db-*"):
        f.unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    r = runner.invoke(app, ["user", "add", "zoe", "--role", "admin", "--password-env", "PW",
                            "-c", str(_store_config(tmp_path, tmpfs))], env={"PW": "a long enough password"})
    assert r.exit_code == 1 and "read-only" in r.output and "write access" in r.output, r.output
    assert "Traceback" not in r.output


def test_a_full_store_says_how_to_fix_it(tmp_path: Path, tmpfs: Path) -> None:
    store = SqliteStore(tmpfs / "s.db")
    store.close()
    with (tmpfs / "ballast").open("wb") as fh:  # fill the filesystem to the last byte
        try:
            while True:
                fh.write(b"\0" * 65536)
        except OSError:
            pass
    r = runner.invoke(app, ["user", "add", "zoe", "--role", "admin", "--password-env", "PW",
                            "-c", str(_store_config(tmp_path, tmpfs))], env={"PW": "a long enough password"})
    assert r.exit_code == 1 and "full" in r.output and "free space" in r.output, r.output
    assert "Traceback" not in r.output


def test_the_terminal_queue_never_prints_raw_control_characters(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "q.db")
    item = make_item("c1", "Levothyrox ok")
    hostile = item.post.model_copy(update={"text": "Levothyrox \x1b[2J\x1b]0;pwned\x07 ok\rX"})
    store.items.upsert(item.model_copy(update={"post": hostile}))
    store.close()
    cfg = tmp_path / "config.toml"
    cfg.write_text('[storage]\npath = "q.db"\n[alerts]\nenabled = false\n', encoding="utf-8")
    r = runner.invoke(app, ["queue", "-c", str(cfg)])
    assert r.exit_code == 0 and "Levothyrox" in r.output
    assert not any(ch in r.output for ch in "\x1b\x07\r")
