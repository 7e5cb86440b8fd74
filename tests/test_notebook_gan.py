"""Notebook 06's own GAN class and the package's ``DCGAN`` run the same training step.

The test takes the cells tagged ``gan-losses`` and ``gan-class`` from notebooks/06_dcgan_mnist.ipynb,
runs them, and trains the notebook's ``GAN`` and :class:`dcgan_keras.gan.DCGAN` (R1 and the moving
average off) from the same initial weights and the same noise seed: after each step the losses and
all the weights agree.
"""

from pathlib import Path

import keras
import nbformat
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from dcgan_keras.gan import DCGAN
from dcgan_keras.models import build_discriminator, build_generator

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "06_dcgan_mnist.ipynb"


def _tagged_source(tag):
    cells = [cell for cell in nbformat.read(NOTEBOOK, as_version=4).cells if tag in cell.metadata.get("tags", [])]
    assert len(cells) == 1, f"notebook 06 should have exactly one cell tagged {tag!r}, found {len(cells)}"
    assert cells[0].cell_type == "code"
    return cells[0].source


@pytest.fixture(scope="module")
def notebook_gan():
    namespace = {"keras": keras, "ops": ops, "tf": tf, "np": np}
    exec(compile(_tagged_source("gan-losses"), "gan-losses", "exec"), namespace)
    exec(compile(_tagged_source("gan-class"), "gan-class", "exec"), namespace)
    return namespace["GAN"]


def _copy(model):
    twin = keras.models.clone_model(model)
    twin.set_weights(model.get_weights())
    return twin


def _pair(notebook_gan, seed=5, package_seed=None, optimizer=lambda: keras.optimizers.Adam(2e-4, beta_1=0.5)):
    generator, discriminator = build_generator(8, base_filters=4), build_discriminator(base_filters=4)
    ours = notebook_gan(_copy(generator), _copy(discriminator), seed=seed)
    package = DCGAN(_copy(generator), _copy(discriminator), seed=seed if package_seed is None else package_seed)
    for model in (ours, package):
        model.compile(d_optimizer=optimizer(), g_optimizer=optimizer())
    return ours, package


def _batches(n, batch_size=16, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, (batch_size, 28, 28, 1)).astype("float32") for _ in range(n)]


def _assert_same_weights(ours, package):
    for network in ("generator", "discriminator"):
        mine, theirs = getattr(ours, network).weights, getattr(package, network).weights
        assert [w.path for w in mine] == [w.path for w in theirs]
        for a, b in zip(mine, theirs, strict=True):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-4, atol=1e-5, err_msg=a.path)


def test_the_notebook_cells_define_a_keras_model(notebook_gan):
    assert issubclass(notebook_gan, keras.Model)
    assert "train_step" in vars(notebook_gan)


def test_three_eager_steps_give_the_same_losses_and_weights(notebook_gan):
    ours, package = _pair(notebook_gan)
    for batch in _batches(3):
        mine, theirs = ours.train_step(tf.constant(batch)), package.train_step(tf.constant(batch))
        for key in ("d_loss", "g_loss", "d_real", "d_fake"):
            np.testing.assert_allclose(float(mine[key]), float(theirs[key]), rtol=1e-4, atol=1e-6, err_msg=key)
        _assert_same_weights(ours, package)


def test_fit_gives_the_same_weights(notebook_gan):
    """Through ``fit`` (a compiled ``tf.function`` step) as the notebook trains it."""
    ours, package = _pair(notebook_gan, seed=11)
    data = np.concatenate(_batches(4, seed=1))
    logs = []
    for model in (ours, package):
        dataset = tf.data.Dataset.from_tensor_slices(data).batch(16)
        logs.append(model.fit(dataset, epochs=1, verbose=0).history)
    for key in ("d_loss", "g_loss"):
        np.testing.assert_allclose(logs[0][key], logs[1][key], rtol=1e-4, err_msg=key)
    _assert_same_weights(ours, package)


def test_the_comparison_can_fail(notebook_gan):
    """Different noise seeds give different steps, so agreement above is not a given."""
    ours, package = _pair(notebook_gan, package_seed=6)
    batch = tf.constant(_batches(1)[0])
    mine, theirs = ours.train_step(batch), package.train_step(batch)
    assert not np.isclose(float(mine["g_loss"]), float(theirs["g_loss"]), rtol=1e-6)
