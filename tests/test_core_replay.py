"""The replay collector: JSONL and CSV, resume from a cursor, growing files, hostile records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from collectors.replay import ReplayCollector, record_to_post
from pvwatch.config import parse_config
from pvwatch.errors import ConfigError


def _collector(tmp_path: Path, name: str, **opts: object) -> ReplayCollector:
    cfg = parse_config({"sources": {"s": {"type": "replay", "path": name, **opts}}}, base_dir=tmp_path)
    return ReplayCollector("s", cfg.sources["s"], cfg)


def test_jsonl_batches_and_resume(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(
        "".join(json.dumps({"id": i, "text": f"t{i}"}) + "\n" for i in range(7)), encoding="utf-8"
    )
    col = _collector(tmp_path, "a.jsonl", batch_size=3)
    b1 = col.poll({})
    assert [p.id for p in b1.posts] == ["0", "1", "2"] and not b1.exhausted
    # a new process resumes from the saved cursor
    col2 = _collector(tmp_path, "a.jsonl", batch_size=3)
    b2 = col2.poll(b1.cursor)
    assert [p.id for p in b2.posts] == ["3", "4", "5"]
    b3 = col2.poll(b2.cursor)
    assert [p.id for p in b3.posts] == ["6"] and b3.exhausted and b3.cursor == {"records": 7}


def test_growing_file_is_followed(tmp_path: Path) -> None:
    f = tmp_path / "g.jsonl"
    f.write_text(json.dumps({"id": 1, "text": "a"}) + "\n", encoding="utf-8")
    col = _collector(tmp_path, "g.jsonl")
    b = col.poll({})
    assert len(b.posts) == 1 and b.exhausted
    with f.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": 2, "text": "b"}) + "\n")
    b2 = col.poll(b.cursor)
    assert [p.id for p in b2.posts] == ["2"]


def test_csv_with_multiline_fields(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text('id,text,lang\n1,"ligne un\nligne deux",fr\n2,hello,en\n', encoding="utf-8")
    b = _collector(tmp_path, "e.csv").poll({})
    assert [(p.id, p.lang) for p in b.posts] == [("1", "fr"), ("2", "en")]
    assert b.posts[0].text == "ligne un\nligne deux"


@pytest.mark.parametrize(
    "line",
    ["{not json", "[1,2,3]", '{"id": null, "text": "x"}', '{"id": 1}', '{"id": 1, "text": 5}',
     '{"id": 1, "text": "x", "created_at": "yesterday"}', '"a string"'],
)
def test_malformed_records_are_counted_not_fatal(tmp_path: Path, line: str) -> None:
    (tmp_path / "m.jsonl").write_text(line + "\n" + json.dumps({"id": "ok", "text": "fine"}) + "\n",
                                      encoding="utf-8")
    b = _collector(tmp_path, "m.jsonl").poll({})
    assert [p.id for p in b.posts] == ["ok"]
    assert len(b.errors) == 1


def test_hostile_values_are_bounded_and_urls_sanitised() -> None:
    post = record_to_post(
        {"id": "x", "text": "a" * 100_000, "url": "javascript:alert(1)"}, default_platform="p", source="s"
    )
    assert len(post.text) == 20_000 and post.url is None
    assert record_to_post({"id": "y", "text": "t", "url": "https://ok.example/1"},
                          default_platform="p", source="s").url == "https://ok.example/1"


def test_unknown_option_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"sources\.s\.colour"):
        _collector(tmp_path, "a.jsonl", colour="red")
