"""The house rules, read from the code's own imports (AST): used by tests/test_architecture.py.

- the ground (pvwatch/ outside pvwatch/app/) imports no feature folder;
- a feature imports no other feature (the roof, pvwatch/app/, wires them);
- no import circle among our modules.
Every import counts, wherever it stands: one inside a function or under `if TYPE_CHECKING:` hides a circle or a
wrong-way dependency from the interpreter, it does not remove it from the design.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FEATURES = ("collectors", "classifiers", "moderation", "alerts")
PACKAGES = ("pvwatch", *FEATURES)
ROOF = "pvwatch.app"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for pkg in PACKAGES:
        for path in sorted((REPO / pkg).rglob("*.py")):
            found[module_name(path)] = path
    return found


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Our modules that `name` imports (the most specific module each import statement names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def room(module: str) -> str:
    """'roof', 'ground' or the feature folder a module belongs to."""
    if module == ROOF or module.startswith(ROOF + ".") or module == "pvwatch.__main__":  # `python -m pvwatch`
        return "roof"
    top = module.split(".")[0]
    return "ground" if top == "pvwatch" else top


def wrong_way_imports(g: dict[str, set[str]]) -> list[str]:
    """Every import that breaks the rule: ground -> feature or roof, feature -> another feature or roof."""
    bad = []
    for src, targets in sorted(g.items()):
        for dst in sorted(targets):
            a, b = room(src), room(dst)
            if a == "roof" or a == b or b == "ground":
                continue
            bad.append(f"{src} ({a}) imports {dst} ({b})")
    return bad


def circles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(g.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out
