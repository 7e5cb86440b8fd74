"""scripts/execute_notebooks.py: the cleaning of saved outputs (the execution itself runs in the notebooks' tests)."""

import importlib.util
import pathlib

SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "scripts" / "execute_notebooks.py"
spec = importlib.util.spec_from_file_location("execute_notebooks", SCRIPT)
execute_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(execute_notebooks)


def stream(name, text):
    return {"output_type": "stream", "name": name, "text": text}


def test_log_lines_go_and_the_stdout_they_split_is_joined():
    outputs = [stream("stdout", "first half, "),
               stream("stderr", "I0000 00:00:1796552512.551493    2418 cudart_stub.cc:31] Could not find cuda\n"),
               stream("stdout", "second half\n"),
               stream("stderr", "a real warning\n")]
    cleaned, removed = execute_notebooks.clean_outputs(outputs)
    assert removed == 1
    assert cleaned == [stream("stdout", "first half, second half\n"), stream("stderr", "a real warning\n")]
