"""The package's import graph: no cycles, and every import runs down the dependency order.

Edges are read from the source with ``ast``: imports at module level and inside functions
count (a function-level import still ties two modules together); imports under
``if TYPE_CHECKING:`` do not, as they never run. Importing ``a.b.c`` also runs ``a.b``'s
``__init__``, so that package is an edge too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import dlspec

PACKAGE = Path(dlspec.__file__).parent

# Lowest first: a module may import its own package and any package before it in this list.
ORDER = (
    ("__init__", "diagnostics", "base", "startup", "backend"),  # foundations: version, messages
    ("layers",),  # one file per layer kind
    ("sources",),  # one file per data scheme (its loader reaches ``data`` lazily, see below)
    ("spec",),  # the language: reads the layer and source registries to validate
    ("check",),  # lint: static inference and rules
    ("compiler",),  # spec -> keras.Model
    ("data",),  # readers, Dataset, preprocessing
    ("report",),  # tables, progress, plots: renders what train hands it
    ("train",),  # fitting, runs, evaluation, prediction, generation
    ("cli",),  # one module per command
    ("__main__",),
)
# Reaching up the order is allowed here only, and only inside a function: a source's loader
# imports its reader when data loads, so lint never imports numpy.
LAZY_UP = {("sources", "data")}


def _rank(module: str) -> int:
    top = module.split(".")[1] if module != "dlspec" else "__init__"
    for index, group in enumerate(ORDER):
        if top in group:
            return index
    raise AssertionError(f"dlspec.{top} is in no group of ORDER")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return getattr(test, "id", None) == "TYPE_CHECKING" or getattr(test, "attr", None) == (
        "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[tuple[str, bool]]:
    """(module imported, whether inside a function), skipping TYPE_CHECKING blocks."""
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for other in child.orelse:
                    visit(other, in_function)
                continue
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((alias.name, inner) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                for alias in child.names:
                    name = f"{child.module}.{alias.name}"
                    found.append((name if name in MODULES else child.module, inner))
            visit(child, inner)

    visit(tree, False)
    return [(name, inner) for name, inner in found if name.split(".")[0] == "dlspec"]


def _edges() -> dict[str, set[tuple[str, bool]]]:
    edges: dict[str, set[tuple[str, bool]]] = {}
    for name, path in MODULES.items():
        targets: set[tuple[str, bool]] = set()
        for target, inner in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if target in MODULES and target != name:
                targets.add((target, inner))
            # ``import a.b.c`` runs a.b's __init__ first, unless a.b is a package of the
            # importing module (then it is already running).
            parts = target.split(".")
            for end in range(2, len(parts)):
                package = ".".join(parts[:end])
                if package in MODULES and not (name + ".").startswith(f"{package}."):
                    targets.add((package, inner))
        edges[name] = targets
    return edges


EDGES = _edges()


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    graph = {name: {target for target, _ in targets} for name, targets in EDGES.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_the_graph_sees_every_package_and_its_imports() -> None:
    assert {"dlspec.spec.loading", "dlspec.sources.csv", "dlspec.cli.train"} <= set(MODULES)
    assert ("dlspec.spec.sections", False) in EDGES["dlspec.spec.root"]
    assert ("dlspec.data.tabular", True) in EDGES["dlspec.sources.csv"]


def test_no_import_cycles() -> None:
    assert _cycles() == []


def test_imports_run_down_the_order() -> None:
    upward = []
    for name, targets in EDGES.items():
        if name == "dlspec":
            continue
        for target, inner in targets:
            if _rank(target) <= _rank(name):
                continue
            pair = (name.split(".")[1], target.split(".")[1])
            if inner and pair in LAZY_UP:
                continue
            upward.append(f"{name} -> {target}{' (in a function)' if inner else ''}")
    assert sorted(upward) == []
