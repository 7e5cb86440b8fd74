"""Execute notebooks top to bottom in place, and save them without framework log lines.

    python scripts/execute_notebooks.py notebooks/01_activations.ipynb [more.ipynb ...] [--quick]

Each notebook runs in a fresh ``python3`` kernel of the current environment, with its own folder
as the working directory, in full mode (``DCGAN_KERAS_QUICK`` unset) unless ``--quick`` is given.
Before saving, the script removes from stderr outputs the lines that TensorFlow, absl, oneDNN and
CUDA print by themselves (start-up notices, "failed call to cuInit", ...), drops a stderr output
that is left empty, and strips the per-cell timing metadata, so that a re-run changes only what
the notebook itself computes. A notebook whose run fails is left untouched on disk.

``--filter-only`` skips the execution and only cleans notebooks that are already executed.
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

import nbformat

# One pattern per kind of line that the frameworks write to stderr on their own. The kernel is
# also asked to be quiet (TF_CPP_MIN_LOG_LEVEL=3 below), but some of these lines are printed
# before TensorFlow reads that variable, so the filter never relies on it.
FRAMEWORK_LOG_PATTERNS = [
    # absl's notice before its first log line
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR",
    # absl / glog lines: "I0000 00:00:1795312000.760786   17279 port.cc:153] ..." (also W, E, F)
    r"[IWEF]\d{4} \d\d:\d\d:\d\d(\.\d+)?\s+\d+\s+[\w./-]+:\d+\]",
    # older TensorFlow C++ lines: "2024-01-31 12:00:00.123456: I tensorflow/core/...cc:42] ..."
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] [\w./-]+:\d+\]",
    # Python-side absl and TensorFlow logger lines
    r"(WARNING|INFO|ERROR):(absl|tensorflow):",
    # the text of the usual notices, in case they come without a prefix
    r".*oneDNN custom operations are on",
    r".*This TensorFlow binary is optimized to use available CPU instructions",
    r"To enable the following instructions: .* rebuild TensorFlow with the appropriate compiler flags",
    r".*Could not find cuda drivers on your machine",
    r".*failed call to cuInit",
    r".*cudart_stub\.cc",
    r".*Unable to register cu(DNN|FFT|BLAS) factory",
    r".*Attempting to register factory for plugin cu(DNN|FFT|BLAS)",
    r".*TF-TRT Warning: Could not find TensorRT",
    r".*computation placer already registered",
    r".*oneDNN supports DT_\w+ only on platforms with",
    # Keras's notice that fit does not shuffle a tf.data.Dataset (ours shuffle themselves), with its source line
    r".*UserWarning: `shuffle=True` was passed, but will be ignored",
    r"self\.data_adapter = data_adapters\.get_data_adapter\(",
]
FRAMEWORK_LOG_RE = re.compile("|".join(f"(?:{pattern})" for pattern in FRAMEWORK_LOG_PATTERNS))

# Metadata that only records when and how long a cell ran.
TIMING_KEYS = ("execution", "ExecuteTime")


def _text(output):
    text = output.get("text", "")
    return "".join(text) if isinstance(text, list) else text


def is_framework_log_line(line):
    """True when ``line`` is one of the lines the frameworks print by themselves."""
    return FRAMEWORK_LOG_RE.match(line.strip()) is not None


def drop_framework_lines(text):
    """``text`` without its framework log lines (the line endings of the other lines kept)."""
    return "".join(line for line in text.splitlines(keepends=True) if not is_framework_log_line(line))


def clean_outputs(outputs):
    """Merge neighbouring stderr outputs, drop their framework log lines and any that end up empty, then
    join the neighbouring outputs of one stream that those lines had split.

    Returns the new list of outputs and the number of lines removed.
    """
    merged = []
    for output in outputs:
        if (output.get("output_type") == "stream" and output.get("name") == "stderr" and merged
                and merged[-1].get("output_type") == "stream" and merged[-1].get("name") == "stderr"):
            merged[-1]["text"] = _text(merged[-1]) + _text(output)
        else:
            merged.append(output)
    cleaned, removed = [], 0
    for output in merged:
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            before = _text(output)
            after = drop_framework_lines(before)
            removed += len(before.splitlines()) - len(after.splitlines())
            if not after.strip():
                continue
            output["text"] = after
        cleaned.append(output)
    # A stream split by the log lines between its pieces (stdout, log, stdout) becomes one output again.
    joined = []
    for output in cleaned:
        if (output.get("output_type") == "stream" and joined and joined[-1].get("output_type") == "stream"
                and joined[-1].get("name") == output.get("name")):
            joined[-1]["text"] = _text(joined[-1]) + _text(output)
        else:
            joined.append(output)
    return joined, removed


def clean_notebook(nb):
    """Remove framework log lines and timing metadata from every cell of ``nb`` (in place).

    Returns the number of log lines removed.
    """
    removed = 0
    for cell in nb.cells:
        for key in TIMING_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs, count = clean_outputs(cell.outputs)
            removed += count
    return removed


def kernel_environment(quick):
    """The environment the kernel inherits: this interpreter first on PATH, quiet TensorFlow, the mode."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    env.setdefault("KERAS_BACKEND", "tensorflow")
    if quick:
        env["DCGAN_KERAS_QUICK"] = "1"
    else:
        env.pop("DCGAN_KERAS_QUICK", None)
    return env


def execute(path, quick=False, timeout=3600):
    """Run the notebook at ``path`` top to bottom in place and clean it; return the wall time in s."""
    from nbclient import NotebookClient

    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    saved_env = dict(os.environ)
    os.environ.clear()
    os.environ.update(kernel_environment(quick))  # the kernel is started with a copy of os.environ
    start = time.perf_counter()
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
    seconds = time.perf_counter() - start
    clean_notebook(nb)
    nbformat.write(nb, path)
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="the .ipynb files to execute in place")
    parser.add_argument("--quick", action="store_true", help="quick mode (DCGAN_KERAS_QUICK=1), as the tests run")
    parser.add_argument("--timeout", type=float, default=3600,
                        help="seconds one cell may run before the notebook counts as failed (default 3600)")
    parser.add_argument("--filter-only", action="store_true",
                        help="do not execute: only remove log lines and timing metadata")
    args = parser.parse_args(argv)

    missing = [str(p) for p in args.notebooks if p.suffix != ".ipynb" or not p.is_file()]
    if missing:
        parser.error("not a notebook file: " + ", ".join(missing))
    failed = []
    for path in args.notebooks:
        if args.filter_only:
            nb = nbformat.read(path, as_version=4)
            removed = clean_notebook(nb)
            nbformat.write(nb, path)
            print(f"{path}: removed {removed} framework log line(s)", flush=True)
            continue
        mode = "quick" if args.quick else "full"
        print(f"{path}: running ({mode} mode) ...", flush=True)
        try:
            seconds = execute(path, quick=args.quick, timeout=args.timeout)
        except Exception as error:  # a failing cell: report it, leave the file as it was, go on
            failed.append(str(path))
            print(f"{path}: FAILED, file left unchanged\n{error}", file=sys.stderr, flush=True)
            continue
        print(f"{path}: done in {seconds:.1f} s", flush=True)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
