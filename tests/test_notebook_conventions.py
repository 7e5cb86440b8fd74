"""Every committed notebook follows the course's conventions (issue 30's "Output conventions").

Each test reads the saved notebooks (nothing is executed) and fails with one line per problem,
naming the notebook, the cell (its index, counted from 0 as nbformat does) and the rule broken.
"""

import ast
import base64
import importlib.util
import re
import struct
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
COURSE_FIGURE_CODE = sorted((ROOT / "dcgan_keras" / "course" / "plotting").glob("*.py")) + sorted(
    (ROOT / "dcgan_keras" / "course" / "widgets").glob("*.py"))

_spec = importlib.util.spec_from_file_location("execute_notebooks", ROOT / "scripts" / "execute_notebooks.py")
execute_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(execute_notebooks)

BADGE_RE = re.compile(r"\[!\[Open In Colab\]\(https://colab\.research\.google\.com/assets/colab-badge\.svg\)\]"
                      r"\((https://colab\.research\.google\.com/github/[^/\s]+/[^/\s]+/blob/[^\s)]+)\)")
NBVAL_COMMENT_RE = re.compile(r"^\s*#\s*NBVAL_", re.MULTILINE)
PROGRESS_RE = re.compile(r"\d+%\|[^|\n]*\||\d+/\d+ [━─]{3,}|\d+/\d+ \[[=>.]+\]")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
NOT_ANSWERED = "not answered yet"
PASSED_RE = re.compile(r": correct\.")
MIN_DPI = 100
# A PNG wider than this is shrunk to fit a hosted page (GitHub shows notebooks about 900 px wide),
# and its 10 pt tick labels would then drop below 9 pt.
MAX_FIGURE_WIDTH = 1040
DIVERGING_CMAPS = {"RdBu", "RdBu_r", "coolwarm", "coolwarm_r", "bwr", "bwr_r", "seismic", "seismic_r",
                   "PiYG", "PiYG_r", "PRGn", "PRGn_r", "BrBG", "BrBG_r", "PuOr", "PuOr_r", "RdGy", "RdGy_r",
                   "RdYlBu", "RdYlBu_r", "RdYlGn", "RdYlGn_r", "Spectral", "Spectral_r"}
HEATMAP_CALLS = {"imshow", "matshow", "pcolormesh", "pcolor"}
SMALL_FONT_NAMES = {"xx-small", "x-small"}


def _id(path):
    return path.name


def _read(path):
    return nbformat.read(path, as_version=4)


def _fail(problems):
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def _headings(cell, level):
    """The level-``level`` markdown headings in a cell (outside code fences)."""
    if cell.cell_type != "markdown":
        return []
    text = re.sub(r"```.*?```", "", cell.source, flags=re.DOTALL)
    return re.findall(rf"^{'#' * level} +(.+?)\s*$", text, flags=re.MULTILINE)


def _h2_index(nb):
    """{section title: index of the cell holding that ``## `` heading}; the first occurrence wins."""
    found = {}
    for index, cell in enumerate(nb.cells):
        for title in _headings(cell, 2):
            found.setdefault(title, index)
    return found


def _section(nb, title):
    """(start, end) cell indices of the ``## title`` section: its heading cell to the next ``## ``."""
    sections = _h2_index(nb)
    if title not in sections:
        return None
    start = sections[title]
    later = [index for index in sections.values() if index > start]
    return start, min(later, default=len(nb.cells))


def _tags(cell):
    return set(cell.metadata.get("tags", []))


def _output_texts(output):
    """Every piece of text an output shows: stream text, text/plain and other text mimetypes."""
    if output.get("output_type") == "stream":
        return [output.get("text", "")]
    if output.get("output_type") == "error":
        return ["\n".join(output.get("traceback", []))]
    data = output.get("data", {})
    return [value if isinstance(value, str) else "".join(value)
            for mime, value in data.items() if mime.startswith("text/")]


def _cell_text(cell):
    return "\n".join(text for output in cell.get("outputs", []) for text in _output_texts(output))


