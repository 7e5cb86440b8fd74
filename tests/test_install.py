"""The install files agree with each other and install: pyproject.toml holds the ranges, requirements*.txt
pin versions inside them, constraints/oldest.txt pins the lower ends, environment.yml installs what the
test command needs, and the hosted workflow tests the oldest and the newest supported Python.

The dry runs need the package index: they ask it (pip resolves without downloading the wheels) for the
newest and the oldest supported Python on Linux, whatever Python runs the tests; each is bounded by
``DRY_RUN_SECONDS``. The package's wheel is built with pip's build isolation, which fetches setuptools
from the index too. Where the index cannot be reached, these tests skip and say so; the others read files.
"""

import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pip carries the same parser
    from pip._vendor import tomli as tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
PYTHONS = ("3.10", "3.11", "3.12", "3.13")
OLDEST_PYTHON, NEWEST_PYTHON = PYTHONS[0], PYTHONS[-1]
# TensorFlow 2.21's wheels are tagged manylinux_2_27; libclang's manylinux2010. pip does not widen a
# --platform to older tags by itself, so every tag a current Linux accepts is named.
PLATFORMS = ("manylinux_2_27_x86_64", "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64",
             "linux_x86_64")
DRY_RUN_SECONDS = 420
# What pip prints when it cannot reach the package index (or reaches one that has none of the project).
UNREACHABLE = ("(from versions: none)", "NewConnectionError", "Failed to establish a new connection",
               "Temporary failure in name resolution", "Name or service not known", "ConnectTimeoutError",
               "Read timed out", "ProxyError", "Network is unreachable", "Connection refused", "Could not fetch URL")
NEEDS_INDEX = "needs the package index, which pip cannot reach here"


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def ranges():
    """{name: Requirement} for the dependencies and every extra except the package's own."""
    project = pyproject()
    listed = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]
    found = {}
    for line in listed:
        requirement = Requirement(line)
        if canonicalize_name(requirement.name) != canonicalize_name(project["name"]):
            found[canonicalize_name(requirement.name)] = requirement
    return found


def marker_environment(python):
    environment = default_environment()
    environment.update(python_version=python, python_full_version=f"{python}.0")
    return environment


def read_requirements(path, python):
    """The requirement lines of ``path`` (following ``-r``) whose markers hold for ``python``.

    pip evaluates markers for the Python that runs it, even with ``--python-version``, so a dry run for
    another Python gets its lines from here."""
    found = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #")[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-r "):
            found += read_requirements(path.parent / line[3:].strip(), python)
            continue
        assert not line.startswith("-"), f"{path.name}: unexpected option line {line!r}"
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(marker_environment(python)):
            found.append(requirement)
    return found


def pins(path, python):
    """{name: Version} of the ``==`` pins in ``path`` that hold for ``python``."""
    found = {}
    for requirement in read_requirements(path, python):
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{path.name}: {requirement} is not an exact pin"
        name = canonicalize_name(requirement.name)
        assert name not in found, f"{path.name}: {name} is pinned twice for Python {python}"
        found[name] = Version(spec.version)
    return found


def _require_a_recent_pip(result):
    """Older pips (23.2, the one Python 3.11.7's venv starts with) refuse ``--python-version`` in a dry run."""
    assert "unless installing via '--target'" not in result.stderr, (
        "this pip cannot do a dry run for another Python; upgrade it with `python -m pip install --upgrade pip` "
        "(CI does) and run the tests again")


def _skip_if_unreachable(result, what):
    """Skip the test, with pip's words, when ``result`` (a failed pip run) says the index cannot be reached."""
    if result.returncode != 0:
        found = [line.strip() for line in result.stderr.splitlines() if any(sign in line for sign in UNREACHABLE)]
        if found:
            pytest.skip(f"{what} {NEEDS_INDEX} ({found[-1][:200]})")


def index_problem(env=None):
    """None when pip finds the pinned TensorFlow on the package index (one quick question, no retries),
    else why not, in pip's words."""
    (tensorflow,) = [r for r in read_requirements(ROOT / "requirements.txt", NEWEST_PYTHON) if r.name == "tensorflow"]
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-deps", "--quiet",
               "--disable-pip-version-check", "--retries", "0", "--timeout", "20", "--python-version", NEWEST_PYTHON,
               "--only-binary=:all:", *(f"--platform={platform}" for platform in PLATFORMS), str(tensorflow)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    except subprocess.TimeoutExpired:
        return "no answer in 120 seconds"
    _require_a_recent_pip(result)
    found = [line.strip() for line in result.stderr.splitlines() if any(sign in line for sign in UNREACHABLE)]
    return found[-1][:200] if result.returncode != 0 and found else None


@pytest.fixture(scope="module")
def package_index():
    """Skip, saying why, when the package index cannot be reached: at once, instead of waiting on pip's retries."""
    problem = index_problem()
    if problem:
        pytest.skip(f"this test {NEEDS_INDEX} ({problem})")


