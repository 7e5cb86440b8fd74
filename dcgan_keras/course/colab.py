"""Where the notebooks' "Open in Colab" badges point, and the install cell they run in Colab.

The repository (``owner/name`` on GitHub) and the ref (a tag or branch) are set here and nowhere
else: every notebook's badge and setup cell are rendered from them. So is where the student
editions live (``STUDENT_REF`` and ``STUDENT_FOLDER``): their badges open them there, never the full
notebooks with the solutions. A fork changes all of them with
``python scripts/set_repository.py OWNER/NAME --ref TAG [--student-ref REF] [--student-folder DIR]``,
which rewrites the constants below and every notebook.

The setup cell installs this package in Colab without touching what Colab already provides:
``--no-deps`` keeps pip from upgrading or downgrading TensorFlow, Keras, NumPy, matplotlib or
ipywidgets to satisfy this package's version ranges (a changed TensorFlow or NumPy forces a runtime
restart, and a changed ipywidgets can break the widgets), and the second line names the two other
dependencies without versions, so pip installs them only where they are missing.
"""

import re

__all__ = ["REF", "REPOSITORY", "STUDENT_REF", "STUDENT_FOLDER", "BADGE_RE", "apply", "apply_student", "badge",
           "badge_url", "install_spec", "notebook_links", "setup_cell_source", "student_location"]

REPOSITORY = "dcgan-keras/dcgan-keras"
REF = "main"
# The student editions (``python -m dcgan_keras.course student``) are published in this folder at this
# ref (a branch or tag of REPOSITORY); it must not be the full notebooks' own place, notebooks/ at REF.
STUDENT_REF = "student"
STUDENT_FOLDER = "notebooks"

BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_RE = re.compile(r"\[!\[Open In Colab\]\(https://colab\.research\.google\.com/assets/colab-badge\.svg\)\]"
                      r"\(https://colab\.research\.google\.com/github/[^)\s]+\)")
# What Colab may lack; everything else the package needs ships with Colab.
MISSING_ON_COLAB = ("tqdm", "pillow")


def badge_url(notebook, repository=REPOSITORY, ref=REF):
    """The Colab address of ``notebook`` (a path inside the repository, e.g. ``notebooks/01_activations.ipynb``)."""
    path = str(notebook).replace("\\", "/").lstrip("./")
    if "/" not in path:
        path = f"notebooks/{path}"
    return f"https://colab.research.google.com/github/{repository}/blob/{ref}/{path}"


def badge(notebook, repository=REPOSITORY, ref=REF):
    """The markdown of the "Open in Colab" badge for ``notebook``.

    Example:
        >>> badge("notebooks/01_activations.ipynb", "me/course", "v1")  # doctest: +NORMALIZE_WHITESPACE
        '[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/me/course/blob/v1/notebooks/01_activations.ipynb)'
    """
    return f"[![Open In Colab]({BADGE_IMAGE})]({badge_url(notebook, repository, ref)})"


def student_location(repository=REPOSITORY, ref=REF, student_ref=STUDENT_REF, folder=STUDENT_FOLDER):
    """The folder the student editions' badges open, as ``(student_ref, folder)``.

    Raises:
        ValueError: when that is where the full notebooks are (``notebooks/`` at ``ref``): a student
            who clicked a badge would open the solutions.
    """
    folder = str(folder).replace("\\", "/").strip("/")
    if (student_ref, folder) == (ref, "notebooks"):
        raise ValueError(f"the student editions' place ({folder}/ at {student_ref}) is where the full notebooks "
                         f"of {repository} are: set STUDENT_REF or STUDENT_FOLDER in colab.py to another branch or "
                         "folder (scripts/set_repository.py --student-ref/--student-folder)")
    return student_ref, folder


def install_spec(repository=REPOSITORY, ref=REF):
    """The pip requirement that installs this package from GitHub at ``ref``."""
    return f"dcgan-keras @ git+https://github.com/{repository}@{ref}"


