"""The house rules (docs/architecture.md): only the roof imports features, no import circle, and every module
imports alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.architecture import REPO, circles, graph, imports_of, modules, room, wrong_way_imports


def test_only_the_roof_imports_features() -> None:
    assert wrong_way_imports(graph()) == []


def test_no_import_circle() -> None:
    assert circles(graph()) == []


def test_the_checks_see_what_they_forbid(tmp_path: Path) -> None:
    # a circle, and the wrong-way imports the rule names
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    g = {"pvwatch.pipeline": {"collectors.registry"}, "moderation.web.app": {"collectors.webhook"},
         "pvwatch.app.main": {"alerts.cli"}, "alerts.cli": {"pvwatch.cli.options"}}
    assert wrong_way_imports(g) == ["moderation.web.app (moderation) imports collectors.webhook (collectors)",
                                    "pvwatch.pipeline (ground) imports collectors.registry (collectors)"]
    assert room("pvwatch.app.runtime") == "roof" and room("pvwatch.storage.sqlite") == "ground"
    # imports inside functions and under TYPE_CHECKING count
    path = REPO / "pvwatch" / "config.py"
    src = tmp_path / "m.py"
    src.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pvwatch.models import Post\n"
                   "def f():\n    from collectors.registry import known_types\n", encoding="utf-8")
    known = modules()
    assert imports_of("pvwatch.config", src, known) == {"pvwatch.models", "collectors.registry"}
    assert "pvwatch.errors" in imports_of("pvwatch.config", path, known)


@pytest.mark.slow
def test_every_module_imports_alone() -> None:
    names = sorted(n for n in modules() if n != "pvwatch.__main__")  # __main__ runs the CLI
    env = {**os.environ, "PYTHONPATH": str(REPO), "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}
    out = subprocess.run([sys.executable, str(REPO / "tests" / "import_alone.py"), *names], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr[-2000:]
