"""The layers stay layers: no import cycles between modules, and apps talk through signals."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("procedures", "updates", "links", "portal")


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules():
    return {
        module_name(path): path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }


def imports_of(path, modules, *, top_level_only):
    """The project modules a file imports (all of them, or only those imported when the
    module itself is imported)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name in modules:
                found.add(name)
                break
    return found


def cycles(graph):
    """Every cycle found by a depth-first walk (each reported once, as the path round it)."""
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_no_module_imports_another_that_imports_it_back():
    modules = project_modules()
    graph = {
        name: imports_of(path, modules, top_level_only=False) - {name}
        for name, path in modules.items()
    }
    # A package importing its own submodules to register them (admin) is not a cycle.
    for name in graph:
        graph[name] = {m for m in graph[name] if not m.startswith(f"{name}.")}
    assert cycles(graph) == []


def test_procedures_never_imports_the_updates_app():
    modules = project_modules()
    offenders = {
        name: sorted(
            m for m in imports_of(path, modules, top_level_only=False) if m.startswith("updates")
        )
        for name, path in modules.items()
        if name.startswith("procedures")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_procedures_never_imports_the_links_app():
    """The link checker listens to the core (procedures.signals.preview_link_statuses); the
    core never imports it."""
    modules = project_modules()
    offenders = {
        name: sorted(
            m for m in imports_of(path, modules, top_level_only=False) if m.startswith("links")
        )
        for name, path in modules.items()
        if name.startswith("procedures")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
