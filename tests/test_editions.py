"""Student editions (``python -m dcgan_keras.course student OUT/``): no solutions, no outputs, links that lead
only to the student editions, and they run; with ``--nbgrader``, graded check cells (tests/test_grading.py
has nbgrader score them)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from dcgan_keras.course import colab
from dcgan_keras.course.editions import (
    HIDDEN_GRADING,
    SOLUTION_TAG,
    exercise_checks,
    student_notebook,
    write_student_editions,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NOT_ANSWERED = "not answered yet"


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _text(cell):
    return "".join(output.get("text", "") + output.get("data", {}).get("text/plain", "")
                   for output in cell.get("outputs", []))


def _as_full(text):
    """``text`` with the student editions' links turned back into the full notebooks' links."""
    return text.replace(f"/blob/{colab.STUDENT_REF}/{colab.STUDENT_FOLDER}/", f"/blob/{colab.REF}/notebooks/")


def _run_module(*args):
    return subprocess.run([sys.executable, "-m", "dcgan_keras.course", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_student_notebook_drops_solution_cells_and_outputs():
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"state": {}}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("answer = None", execution_count=1,
                                  outputs=[nbformat.v4.new_output("stream", text="hello\n")]),
        nbformat.v4.new_code_cell("check(answer)", execution_count=2,
                                  outputs=[nbformat.v4.new_output("stream", text=f"Ex 1: {NOT_ANSWERED}.\n")]),
        nbformat.v4.new_markdown_cell("## Solutions"),
        nbformat.v4.new_markdown_cell("Take 4.", metadata={"tags": [SOLUTION_TAG]}),
        nbformat.v4.new_code_cell("answer = 4\ncheck(answer)", execution_count=3, metadata={"tags": [SOLUTION_TAG]}),
    ]
    student = student_notebook(nb)
    assert [cell.source for cell in student.cells] == ["# Title", "answer = None", "check(answer)"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in student.cells[1:])
    assert "widgets" not in student.metadata
    assert len(nb.cells) == 6 and nb.cells[1].outputs, "the original must be left as it was"


def test_command_writes_editions_without_solutions(tmp_path):
    assert NOTEBOOKS, "no notebooks found"
    done = _run_module("student", str(tmp_path / "student"))
    assert done.returncode == 0, done.stdout + done.stderr
    written = sorted((tmp_path / "student").glob("*.ipynb"))
    assert [path.name for path in written] == [path.name for path in NOTEBOOKS]
    for original_path, path in zip(NOTEBOOKS, written, strict=True):
        original, student = nbformat.read(original_path, as_version=4), nbformat.read(path, as_version=4)
        nbformat.validate(student)
        kept = [cell for cell in original.cells if SOLUTION_TAG not in _tags(cell)]
        assert not [cell for cell in student.cells if SOLUTION_TAG in _tags(cell)], path.name
        assert 0 < len(student.cells) <= len(kept), path.name
        assert [_as_full(cell.source) for cell in student.cells] == [cell.source for cell in kept[:len(student.cells)]]
        for cell in student.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: outputs left"
        # every exercise check (it printed "not answered yet" in the full notebook) is kept
        checks = {cell.id for cell in kept if NOT_ANSWERED in _text(cell)}
        assert checks <= {cell.id for cell in student.cells}, path.name


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """Both kinds of student editions of every notebook: {"plain" or "nbgrader": [paths]}."""
    out = tmp_path_factory.mktemp("editions")
    return {kind: write_student_editions(out / kind, nbgrader=kind == "nbgrader") for kind in ("plain", "nbgrader")}


@pytest.mark.parametrize("kind", ["plain", "nbgrader"])
def test_no_student_edition_links_to_a_notebook_with_solutions(editions, kind):
    full_place = {f"/{colab.REPOSITORY}/blob/{colab.REF}/notebooks/", f"/{colab.REPOSITORY}/tree/{colab.REF}/notebooks"}
    student_place = f"/{colab.REPOSITORY}/blob/{colab.STUDENT_REF}/{colab.STUDENT_FOLDER}/"
    assert colab.student_location() == (colab.STUDENT_REF, colab.STUDENT_FOLDER)  # not the full notebooks' place
    assert len(editions[kind]) == len(NOTEBOOKS)
    for path in editions[kind]:
        nb = nbformat.read(path, as_version=4)
        text = "\n".join(cell.source for cell in nb.cells)
        addresses = re.findall(r"https?://[^\s)\]\"'>`]+", text)
        assert addresses, path.name
        for address in addresses:
            assert not any(place in address for place in full_place), f"{path.name} links to a full notebook: {address}"
            if address.endswith(".ipynb"):
                assert student_place in address, f"{path.name} links to a notebook that is not a student edition: {address}"
        for match in re.finditer(r"\]\(([^)\s]+\.ipynb)[^)]*\)", text):  # relative links: to editions beside it
            assert "/" not in match.group(1) or match.group(1).startswith("http"), f"{path.name}: {match.group(1)}"
        badges = [m.group(0) for m in colab.BADGE_RE.finditer(text)]
        assert badges == [colab.badge(f"{colab.STUDENT_FOLDER}/{path.name}", colab.REPOSITORY, colab.STUDENT_REF)]
        assert colab.find_setup_cell(nb) is not None
        assert nb.cells[colab.find_setup_cell(nb)].source == colab.setup_cell_source(), path.name


def test_editions_refuse_to_live_where_the_full_notebooks_are(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="where the full notebooks"):
        colab.student_location("a/b", "main", "main", "notebooks/")
    assert colab.student_location("a/b", "main", "main", "student") == ("main", "student")
    assert colab.student_location("a/b", "main", "v1", "notebooks") == ("v1", "notebooks")
    monkeypatch.setattr(colab, "STUDENT_REF", colab.REF)
    monkeypatch.setattr(colab, "STUDENT_FOLDER", "notebooks")
    with pytest.raises(ValueError, match="where the full notebooks"):
        write_student_editions(tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_links_to_other_notebooks_follow_and_other_repositories_stay():
    other = "https://github.com/tensorflow/docs/blob/master/site/en/tutorials/generative/dcgan.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        f"{colab.badge('notebooks/x.ipynb', 'me/course', 'v2')}\n"
        f"See [05](https://github.com/me/course/blob/v2/notebooks/05_y.ipynb) and [the tutorial]({other}).")])
    student = student_notebook(nb, repository="me/course", ref="v2", student_ref="handout", folder="class/notebooks")
    text = student.cells[0].source
    assert colab.badge("class/notebooks/x.ipynb", "me/course", "handout") in text
    assert "(https://github.com/me/course/blob/handout/class/notebooks/05_y.ipynb)" in text
    assert other in text and "blob/v2" not in text


def test_nbgrader_editions_grade_each_exercise_check():
    for path in NOTEBOOKS:
        full = nbformat.read(path, as_version=4)
        solutions = [c for c in full.cells if c.cell_type == "code" and SOLUTION_TAG in _tags(c)]
        plain = student_notebook(full, name=path.name)
        graded = nbformat.from_dict(student_notebook(full, nbgrader=True, name=path.name))
        nbformat.validate(graded)
        checks = [i for i, cell in enumerate(graded.cells) if "nbgrader" in cell.metadata]
        assert len(checks) == len(solutions) == len(exercise_checks(plain)), path.name
        ids = [graded.cells[i].metadata["nbgrader"]["grade_id"] for i in checks]
        assert ids == [f"exercise-{n}" for n in range(1, len(checks) + 1)], path.name
        assert len({cell.id for cell in graded.cells}) == len(graded.cells), f"{path.name}: cell ids repeat"
        for index in checks:
            cell, answer = graded.cells[index], graded.cells[index - 1]
            assert cell.metadata["nbgrader"] == {"grade": True, "grade_id": cell.metadata["nbgrader"]["grade_id"],
                                                 "locked": True, "points": 1, "schema_version": 3,
                                                 "solution": False, "task": False}
            assert cell.source.startswith(HIDDEN_GRADING + "\n"), path.name
            visible = cell.source[len(HIDDEN_GRADING) + 1:]
            assert "\n" not in visible.strip() and re.match(r"(checks\.)?check_\w+\(", visible), visible
            assert answer.cell_type == "code" and "nbgrader" not in answer.metadata, path.name
        # the plain edition's cells, the checks split from their stubs where they shared a cell
        joined = [graded.cells[i].source for i in range(len(graded.cells))]
        for index in sorted(checks, reverse=True):
            check = joined[index][len(HIDDEN_GRADING) + 1:]
            if graded.cells[index - 1].id.endswith("-answer"):
                joined[index - 1:index + 1] = [f"{joined[index - 1]}\n{check}"]
            else:
                joined[index] = check
        assert [" ".join(s.split()) for s in joined] == [" ".join(c.source.split()) for c in plain.cells], path.name


def test_nbgrader_accepts_the_editions_metadata():
    nbgraderformat = pytest.importorskip("nbgrader.nbgraderformat")
    for path in NOTEBOOKS:
        graded = nbformat.from_dict(student_notebook(nbformat.read(path, as_version=4), nbgrader=True))
        nbgraderformat.MetadataValidator().validate_nb(graded)


def test_a_check_without_a_cell_to_answer_in_is_refused():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Exercises\n\n**Exercise 1.** Say 4."),
                                         nbformat.v4.new_code_cell("check_four(answer)")])
    assert student_notebook(nb)["cells"][1]["source"] == "check_four(answer)"
    with pytest.raises(ValueError, match="no cell to answer in"):
        student_notebook(nb, nbgrader=True, name="x.ipynb")


def test_command_refuses_the_notebooks_folder():
    # Only the notebooks and the student folder are compared: notebooks running beside this test (under
    # pytest-xdist) may be writing their runs/ folder meanwhile.
    before = {path.name: path.stat().st_mtime_ns for path in (ROOT / "notebooks").glob("*.ipynb")}
    student_folder_existed = (ROOT / "notebooks" / "student").exists()
    for target in ("notebooks", "notebooks/student"):
        done = _run_module("student", target)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "refusing" in done.stderr
    assert {path.name: path.stat().st_mtime_ns for path in (ROOT / "notebooks").glob("*.ipynb")} == before
    assert (ROOT / "notebooks" / "student").exists() == student_folder_existed


def test_write_student_editions_refuses_the_source_folder(tmp_path):
    source = tmp_path / "full"
    source.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T")]), source / "a.ipynb")
    with pytest.raises(ValueError, match="refusing"):
        write_student_editions(source, source)
    assert [path.name for path in write_student_editions(tmp_path / "out", source)] == ["a.ipynb"]


def _expect_not_answered(student_path, original_path):
    """Give every exercise check of the student edition the output it had in the full notebook
    ("... not answered yet ...") and the tag ``nbval-check-output``, so nbval checks the message.
    Returns the number of checks tagged."""
    original = {cell.id: cell for cell in nbformat.read(original_path, as_version=4).cells}
    student = nbformat.read(student_path, as_version=4)
    tagged = 0
    for cell in student.cells:
        reference = original.get(cell.id)
        if cell.cell_type != "code" or reference is None or NOT_ANSWERED not in _text(reference):
            continue
        cell.outputs = [output for output in reference.outputs
                        if not (output.get("output_type") == "stream" and output.get("name") == "stderr")]
        cell.execution_count = 1
        cell.metadata.setdefault("tags", []).append("nbval-check-output")
        tagged += 1
    nbformat.write(student, student_path)
    return tagged


def _failure_summary(log):
    """The list of failed cells and, for each notebook, the first failure's report (later cells of a
    notebook usually fail only because an earlier one did)."""
    failed = [line for line in log.splitlines() if line.startswith("FAILED ")]
    blocks = re.split(r"\n_{3,} (\S+?)::Cell \d+ _{3,}\n", log)
    first = {}
    for name, block in zip(blocks[1::2], blocks[2::2], strict=False):
        first.setdefault(name, block[-3000:])
    return "\n".join(failed[:40] + [f"--- first failure in {name}:\n{text}" for name, text in first.items()])


@pytest.mark.slow
def test_student_editions_run_top_to_bottom_under_nbval(tmp_path):
    """Each student edition runs in quick mode under nbval with no error, and each unanswered check
    prints the same "not answered yet" line that the full notebook saved."""
    out = tmp_path / "student"
    written = write_student_editions(out)
    tagged = {path.name: _expect_not_answered(path, ROOT / "notebooks" / path.name) for path in written}
    shutil.copy(ROOT / "conftest.py", out / "conftest.py")  # the project's nbval settings (stderr not compared)
    shutil.copy(ROOT / "tests" / "sanitize.cfg", out / "sanitize.cfg")
    env = dict(os.environ, DCGAN_KERAS_QUICK="1", TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "--rootdir", str(out),
         "--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=900", "--nbval-sanitize-with", "sanitize.cfg",
         *[path.name for path in written]],
        cwd=out, env=env, capture_output=True, text=True, timeout=3600)
    assert done.returncode == 0, _failure_summary(done.stdout + done.stderr)
    missing = [name for name, count in tagged.items() if count == 0]
    assert not missing, f"student editions with no exercise check that prints '{NOT_ANSWERED}': {missing}"