def dry_run(tmp_path, python, *args):
    """pip's report of what ``pip install *args`` would install on Linux for ``python``: {name: version}."""
    report = tmp_path / f"report-{python}.json"
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
               "--disable-pip-version-check", "--report", str(report), "--python-version", python,
               "--only-binary=:all:", *(f"--platform={platform}" for platform in PLATFORMS), *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=DRY_RUN_SECONDS)
    _require_a_recent_pip(result)
    _skip_if_unreachable(result, f"the dry run for Python {python}")
    errors = "\n".join(line for line in result.stderr.splitlines() if "is ignored" not in line)
    assert result.returncode == 0, f"pip could not resolve for Python {python}:\n{errors[-3000:]}"
    install = json.loads(report.read_text(encoding="utf-8"))["install"]
    return {canonicalize_name(item["metadata"]["name"]): Version(item["metadata"]["version"]) for item in install}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory, package_index):
    """The package built as a wheel, from a copy of what the build reads (nothing is written to the checkout)."""
    base = tmp_path_factory.mktemp("build")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, source / name)
    for name in ("dcgan_keras", "data"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
                             "--wheel-dir", str(base / "dist"), str(source)],
                            capture_output=True, text=True, timeout=DRY_RUN_SECONDS)
    _skip_if_unreachable(result, "building the wheel (pip fetches setuptools)")
    assert result.returncode == 0, result.stderr[-3000:]
    (built,) = (base / "dist").glob("dcgan_keras-*.whl")
    return built


# Offline checks --------------------------------------------------------------------------------------------

def test_supported_pythons_are_stated_the_same_everywhere():
    project = pyproject()
    assert project["requires-python"] == ">=3.10,<3.14"
    stated = SpecifierSet(project["requires-python"])
    assert [python for python in ("3.9", *PYTHONS, "3.14") if python in stated] == list(PYTHONS)
    listed = [c.rsplit(" :: ", 1)[1] for c in project["classifiers"]
              if c.startswith("Programming Language :: Python :: 3.")]
    assert listed == list(PYTHONS)
    assert "Python 3.10 to 3.13" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_requirement_files_do_not_install_the_package():
    """A requirements file's ``-e .`` names the current directory, not the file's: the package is installed
    by a separate ``-e .`` on the command line instead."""
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            assert not line.strip().startswith(("-e", ".")), f"{name}: {line}"


@pytest.mark.parametrize("python", PYTHONS)
def test_pins_cover_pyproject_and_sit_inside_its_ranges(python):
    pinned = pins(ROOT / "requirements-dev.txt", python)
    wanted = ranges()
    assert set(pinned) == set(wanted), "requirements-dev.txt and pyproject.toml name different packages"
    for name, version in pinned.items():
        assert version in wanted[name].specifier, f"{name}=={version} is outside pyproject's {wanted[name]}"
    runtime = pins(ROOT / "requirements.txt", python)
    project = pyproject()
    assert set(runtime) == {canonicalize_name(Requirement(r).name)
                            for r in [*project["dependencies"], *project["optional-dependencies"]["notebooks"],
                                      *project["optional-dependencies"]["tensorboard"]]}


def test_oldest_constraints_are_the_lower_ends_of_the_ranges():
    oldest = pins(ROOT / "constraints" / "oldest.txt", OLDEST_PYTHON)
    dependencies = {canonicalize_name(r.name): r for r in map(Requirement, pyproject()["dependencies"])}
    assert set(oldest) == set(dependencies)
    for name, requirement in dependencies.items():
        lower = [Version(spec.version) for spec in requirement.specifier if spec.operator == ">="]
        assert lower == [oldest[name]], f"{name}: oldest.txt pins {oldest[name]}, pyproject says {requirement}"


def test_ranges_accept_what_colab_ships():
    colab = pins(ROOT / "constraints" / "colab.txt", "3.12")
    dependencies = {canonicalize_name(r.name): r for r in map(Requirement, pyproject()["dependencies"])}
    assert set(colab) == set(dependencies)
    for name, version in colab.items():
        assert version in dependencies[name].specifier, f"Colab's {name} {version} is outside {dependencies[name]}"
    assert dependencies["ipywidgets"].specifier.contains("7.7.1")
    assert dependencies["ipywidgets"].specifier.contains("8.1.9")


# The package that provides each option of pyproject.toml's pytest ``addopts``: the test command needs them all.
ADDOPTS_PROVIDERS = {"--numprocesses": "pytest-xdist", "--maxprocesses": "pytest-xdist", "--dist": "pytest-xdist",
                     "--nbval-lax": "nbval", "--nbval-current-env": "nbval", "--nbval-cell-timeout": "nbval",
                     "--nbval-sanitize-with": "nbval", "-p": "pytest"}


