"""Our from-scratch batch norm against ``keras.layers.BatchNormalization``."""

import keras
import numpy as np
import pytest

from dcgan_keras.course.normalization import (
    BatchNormScratch,
    batch_norm_forward,
    batch_norm_inference,
    keras_to_pytorch_momentum,
    pytorch_to_keras_momentum,
    simulate_running_estimates,
    update_moving_average,
)

SHAPES = [(8, 3), (2, 5), (16, 1), (4, 6, 6, 2), (3, 5, 4, 7), (5, 3, 4)]


def keras_bn(shape, seed, momentum=0.99, epsilon=1e-3):
    """A Keras BatchNormalization layer with random gamma and beta (seeded)."""
    layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon)
    features = shape[-1]
    layer.build((None, *shape[1:]))
    rng = np.random.default_rng(seed + 100)
    layer.gamma.assign(rng.uniform(0.5, 2.0, features).astype(np.float32))
    layer.beta.assign(rng.normal(size=features).astype(np.float32))
    return layer


@pytest.mark.parametrize("shape", SHAPES)
def test_forward_matches_keras_training_mode(shape):
    for seed in range(3):
        check_forward(shape, seed)


def check_forward(shape, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(3.0, 2.0, size=shape).astype(np.float32)
    layer = keras_bn(shape, seed)
    y, mean, variance = batch_norm_forward(x, np.asarray(layer.gamma), np.asarray(layer.beta), layer.epsilon)
    np.testing.assert_allclose(y, np.asarray(layer(x, training=True)), atol=2e-4)
    axes = tuple(range(len(shape) - 1))
    np.testing.assert_allclose(mean, x.mean(axis=axes), rtol=1e-5)
    np.testing.assert_allclose(variance, x.var(axis=axes), rtol=1e-4)


@pytest.mark.parametrize("shape", SHAPES)
def test_scratch_layer_tracks_keras_over_several_calls(shape):
    for momentum in [0.99, 0.9, 0.5, 0.0]:
        check_tracking(shape, momentum)


def check_tracking(shape, momentum):
    rng = np.random.default_rng(len(shape))
    layer = keras_bn(shape, seed=1, momentum=momentum)
    ours = BatchNormScratch(shape[-1], momentum=momentum)
    ours.gamma, ours.beta = np.asarray(layer.gamma, np.float64), np.asarray(layer.beta, np.float64)
    for _ in range(5):
        x = rng.normal(3.0, 2.0, size=shape).astype(np.float32)
        np.testing.assert_allclose(ours(x, training=True), np.asarray(layer(x, training=True)), atol=2e-4)
    np.testing.assert_allclose(ours.moving_mean, np.asarray(layer.moving_mean), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.moving_variance, np.asarray(layer.moving_variance), rtol=1e-5, atol=1e-6)
    x = rng.normal(3.0, 2.0, size=shape).astype(np.float32)
    np.testing.assert_allclose(ours(x, training=False), np.asarray(layer(x, training=False)), atol=2e-4)
    np.testing.assert_allclose(ours(x), batch_norm_inference(x, ours.moving_mean, ours.moving_variance,
                                                             ours.gamma, ours.beta, ours.epsilon))


def test_inference_mode_changes_nothing_and_training_mode_does():
    layer = keras.layers.BatchNormalization()
    ours = BatchNormScratch(2)
    x = np.array([[1.0, 10.0], [3.0, 30.0]], np.float32)
    for _ in range(3):
        ours(x)
        layer(x)  # training defaults to False outside fit(): the forgotten-flag bug
    assert ours.moving_mean.tolist() == [0.0, 0.0]
    np.testing.assert_array_equal(np.asarray(layer.moving_mean), [0.0, 0.0])
    ours(x, training=True)
    np.testing.assert_allclose(ours.moving_mean, [0.02, 0.2])


def test_keras_moving_variance_uses_the_biased_variance():
    layer = keras.layers.BatchNormalization(momentum=0.0)
    x = np.array([[1.0], [3.0]], np.float32)
    layer(x, training=True)
    assert float(layer.moving_variance[0]) == pytest.approx(1.0)  # np.var([1, 3]) = 1, unbiased would be 2


def test_batch_of_one_and_two():
    y, _, _ = batch_norm_forward(np.array([[5.0, -2.0, 7.0]]))
    np.testing.assert_array_equal(y, 0.0)  # each feature minus its own mean
    y, _, _ = batch_norm_forward(np.array([[1.0, 100.0], [3.0, 50.0]]))
    np.testing.assert_allclose(np.abs(y), 1.0, atol=1e-3)  # two samples: only the sign survives


def test_momentum_conversions():
    assert pytorch_to_keras_momentum(0.1) == pytest.approx(0.9)
    assert keras_to_pytorch_momentum(0.99) == pytest.approx(0.01)
    for m in (0.0, 0.3, 0.75, 1.0):
        assert pytorch_to_keras_momentum(keras_to_pytorch_momentum(m)) == pytest.approx(m)
    assert update_moving_average(0.0, 10.0, 0.5) == 5.0
    np.testing.assert_allclose(update_moving_average(np.zeros(2), np.array([10.0, 20.0]), 0.9), [1.0, 2.0])


def test_running_estimates_converge_to_the_truth():
    r = simulate_running_estimates(momentum=0.9, batch_size=256, steps=200)
    assert set(r) == {"batch_mean", "batch_variance", "moving_mean", "moving_variance"}
    assert all(len(v) == 200 for v in r.values())
    assert abs(r["moving_mean"][-1] - 3.0) < 0.1 and abs(r["moving_variance"][-1] - 4.0) < 0.3
    slow = simulate_running_estimates(momentum=0.99, batch_size=256, steps=50)
    assert slow["moving_mean"][-1] < 2.0  # 1 - 0.99**50 = 0.39 of the way there
    small = simulate_running_estimates(momentum=0.9, batch_size=2, steps=200)
    assert small["batch_mean"].std() > 3 * r["batch_mean"].std()


BAD_CALLS = [
    (lambda: BatchNormScratch(0), "num_features"),
    (lambda: BatchNormScratch(2, momentum=1.5), "momentum"),
    (lambda: BatchNormScratch(2, epsilon=0), "epsilon"),
    (lambda: BatchNormScratch(2)(np.zeros((4, 3))), "expected 2 features"),
    (lambda: batch_norm_forward(np.zeros(4)), "batch axis"),
    (lambda: simulate_running_estimates(batch_size=0), "batch_size"),
]


def test_bad_arguments_raise_clear_errors():
    for call, message in BAD_CALLS:
        with pytest.raises(ValueError, match=message):
            call()


def test_notebook_02_writes_the_same_layer():
    """Notebook 02 defines ``BatchNormScratch`` in a code cell; every line of its ``__call__`` is in ours."""
    import ast
    import inspect
    import textwrap
    from pathlib import Path

    import nbformat

    path = Path(__file__).resolve().parents[1] / "notebooks" / "02_batch_normalization.ipynb"
    cells = [cell.source for cell in nbformat.read(path, as_version=4).cells
             if cell.cell_type == "code" and "class BatchNormScratch" in cell.source]
    assert len(cells) == 1, "notebook 02 must write the class BatchNormScratch in one code cell"
    tree = ast.parse(cells[0])
    (cls,) = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    (call,) = [node for node in cls.body if isinstance(node, ast.FunctionDef) and node.name == "__call__"]

    def lines(source):
        return {line.strip() for line in source.splitlines() if line.strip() and not line.strip().startswith('"""')}

    notebook = lines(ast.get_source_segment(cells[0], call)) - {"def __call__(self, x, training=False):"}
    package = lines(textwrap.dedent(inspect.getsource(BatchNormScratch.__call__)))
    assert notebook <= package, f"lines of the notebook's __call__ missing from the package: {notebook - package}"
