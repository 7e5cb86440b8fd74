"""Grading: the checks' grading mode, and nbgrader scoring a student edition (``student --nbgrader``).

The nbgrader test runs the real tool on a student edition made by the edition generator from
notebook 01 (the quickest) cut down to its title, setup, exercises and solutions, so that each
autograded run takes seconds: ``generate_assignment`` makes what students receive, then
``autograde`` scores one submission with the full notebook's solutions pasted into the answer
cells and one handed in untouched.
"""

import doctest
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from dcgan_keras.course import checks, colab, editions
from dcgan_keras.course.checks import core, dcgan
from dcgan_keras.course.editions import HIDDEN_GRADING, SOLUTION_TAG, student_notebook

ROOT = Path(__file__).resolve().parents[1]
GRADED_NOTEBOOK = ROOT / "notebooks" / "01_activations.ipynb"


@pytest.fixture
def grading_off(monkeypatch):
    """Grading mode off and the environment variable unset, before and after the test."""
    monkeypatch.delenv(core.GRADING_VARIABLE, raising=False)
    core.set_grading(None)
    yield
    core.set_grading(None)


# Grading mode -------------------------------------------------------------------------------------------------

def test_checks_report_and_never_raise_outside_grading(grading_off):
    result = checks.check_discriminator_loss(None)
    assert isinstance(result, core.CheckResult) and not result.passed and not result.answered
    assert checks.check_discriminator_loss(2.0).answered
    assert checks.check_discriminator_loss(1.2314).passed


def test_grading_mode_fails_the_cell_of_a_check_that_does_not_pass(grading_off, capsys):
    core.set_grading()
    with pytest.raises(core.CheckFailed, match="not answered yet") as failed:
        checks.check_discriminator_loss(None)
    assert isinstance(failed.value, AssertionError) and not failed.value.result.answered
    with pytest.raises(core.CheckFailed, match="Hint: "):
        checks.check_slerp(lambda z1, z2, t: (1 - t) * z1 + t * z2)
    assert checks.check_discriminator_loss(1.2314) is None  # a pass prints its line and shows no value
    assert capsys.readouterr().out == "Exercise 1 (discriminator loss): correct.\n"
    core.set_grading(False)
    assert not checks.check_discriminator_loss(None)


def test_the_environment_variable_turns_grading_on(grading_off, monkeypatch):
    assert not core.grading()
    monkeypatch.setenv(core.GRADING_VARIABLE, "1")
    assert core.grading()
    with pytest.raises(core.CheckFailed):
        checks.check_flat_kernel(None)
    core.set_grading(False)  # set_grading wins over the variable
    assert not checks.check_flat_kernel(None)


def test_grading_holds_back_the_checks_stderr(grading_off, capsys):
    import warnings

    def noisy(answer):
        print("a framework's notice", file=sys.stderr)
        warnings.warn("a warning", UserWarning, stacklevel=1)
        return core.report(answer == 1, "Exercise 9", "one")

    check = core.graded(noisy)
    core.set_grading()
    assert check(1) is None
    out, err = capsys.readouterr()
    assert out == "Exercise 9: correct.\n" and err == ""  # nbgrader scores a cell with stderr as 0


def test_every_exported_check_goes_through_graded():
    exported = [name for name in checks.__all__ if name.startswith("check_")]
    assert len(exported) >= 15
    for name in exported:
        assert getattr(getattr(checks, name), "__graded__", False), name
    assert {"set_grading", "grading", "CheckFailed", "CheckResult"} <= set(checks.__all__)


def test_no_check_compares_with_the_package_answer():
    """check_slerp checks the definition (and the package's own interpolation passes it), not the package."""
    import inspect

    assert "interpolate" not in inspect.getsource(dcgan.check_slerp)
    assert "check_block_parameters" not in checks.__all__


@pytest.mark.parametrize("module", [core, dcgan, colab, editions], ids=lambda module: module.__name__)
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0


# nbgrader ------------------------------------------------------------------------------------------------------

def _nbgrader(course, *args):
    # nbgrader runs the alembic program it installed: find it beside this Python, activated or not.
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    env = dict(os.environ, DCGAN_KERAS_QUICK="1", TF_CPP_MIN_LOG_LEVEL="3", PATH=path)
    env.pop(core.GRADING_VARIABLE, None)  # the hidden tests alone must turn grading on
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--CourseDirectory.root", str(course),
                           "--Execute.timeout=600"], cwd=course, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    return done


def _setup_and_exercises(nb):
    """``nb`` with only the cells before its first lesson: the title, ``## Setup``, ``## Exercises`` and
    ``## Solutions`` sections (notebook 01's exercises need nothing from its lessons)."""
    kept, section = [], None
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            section = cell.source.split("\n", 1)[0][3:].strip()
        if section in (None, "Setup", "Exercises", "Solutions"):
            kept.append(cell)
    return nbformat.from_dict({**nb, "cells": kept})


