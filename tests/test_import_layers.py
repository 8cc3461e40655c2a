"""The package's imports form no circle, and the live answer path never reaches the evaluation package.

The walk reads the source (ast), so it sees every import: module level, inside functions (lazy imports of heavy
or optional modules) and under `if TYPE_CHECKING:`. A circle through a lazy import is still a circle: it is how
evaluation and the engine used to depend on each other (evaluation <-> interview.{analysis, judge, learned, replay}).
"""

from __future__ import annotations

import ast
from pathlib import Path

import aismm_assistant

PACKAGE_DIR = Path(aismm_assistant.__file__).resolve().parent
PACKAGE = "aismm_assistant"
# What runs when a respondent answers: the interview engine and the surfaces that call it.
LIVE_ROOTS = ("aismm_assistant.interview.engine", "aismm_assistant.interview.analyser",
              "aismm_assistant.api.app", "aismm_assistant.api.routes_interviews")


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE_DIR.rglob("*.py"):
        parts = (PACKAGE, *path.relative_to(PACKAGE_DIR).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _owner(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (anywhere in its source)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_pkg = path.name == "__init__.py"
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps.update(o for a in node.names if (o := _owner(a.name, modules)))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = name.split(".") if is_pkg else name.split(".")[:-1]
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                for a in node.names:
                    target = f"{base}.{a.name}" if f"{base}.{a.name}" in modules else _owner(base, modules)
                    if target:
                        deps.add(target)
        deps.discard(name)
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next((c for c in children if c in graph), None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    comp.append(m)
                    if m == node:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


def reachable(graph: dict[str, set[str]], roots: tuple[str, ...]) -> set[str]:
    seen: set[str] = set()
    todo = [r for r in roots if r in graph]
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo.extend(graph.get(m, ()))
    return seen


def test_the_walk_finds_a_circle_when_there_is_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_walk_sees_lazy_and_relative_imports():
    graph = import_graph()
    assert "aismm_assistant.interview.judge" in graph["aismm_assistant.interview.analyser"]  # inside a method
    assert "aismm_assistant.evals.agreement" in graph["aismm_assistant.cli.eval_cmd"]  # inside a command


def test_no_import_circle_in_the_package():
    found = cycles(import_graph())
    assert not found, "import circles: " + "; ".join(" <-> ".join(c) for c in found)


def test_interview_never_imports_evals():
    graph = import_graph()
    offenders = {m: sorted(d for d in deps if d.startswith(f"{PACKAGE}.evals"))
                 for m, deps in graph.items() if m.startswith(f"{PACKAGE}.interview")}
    assert not {m: d for m, d in offenders.items() if d}


def test_live_answer_path_does_not_reach_evals():
    graph = import_graph()
    assert all(r in graph for r in LIVE_ROOTS)
    live = reachable(graph, LIVE_ROOTS)
    assert "aismm_assistant.interview.analysis" in live
    assert not sorted(m for m in live if m.startswith(f"{PACKAGE}.evals") or m == f"{PACKAGE}.evaluation")
