#!/usr/bin/env bash
# Run the unit tests under the oldest supported versions: Python 3.10 and constraints/oldest.txt (the
# lower end of every range in pyproject.toml), in a fresh virtual environment in a temporary folder.
#
#   scripts/check_oldest.sh               # the unit tests
#   scripts/check_oldest.sh --notebooks   # the unit tests, then every notebook in quick mode
#
# PYTHON names the interpreter (default: python3.10 on the PATH). It downloads a second TensorFlow
# (about 600 MB) and takes a while; docs/compatibility.md records its last result.
set -euo pipefail
cd "$(dirname "$0")/.."

notebooks=0
for argument in "$@"; do
    case "$argument" in
        --notebooks) notebooks=1 ;;
        *) echo "usage: $0 [--notebooks]" >&2; exit 2 ;;
    esac
done

python="${PYTHON:-python3.10}"
if ! command -v "$python" >/dev/null 2>&1; then
    echo "error: $python not found; set PYTHON to a Python 3.10 interpreter" >&2
    exit 2
fi
version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ "$version" != "3.10" ]; then
    echo "error: $python is Python $version; the oldest supported Python is 3.10" >&2
    exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" -m venv "$work/venv"
# shellcheck disable=SC1091
source "$work/venv/bin/activate"
python -m pip install -q --upgrade pip

# The package at the oldest versions, plus the test tools at their pins (the runtime pins of
# requirements.txt are left out: constraints/oldest.txt takes their place).
tools="$work/tools.txt"
grep -v -e '^-r' -e '^#' -e '^$' requirements-dev.txt > "$tools"
started=$SECONDS
pip install -q --constraint constraints/oldest.txt -e . -r "$tools"
echo "installed in $(( SECONDS - started )) s"

echo "Python $(python -c 'import platform; print(platform.python_version())')"
python - <<'EOF'
import pathlib
from importlib.metadata import version

from packaging.requirements import Requirement

wrong = []
for line in pathlib.Path("constraints/oldest.txt").read_text().splitlines():
    if line.strip() and not line.startswith("#"):
        requirement = Requirement(line)
        found = version(requirement.name)
        print(f"{requirement.name} {found}")
        if not requirement.specifier.contains(found):
            wrong.append(f"{requirement.name} {found} (wanted {requirement.specifier})")
if wrong:
    raise SystemExit("not the oldest versions: " + ", ".join(wrong))
EOF

started=$SECONDS
status=0
# test_install.py checks the install files against PyPI, whatever the environment: it is not run here.
python -m pytest tests -q -p no:cacheprovider --ignore=tests/test_install.py || status=$?
echo "unit tests: exit status $status in $(( SECONDS - started )) s"

if [ "$notebooks" = 1 ]; then
    started=$SECONDS
    notebook_status=0
    DCGAN_KERAS_QUICK=1 python -m pytest notebooks -q -p no:cacheprovider || notebook_status=$?
    echo "notebooks (quick mode): exit status $notebook_status in $(( SECONDS - started )) s"
    [ "$notebook_status" = 0 ] || status=$notebook_status
fi
exit "$status"
