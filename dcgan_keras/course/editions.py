"""Student editions of the notebooks: the same lessons and exercises, without the solutions.

A notebook marks each cell of its ``## Solutions`` section with the cell tag ``solution``. The
student edition deletes those cells, keeps every exercise stub and the check right after it (which
prints "not answered yet" until the stub is filled in), and clears every output, so that the
reader starts from a clean page. Its badge and links to the course's notebooks open the student
editions (where ``colab.STUDENT_REF`` and ``colab.STUDENT_FOLDER`` say they are published), never
the full notebooks. Make them with::

    python -m dcgan_keras.course student OUT/

Instructors then hand out the notebooks in ``OUT/``; the originals keep the solutions for
self-study.

With ``--nbgrader`` each edition is also an nbgrader source notebook: each exercise's check sits in
a cell of its own, right under the cell the student writes in, with nbgrader's metadata of an
autograder test (a ``grade_id``, one point, locked) and a hidden test that turns on the checks'
grading mode. nbgrader's ``generate_assignment`` removes the hidden test from what students receive
and ``autograde`` puts it back, so that a check that does not pass fails its cell and scores 0.
The cells students write in carry no nbgrader metadata: nbgrader would replace a marked answer
cell that has no ``### BEGIN SOLUTION`` region with its own stub, deleting the signature or the loop
that the exercise gives; unmarked cells are graded as the student left them.
"""

import ast
import copy
import re
from pathlib import Path

from dcgan_keras.course import colab

__all__ = ["SOLUTION_TAG", "HIDDEN_GRADING", "default_notebooks_dir", "exercise_checks", "student_notebook",
           "write_student_editions"]

SOLUTION_TAG = "solution"

#: The hidden test at the top of every graded check cell of an nbgrader edition.
HIDDEN_GRADING = "\n".join([
    "### BEGIN HIDDEN TESTS",
    "from dcgan_keras.course.checks import set_grading  # put back by nbgrader's autograde",
    "set_grading()  # from here on a check that does not pass raises, and its cell scores 0",
    "### END HIDDEN TESTS",
])

# Metadata that belongs to one run of a notebook: timings and the state of its widgets.
_RUN_CELL_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled")
_RUN_NOTEBOOK_METADATA = ("widgets",)


def default_notebooks_dir():
    """The repository's ``notebooks/`` folder when this package runs from a checkout, else ``./notebooks``."""
    checkout = Path(__file__).resolve().parents[2] / "notebooks"
    return checkout if checkout.is_dir() else Path("notebooks").resolve()


def _is_solutions_heading(cell):
    return cell.get("cell_type") == "markdown" and re.fullmatch(r"\s*##\s+Solutions\s*", _source(cell)) is not None


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _section_title(cell):
    """The title of a ``## `` heading that opens a markdown cell, else None."""
    if cell.get("cell_type") != "markdown":
        return None
    match = re.match(r"\s*##\s+(.+?)\s*$", _source(cell).split("\n", 1)[0])
    return match.group(1) if match else None


def _check_line(source):
    """The line (1-based) where ``source`` ends in a call of a ``check_*`` function, else None."""
    try:
        body = ast.parse(source).body
    except SyntaxError:  # IPython syntax (magics): not an exercise check
        return None
    if not body or not isinstance(body[-1], ast.Expr) or not isinstance(body[-1].value, ast.Call):
        return None
    function = body[-1].value.func
    name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
    return body[-1].lineno if name.startswith("check_") else None


def exercise_checks(nb):
    """The indexes of the exercise checks of ``nb``: the code cells of its ``## Exercises`` section that
    end in a call of a ``check_*`` function, in order."""
    found, inside = [], False
    for index, cell in enumerate(nb["cells"]):
        title = _section_title(cell)
        if title is not None:
            inside = title == "Exercises"
        elif inside and cell.get("cell_type") == "code" and _check_line(_source(cell)) is not None:
            found.append(index)
    return found


