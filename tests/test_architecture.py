"""The layers stay layers: apps point one way, and no module imports another that imports it.

`procedures` is the chapters core at the bottom. The feature apps stand on it, each on the
ones listed for it below and never the reverse; `manual` is the thin top floor that assembles
them (the chapter page, the search page, loading and export of the whole tree); the site
(settings, urls, the worker command) composes everything. Apps that need to hear from an app
below them listen to its signals instead of being imported by it.

Every import is read: `import a.b`, `from a import b, c` (each name, which may be a module),
relative imports (`from . import x`, `from ..y import z`), at any depth in a file (imports
inside functions included).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The site: what composes the whole project. Anything may be imported by it; it is imported
# by nothing but Django's own machinery.
SITE = ("portal.settings", "portal.test_settings", "portal.urls", "portal.wsgi", "portal.apps")
SITE_PACKAGES = ("portal.management", "portal.audit")

# Each app and the apps it may import. `infrastructure` is the rest of `portal/`: cache
# client, limits, client address, jobs, health, staff sign-in and middleware, which know
# nothing of the manual.
MAY_IMPORT = {
    "infrastructure": set(),
    "procedures": {"infrastructure"},
    "partnerships": {"procedures", "infrastructure"},
    "glossary": {"procedures", "infrastructure"},
    "search": {"procedures", "partnerships", "glossary", "infrastructure"},
    "feedback": {"procedures", "partnerships", "infrastructure"},
    "pdfs": {"procedures", "partnerships", "glossary", "infrastructure"},
    "offline": {"procedures", "partnerships", "glossary", "infrastructure"},
    "updates": {"procedures", "partnerships", "infrastructure"},
    "links": {"procedures", "partnerships", "feedback", "infrastructure"},
    "manual": {
        "procedures", "partnerships", "glossary", "search", "feedback", "pdfs", "offline",
        "updates", "links", "infrastructure",
    },
    "site": set(),  # filled below: everything
}  # fmt: skip
MAY_IMPORT["site"] = set(MAY_IMPORT) - {"site"}
APPS = tuple(name for name in MAY_IMPORT if name not in ("infrastructure", "site"))


def app_of(module):
    """The layer a project module belongs to."""
    if module in SITE or module.startswith(tuple(f"{p}." for p in SITE_PACKAGES)):
        return "site"
    if module in SITE_PACKAGES:
        return "site"
    top = module.split(".")[0]
    if top == "portal":
        return "infrastructure"
    return top


def module_name(path, root=ROOT):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root=ROOT):
    found = {}
    for top in (*APPS, "portal"):
        if not (root / top).is_dir():
            continue
        for path in (root / top).rglob("*.py"):
            if "migrations" not in path.parts:
                found[module_name(path, root)] = path
    return found


def resolve(node, module, is_package):
    """The absolute module a `from ... import` names (relative imports resolved)."""
    if node.level == 0:
        return node.module
    base = module.split(".")
    if not is_package:
        base = base[:-1]  # a module's package
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(path, modules, module):
    """Every project module the file imports (each name of `from x import a, b` that is a
    module counts as that module; otherwise the module `x` itself)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = resolve(node, module, is_package)
            for alias in node.names:
                candidate = f"{source}.{alias.name}"
                if candidate in modules:
                    found.add(candidate)
                elif source in modules:
                    found.add(source)
                else:
                    found.update(_enclosing(source, modules))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found.update(_enclosing(alias.name, modules))
    found.discard(module)
    return found


def _enclosing(name, modules):
    """The longest project module a dotted name lies in (or nothing)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return {candidate}
    return set()


def import_graph(root=ROOT):
    modules = project_modules(root)
    graph = {name: imports_of(path, modules, name) for name, path in modules.items()}
    # A package importing its own submodules (to register admins, say) is not a cycle.
    return {
        name: {m for m in found if not m.startswith(f"{name}.")} for name, found in graph.items()
    }


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


def wrong_way_imports(graph):
    """(importer, imported) pairs that go against the apps' order."""
    wrong = []
    for name, found in sorted(graph.items()):
        mine = app_of(name)
        for other in sorted(found):
            theirs = app_of(other)
            if theirs != mine and theirs not in MAY_IMPORT[mine]:
                wrong.append((name, other))
    return wrong


def app_graph(graph):
    apps = {}
    for name, found in graph.items():
        mine = app_of(name)
        apps.setdefault(mine, set()).update(app_of(o) for o in found if app_of(o) != mine)
    return apps


# --- the project as it is --------------------------------------------------------------------


def test_no_module_imports_another_that_imports_it_back():
    assert cycles(import_graph()) == []


def test_apps_import_only_the_apps_below_them():
    assert wrong_way_imports(import_graph()) == []


def test_the_core_imports_no_feature():
    graph = import_graph()
    core = {
        name: sorted(o for o in found if app_of(o) not in ("procedures", "infrastructure"))
        for name, found in graph.items()
        if app_of(name) == "procedures"
    }
    assert {name: found for name, found in core.items() if found} == {}


def test_no_loop_between_apps():
    assert cycles(app_graph(import_graph())) == []


def test_the_allowed_order_itself_has_no_loop():
    assert cycles({app: set(allowed) for app, allowed in MAY_IMPORT.items()}) == []


def test_every_app_on_disk_has_a_place_in_the_order():
    on_disk = {
        path.parent.name
        for path in ROOT.glob("*/apps.py")
        if path.parent.name not in ("portal",) and not path.parent.name.startswith(".")
    }
    assert on_disk <= set(APPS)


# --- the test catches what it should -----------------------------------------------------------


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.fixture
def planted(tmp_path):
    """A small tree in the project's shape, to plant imports in."""

    def write(files):
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for folder in {p.parent for p in tmp_path.rglob("*.py")}:
            (folder / "__init__.py").touch()
        return import_graph(tmp_path)

    return write


def test_a_planted_cycle_through_a_relative_import_fails(planted):
    graph = planted(
        {
            "procedures/models.py": "from search.index import index_version\n",
            "search/index.py": "from ..procedures import models\n",
        }
    )
    assert cycles(graph) == [["procedures.models", "search.index", "procedures.models"]]
    assert ("procedures.models", "search.index") in wrong_way_imports(graph)


def test_a_planted_cycle_hidden_behind_a_second_name_fails(planted):
    graph = planted(
        {
            "procedures/views.py": "from glossary import models, views\n",
            "glossary/views.py": "def f():\n    from procedures import views\n",
            "glossary/models.py": "",
        }
    )
    assert ["glossary.views", "procedures.views", "glossary.views"] in cycles(graph)


def test_a_core_import_of_a_feature_inside_a_function_fails(planted):
    graph = planted(
        {
            "procedures/roles.py": "def f():\n    from partnerships.models import Editor\n",
            "partnerships/models.py": "",
        }
    )
    assert wrong_way_imports(graph) == [("procedures.roles", "partnerships.models")]
