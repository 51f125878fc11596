"""Dependencies go one way: corpora <- annotation <- exports (README, "Layout").

Every module of the three apps is parsed (imports inside functions included) and none may import
an app above its own. The checker is itself tested on a planted upward import so it cannot pass
by finding nothing.
"""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LAYERS = ["corpora", "annotation", "exports"]  # each may import only those to its left


def imported_apps(source: str, module: str) -> set[tuple[str, int]]:
    """(top-level package, line) for every import in `source`, relative imports resolved against `module`."""
    package = module.split(".")
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update((alias.name.split(".")[0], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.add((name.split(".")[0], node.lineno))
    return found


def upward_imports(source: str, module: str) -> list[str]:
    own = LAYERS.index(module.split(".")[0])
    return [
        f"{module}:{line} imports {app}"
        for app, line in sorted(imported_apps(source, module))
        if app in LAYERS and LAYERS.index(app) > own
    ]


def app_modules():
    for app in LAYERS:
        for path in sorted((REPO / app).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            # a package's __init__ is the package itself; relative imports resolve from it
            yield path, module + (".__init__" if parts[-1] == "__init__" else "")


def test_the_checker_sees_an_upward_import():
    assert upward_imports("def f():\n    from exports.models import DatasetVersion\n", "corpora.services") == [
        "corpora.services:2 imports exports"
    ]
    assert upward_imports("from ..services import x\n", "annotation.api.views") == []
    assert upward_imports("from corpora.models import Article\n", "exports.gold") == []


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_imports_an_app_above_it(app):
    modules = [(p, m) for p, m in app_modules() if m.startswith(app + ".")]
    assert len(modules) > 10, f"found only {len(modules)} modules in {app}"
    offences = [o for path, module in modules for o in upward_imports(path.read_text(encoding="utf-8"), module)]
    assert offences == []


def module_graph() -> dict[str, set[str]]:
    """Module -> the app modules it imports (at the top or inside functions)."""
    modules = {m.removesuffix(".__init__"): p for p, m in app_modules()}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        package = name.split(".") if is_package else name.split(".")[:-1]
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = ".".join(package[: len(package) - node.level + 1] if node.level else [])
                mod = ".".join(x for x in (base, node.module or "") if x) if node.level else (node.module or "")
                targets = [mod] + [f"{mod}.{a.name}" for a in node.names]
            for t in targets:
                while t and t not in modules:
                    t = t.rpartition(".")[0]
                if t and t != name and not (is_package and t.startswith(name + ".")) and not name.startswith(t + "."):
                    edges.add(t)
        graph[name] = edges
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_cycle():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_between_modules_not_even_inside_functions():
    """Services enqueue tasks by name (annotation/services/enqueue.py), so task modules import
    services and never the reverse; database-free import preparation is its own module."""
    graph = module_graph()
    assert "annotation.services.prelabel" in graph["annotation.tasks"]  # the graph sees real imports
    assert import_cycles(graph) == []
