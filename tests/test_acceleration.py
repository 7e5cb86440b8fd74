"""Tests for dcgan_keras.internal.acceleration: which dtype policy "auto" picks, and bad names."""

import pytest

from dcgan_keras.internal import acceleration


@pytest.fixture
def cpu(monkeypatch):
    """A machine without GPUs whose CPU has bfloat16 instructions or not, as the test says."""
    monkeypatch.setattr(acceleration, "gpus", lambda: [])

    def machine(bf16):
        monkeypatch.setattr(acceleration, "cpu_has_bf16", lambda: bf16)

    return machine


def test_auto_on_a_bf16_cpu_is_bfloat16_only_without_xla(cpu):
    cpu(bf16=True)
    assert acceleration.resolve_precision("auto", xla=False) == "mixed_bfloat16"
    assert acceleration.resolve_precision("auto", xla=True) == "float32"
    assert acceleration.resolve_precision("auto") == "float32"  # XLA is the default, as train compiles


def test_auto_on_a_plain_cpu_is_float32(cpu):
    cpu(bf16=False)
    assert acceleration.resolve_precision("auto", xla=False) == "float32"
    assert acceleration.resolve_precision("auto", xla=True) == "float32"


def test_auto_on_a_gpu_is_float16(monkeypatch):
    monkeypatch.setattr(acceleration, "gpus", lambda: ["GPU:0"])
    assert acceleration.resolve_precision("auto", xla=True) == "mixed_float16"
    assert acceleration.resolve_precision("auto", xla=False) == "mixed_float16"


@pytest.mark.parametrize("name, policy", [("float32", "float32"), ("bfloat16", "mixed_bfloat16"),
                                          ("float16", "mixed_float16")])
def test_explicit_precisions_ignore_the_machine(cpu, name, policy):
    cpu(bf16=False)
    assert acceleration.resolve_precision(name, xla=True) == policy
    assert acceleration.resolve_precision(name, xla=False) == policy


def test_unknown_precision_names_the_choices():
    with pytest.raises(ValueError, match="one of auto, float32, bfloat16, float16, got 'int8'"):
        acceleration.resolve_precision("int8")


def test_set_precision_sets_the_global_policy(cpu):
    import keras

    cpu(bf16=True)
    try:
        assert acceleration.set_precision("auto", xla=False) == "mixed_bfloat16"
        assert keras.config.dtype_policy().name == "mixed_bfloat16"
        assert acceleration.set_precision("auto", xla=True) == "float32"
        assert keras.config.dtype_policy().name == "float32"
    finally:
        keras.config.set_dtype_policy("float32")
