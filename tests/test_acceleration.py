"""Tests for dcgan_keras.internal.acceleration: which dtype policy "auto" picks, and bad names.

Every test here runs as if on a CPU with bfloat16 instructions and as if on one without, so its
outcome does not depend on the machine that runs it.
"""

import keras
import pytest

from dcgan_keras.internal import acceleration


@pytest.fixture(params=[True, False], ids=["bf16-cpu", "plain-cpu"])
def cpu(request, monkeypatch):
    """A machine without GPUs whose CPU has bfloat16 instructions (AVX512_BF16 or AMX) or not."""
    monkeypatch.setattr(acceleration, "gpus", lambda: [])
    monkeypatch.setattr(acceleration, "cpu_has_bf16", lambda: request.param)
    return request.param


def test_auto_is_float32_on_every_cpu(cpu):
    assert acceleration.resolve_precision("auto") == "float32"
    assert acceleration.resolve_precision() == "float32"


def test_auto_on_a_gpu_is_float16(monkeypatch):
    monkeypatch.setattr(acceleration, "gpus", lambda: ["GPU:0"])
    assert acceleration.resolve_precision("auto") == "mixed_float16"


@pytest.mark.parametrize("name, policy", [("float32", "float32"), ("bfloat16", "mixed_bfloat16"),
                                          ("float16", "mixed_float16")])
def test_explicit_precisions_ignore_the_machine(cpu, name, policy):
    assert acceleration.resolve_precision(name) == policy


def test_unknown_precision_names_the_choices():
    with pytest.raises(ValueError, match="one of auto, float32, bfloat16, float16, got 'int8'"):
        acceleration.resolve_precision("int8")


def test_set_precision_sets_the_global_policy(cpu):
    try:
        assert acceleration.set_precision("auto") == "float32"
        assert keras.config.dtype_policy().name == "float32"
        assert acceleration.set_precision("bfloat16") == "mixed_bfloat16"
        assert keras.config.dtype_policy().name == "mixed_bfloat16"
    finally:
        keras.config.set_dtype_policy("float32")


@pytest.mark.parametrize("flags, expected", [("fpu sse avx2", False), ("fpu avx512f avx512_bf16", True),
                                             ("fpu amx_tile amx_bf16", True)])
def test_cpu_probe_reads_the_flags(monkeypatch, tmp_path, flags, expected):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nflags\t\t: {flags}\n")
    monkeypatch.setattr(acceleration, "CPUINFO", cpuinfo)
    acceleration.cpu_has_bf16.cache_clear()
    try:
        assert acceleration.cpu_has_bf16() is expected
    finally:
        acceleration.cpu_has_bf16.cache_clear()
