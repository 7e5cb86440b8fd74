"""The README, docs/ and the notebooks' markdown link only to files and headings that exist."""

import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)\s]+)\)")
GITHUB_BLOB = "https://github.com/dcgan-keras/dcgan-keras/blob/main/"


def github_slug(heading):
    """The anchor GitHub gives a markdown heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def headings(path):
    return {github_slug(line.lstrip("#")) for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("#")}


def documents():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "data").glob("*.md"))]
    found = [(page, page.read_text(encoding="utf-8")) for page in pages]
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        found.append((notebook, "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")))
    return found


def links():
    """(page, link, file it names, anchor) for every link that is not to another site."""
    for page, text in documents():
        for target in LINK.findall(text):
            if target.startswith(GITHUB_BLOB):  # the notebooks link this way so that Colab can follow
                relative, base = target[len(GITHUB_BLOB):], ROOT
            elif re.match(r"[a-z]+:", target):
                continue
            else:
                relative, base = target, page.parent
            path, _, anchor = relative.partition("#")
            yield page.relative_to(ROOT).as_posix(), target, (base / path) if path else page, anchor


def test_slug_matches_github():
    assert github_slug("How good are the digits?") == "how-good-are-the-digits"
    assert github_slug("An earlier AVX-512 CPU, with `bf16`") == "an-earlier-avx-512-cpu-with-bf16"


@pytest.mark.parametrize(("page", "target", "path", "anchor"), list(links()),
                         ids=lambda value: value if isinstance(value, str) else "")
def test_link_resolves(page, target, path, anchor):
    assert path.exists(), f"{page} links to {target}, which does not exist"
    if anchor:
        assert path.suffix == ".md", f"{page} links to {target}: anchors are checked in markdown files only"
        assert anchor in headings(path), f"{page} links to {target}: {path.name} has no heading with that anchor"


def test_there_are_links_to_check():
    assert len(list(links())) >= 10
