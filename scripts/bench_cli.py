"""`pvwatch classify` of one post, one fresh process per run: wall time, CPU time and peak RSS, this tree beside
another checkout (e.g. main), runs interleaved so both see the same machine load.

    .venv/bin/python scripts/bench_cli.py --other /work/main --runs 5

The first run of this tree uses an empty cache folder (it writes the tokenizer and encoder caches: the cost of
the very first `pvwatch classify` after installing); the others reuse it, as every later command does.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SENTENCE = "J'ai pris du Levothyrox et depuis j'ai des palpitations"


def measure(tree: Path, cache: Path, text: str, as_file: bool) -> dict[str, float | str]:
    # a wrapper process runs pvwatch and reports its children's usage: peak RSS and CPU of that one run
    env = {**os.environ, "PYTHONPATH": str(tree), "PVWATCH_CACHE_DIR": str(cache)}
    with tempfile.TemporaryDirectory() as tmp:
        args = ["classify", text]
        if as_file:
            path = Path(tmp) / "one.jsonl"
            path.write_text(json.dumps({"id": "1", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
            args = ["classify", "--file", str(path)]
        wrapper = ("import os, resource, subprocess, sys, time, json\n"
                   "t0 = time.perf_counter()\n"
                   "p = subprocess.run(sys.argv[1:], capture_output=True)\n"
                   "wall = time.perf_counter() - t0\n"
                   "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
                   "print(json.dumps({'rc': p.returncode, 'wall': wall, 'cpu': u.ru_utime + u.ru_stime,"
                   " 'rss_mb': u.ru_maxrss / 1024, 'out': p.stdout.decode(), 'err': p.stderr.decode()[-2000:]}))\n")
        res = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "pvwatch", *args], cwd=tmp,
                             env=env, capture_output=True, text=True, check=True)
    rec = json.loads(res.stdout)
    if rec["rc"] != 0:
        raise SystemExit(f"{tree}: exit {rec['rc']}: {rec['err']}")
    return rec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--other", type=Path, help="Another checkout to run beside this one (e.g. /work/main).")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--text", default=SENTENCE)
    ap.add_argument("--file", action="store_true", help="Classify a one-line --file instead of a TEXT argument.")
    args = ap.parse_args()
    trees = {"this tree": REPO, **({"other": args.other.resolve()} if args.other else {})}
    with tempfile.TemporaryDirectory() as caches:
        rows: dict[str, list[dict]] = {name: [] for name in trees}
        outputs: dict[str, set[str]] = {name: set() for name in trees}
        for _ in range(args.runs):
            for name, tree in trees.items():
                rec = measure(tree, Path(caches) / name, args.text, args.file)
                rows[name].append(rec)
                outputs[name].add(str(rec["out"]))
        print(f"load average before/after: {os.getloadavg()}")
        for name, recs in rows.items():
            walls = [r["wall"] for r in recs]
            cpus = ", ".join(f"{r['cpu']:.2f}" for r in recs)
            print(f"{name} ({trees[name]}): wall {', '.join(f'{w:.2f}' for w in walls)} s "
                  f"(median {statistics.median(walls):.2f}); CPU {cpus} s; "
                  f"peak RSS {max(r['rss_mb'] for r in recs):.0f} MB; first run = empty cache")
        if len(trees) == 2:
            same = outputs["this tree"] == outputs["other"]
            print(f"same output on both trees: {same}")


if __name__ == "__main__":
    main()
