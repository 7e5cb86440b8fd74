"""One call that every notebook's setup cell makes: seeds, quiet logs, readable figures."""

import contextlib
import logging
import os
import warnings

from dcgan_keras import quick_mode

__all__ = ["FIGURE_STYLE", "setup_notebook"]

# Font sizes in points. A figure saved at ``dpi`` 100 or more and shown at its own size (Jupyter,
# Colab and GitHub show a PNG at its pixel size unless it is wider than the page) keeps every text
# at 9 pt or more; the defaults' 8 pt tick labels and legends, at the old 80 dpi, were too small.
FIGURE_STYLE = {
    "figure.figsize": (6.4, 3.6),
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.title_fontsize": 10,
    "figure.titlesize": 13,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "savefig.bbox": "tight",
}


@contextlib.contextmanager
def _stderr_silenced():
    """Send the process's file descriptor 2 (where C++ libraries log) to /dev/null for a moment."""
    try:
        saved = os.dup(2)
    except OSError:  # no real stderr (some hosted kernels): nothing to silence
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _quiet_frameworks():
    """Lower TensorFlow's and absl's Python loggers to errors, and start TensorFlow's devices silently.

    TensorFlow reads ``TF_CPP_MIN_LOG_LEVEL`` once, when it is first imported, so the C++ start-up
    notices of an import that came before this call cannot be taken back here (the notebook
    execution script filters them out of saved notebooks). What this can still prevent: the
    "failed call to cuInit" line that the first look for a GPU prints on machines without one.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    try:
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.ERROR)
    except ImportError:
        pass
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=".*shuffle=True. was passed")  # the course's datasets shuffle themselves
    import tensorflow as tf

    with _stderr_silenced():
        tf.config.list_physical_devices()


def setup_notebook(seed=0, dpi=100):
    """Seed Python, NumPy and TensorFlow, quieten framework logs and set readable figure sizes.

    Args:
        seed: the seed given to ``keras.utils.set_random_seed``.
        dpi: figure resolution for display and saving; at least 100 (smaller values are raised
            to 100 so that saved notebooks stay readable).

    Returns:
        True in quick mode (the ``DCGAN_KERAS_QUICK`` environment variable), else False.

    Example:
        >>> QUICK = setup_notebook(seed=42)
    """
    import keras
    import matplotlib

    _quiet_frameworks()
    keras.utils.set_random_seed(seed)
    dpi = max(100, dpi)
    matplotlib.rcParams.update({**FIGURE_STYLE, "figure.dpi": dpi, "savefig.dpi": dpi})
    return quick_mode()
