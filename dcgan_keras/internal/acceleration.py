"""Precision, devices and distribution: the switches that make training faster where the hardware allows.

- :func:`set_precision` picks a Keras dtype policy: ``mixed_float16`` on GPUs,
  ``mixed_bfloat16`` on CPUs with bfloat16 instructions (AVX512_BF16 or AMX) when the step
  is not compiled with XLA, float32 otherwise; the networks keep their outputs and the
  losses in float32.
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


def resolve_precision(precision="auto", xla=True):
    """The dtype policy name for ``precision``.

    ``"auto"`` means ``mixed_float16`` with a GPU; on a CPU, ``mixed_bfloat16`` when it has
    bfloat16 instructions and the step is not compiled with XLA (``xla=False``), else
    ``float32``: on a 2-core CPU with AMX the default recipe's step ran slower in bfloat16
    under XLA than in float32 under XLA (the README's speed section has the figures), and
    float32 keeps the arithmetic the recipe was tuned in. ``xla`` defaults to on, as
    ``train`` and notebook 06 compile the step.

    Example:
        >>> resolve_precision("float32")
        'float32'
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    if precision == "auto":
        if gpus():
            return "mixed_float16"
        return "mixed_bfloat16" if cpu_has_bf16() and not xla else "float32"
    return {"float32": "float32", "bfloat16": "mixed_bfloat16", "float16": "mixed_float16"}[precision]


def set_precision(precision="auto", xla=True):
    """Set Keras's global dtype policy (build models afterwards) and return its name.

    ``xla`` says whether the step will be compiled with XLA (see :func:`resolve_precision`).
    """
    policy = resolve_precision(precision, xla=xla)
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
