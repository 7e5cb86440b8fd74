"""One call that every notebook's setup cell makes: seeds, quiet logs, small figures."""

import logging

import keras
import matplotlib

from dcgan_keras import quick_mode


def setup_notebook(seed=0, dpi=80):
    """Seed Python, NumPy and TensorFlow, silence framework chatter and size figures for the web.

    Args:
        seed: the seed given to ``keras.utils.set_random_seed``.
        dpi: figure resolution; 80 keeps saved notebooks small.

    Returns:
        True in quick mode (the ``DCGAN_KERAS_QUICK`` environment variable), else False.

    Example:
        >>> QUICK = setup_notebook(seed=42)
    """
    keras.utils.set_random_seed(seed)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    matplotlib.rcParams.update({"figure.dpi": dpi, "savefig.dpi": dpi, "figure.figsize": (6, 3.5),
                                "axes.grid": True, "grid.alpha": 0.3})
    return quick_mode()
