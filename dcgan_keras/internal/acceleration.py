"""Precision, devices and distribution: the switches that make training faster where the hardware allows.

- :func:`set_precision` picks a Keras dtype policy. By default (``"auto"``) that is
  ``mixed_float16`` when a GPU is found and float32 on every CPU, so the same code trains in the
  same arithmetic on every CPU, whatever instructions it has; ``"bfloat16"`` and ``"float16"``
  are used only when asked for. The networks keep their outputs and the losses in float32.
- :func:`get_strategy` returns ``tf.distribute.MirroredStrategy`` over the visible GPUs
  (or over given devices), else the default strategy.
"""

import functools
import os
import pathlib
import platform

import keras
import tensorflow as tf

__all__ = ["cpu_has_bf16", "describe_machine", "gpus", "resolve_precision", "set_precision", "get_strategy", "PRECISIONS"]

PRECISIONS = ("auto", "float32", "bfloat16", "float16")

#: Where Linux lists the CPU's instruction-set flags.
CPUINFO = pathlib.Path("/proc/cpuinfo")


@functools.lru_cache(maxsize=1)
def cpu_has_bf16():
    """True when the CPU advertises fast bfloat16 arithmetic (AVX512_BF16 or AMX-BF16).

    It only informs (``benchmark`` reports it and times bfloat16 where it is fast); no default reads it.
    """
    try:
        text = CPUINFO.read_text()
    except OSError:
        return False
    flags = set()
    for line in text.splitlines():
        if line.startswith("flags"):
            flags.update(line.split(":", 1)[1].split())
            break
    return bool({"avx512_bf16", "amx_bf16"} & flags)


def describe_machine():
    """The machine a measurement ran on, for a record: the CPU's name, its cores, the GPUs and the load.

    Example:
        >>> sorted(describe_machine())
        ['cores', 'cpu', 'gpus', 'load_average']
    """
    name = platform.processor() or platform.machine()
    try:
        for line in CPUINFO.read_text().splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": name, "cores": os.cpu_count(), "gpus": len(gpus()),
            "load_average": [round(v, 2) for v in os.getloadavg()]}


def gpus():
    """The visible GPUs."""
    return tf.config.list_physical_devices("GPU")


def resolve_precision(precision="auto"):
    """The Keras dtype policy name for ``precision``.

    ``"auto"`` means ``mixed_float16`` when a GPU is found (its tensor cores run float16 several
    times faster than float32) and ``float32`` on every CPU. It never picks bfloat16 by itself,
    even on a CPU with bfloat16 instructions (AVX512_BF16, AMX): the arithmetic, and so the
    numbers a run prints, would then depend on which CPU of the same kind ran it. ``"bfloat16"``
    gives ``mixed_bfloat16`` and ``"float16"`` gives ``mixed_float16`` wherever they are asked for.

    Example:
        >>> resolve_precision("float32")
        'float32'
        >>> resolve_precision("bfloat16")
        'mixed_bfloat16'
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    if precision == "auto":
        return "mixed_float16" if gpus() else "float32"
    return {"float32": "float32", "bfloat16": "mixed_bfloat16", "float16": "mixed_float16"}[precision]


def set_precision(precision="auto"):
    """Set Keras's global dtype policy from ``precision`` (see :func:`resolve_precision`) and return its name.

    Build models afterwards: a layer takes the policy in force when it is made.
    """
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
