"""dcgan_keras: the helper package of the dcgan-keras course.

Importing it picks the TensorFlow backend for Keras (unless ``KERAS_BACKEND`` is
already set) and quietens TensorFlow's C++ start-up logs (unless
``TF_CPP_MIN_LOG_LEVEL`` is set). Import it before ``keras``.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"

QUICK_ENV = "DCGAN_KERAS_QUICK"


def quick_mode():
    """True when the ``DCGAN_KERAS_QUICK`` environment variable asks for short runs (CI sets it)."""
    return os.environ.get(QUICK_ENV, "").strip().lower() in {"1", "true", "yes", "on"}
