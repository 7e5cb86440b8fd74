"""Deterministic training: the same seed gives the same losses and byte-identical sample grids.

TensorFlow picks some kernels (reductions, some convolution algorithms) that add
numbers in an order that changes from run to run; op determinism forbids those. It
also turns off XLA auto-clustering. The cost on this course's 2-core CPU is measured
in the README. Results still differ across CPU models, TensorFlow versions and
between CPU and GPU, because the arithmetic itself differs.
"""

import os

import keras
import tensorflow as tf

__all__ = ["set_deterministic", "is_deterministic"]


def set_deterministic(seed=0):
    """Seed Python, NumPy and TensorFlow and make TensorFlow's ops deterministic.

    Call it before building models and datasets. It cannot be undone in the same process.

    Example:
        >>> set_deterministic(0)  # doctest: +SKIP
    """
    os.environ["TF_DETERMINISTIC_OPS"] = "1"
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def is_deterministic():
    """True once :func:`set_deterministic` has run in this process, or ``TF_DETERMINISTIC_OPS`` is set to 1.

    TensorFlow has no public way to ask whether op determinism is on, so a direct call of
    ``tf.config.experimental.enable_op_determinism()`` goes unseen: call :func:`set_deterministic`.
    """
    return os.environ.get("TF_DETERMINISTIC_OPS", "").strip().lower() in {"1", "true"}