def _png_info(data):
    """(width, height, dpi or None, made by matplotlib) from a PNG's bytes."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    dpi, matplotlib_made, position = None, False, 8
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        if kind == b"pHYs":
            x_per_unit, _, unit = struct.unpack(">IIB", body)
            if unit == 1:  # pixels per metre
                dpi = x_per_unit * 0.0254
        elif kind in (b"tEXt", b"iTXt") and body.startswith(b"Software\x00") and b"Matplotlib" in body:
            matplotlib_made = True
        elif kind == b"IDAT":
            break
        position += 12 + length
    return width, height, dpi, matplotlib_made


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 6, f"expected the course's notebooks in notebooks/, found {NOTEBOOKS}"


def test_the_log_filter_recognises_the_usual_lines():
    """The patterns behind the first rule match what TensorFlow 2.21 prints, and no lesson text."""
    noise = [
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
        "I0000 00:00:1795312000.760786   17279 port.cc:153] oneDNN custom operations are on.",
        "I0000 00:00:1795312000.762295   17279 cudart_stub.cc:31] Could not find cuda drivers on your machine",
        "E0000 00:00:1795312003.400156   17279 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error",
        "2024-01-31 12:00:00.123456: I tensorflow/core/util/port.cc:113] oneDNN custom operations are on.",
        "E0000 00:00:1737.1 3 cuda_dnn.cc:8310] Unable to register cuDNN factory: Attempting to register",
    ]
    lesson = ["12.0 12.0", "Exercise 1: not answered yet.", "Epoch 1/3", "(None, 28, 28, 1)",
              "W has shape (3, 3) and cuInit-free code", "WARNING is a word too"]
    assert all(execute_notebooks.is_framework_log_line(line) for line in noise)
    assert not any(execute_notebooks.is_framework_log_line(line) for line in lesson)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_no_framework_log_lines(path):
    problems = []
    for index, cell in enumerate(_read(path).cells):
        for output in cell.get("outputs", []):
            for text in _output_texts(output):
                for line in text.splitlines():
                    if execute_notebooks.is_framework_log_line(line):
                        problems.append(f"{path.name} cell {index}: framework log line in an output "
                                        f"(re-run with scripts/execute_notebooks.py): {line[:100]!r}")
    _fail(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_nbval_markers_are_tags(path):
    problems = [f"{path.name} cell {index}: '# NBVAL_...' comment in code; use the cell tag instead"
                for index, cell in enumerate(_read(path).cells)
                if cell.cell_type == "code" and NBVAL_COMMENT_RE.search(cell.source)]
    _fail(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_executed_top_to_bottom(path):
    """Saved with outputs from one run in order: execution counts 1, 2, 3, ... down the page."""
    nb = _read(path)
    problems, expected = [], 1
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        if cell.execution_count != expected:
            problems.append(f"{path.name} cell {index}: execution count {cell.execution_count}, expected "
                            f"{expected} (execute the notebook top to bottom with scripts/execute_notebooks.py)")
            break
        expected += 1
    _fail(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_skeleton(path):
    nb = _read(path)
    name, problems = path.name, []
    first = nb.cells[0]
    if first.cell_type != "markdown" or not re.match(r"# \S", first.source):
        problems.append(f"{name} cell 0: the notebook must open with a markdown H1 title ('# ...')")
    sections = _h2_index(nb)
    for title in ("Setup", "Summary", "Exercises"):
        if title not in sections:
            problems.append(f"{name}: no '## {title}' section")
    if problems:
        _fail(problems)
    intro = nb.cells[:sections["Setup"]]
    badges = [(index, match) for index, cell in enumerate(intro) if cell.cell_type == "markdown"
              for match in BADGE_RE.finditer(cell.source)]
    if len(badges) != 1:
        problems.append(f"{name}: expected one 'Open In Colab' badge before '## Setup', found {len(badges)}")
    else:
        index, match = badges[0]
        if not match.group(1).endswith(f"/notebooks/{name}"):
            problems.append(f"{name} cell {index}: the Colab badge links to {match.group(1)}, "
                            f"which is not this file's path notebooks/{name}")
    prose = " ".join(BADGE_RE.sub("", cell.source) for cell in intro if cell.cell_type == "markdown")
    prose = re.sub(r"^#.*$", "", prose, flags=re.MULTILINE)
    if len(prose.split()) < 20:
        problems.append(f"{name}: the introduction before '## Setup' needs a paragraph of what you will learn")
    order = [sections[title] for title in ("Setup", "Summary", "Exercises")]
    if order != sorted(order):
        problems.append(f"{name}: sections must come in the order Setup, Summary, Exercises")
    if "Solutions" in sections:
        if sections["Solutions"] < sections["Exercises"]:
            problems.append(f"{name} cell {sections['Solutions']}: '## Solutions' must come after '## Exercises'")
        if sections["Solutions"] != max(sections.values()):
            problems.append(f"{name} cell {sections['Solutions']}: '## Solutions' must be the last section")
    for index, cell in enumerate(nb.cells):
        for level in (2, 3):
            for title in _headings(cell, level):
                words = re.findall(r"[A-Za-z][\w'-]*", title)
                capitalised = [w for w in words[1:] if len(w) >= 4 and w[0].isupper() and w[1:].islower()]
                long_words = [w for w in words[1:] if len(w) >= 4]
                if len(long_words) >= 2 and len(capitalised) == len(long_words):
                    problems.append(f"{name} cell {index}: heading {title!r} is in Title Case; "
                                    "use sentence case ('Build the generator')")
    _fail(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_solutions_are_tagged_and_come_after_the_exercises(path):
    nb = _read(path)
    name, problems = path.name, []
    sections = _h2_index(nb)
    exercises = sections.get("Exercises", len(nb.cells))
    for index, cell in enumerate(nb.cells):
        if "solution" in _tags(cell) and index <= exercises:
            problems.append(f"{name} cell {index}: a cell tagged 'solution' must come after '## Exercises'")
    if "Solutions" in sections:
        for index in range(sections["Solutions"] + 1, len(nb.cells)):
            if "solution" not in _tags(nb.cells[index]):
                problems.append(f"{name} cell {index}: every cell of '## Solutions' needs the tag 'solution' "
                                "(the student edition deletes them)")
        for index in range(sections["Solutions"], len(nb.cells)):
            cell = nb.cells[index]
            if cell.cell_type == "code" and "solution" in _tags(cell) and not cell.outputs:
                problems.append(f"{name} cell {index}: a solution code cell without output; each solution "
                                "re-runs its check so the full notebook shows a pass")
    _fail(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_every_exercise_has_a_check_that_says_not_answered_yet(path):
    """In the saved notebook the stubs are untouched, so each check printed "not answered yet"; the
    solutions then re-run the checks, which pass."""
    nb = _read(path)
    name = path.name
    span = _section(nb, "Exercises")
    if span is None:
        _fail([f"{name}: no '## Exercises' section"])
    start, end = span
    problems, checks = [], []
    subsection = None
    subsections = {}
    for index in range(start + 1, end):
        cell = nb.cells[index]
        for title in _headings(cell, 3):
            subsection = (index, title)
            subsections[subsection] = []
        if cell.cell_type != "code":
            continue
        text = _cell_text(cell)
        if NOT_ANSWERED in text:
            checks.append(index)
            if subsection:
                subsections[subsection].append(index)
        if PASSED_RE.search(text):
            problems.append(f"{name} cell {index}: a check in '## Exercises' already passes: the stub holds "
                            "the answer (move it to '## Solutions')")
        for output in cell.outputs:
            if output.get("output_type") == "error" and "raises-exception" not in _tags(cell):
                problems.append(f"{name} cell {index}: an exercise cell raised {output.get('ename')}; "
                                "an unanswered exercise must not stop the notebook")
    if not checks:
        problems.append(f"{name}: no exercise check printed '{NOT_ANSWERED}' in '## Exercises'")
    for (index, title), found in subsections.items():
        if not found:
            problems.append(f"{name} cell {index}: exercise {title!r} has no check cell that prints "
                            f"'{NOT_ANSWERED}' while its stub is untouched")
    solutions = _section(nb, "Solutions")
    if solutions is not None and checks:
        passes = sum(len(PASSED_RE.findall(_cell_text(nb.cells[i]))) for i in range(*solutions))
        if passes < len(checks):
            problems.append(f"{name}: {len(checks)} exercise check(s) but only {passes} pass(es) shown in "
                            "'## Solutions' (each solution re-runs its check)")
    _fail(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_setup_imports_are_short(path):
    nb = _read(path)
    span = _section(nb, "Setup")
    if span is None:
        _fail([f"{path.name}: no '## Setup' section"])
    problems, lines, setup_calls = [], 0, 0
    for index in range(*span):
        cell = nb.cells[index]
        if cell.cell_type != "code" or "google.colab" in cell.source:
            continue  # the Colab install cell is checked by test_colab.py
        source = cell.source
        if "setup_notebook(" in source:
            setup_calls += 1
            if not re.search(r"^QUICK = setup_notebook\(seed=", source, flags=re.MULTILINE):
                problems.append(f"{path.name} cell {index}: Setup should end its imports with "
                                "'QUICK = setup_notebook(seed=...)'")
        if re.search(r"^\s*(import|from)\s", source, flags=re.MULTILINE):
            lines += sum(1 for line in source.splitlines()
                         if line.strip() and not line.strip().startswith("#") and "setup_notebook(" not in line)
    if lines > 15:
        problems.append(f"{path.name}: the import cells of '## Setup' hold {lines} lines; at most 15")
    if setup_calls != 1:
        problems.append(f"{path.name}: '## Setup' should call setup_notebook once, found {setup_calls}")
    _fail(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_png_figures_are_readable(path):
    problems, figures = [], 0
    for index, cell in enumerate(_read(path).cells):
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png is None:
                continue
            width, height, dpi, matplotlib_made = _png_info(base64.b64decode(png))
            figures += 1
            where = f"{path.name} cell {index}: a {width}x{height} PNG"
            if matplotlib_made:
                if dpi is None or round(dpi) < MIN_DPI:
                    problems.append(f"{where} saved at {dpi and round(dpi)} dpi; at least {MIN_DPI} "
                                    "(setup_notebook sets it)")
                if width < 2.5 * MIN_DPI or height < 1.0 * MIN_DPI:
                    problems.append(f"{where} is too small to read; make the figure larger")
                if width > MAX_FIGURE_WIDTH:
                    problems.append(f"{where} is wider than {MAX_FIGURE_WIDTH} px: a hosted page shrinks it "
                                    "and its text falls below 9 pt; make the figure narrower")
            elif min(width, height) < 56:
                problems.append(f"{where} is too small to see; scale it up")
    _fail(problems)
    if path.name[:2].isdigit() and int(path.name[:2]) <= 6:
        assert figures > 0, f"{path.name}: no PNG figure at all (figures must be saved as PNG outputs)"


def _is_fallback(output):
    """An output that shows a result on a static page: printed text, a still figure or a plain value."""
    data = output.get("data", {})
    if output.get("output_type") == "stream":
        return output.get("name") == "stdout" and bool(output.get("text", "").strip()) and not PROGRESS_RE.search(
            output.get("text", ""))
    return "image/png" in data or ("text/plain" in data and WIDGET_MIME not in data)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_progress_bars_and_widgets_have_a_text_fallback(path):
    """A widget or a progress bar shows nothing useful on a hosted page: the same cell also shows the
    final state, as a line of text after a progress bar, or as text or a still figure with a widget."""
    problems = []
    for index, cell in enumerate(_read(path).cells):
        outputs = cell.get("outputs", [])
        bars = [i for i, output in enumerate(outputs)
                if output.get("output_type") == "stream" and PROGRESS_RE.search(output.get("text", ""))]
        if bars and not any(_is_fallback(output) for output in outputs[bars[-1] + 1:]):
            problems.append(f"{path.name} cell {index}: a progress bar with no line of text after it that "
                            "shows the final result")
        if any(WIDGET_MIME in output.get("data", {}) for output in outputs) and not any(
                _is_fallback(output) for output in outputs):
            problems.append(f"{path.name} cell {index}: a widget without a still figure or text showing "
                            "its state")
    _fail(problems)


def _string_value(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _figure_code_problems(source, where):
    """Signed heatmaps without a colour bar and fonts under 9 pt in one cell or module (statically).

    A heatmap counts as signed when it is drawn with a diverging colour map named in the call, or with a
    negative ``vmin``; the colour bar may be added anywhere in the same top-level function (or cell).
    Colour maps passed through variables are not seen.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics: drop them and try again
        tree = ast.parse("\n".join(line[:len(line) - len(line.lstrip())] + "pass"
                                   if line.lstrip().startswith(("%", "!")) else line
                                   for line in source.splitlines()))
    problems = []
    scopes = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    loose = ast.Module(body=[node for node in tree.body if node not in scopes], type_ignores=[])
    for scope in [loose, *scopes]:
        calls = [node for node in ast.walk(scope) if isinstance(node, ast.Call)]
        names = {getattr(call.func, "attr", getattr(call.func, "id", None)) for call in calls}
        for call in calls:
            keywords = {kw.arg: kw.value for kw in call.keywords}
            for key in ("fontsize", "labelsize", "titlesize"):
                value = keywords.get(key)
                if isinstance(value, ast.Constant) and isinstance(value.value, (int, float)) and value.value < 9:
                    problems.append(f"{where} line {call.lineno}: {key}={value.value}; text must be 9 pt or more")
                if _string_value(value) in SMALL_FONT_NAMES:
                    problems.append(f"{where} line {call.lineno}: {key}={_string_value(value)!r} is under 9 pt")
            function = getattr(call.func, "attr", getattr(call.func, "id", None))
            if function not in HEATMAP_CALLS:
                continue
            cmap = _string_value(keywords.get("cmap"))
            vmin = keywords.get("vmin")
            negative_vmin = isinstance(vmin, ast.UnaryOp) and isinstance(vmin.op, ast.USub)
            signed = cmap in DIVERGING_CMAPS or (negative_vmin and "cmap" not in keywords)
            if signed and "colorbar" not in names:
                name = getattr(scope, "name", "the cell")
                problems.append(f"{where} line {call.lineno} ({name}): a signed heatmap ({function}, "
                                f"cmap={cmap!r}) without a colour bar")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_notebook_figure_code(path):
    problems = []
    for index, cell in enumerate(_read(path).cells):
        if cell.cell_type == "code":
            problems += _figure_code_problems(cell.source, f"{path.name} cell {index}")
    _fail(problems)


