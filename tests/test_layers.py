"""The layers' arrows point down only, and no module imports itself back.

schemas <- core <- extractors <- pipeline: a module may import its own
layer and those below it, never one above (ARCHITECTURE.md)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["schemas", "core", "extractors", "pipeline"]


def _modules() -> dict[str, Path]:
    out = {}
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


MODULES = _modules()


def imports_of(path: Path) -> set[str]:
    """Project modules `path` imports, at any depth of the file (late imports too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        found |= {n for n in names if n in MODULES}
    return found


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module):
    rank = LAYERS.index(module.split(".")[0])
    upward = sorted(m for m in imports_of(MODULES[module]) if LAYERS.index(m.split(".")[0]) > rank)
    assert upward == [], f"{module} imports a layer above it"


def test_no_import_cycle():
    graph = {m: imports_of(p) - {m} for m, p in MODULES.items()}
    # a package's __init__ importing its own submodules is not a cycle
    graph = {m: {d for d in deps if not d.startswith(m + ".")} for m, deps in graph.items()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m):
        state[m] = 1
        path.append(m)
        for d in graph[m]:
            if state.get(d) == 1:
                raise AssertionError("import cycle: " + " -> ".join(path[path.index(d):] + [d]))
            if d not in state:
                visit(d)
        path.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
