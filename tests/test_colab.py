"""Colab: badges and install cells come from dcgan_keras.course.colab, and a fork can repoint them."""

import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

from dcgan_keras.course import colab
from dcgan_keras.course.widgets import core as widgets_core

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SCRIPT = ROOT / "scripts" / "set_repository.py"
# What Colab ships and a setup cell must not replace (a changed TensorFlow or NumPy forces a restart).
COLAB_OWNED = ("tensorflow", "keras", "numpy", "matplotlib", "ipywidgets", "ipython", "jupyter")


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 6


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_badge_and_setup_cell_come_from_the_settings(path):
    nb = nbformat.read(path, as_version=4)
    expected_badge = colab.badge(f"notebooks/{path.name}")
    badges = [match.group(0) for cell in nb.cells if cell.cell_type == "markdown"
              for match in colab.BADGE_RE.finditer(cell.source)]
    assert badges == [expected_badge], (
        f"{path.name}: badge(s) {badges} differ from the settings in colab.py; run scripts/set_repository.py "
        f"{colab.REPOSITORY} --ref {colab.REF}")
    index = colab.find_setup_cell(nb)
    assert index is not None, f"{path.name}: no Colab install cell (a code cell using google.colab)"
    assert nb.cells[index].source == colab.setup_cell_source(), (
        f"{path.name} cell {index}: the Colab install cell differs from colab.setup_cell_source(); run "
        f"scripts/set_repository.py {colab.REPOSITORY} --ref {colab.REF}")
    setup = next(i for i, cell in enumerate(nb.cells) if cell.cell_type == "markdown"
                 and re.search(r"^## Setup\s*$", cell.source, flags=re.MULTILINE))
    assert index == setup + 1, f"{path.name} cell {index}: the install cell should open '## Setup'"


def test_setup_cell_replaces_nothing_colab_has():
    source = colab.setup_cell_source("someone/fork", "v9")
    pip_lines = [line.strip() for line in source.splitlines() if "pip install" in line]
    assert len(pip_lines) == 2, source
    package, others = pip_lines
    assert "--no-deps" in package.split() and '"dcgan-keras @ git+https://github.com/someone/fork@v9"' in package
    for line in pip_lines:
        assert not {"-U", "--upgrade", "--force-reinstall"} & set(line.split()), line
    named = others.split("install", 1)[1].split()
    names = [word for word in named if not word.startswith("-")]
    assert names and not set(names) & set(COLAB_OWNED), names
    assert not any(re.search(r"[<>=~!]", name) for name in names), "no versions: install only what is missing"
    compile(re.sub(r"^(\s*)%pip .*$", r"\1pass", source, flags=re.MULTILINE), "setup", "exec")  # valid Python


def test_badge_url_and_install_spec():
    assert colab.badge_url("01_activations.ipynb", "a/b", "v1") == \
        "https://colab.research.google.com/github/a/b/blob/v1/notebooks/01_activations.ipynb"
    assert colab.install_spec("a/b", "v1") == "dcgan-keras @ git+https://github.com/a/b@v1"
    assert colab.BADGE_RE.fullmatch(colab.badge("notebooks/x.ipynb"))


def test_apply_rewrites_badge_and_setup_cell():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# T\n\n" + colab.badge("notebooks/x.ipynb", "old/repo", "main")),
        nbformat.v4.new_markdown_cell("## Setup"),
        nbformat.v4.new_code_cell('import sys\nif "google.colab" in sys.modules:\n    %pip install old'),
    ])
    assert colab.apply(nb, "notebooks/x.ipynb", "new/repo", "v2") is True
    assert "new/repo/blob/v2/notebooks/x.ipynb" in nb.cells[0].source and "old/repo" not in nb.cells[0].source
    assert nb.cells[2].source == colab.setup_cell_source("new/repo", "v2")
    assert colab.apply(nb, "notebooks/x.ipynb", "new/repo", "v2") is False
    with pytest.raises(ValueError, match="no Colab badge"):
        colab.apply(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T")]), "n.ipynb")


def _copy_checkout(tmp_path):
    root = tmp_path / "checkout"
    (root / "dcgan_keras" / "course").mkdir(parents=True)
    shutil.copy(ROOT / "dcgan_keras" / "course" / "colab.py", root / "dcgan_keras" / "course" / "colab.py")
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(ROOT / "README.md", root / "README.md")
    return root


def _snapshot(root):
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file()}


