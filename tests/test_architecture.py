"""The package's shape: the library never imports the course, no module imports another's private name,
functions stay under 100 lines and modules under about 300 (or say why in their first line)."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "dcgan_keras"
MODULES = sorted(PACKAGE.rglob("*.py"))
COURSE = PACKAGE / "course"
LONG_MODULE_REASON = "long because"  # what a module over 300 lines says in its docstring's first line


def _imports(tree):
    """(module, name) for every ``from module import name`` and (module, None) for ``import module``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                yield node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None


def test_the_package_has_modules():
    assert len(MODULES) > 20 and (PACKAGE / "recipe.py") in MODULES


@pytest.mark.parametrize("path", [p for p in MODULES if COURSE not in p.parents], ids=lambda p: p.name)
def test_the_library_never_imports_the_course(path):
    tree = ast.parse(path.read_text())
    course = [m for m, _ in _imports(tree) if m.startswith("dcgan_keras.course")]
    course += [n for m, n in _imports(tree) if m == "dcgan_keras" and n == "course"]
    assert not course, f"{path.relative_to(PACKAGE.parent)} imports {course}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_another_modules_private_name(path):
    tree = ast.parse(path.read_text())
    private = [f"{m}.{n}" for m, n in _imports(tree) if m.startswith("dcgan_keras") and n and n.startswith("_")]
    private = [p for p in private if not p.endswith(".__version__")]
    assert not private, f"{path.relative_to(PACKAGE.parent)} imports {private}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_functions_are_under_100_lines(path):
    tree = ast.parse(path.read_text())
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)" for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > 100]
    assert not long, f"{path.relative_to(PACKAGE.parent)}: {long}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_are_about_300_lines_or_say_why(path):
    text = path.read_text()
    lines = len(text.splitlines())
    first = (ast.get_docstring(ast.parse(text)) or "").splitlines()[:1]
    assert lines <= 330 or (first and LONG_MODULE_REASON in first[0]), (
        f"{path.relative_to(PACKAGE.parent)} has {lines} lines; split it, or give the reason in its first line "
        f"('... {LONG_MODULE_REASON} ...')")
