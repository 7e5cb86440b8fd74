"""The install files agree with each other and install: pyproject.toml holds the ranges, requirements*.txt
pin versions inside them, constraints/oldest.txt pins the lower ends, and environment.yml takes TensorFlow
and Keras from pip.

The dry runs ask PyPI (pip resolves without downloading the wheels) for the newest and the oldest
supported Python on Linux, whatever Python runs the tests; each is bounded by ``DRY_RUN_SECONDS``.
"""

import json
import pathlib
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


def dry_run(tmp_path, python, *args):
    """pip's report of what ``pip install *args`` would install on Linux for ``python``: {name: version}."""
    report = tmp_path / f"report-{python}.json"
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
               "--disable-pip-version-check", "--report", str(report), "--python-version", python,
               "--only-binary=:all:", *(f"--platform={platform}" for platform in PLATFORMS), *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=DRY_RUN_SECONDS)
    _require_a_recent_pip(result)
    errors = "\n".join(line for line in result.stderr.splitlines() if "is ignored" not in line)
    assert result.returncode == 0, f"pip could not resolve for Python {python}:\n{errors[-3000:]}"
    install = json.loads(report.read_text(encoding="utf-8"))["install"]
    return {canonicalize_name(item["metadata"]["name"]): Version(item["metadata"]["version"]) for item in install}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
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


def test_environment_yml_takes_tensorflow_and_keras_from_pip():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert environment["channels"] == ["conda-forge"]
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    (section,) = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    conda_names = {canonicalize_name(d.split("=")[0].split(">")[0].split("<")[0]) for d in conda}
    python = next(d for d in conda if d.startswith("python="))
    assert python.split("=", 1)[1] in SpecifierSet(pyproject()["requires-python"])
    assert "pip" in conda_names
    # conda-forge lacks TensorFlow 2.20 and newer; every library the package imports comes from pip, at
    # the pinned versions, so no package is installed by both.
    runtime = {canonicalize_name(Requirement(r).name) for r in pyproject()["dependencies"]}
    assert not conda_names & runtime, f"from conda-forge but imported by the package: {conda_names & runtime}"
    assert section == ["-r requirements.txt", "-e ."]
    assert {"tensorflow", "keras"} <= set(pins(ROOT / "requirements.txt", python.split("=", 1)[1]))
    dev = {canonicalize_name(Requirement(r).name) for r in pyproject()["optional-dependencies"]["dev"]}
    assert conda_names - {"python", "pip"} <= dev, "a conda-forge tool that pyproject's dev extra does not list"


# Dry runs against PyPI ---------------------------------------------------------------------------------------

def test_wheel_holds_every_subpackage(wheel):
    import zipfile

    packaged = {pathlib.PurePosixPath(name).parent.as_posix() for name in zipfile.ZipFile(wheel).namelist()
                if name.endswith("/__init__.py")}
    present = {path.parent.relative_to(ROOT).as_posix() for path in (ROOT / "dcgan_keras").rglob("__init__.py")}
    assert present <= packaged, f"missing from the wheel: {sorted(present - packaged)}"


@pytest.mark.parametrize("python", [OLDEST_PYTHON, NEWEST_PYTHON])
def test_pinned_requirements_and_the_package_install_together(python, wheel, tmp_path):
    selected = tmp_path / "requirements.txt"
    selected.write_text("\n".join(str(r) for r in read_requirements(ROOT / "requirements-dev.txt", python)) + "\n")
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
