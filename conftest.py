"""Settings for the whole pytest run: unit tests and the notebooks (through nbval)."""

import os
import pathlib

# Notebooks read this to shrink their long cells; kernels inherit it from this process.
os.environ["DCGAN_KERAS_QUICK"] = "1"
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_collectstart(collector):
    """Do not compare stderr (TensorFlow's warnings) or HTML/JS outputs in notebooks."""
    if getattr(collector, "path", None) is not None and collector.path.suffix == ".ipynb":
        collector.skip_compare += ("stderr", "text/html", "application/javascript")


# Files whose items share one pytest-xdist worker, in this order: notebook 07 loads the generator that
# notebook 06 saves, so the two must not run side by side.
_SAME_WORKER = {"06_dcgan_mnist.ipynb": "06+07", "07_evaluation_and_latent_space.ipynb": "06+07"}
# The longest single test goes first, so that the other worker takes the rest meanwhile.
_FIRST = ("test_editions.py",)


def pytest_collection_modifyitems(config, items):
    """Put the files of ``_FIRST`` first (a stable sort: the order inside each file stays)."""
    items.sort(key=lambda item: item.path.name not in _FIRST)


def pytest_xdist_make_scheduler(config, log):
    """Send each file (each notebook with all its cells, in order) to one pytest-xdist worker.

    This is ``--dist loadfile`` with notebooks 06 and 07 as one unit, and with the files kept in
    collection order. (``--dist loadgroup`` with ``xdist_group`` marks would say the same, but
    pytest-xdist 3.8 cannot rename test ids under pytest 9, so its groups are lost.)
    """
    from xdist.scheduler import LoadScopeScheduling

    class FileScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            path = nodeid.split("::", 1)[0]
            return _SAME_WORKER.get(pathlib.PurePosixPath(path).name, path)

    config.option.loadscopereorder = False
    return FileScheduling(config, log)