def setup_cell_source(repository=REPOSITORY, ref=REF):
    """The source of every notebook's first Setup cell: an install that runs only inside Colab."""
    return "\n".join([
        "import sys",
        "",
        'if "google.colab" in sys.modules:  # in Colab: install this package, keep what Colab has',
        f'    %pip install -q --no-deps "{install_spec(repository, ref)}"',
        f"    %pip install -q {' '.join(MISSING_ON_COLAB)}",
    ])


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def find_setup_cell(nb):
    """Index of the Colab install cell: the first code cell that mentions ``google.colab``, or None."""
    for index, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") == "code" and "google.colab" in _source(cell):
            return index
    return None


# Links to a notebook of the repository: its Colab page or its page on GitHub, at any ref and folder.
_NOTEBOOK_LINK_RE = re.compile(r"https://(?:colab\.research\.google\.com/github|github\.com)/([^/\s)\]\"'>]+/[^/\s)\]\"'>]+)"
                               r"/blob/([^\s)\]\"'>]+?)/((?:[^/\s)\]\"'>]+/)*)([^/\s)\]\"'>]+\.ipynb)")


def notebook_links(text):
    """Every link in ``text`` to a notebook on GitHub or Colab, as ``(repository, ref, folder, name)``.

    Example:
        >>> notebook_links("[x](https://github.com/a/b/blob/v1/notebooks/01_x.ipynb)")
        [('a/b', 'v1', 'notebooks', '01_x.ipynb')]
    """
    return [(m.group(1), m.group(2), m.group(3).rstrip("/"), m.group(4)) for m in _NOTEBOOK_LINK_RE.finditer(text)]


def apply(nb, notebook, repository=REPOSITORY, ref=REF):
    """Point ``nb``'s badge and setup cell at ``repository`` and ``ref`` (in place).

    Args:
        nb: the notebook (an nbformat node or a plain dict).
        notebook: its path inside the repository, e.g. ``notebooks/01_activations.ipynb``.

    Returns:
        True when something changed.

    Raises:
        ValueError: when the notebook has no Colab badge or no Colab install cell to rewrite.
    """
    changed, badges = False, 0
    new_badge = badge(notebook, repository, ref)
    for cell in nb["cells"]:
        if cell.get("cell_type") != "markdown":
            continue
        source = _source(cell)
        found = len(BADGE_RE.findall(source))
        if found:
            badges += found
            updated = BADGE_RE.sub(lambda _match: new_badge, source)
            if updated != source:
                cell["source"], changed = updated, True
    index = find_setup_cell(nb)
    if not badges or index is None:
        raise ValueError(f"{notebook}: " + ("no Colab badge" if not badges else "no Colab install cell"))
    cell = nb["cells"][index]
    if _source(cell) != setup_cell_source(repository, ref):
        cell["source"], changed = setup_cell_source(repository, ref), True
    return changed


def apply_student(nb, repository=REPOSITORY, ref=REF, student_ref=STUDENT_REF, folder=STUDENT_FOLDER):
    """Point a student edition's links at the student editions (in place); return True when something changed.

    The badge, and every other link to one of the repository's notebooks (on GitHub or Colab), then
    open the notebook of that name in ``folder`` at ``student_ref``, never the full notebooks; the
    setup cell is left as it is (it installs the package, which holds no solutions, from ``ref``).

    Raises:
        ValueError: as :func:`student_location` does.
    """
    student_ref, folder = student_location(repository, ref, student_ref, folder)
    changed = False

    def to_student(match):
        if match.group(1) != repository:
            return match.group(0)
        target = f"{folder}/{match.group(4)}"
        if match.group(0).startswith("https://github.com/"):
            return f"https://github.com/{repository}/blob/{student_ref}/{target}"
        return badge_url(target, repository, student_ref)

    for cell in nb["cells"]:
        if cell.get("cell_type") != "markdown":
            continue
        source = _source(cell)
        updated = _NOTEBOOK_LINK_RE.sub(to_student, source)
        if updated != source:
            cell["source"], changed = updated, True
    return changed
