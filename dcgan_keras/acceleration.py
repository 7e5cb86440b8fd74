"""Precision, devices and distribution: the switches that make training faster where the hardware allows.

- :func:`set_precision` picks a Keras dtype policy: ``mixed_bfloat16`` on CPUs with
  bfloat16 instructions (AVX512_BF16 or AMX) and ``mixed_float16`` on GPUs; the
  networks keep their outputs and the losses in float32.
- :func:`get_strategy` returns ``tf.distribute.MirroredStrategy`` over the visible GPUs
  (or over given devices), else the default strategy.
"""

import functools
import pathlib

import keras
import tensorflow as tf

__all__ = ["cpu_has_bf16", "gpus", "resolve_precision", "set_precision", "get_strategy", "PRECISIONS"]

PRECISIONS = ("auto", "float32", "bfloat16", "float16")


@functools.lru_cache(maxsize=1)
def cpu_has_bf16():
    """True when the CPU advertises fast bfloat16 arithmetic (AVX512_BF16 or AMX-BF16)."""
    try:
        text = pathlib.Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    flags = set()
    for line in text.splitlines():
        if line.startswith("flags"):
            flags.update(line.split(":", 1)[1].split())
            break
    return bool({"avx512_bf16", "amx_bf16"} & flags)


def gpus():
    """The visible GPUs."""
    return tf.config.list_physical_devices("GPU")


def resolve_precision(precision="auto"):
    """The dtype policy name for ``precision``.

    ``"auto"`` means ``mixed_float16`` with a GPU, ``mixed_bfloat16`` on a CPU with
    bfloat16 instructions, and ``float32`` otherwise.

    Example:
        >>> resolve_precision("float32")
        'float32'
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    if precision == "auto":
        if gpus():
            return "mixed_float16"
        return "mixed_bfloat16" if cpu_has_bf16() else "float32"
    return {"float32": "float32", "bfloat16": "mixed_bfloat16", "float16": "mixed_float16"}[precision]


def set_precision(precision="auto"):
    """Set Keras's global dtype policy (build models afterwards) and return its name."""
    policy = resolve_precision(precision)
    keras.config.set_dtype_policy(policy)
    return policy


def get_strategy(devices=None):
    """A ``MirroredStrategy`` over ``devices`` (default: all visible GPUs, when there are two or more).

    With one GPU or none it returns the default strategy, so code can always write
    ``with get_strategy().scope(): ...``.
    """
    if devices:
        return tf.distribute.MirroredStrategy(devices=list(devices))
    found = gpus()
    if len(found) > 1:
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()
