"""Import each named module in a fresh interpreter state; print one line per module that fails.

Run as a script (tests/test_architecture.py does): the parent preloads only third-party libraries, then forks a
child per module (one per core at a time), so every child starts with none of our modules imported, as
`python -c "import X"` would.
A module that only imports after another one did (a circle dodged by import order) fails here.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import traceback
from pathlib import Path

# Every third-party library our modules import at their top (the heavy ones take seconds each).
PRELOAD = ("pydantic", "typer", "fastapi", "fastapi.staticfiles", "starlette.templating", "httpx", "jinja2",
           "rich.console", "numpy", "scipy.sparse", "sklearn.linear_model", "sklearn.feature_extraction.text",
           "spacy.matcher", "presidio_analyzer", "rapidfuzz", "lxml.etree", "argon2", "itsdangerous", "tweepy",
           "praw", "prawcore", "requests", "elasticsearch")


def main(names: list[str]) -> int:
    for lib in PRELOAD:  # speed only: shared by the children, none of them ours
        importlib.import_module(lib)
    assert not [m for m in sys.modules if m.split(".")[0] in ("pvwatch", "collectors", "classifiers", "moderation",
                                                                 "alerts")], "the parent must not import our modules"
    failed = 0
    running: dict[int, tuple[str, Path]] = {}
    todo = list(reversed(names))
    with tempfile.TemporaryDirectory() as tmp:
        while todo or running:
            while todo and len(running) < (os.cpu_count() or 1):
                name = todo.pop()
                log = Path(tmp) / name
                pid = os.fork()
                if pid == 0:
                    _child(name, log)
                running[pid] = (name, log)
            pid, status = os.wait()
            name, log = running.pop(pid)
            if status != 0:
                failed += 1
                err = log.read_text(errors="replace").strip() if log.exists() else ""
                print(f"{name}: {err.splitlines()[-1] if err else f'exit status {status}'}", flush=True)
    return 1 if failed else 0


def _child(name: str, log: Path) -> None:
    code = 0
    try:
        importlib.import_module(name)
    except BaseException:
        log.write_text(traceback.format_exc()[-3000:])
        code = 1
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