def _graded_cells(nb):
    return [index for index, cell in enumerate(nb.cells) if cell.metadata.get("nbgrader", {}).get("grade")]


@pytest.mark.slow
def test_nbgrader_gives_full_marks_with_the_solutions_and_zero_without(tmp_path):
    pytest.importorskip("nbgrader", reason="nbgrader (requirements-dev.txt) grades the student editions")
    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    (course / "source" / "ps1").mkdir(parents=True)
    full = _setup_and_exercises(nbformat.read(GRADED_NOTEBOOK, as_version=4))
    source = nbformat.from_dict(student_notebook(full, nbgrader=True, name=GRADED_NOTEBOOK.name))
    nbformat.write(source, course / "source" / "ps1" / GRADED_NOTEBOOK.name)
    _nbgrader(course, "generate_assignment", "ps1")

    released = course / "release" / "ps1" / GRADED_NOTEBOOK.name
    handout = nbformat.read(released, as_version=4)
    graded = _graded_cells(handout)
    solutions = [cell.source for cell in full.cells if cell.cell_type == "code" and SOLUTION_TAG in
                 cell.metadata.get("tags", [])]
    assert len(graded) == len(solutions) == 2
    assert "HIDDEN TESTS" not in released.read_text() and "set_grading" not in released.read_text()
    for index in graded:  # what students see: the edition's plain check, locked
        assert handout.cells[index].source.startswith(("checks.check_", "check_"))
        assert handout.cells[index].metadata["editable"] is False

    for student, paste in (("full_marks", True), ("untouched", False)):
        submission = nbformat.read(released, as_version=4)
        for index, solution in zip(graded, solutions, strict=True):
            if paste:
                submission.cells[index - 1].source = solution  # the answer cell right above each check
        folder = course / "submitted" / student / "ps1"
        folder.mkdir(parents=True)
        nbformat.write(submission, folder / GRADED_NOTEBOOK.name)
    _nbgrader(course, "autograde", "ps1")

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {student: (gradebook.find_submission("ps1", student).score,
                            gradebook.find_submission("ps1", student).max_score)
                  for student in ("full_marks", "untouched")}
    assert scores == {"full_marks": (2.0, 2.0), "untouched": (0.0, 2.0)}
    feedback = nbformat.read(course / "autograded" / "untouched" / "ps1" / GRADED_NOTEBOOK.name, as_version=4)
    errors = [output for index in _graded_cells(feedback) for output in feedback.cells[index].outputs
              if output.output_type == "error"]
    assert [error.ename for error in errors] == ["CheckFailed", "CheckFailed"]
    assert all("not answered yet" in error.evalue for error in errors)
    shutil.rmtree(course / "autograded", ignore_errors=True)


def test_hidden_grading_switch_is_valid_python_and_turns_grading_on(grading_off):
    namespace = {}
    exec(compile(HIDDEN_GRADING, "hidden", "exec"), namespace)  # noqa: S102  (our own fixed text)
    assert core.grading()


# docs/instructors.md -------------------------------------------------------------------------------------------

def test_instructors_workflow_runs_the_projects_pytest_flags_on_files_that_exist():
    import re
    import shlex

    import yaml

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: pip carries the same parser
        from pip._vendor import tomli as tomllib

    page = (ROOT / "docs" / "instructors.md").read_text(encoding="utf-8")
    own = page[page.index("### In a repository of your own"):]
    (block,) = re.findall(r"```yaml\n(.*?)```", own, flags=re.DOTALL)
    workflow = yaml.safe_load(block)
    (job,) = workflow["jobs"].values()
    assert job["strategy"]["matrix"]["python-version"] == ["3.10", "3.13"]
    commands = " ".join(step.get("run", "") for step in job["steps"])
    assert "pip install -r requirements-dev.txt" in commands
    pytest_flags = shlex.split(commands[commands.index("pytest notebooks/"):])[2:]
    addopts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert sorted(pytest_flags) == sorted(shlex.split(addopts["addopts"]))
    listed = re.findall(r"^- `([^`]+)`", own, flags=re.MULTILINE)
    listed += re.findall(r"^- `[^`]+` and `([^`]+)`", own, flags=re.MULTILINE)
    assert {"conftest.py", "tests/sanitize.cfg", "requirements.txt", "requirements-dev.txt"} <= set(listed)
    for name in listed:
        assert list(ROOT.glob(name)), f"docs/instructors.md lists {name}, which the repository lacks"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/instructors.md)" in readme, "the README links the instructors' page"
