"""The authored-corpus checker: schema errors, label lint, near-duplicates, overlap with other corpora."""

from __future__ import annotations

import json
from pathlib import Path

from classifiers.data import corpus_stats


def _post(i: int, text: str, **kw: object) -> dict[str, object]:
    post: dict[str, object] = {
        "id": f"fr-{i:05d}", "lang": "fr", "platform": "x", "register": "sms", "cell": "ae.first_person",
        "text": text, "adverse_event": True, "special_situations": [], "serious": False, "seriousness": [],
        "drugs": ["levothyrox"], "reactions": ["palpitations"], "check": "agree",
    }
    post.update(kw)
    return post


def _write(folder: Path, name: str, posts: list[dict[str, object]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in posts), encoding="utf-8")


def test_valid_posts_pass_and_near_duplicates_are_found(tmp_path: Path) -> None:
    base = "jai pris du levothyrox et depuis jai des palpitations tous les soirs"
    _write(tmp_path, "a.jsonl", [
        _post(1, base), _post(2, base + " !!"),
        _post(3, "le doliprane marche bien pour ma migraine", cell="neg.efficacy", adverse_event=False,
              drugs=["doliprane"], reactions=[]),
    ])
    _write(tmp_path, "augmented_names.jsonl", [_post(9, base.replace("levothyrox", "euthyrox"))])
    report, summary = corpus_stats.summarise(tmp_path, [])
    assert report.errors == []
    assert summary["posts"] == 3 and summary["augmented_counted_apart"] == 1
    assert summary["near_duplicate_pairs"] == 1 and summary["distinct_after_near_duplicates"] == 2
    assert summary["cells"]["neg.efficacy"] == {"AE": 0, "not AE": 1}


def test_label_lint_and_schema_errors_are_reported(tmp_path: Path) -> None:
    _write(tmp_path, "a.jsonl", [
        _post(1, "le doliprane me donne des nausées", drugs=["dafalgan"], reactions=["nausées"]),
        _post(2, "jai des palpitations avec le levothyrox", serious=True),
        _post(3, "jai des palpitations avec le levothyrox", reactions=[]),
        _post(3, "encore des palpitations sous levothyrox", platform="myspace"),
    ])
    (tmp_path / "a.jsonl").write_text((tmp_path / "a.jsonl").read_text() + "{not json\n", encoding="utf-8")
    report, _ = corpus_stats.summarise(tmp_path, [])
    text = "\n".join(report.errors)
    assert "'dafalgan' is not verbatim" in text
    assert "serious must be true exactly when" in text
    assert "needs at least one drug and one reaction" in text
    assert "platform 'myspace'" in text
    assert "invalid JSON" in text
    assert corpus_stats.main([str(tmp_path)]) == 1


def test_overlap_finds_a_copied_post(tmp_path: Path) -> None:
    copied = "Depuis le changement de formule je fais des crises de vertiges tous les matins"
    _write(tmp_path / "corpus", "a.jsonl", [_post(1, copied, reactions=["vertiges"], drugs=["formule"]),
                                            _post(2, "rien à voir, une phrase entièrement différente ici",
                                                  cell="neg.offtopic", adverse_event=False, drugs=[],
                                                  reactions=[])])
    other = tmp_path / "other.tsv"
    other.write_text(f"1\t{copied}.\t1\n2\tune autre phrase qui ne ressemble à rien du tout\t0\n", encoding="utf-8")
    _, summary = corpus_stats.summarise(tmp_path / "corpus", [other])
    assert summary["overlap"]["above_threshold"] == ["fr-00001"]
