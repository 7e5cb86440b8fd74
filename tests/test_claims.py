"""Sentences of the README, docs/recipe.md and the changelog that the code decides: each is read beside
the code that makes it true."""

import re
from pathlib import Path

import nbformat

from dcgan_keras.course import colab

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NUMBERS = {6: "six", 7: "seven", 8: "eight", 9: "nine"}


def _read(name):
    return (ROOT / name).read_text(encoding="utf-8")


def _one_line(text):
    return " ".join(text.split())


def test_readme_says_the_colab_cell_keeps_colabs_versions():
    assert "--no-deps" in colab.setup_cell_source()
    readme = _one_line(_read("README.md"))
    (bullet,) = re.findall(r"\*\*Only the package\*\*: (.*?)(?= - \*\*|## |$)", readme)
    assert "--no-deps" in bullet and "as the Colab setup cell does" not in bullet, bullet


def test_recipe_page_says_how_long_notebook_06_trains():
    nb = nbformat.read(ROOT / "notebooks" / "06_dcgan_mnist.ipynb", as_version=4)
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    assert re.search(r"^FINAL_MINUTES = ", code, flags=re.MULTILINE), "notebook 06 no longer has its time limit"
    assert "training_config(minutes=FINAL_MINUTES" in code
    page = _one_line(_read("docs/recipe.md"))
    assert "FINAL_MINUTES" in page
    for stale in ("as notebook 06 does", "Notebook 06 trains the same recipe from the same seed, but for all"):
        assert stale not in page, stale


def test_changelog_counts_and_records_the_notebooks():
    changelog = _read("CHANGELOG.md")
    unreleased = changelog[:changelog.index("## [0.1.0]")]
    assert f"The course has {NUMBERS[len(NOTEBOOKS)]} notebooks" in _one_line(unreleased)
    newest = NOTEBOOKS[-1].name[:2]
    assert f"Notebook {newest}" in unreleased, f"the changelog does not record notebook {newest}"
