"""Student editions of the notebooks: the same lessons and exercises, without the solutions.

A notebook marks each cell of its ``## Solutions`` section with the cell tag ``solution``. The
student edition deletes those cells, keeps every exercise stub and the check right after it (which
prints "not answered yet" until the stub is filled in), and clears every output, so that the
reader starts from a clean page. Make them with::

    python -m dcgan_keras.course student OUT/

Instructors then hand out the notebooks in ``OUT/``; the originals keep the solutions for
self-study.
"""

import copy
import re
from pathlib import Path

__all__ = ["SOLUTION_TAG", "default_notebooks_dir", "student_notebook", "write_student_editions"]

SOLUTION_TAG = "solution"

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


def student_notebook(nb):
    """A copy of the notebook ``nb`` (an nbformat node or plain dict) without its solutions or outputs.

    Every cell tagged ``solution`` is removed, and so is a ``## Solutions`` heading left with nothing
    under it; every code cell loses its outputs and execution count; run metadata (timings, widget
    state) is dropped.

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
    student["cells"] = cells
    for key in _RUN_NOTEBOOK_METADATA:
        student.get("metadata", {}).pop(key, None)
    return student


def _inside(path, folder):
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def write_student_editions(out_dir, notebooks_dir=None):
    """Write the student edition of every ``*.ipynb`` in ``notebooks_dir`` into ``out_dir``.

    Args:
        out_dir: the folder to write to (created if needed). It may not be the notebooks folder
            or lie inside it, so that the originals and their solutions are never overwritten.
        notebooks_dir: where the full notebooks are; by default the repository's ``notebooks/``.

    Returns:
        The paths written, in name order.

    Raises:
        ValueError: when ``out_dir`` is the notebooks folder or inside it, or there are no notebooks.
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
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        student = student_notebook(nbformat.read(path, as_version=4))
        destination = target / path.name
        nbformat.write(nbformat.from_dict(student), destination)
        written.append(destination)
    return written