def test_environment_yml_installs_what_the_test_command_needs():
    """conda brings Python and pip; pip installs requirements-dev.txt, so every package that pytest's
    options and the dev extra need, at the pinned versions, and TensorFlow and Keras from pip."""
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert environment["channels"] == ["conda-forge"]
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    (section,) = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    conda_names = {canonicalize_name(re.split(r"[=<>!~ ]", d, maxsplit=1)[0]) for d in conda}
    # conda-forge lacks TensorFlow 2.20 and newer; everything but Python and pip comes from pip, so no
    # package is installed by both.
    assert conda_names == {"python", "pip"}, conda
    python = next(d for d in conda if d.startswith("python=")).split("=", 1)[1]
    assert python in SpecifierSet(pyproject()["requires-python"])
    assert section == ["-r requirements-dev.txt", "-e ."]
    installed = set(pins(ROOT / "requirements-dev.txt", python)) | conda_names

    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    for option in shlex.split(options["addopts"]):
        if not option.startswith("-"):
            continue
        name = option.split("=", 1)[0]
        assert name in ADDOPTS_PROVIDERS, f"pytest option {name}: add the package that provides it to ADDOPTS_PROVIDERS"
        assert ADDOPTS_PROVIDERS[name] in installed, f"environment.yml does not install {ADDOPTS_PROVIDERS[name]} ({name})"
    dev = {canonicalize_name(Requirement(r).name) for r in pyproject()["optional-dependencies"]["dev"]}
    dev.discard(canonicalize_name(pyproject()["name"]))
    assert dev <= installed, f"in the dev extra, not in environment.yml: {sorted(dev - installed)}"
    assert {"tensorflow", "keras", "nbgrader", "pytest-xdist"} <= installed


def test_workflow_tests_the_oldest_and_newest_python_and_the_conda_environment():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "tests.yml").read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    assert jobs["test"]["strategy"]["matrix"]["python-version"] == [OLDEST_PYTHON, NEWEST_PYTHON]
    setup = [step for step in jobs["test"]["steps"] if step.get("uses", "").startswith("actions/setup-python")]
    assert setup[0]["with"]["python-version"] == "${{ matrix.python-version }}"
    commands = "\n".join(step.get("run", "") for step in jobs["test"]["steps"])
    assert "pip install -r requirements-dev.txt -e ." in commands and re.search(r"^pytest$", commands, re.MULTILINE)
    conda = jobs["conda"]["steps"]
    (miniconda,) = [step for step in conda if step.get("uses", "").startswith("conda-incubator/setup-miniconda")]
    assert miniconda["with"]["environment-file"] == "environment.yml"
    assert miniconda["with"]["activate-environment"] == yaml.safe_load(
        (ROOT / "environment.yml").read_text(encoding="utf-8"))["name"]
    assert re.search(r"^pytest$", "\n".join(step.get("run", "") for step in conda), re.MULTILINE)


# Dry runs against the package index (skipped, with the reason, without it) ---------------------------------------------------------------------------------------

def test_an_unreachable_index_is_told_apart(tmp_path):
    """What the skip rests on: pip pointed at an address where no index answers says so."""
    env = dict(os.environ, PIP_CONFIG_FILE=os.devnull, PIP_INDEX_URL="http://127.0.0.1:9/simple")
    env.pop("PIP_EXTRA_INDEX_URL", None)
    env.pop("PIP_FIND_LINKS", None)
    assert index_problem(env)


def test_wheel_holds_every_subpackage(wheel):
    import zipfile

    packaged = {pathlib.PurePosixPath(name).parent.as_posix() for name in zipfile.ZipFile(wheel).namelist()
                if name.endswith("/__init__.py")}
    present = {path.parent.relative_to(ROOT).as_posix() for path in (ROOT / "dcgan_keras").rglob("__init__.py")}
    assert present <= packaged, f"missing from the wheel: {sorted(present - packaged)}"


@pytest.mark.parametrize("python", [OLDEST_PYTHON, NEWEST_PYTHON])
def test_pinned_requirements_and_the_package_install_together(python, wheel, tmp_path):
    selected = tmp_path / "requirements.txt"
    # The lines for ``python``, without their markers: pip would evaluate those for the Python that runs it.
    selected.write_text("\n".join(f"{r.name}{r.specifier}" for r in read_requirements(ROOT / "requirements-dev.txt",
                                                                                      python)) + "\n")
    installed = dry_run(tmp_path, python, "-r", str(selected), str(wheel))
    for name, version in pins(ROOT / "requirements-dev.txt", python).items():
        assert installed.get(name) == version, f"Python {python}: {name} resolves to {installed.get(name)}"
    assert "dcgan-keras" in installed


def test_installing_into_the_oldest_versions_replaces_none(wheel, tmp_path):
    """An environment held at the oldest supported versions by a constraints file (as Colab holds its own):
    pip installs the package and keeps every pinned version."""
    installed = dry_run(tmp_path, OLDEST_PYTHON, "--constraint", str(ROOT / "constraints" / "oldest.txt"),
                        str(wheel))
    for name, version in pins(ROOT / "constraints" / "oldest.txt", OLDEST_PYTHON).items():
        assert installed.get(name) == version, f"{name} {version} would become {installed.get(name)}"


def test_python_314_is_refused(wheel, tmp_path):
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-deps",
               "--disable-pip-version-check", "--python-version", "3.14", str(wheel)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=DRY_RUN_SECONDS)
    _require_a_recent_pip(result)
    assert result.returncode != 0
    assert "requires a different Python" in result.stderr
