"""Settings for the whole pytest run: unit tests and the notebooks (through nbval)."""

import os

# Notebooks read this to shrink their long cells; kernels inherit it from this process.
os.environ["DCGAN_KERAS_QUICK"] = "1"
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_collectstart(collector):
    """Do not compare stderr (TensorFlow's warnings) or HTML/JS outputs in notebooks."""
    if getattr(collector, "path", None) is not None and collector.path.suffix == ".ipynb":
        collector.skip_compare += ("stderr", "text/html", "application/javascript")
