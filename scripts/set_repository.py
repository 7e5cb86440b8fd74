"""Point the course at another GitHub repository (a fork) and ref: badges and Colab install cells.

    python scripts/set_repository.py OWNER/NAME [--ref TAG_OR_BRANCH] [--student-ref REF]
                                     [--student-folder DIR] [--root DIR]

Rewrites the ``REPOSITORY``, ``REF``, ``STUDENT_REF`` and ``STUDENT_FOLDER`` constants of
``dcgan_keras/course/colab.py`` (the one place they are set), then every notebook's "Open in
Colab" badge and Colab install cell from them, and the links to the repository in the notebooks'
text, ``README.md``, ``pyproject.toml`` and ``CITATION.cff`` (links to files at the old ref,
``.../blob/REF/...``, move to the new ref). The student editions
(``python -m dcgan_keras.course student``) take their badges from the two student settings: the
branch or tag, and the folder in it, where the editions are published. Run it from a clean
checkout and review the diff.
"""

import argparse
import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPOSITORY_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/[A-Za-z0-9._-]+$")
REF_RE = re.compile(r"^[A-Za-z0-9._/-]+$")
FOLDER_RE = re.compile(r"^[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*$")
# The constants of colab.py this script sets, in the order of its arguments.
SETTINGS = ("REPOSITORY", "REF", "STUDENT_REF", "STUDENT_FOLDER")
# Other files that name the repository: the README's badges and links, the package's and the
# citation's addresses.
TEXT_FILES = ("README.md", "pyproject.toml", "CITATION.cff")


def _load_colab(path):
    spec = importlib.util.spec_from_file_location("_colab_settings", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rewrite_settings(path, repository, ref, student_ref=None, student_folder=None):
    """Set the constants in colab.py (a student setting left as None keeps its value); True when the file changed."""
    text = updated = path.read_text()
    for name, value in zip(SETTINGS, (repository, ref, student_ref, student_folder), strict=True):
        pattern = rf'^{name} = "[^"]*"$'
        count = len(re.findall(pattern, updated, flags=re.MULTILINE))
        if count != 1:
            raise SystemExit(f"{path}: expected one {name} line, found {count}")
        if value is not None:
            updated = re.sub(pattern, f'{name} = "{value}"', updated, flags=re.MULTILINE)
    if updated != text:
        path.write_text(updated)
    return updated != text


def rewrite_links(text, old_repository, old_ref, repository, ref):
    """Point links into the old repository at the new one: ``github.com/OLD/blob/OLD_REF/...`` (and
    ``tree``) and pip's ``github.com/OLD@OLD_REF`` at the new ref, and every other ``github.com/OLD``
    address (also one closed by a backtick, as in the README's install line) at the new repository."""
    old = re.escape(old_repository)
    text = re.sub(rf"https://github\.com/{old}/(blob|tree)/{re.escape(old_ref)}/",
                  lambda match: f"https://github.com/{repository}/{match.group(1)}/{ref}/", text)
    text = re.sub(rf"https://github\.com/{old}@{re.escape(old_ref)}(?![A-Za-z0-9._/-])",
                  f"https://github.com/{repository}@{ref}", text)
    return re.sub(rf"https://github\.com/{old}(?=[/\"'`)\s>#@]|\.git\b|$)", f"https://github.com/{repository}", text,
                  flags=re.MULTILINE)


def rewrite_notebook_links(nb, old_repository, old_ref, repository, ref):
    """Apply :func:`rewrite_links` to every markdown cell; return True when one changed."""
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            updated = rewrite_links(cell.source, old_repository, old_ref, repository, ref)
            if updated != cell.source:
                cell.source, changed = updated, True
    return changed


def rewrite_text_file(path, colab, old_repository, old_ref):
    """Point a text file's Colab badges and repository links at the new settings; True when it changed."""
    if not path.is_file():
        return False
    text = path.read_text()
    link = re.compile(r"https://colab\.research\.google\.com/github/[^/\s)]+/[^/\s)]+/blob/[^/\s)]+/"
                      r"(notebooks/[^\s)]+\.ipynb)")
    updated = link.sub(lambda match: colab.badge_url(match.group(1), colab.REPOSITORY, colab.REF), text)
    updated = rewrite_links(updated, old_repository, old_ref, colab.REPOSITORY, colab.REF)
    if updated != text:
        path.write_text(updated)
    return updated != text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repository", help="the GitHub repository as OWNER/NAME")
    parser.add_argument("--ref", default=None, help="tag or branch to install and open (default: keep the current one)")
    parser.add_argument("--student-ref", default=None,
                        help="branch or tag where the student editions are published (default: keep the current one)")
    parser.add_argument("--student-folder", default=None,
                        help="folder at --student-ref that holds the student editions (default: keep the current one)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to rewrite (default: this one)")
    args = parser.parse_args(argv)
    if not REPOSITORY_RE.match(args.repository):
        parser.error(f"not an OWNER/NAME repository: {args.repository!r}")
    settings = args.root / "dcgan_keras" / "course" / "colab.py"
    if not settings.is_file():
        parser.error(f"no {settings}")
    previous = _load_colab(settings)
    ref = args.ref or previous.REF
    student_ref = args.student_ref or previous.STUDENT_REF
    student_folder = (args.student_folder or previous.STUDENT_FOLDER).strip("/")
    for value in (ref, student_ref):
        if not REF_RE.match(value):
            parser.error(f"not a tag or branch name: {value!r}")
    if not FOLDER_RE.match(student_folder) or ".." in student_folder.split("/"):
        parser.error(f"not a folder inside the repository: {student_folder!r}")
    try:
        previous.student_location(args.repository, ref, student_ref, student_folder)
    except ValueError as error:
        parser.error(str(error))

    import nbformat  # after the arguments are checked: a wrong one is answered at once

    changed = []
    if rewrite_settings(settings, args.repository, ref, student_ref, student_folder):
        changed.append(settings)
    colab = _load_colab(settings)  # render from the file just written: the one place it is set
    notebooks = sorted((args.root / "notebooks").glob("*.ipynb"))
    if not notebooks:
        parser.error(f"no notebooks in {args.root / 'notebooks'}")
    problems = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        try:
            links = rewrite_notebook_links(nb, previous.REPOSITORY, previous.REF, colab.REPOSITORY, colab.REF)
            if colab.apply(nb, path.relative_to(args.root).as_posix(), colab.REPOSITORY, colab.REF) or links:
                nbformat.write(nb, path)
                changed.append(path)
        except ValueError as error:
            problems.append(str(error))
    for name in TEXT_FILES:
        if rewrite_text_file(args.root / name, colab, previous.REPOSITORY, previous.REF):
            changed.append(args.root / name)
    for path in changed:
        print(f"rewrote {path.relative_to(args.root)}")
    print(f"repository {colab.REPOSITORY}, ref {colab.REF}, student editions in {colab.STUDENT_FOLDER}/ at "
          f"{colab.STUDENT_REF}: {len(changed)} file(s) changed")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