@pytest.mark.parametrize("path", COURSE_FIGURE_CODE, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_course_figure_code(path):
    """The figures the notebooks show are mostly drawn by dcgan_keras.course.plotting and widgets."""
    _fail(_figure_code_problems(path.read_text(), str(path.relative_to(ROOT))))


def test_figure_code_check_can_fail():
    bad = "import matplotlib.pyplot as plt\nplt.imshow(x, cmap='RdBu', vmin=-1, vmax=1)\nplt.title('t', fontsize=7)\n"
    good = "import matplotlib.pyplot as plt\nim = plt.imshow(x, cmap='RdBu')\nplt.colorbar(im)\n"
    assert len(_figure_code_problems(bad, "bad")) == 2
    assert _figure_code_problems(good, "good") == []


WIDGET_REPR_RE = re.compile(r"^\s*(VBox|HBox|Box|GridBox|Text|Textarea|Label|Output|Button|Dropdown|Checkbox|"
                            r"(Int|Float)(Range)?(Slider|Text)|IntProgress|FloatProgress)\(")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_no_widget_repr_or_frozen_progress_bar(path):
    """No notebook saves a widget's text repr (explore() saves a caption) or a progress bar."""
    problems = []
    for index, cell in enumerate(_read(path).cells):
        for output in cell.get("outputs", []):
            plain = output.get("data", {}).get("text/plain", "")
            plain = plain if isinstance(plain, str) else "".join(plain)
            if WIDGET_REPR_RE.match(plain):
                problems.append(f"{path.name} cell {index}: a widget's text repr is saved ({plain[:60]!r}); "
                                "display widgets through dcgan_keras.course.widgets.explore")
            if output.get("output_type") == "stream" and PROGRESS_RE.search(output.get("text", "")):
                problems.append(f"{path.name} cell {index}: a progress bar is saved; use verbose=0")
    _fail(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_notebooks_stay_within_budget(path):
    """Every notebook keeps to 80 cells and 2,500 words of prose (markdown cells, the solutions included)."""
    nb = _read(path)
    words = sum(len(cell.source.split()) for cell in nb.cells if cell.cell_type == "markdown")
    problems = []
    if len(nb.cells) > 80:
        problems.append(f"{path.name}: {len(nb.cells)} cells; at most 80")
    if words > 2500:
        problems.append(f"{path.name}: {words} words of prose; at most 2,500")
    _fail(problems)