def _graded(cells, name):
    """The cells with each exercise check in a graded cell of its own, right under its answer cell."""
    checks = set(exercise_checks({"cells": cells}))
    graded, number = [], 0
    for index, cell in enumerate(cells):
        if index not in checks:
            graded.append(cell)
            continue
        number += 1
        source = _source(cell)
        line = _check_line(source)
        lines = source.split("\n")
        answer = "\n".join(lines[:line - 1]).rstrip()
        if answer:  # the stub and its check share a cell: the stub becomes the answer cell above
            answer_cell = copy.deepcopy(cell)
            answer_cell["source"] = answer
            answer_cell["metadata"].pop("tags", None)
            if "id" in cell:
                answer_cell["id"] = f"{cell['id']}-answer"[:64]
            graded.append(answer_cell)
            source = "\n".join(lines[line - 1:])
        elif not graded or graded[-1].get("cell_type") != "code":
            raise ValueError(f"{name}: the check of exercise {number} ({source.strip()}) has no cell to answer in "
                             "right above it")
        cell["source"] = f"{HIDDEN_GRADING}\n{source}"
        cell.setdefault("metadata", {})["nbgrader"] = {
            "grade": True, "grade_id": f"exercise-{number}", "locked": True, "points": 1,
            "schema_version": 3, "solution": False, "task": False}
        graded.append(cell)
    return graded


def student_notebook(nb, nbgrader=False, name="notebook", repository=None, ref=None, student_ref=None,
                     folder=None):
    """A copy of the notebook ``nb`` (an nbformat node or plain dict) without its solutions or outputs.

    Every cell tagged ``solution`` is removed, and so is a ``## Solutions`` heading left with nothing
    under it; every code cell loses its outputs and execution count; run metadata (timings, widget
    state) is dropped. Links to the course's notebooks (the Colab badge first) are pointed at the
    student editions: ``student_ref`` and ``folder`` of ``repository``, by default the settings of
    :mod:`dcgan_keras.course.colab`.

    Args:
        nbgrader: also make it an nbgrader source notebook (see the module's docstring).
        name: the notebook's name, for error messages.

    Raises:
        ValueError: when the student editions' place is the full notebooks' (see
            :func:`dcgan_keras.course.colab.student_location`), or, with ``nbgrader``, when an
            exercise check has no cell to answer in above it.

    Example:
        >>> nb = {"cells": [{"cell_type": "code", "source": "answer = None", "metadata": {},
        ...                  "outputs": [], "execution_count": 3},
        ...                 {"cell_type": "code", "source": "answer = 4", "metadata": {"tags": ["solution"]},
        ...                  "outputs": [], "execution_count": 4}], "metadata": {}}
        >>> [cell["source"] for cell in student_notebook(nb)["cells"]]
        ['answer = None']
    """
    student = copy.deepcopy(nb)
    cells = [cell for cell in student["cells"] if SOLUTION_TAG not in cell.get("metadata", {}).get("tags", [])]
    while cells and _is_solutions_heading(cells[-1]):
        cells.pop()
    for cell in cells:
        metadata = cell.setdefault("metadata", {})
        for key in _RUN_CELL_METADATA:
            metadata.pop(key, None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    if nbgrader:
        cells = _graded(cells, name)
    student["cells"] = cells
    for key in _RUN_NOTEBOOK_METADATA:
        student.get("metadata", {}).pop(key, None)
    colab.apply_student(student, repository or colab.REPOSITORY, ref or colab.REF,
                        student_ref or colab.STUDENT_REF, folder or colab.STUDENT_FOLDER)
    return student


def _inside(path, folder):
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def write_student_editions(out_dir, notebooks_dir=None, nbgrader=False):
    """Write the student edition of every ``*.ipynb`` in ``notebooks_dir`` into ``out_dir``.

    Args:
        out_dir: the folder to write to (created if needed). It may not be the notebooks folder
            or lie inside it, so that the originals and their solutions are never overwritten.
        notebooks_dir: where the full notebooks are; by default the repository's ``notebooks/``.
        nbgrader: write nbgrader source notebooks (see the module's docstring).

    Returns:
        The paths written, in name order.

    Raises:
        ValueError: when ``out_dir`` is the notebooks folder or inside it, there are no notebooks, or
            :func:`student_notebook` refuses one.
    """
    import nbformat

    source = Path(notebooks_dir or default_notebooks_dir()).resolve()
    target = Path(out_dir).resolve()
    if _inside(target, source):
        raise ValueError(f"refusing to write student editions into the notebooks folder {source}: "
                         "choose another folder")
    notebooks = sorted(source.glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"no notebooks (*.ipynb) in {source}")
    editions = {path.name: student_notebook(nbformat.read(path, as_version=4), nbgrader, path.name)
                for path in notebooks}  # every one made before any is written
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path_name, student in editions.items():
        destination = target / path_name
        nbformat.write(nbformat.from_dict(student), destination)
        written.append(destination)
    return written
