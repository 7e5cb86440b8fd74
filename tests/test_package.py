"""The package's import (dcgan_keras/__init__.py): Keras classes registered wherever it is imported,
a fast ``--help`` for its own command line, and a quiet start in a terminal.

Each setting runs in a fresh process, as a user's would: inside this test process the classes are
registered already, so an in-process load would prove nothing.
"""

import os
import subprocess
import sys
import textwrap

import pytest

import dcgan_keras

LOAD = textwrap.dedent("""\
    import dcgan_keras
    import keras
    model = keras.saving.load_model({path!r})
    print("loaded", type(model).__name__, sorted({{type(layer).__name__ for layer in model.layers}})[-2:])
""")


@pytest.fixture(scope="module")
def saved_generator(tmp_path_factory):
    """A generator made of the package's blocks (which Keras cannot load unless they are registered)."""
    from dcgan_keras.models import build_generator

    path = tmp_path_factory.mktemp("model") / "generator.keras"
    build_generator(4, base_filters=4, refine_blocks=0).save(path)
    return path


def _run(args, cwd, env=None):
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300, cwd=cwd,
                          env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done


def test_load_model_works_from_a_script(saved_generator, tmp_path):
    script = tmp_path / "load_it.py"
    script.write_text(LOAD.format(path=str(saved_generator)))
    assert "loaded Functional ['Reshape', 'UpBlock']" in _run([str(script)], tmp_path).stdout


def test_load_model_works_under_python_m_of_another_program(saved_generator, tmp_path):
    (tmp_path / "some_tool.py").write_text(LOAD.format(path=str(saved_generator)))
    assert "loaded Functional" in _run(["-m", "some_tool"], tmp_path).stdout


def test_load_model_works_from_a_test_runner(saved_generator, tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    body = textwrap.indent(LOAD.format(path=str(saved_generator)), "    ")
    (tmp_path / "test_load.py").write_text(f"def test_load():\n{body}")
    done = _run(["-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "-c", str(tmp_path / "pytest.ini"),
                 str(tmp_path / "test_load.py")], tmp_path)
    assert "loaded Functional" in done.stdout and "1 passed" in done.stdout


def test_load_model_works_from_a_notebook(saved_generator, tmp_path):
    import nbclient
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(LOAD.format(path=str(saved_generator)))])
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = "".join(output.get("text", "") for output in notebook.cells[0].outputs)
    assert "loaded Functional" in text, notebook.cells[0].outputs


def test_help_of_the_command_line_imports_no_tensorflow(tmp_path):
    done = _run(["-X", "importtime", "-m", "dcgan_keras", "--help"], tmp_path)
    assert "usage:" in done.stdout
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line]
    assert "dcgan_keras.cli" in imported and not [m for m in imported if m.split(".")[0] in ("tensorflow", "keras")]


def test_import_in_a_terminal_prints_no_tensorflow_start_up_lines(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run([sys.executable, "-c", "import dcgan_keras, keras; print(int(keras.ops.add(1, 2)))"],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
    assert done.returncode == 0 and done.stdout.strip() == "3", done.stderr
    assert done.stderr == "", done.stderr


@pytest.mark.parametrize("argv, ours", [
    (["python", "-m", "dcgan_keras", "--help"], True),
    (["python", "-m", "dcgan_keras.course", "student", "out"], True),
    (["python", "-u", "-Wignore", "-X", "importtime", "-m", "dcgan_keras"], True),
    (["python", "-Im", "dcgan_keras", "train"], True),
    (["python", "/venv/bin/dcgan-keras", "--help"], True),
    (["python", "-m", "pytest", "-m", "dcgan_keras"], False),
    (["python", "-m", "some_tool", "dcgan_keras"], False),
    (["python", "-m", "ipykernel_launcher", "-f", "kernel.json"], False),
    (["python", "-Wmodule", "script.py"], False),
    (["python", "-c", "import dcgan_keras"], False),
    (["python", "train_dcgan.py", "-m", "dcgan_keras"], False),
    (["python"], False),
])
def test_only_the_package_s_own_command_line_skips_registration(argv, ours):
    assert dcgan_keras._started_as_our_command_line(argv) is ours


def test_registering_twice_changes_nothing():
    import keras

    dcgan_keras.register_keras_classes()
    assert keras.saving.get_registered_object("dcgan_keras>DCGAN") is dcgan_keras.DCGAN
    assert keras.saving.get_registered_object("dcgan_keras>UpBlock") is dcgan_keras.UpBlock