def _set_repository(root, *args):
    done = subprocess.run([sys.executable, str(SCRIPT), *args, "--root", str(root)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_set_repository_round_trips(tmp_path):
    root = _copy_checkout(tmp_path)
    _set_repository(root, colab.REPOSITORY, "--ref", colab.REF)  # the checkout as the lead's run leaves it
    before = _snapshot(root)
    out = _set_repository(root, "someone/course-fork", "--ref", "v1.2", "--student-ref", "handouts",
                          "--student-folder", "class/notebooks")
    forked = _snapshot(root)
    settings = (root / "dcgan_keras" / "course" / "colab.py").read_text()
    assert 'REPOSITORY = "someone/course-fork"' in settings and 'REF = "v1.2"' in settings
    assert 'STUDENT_REF = "handouts"' in settings and 'STUDENT_FOLDER = "class/notebooks"' in settings
    readme = (root / "README.md").read_text()
    assert "`pip install git+https://github.com/someone/course-fork`" in readme, "the README's install line"
    assert f"github.com/{colab.REPOSITORY}" not in readme
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        text = path.read_text()
        assert f"github/someone/course-fork/blob/v1.2/notebooks/{path.name})" in text, path.name
        assert "git+https://github.com/someone/course-fork@v1.2" in text, path.name
        assert f"{colab.REPOSITORY}/blob" not in text and f"github.com/{colab.REPOSITORY}@" not in text, path.name
    assert f"notebooks/{sorted(root.glob('notebooks/*.ipynb'))[0].name}" in out or "rewrote" in out
    assert forked != before
    _set_repository(root, colab.REPOSITORY, "--ref", colab.REF, "--student-ref", colab.STUDENT_REF,
                    "--student-folder", colab.STUDENT_FOLDER)
    assert _snapshot(root) == before, "rewriting back to the original settings should restore every file"


def test_set_repository_rejects_bad_names(tmp_path):
    root = _copy_checkout(tmp_path)
    before = _snapshot(root)
    for bad in ("no-slash", "a/b/c", "owner/name with space"):
        done = subprocess.run([sys.executable, str(SCRIPT), bad, "--root", str(root)], capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 2, bad
    for bad in (["--ref", "bad ref;"], ["--student-folder", "../up"],
                ["--ref", "main", "--student-ref", "main", "--student-folder", "notebooks"]):
        done = subprocess.run([sys.executable, str(SCRIPT), "a/b", *bad, "--root", str(root)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, bad
    assert "where the full notebooks" in done.stderr
    assert _snapshot(root) == before


@pytest.mark.parametrize("version, expected_calls", [("8.1.5", 1), ("7.7.1", 0)])
def test_explorer_turns_on_colabs_widget_manager_only_for_ipywidgets_8(monkeypatch, version, expected_calls):
    calls = []
    output = types.SimpleNamespace(enable_custom_widget_manager=lambda: calls.append(1))
    google = types.ModuleType("google")
    colab_module = types.ModuleType("google.colab")
    colab_module.output = output
    google.colab = colab_module
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab_module)
    monkeypatch.setitem(sys.modules, "google.colab.output", output)
    monkeypatch.setattr(widgets_core, "_colab_manager_enabled", False)
    monkeypatch.setattr(widgets_core, "widgets_major_version", lambda: int(version.split(".")[0]))
    widgets_core._prepare_colab()
    widgets_core._prepare_colab()
    assert len(calls) == expected_calls


def test_explorer_outside_colab_does_nothing_special(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr(widgets_core, "_colab_manager_enabled", False)
    widgets_core._prepare_colab()
    assert widgets_core._colab_manager_enabled is False
