"""The package's layout: data flows one way, with no circle of imports, and the internal helpers
build on nothing the user imports."""

import ast
import pathlib

import dcgan_keras

ROOT = pathlib.Path(dcgan_keras.__file__).parent


def _module_name(path):
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules():
    return {_module_name(path): path for path in ROOT.rglob("*.py")}


def _imports(path, modules):
    """The package's modules that ``path`` imports, at any depth of its code (functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            names += [f"dcgan_keras.{dcgan_keras._PUBLIC[alias.name]}" for alias in node.names
                      if node.module == "dcgan_keras" and alias.name in dcgan_keras._PUBLIC]
        found.update(name for name in names if name in modules and name != "dcgan_keras")
    return found - {_module_name(path)}


def _graph():
    modules = _modules()
    graph = {name: _imports(path, modules) for name, path in modules.items() if name != "dcgan_keras"}
    # A package imports what its __init__ imports; a module inside a package is no edge to it.
    return {name: {m for m in deps if not name.startswith(m + ".")} for name, deps in graph.items()}


def _cycle(graph):
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_circle_of_imports():
    assert _cycle(_graph()) is None, " -> ".join(_cycle(_graph()))


def test_the_cycle_finder_finds_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_internal_helpers_import_no_public_module():
    graph = _graph()
    for name, deps in graph.items():
        if name.startswith("dcgan_keras.internal"):
            assert all(dep.startswith("dcgan_keras.internal") for dep in deps), (name, deps)


def test_the_library_imports_nothing_from_the_course():
    for name, deps in _graph().items():
        if not name.startswith(("dcgan_keras.course", "dcgan_keras.cli", "dcgan_keras.__main__")):
            assert not [dep for dep in deps if dep.startswith(("dcgan_keras.course", "dcgan_keras.cli"))], name


def test_gan_does_not_import_the_recipe():
    assert "dcgan_keras.recipe" not in _graph()["dcgan_keras.gan"]


def test_benchmark_builds_the_default_run_with_make_gan():
    source = (ROOT / "benchmark.py").read_text()
    assert "make_gan(" in source and "dcgan_keras.recipe" in _graph()["dcgan_keras.benchmark"]
