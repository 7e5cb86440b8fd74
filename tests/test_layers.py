import keras
import numpy as np
import pytest

from dcgan_keras.layers import DownBlock, ResizeConvBlock, UpBlock

CASES = [
    (DownBlock, dict(filters=8), (2, 28, 28, 1), (2, 14, 14, 8)),
    (DownBlock, dict(filters=4, batch_norm=False), (3, 32, 32, 3), (3, 16, 16, 4)),
    (DownBlock, dict(filters=4, kernel_size=3, strides=1), (1, 9, 9, 2), (1, 9, 9, 4)),
    (UpBlock, dict(filters=4), (2, 7, 7, 8), (2, 14, 14, 4)),
    (UpBlock, dict(filters=3, kernel_size=3), (2, 4, 4, 5), (2, 8, 8, 3)),
    (ResizeConvBlock, dict(filters=4), (2, 7, 7, 8), (2, 14, 14, 4)),
    (ResizeConvBlock, dict(filters=2, interpolation="bilinear", size=3), (1, 5, 5, 3), (1, 15, 15, 2)),
]


@pytest.mark.parametrize("cls,kwargs,in_shape,out_shape", CASES)
def test_output_shape(cls, kwargs, in_shape, out_shape):
    block = cls(**kwargs)
    x = np.random.default_rng(0).normal(size=in_shape).astype("float32")
    assert tuple(block(x, training=True).shape) == out_shape
    assert tuple(block.compute_output_shape(in_shape)) == out_shape


@pytest.mark.parametrize("cls,kwargs,in_shape,out_shape", CASES)
def test_config_round_trip_gives_same_outputs(cls, kwargs, in_shape, out_shape):
    block = cls(**kwargs)
    x = np.random.default_rng(1).normal(size=in_shape).astype("float32")
    block(x)
    clone = cls.from_config(block.get_config())
    clone(x)
    clone.set_weights(block.get_weights())
    np.testing.assert_allclose(clone(x, training=False), block(x, training=False), atol=1e-6)
    assert clone.get_config() == block.get_config()


@pytest.mark.parametrize("cls,kwargs,in_shape,out_shape", CASES)
def test_keras_file_round_trip(tmp_path, cls, kwargs, in_shape, out_shape):
    model = keras.Sequential([keras.Input(in_shape[1:]), cls(**kwargs)])
    x = np.random.default_rng(2).normal(size=in_shape).astype("float32")
    path = tmp_path / "block.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(loaded(x, training=False), model(x, training=False), atol=1e-6)


def test_training_flag_reaches_batch_norm():
    block = UpBlock(4)
    x = np.random.default_rng(3).normal(3.0, 2.0, size=(8, 4, 4, 2)).astype("float32")
    block(x, training=False)
    before = [v.numpy().copy() for v in block.norm.non_trainable_variables]
    block(x, training=False)
    for b, v in zip(before, block.norm.non_trainable_variables, strict=True):
        np.testing.assert_array_equal(b, v.numpy())
    block(x, training=True)
    changed = [not np.allclose(b, v.numpy()) for b, v in zip(before, block.norm.non_trainable_variables, strict=True)]
    assert all(changed)


def test_training_and_inference_differ_with_batch_norm():
    block = DownBlock(4)
    x = np.random.default_rng(4).normal(5.0, 3.0, size=(4, 8, 8, 1)).astype("float32")
    assert not np.allclose(block(x, training=True), block(x, training=False))


def test_leaky_slope_is_dcgan_default():
    block = DownBlock(2)
    assert block.negative_slope == 0.2
    assert block.act.negative_slope == pytest.approx(0.2)


def test_weights_start_from_normal_0_02():
    block = DownBlock(256, kernel_size=4)
    block.build((None, 16, 16, 32))
    kernel = block.conv.kernel.numpy()
    assert abs(kernel.mean()) < 1e-3
    assert kernel.std() == pytest.approx(0.02, rel=0.05)


@pytest.mark.parametrize("bad", [0, -3, 2.5, "8", True])
def test_bad_filters_raise(bad):
    with pytest.raises(ValueError, match="filters must be a positive whole number"):
        DownBlock(bad)


def test_bad_interpolation_raises():
    with pytest.raises(ValueError, match="interpolation must be 'nearest' or 'bilinear'"):
        ResizeConvBlock(4, interpolation="cubic")


COPY_SCRIPT = """
import os, sys
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
sys.path.insert(0, sys.argv[1])
import numpy as np
import keras
import copied_block
mode, path = sys.argv[2], sys.argv[3]
x = np.random.default_rng(0).normal(size={in_shape}).astype("float32")
if mode == "save":
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input({in_shape}[1:]), copied_block.{name}(**{kwargs!r}),
                              keras.layers.Flatten(), keras.layers.Dense(3)])
    model(x, training=True)  # moves the BatchNorm statistics away from their start
    model.save(path)
    np.save(path + ".npy", np.asarray(model(x, training=False)))
else:
    model = keras.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(model(x, training=False)), np.load(path + ".npy"), atol=1e-6)
    assert type(model.layers[0]).__module__ == "copied_block", type(model.layers[0]).__module__
assert "dcgan_keras" not in sys.modules, "the copy pulled in dcgan_keras"
print("ok")
"""


@pytest.mark.parametrize("cls,kwargs,in_shape", [(c, k, i) for c, k, i, _ in CASES[::2]])
def test_class_copied_alone_saves_and_loads_without_the_package(tmp_path, cls, kwargs, in_shape):
    """Each block's source, alone under ``import keras`` with its package renamed, round-trips through
    ``.keras`` in a fresh process that never imports dcgan_keras."""
    import inspect
    import subprocess
    import sys

    source = inspect.getsource(cls)
    assert 'package="dcgan_keras"' in source
    copied = "import keras\n\n\n" + source.replace('package="dcgan_keras"', 'package="my_assignment"')
    (tmp_path / "copied_block.py").write_text(copied)
    script = tmp_path / "run.py"
    script.write_text(COPY_SCRIPT.format(in_shape=in_shape, name=cls.__name__, kwargs=kwargs))
    path = str(tmp_path / "model.keras")
    for mode in ("save", "load"):
        done = subprocess.run([sys.executable, str(script), str(tmp_path), mode, path], capture_output=True,
                              text=True, timeout=300, cwd=tmp_path)
        assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stdout + done.stderr[-3000:]
