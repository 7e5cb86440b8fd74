"""Shared fixtures. Two logical CPU devices are configured before TensorFlow starts, so the
``tf.distribute.MirroredStrategy`` tests run on a machine with one CPU and no GPU."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import dcgan_keras  # noqa: F401  (sets the Keras backend first)

_cpus = tf.config.list_physical_devices("CPU")
try:
    tf.config.set_logical_device_configuration(
        _cpus[0], [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()])
except RuntimeError:
    pass  # TensorFlow already started (another conftest imported it first)


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    """Each test starts from float32 and a fixed seed (and leaves float32 behind it)."""
    keras.config.set_dtype_policy("float32")
    keras.utils.set_random_seed(0)
    yield
    keras.config.set_dtype_policy("float32")


@pytest.fixture(scope="session")
def digits():
    """256 embedded MNIST digits of every class (uint8, (256, 28, 28)) and their labels."""
    from dcgan_keras.data import load_mnist

    images, labels = load_mnist("embedded")
    pick = np.random.default_rng(0).permutation(len(images))[:256]  # the file is sorted by class
    return images[pick], labels[pick]


@pytest.fixture(scope="session")
def two_cpu_strategy():
    """One ``MirroredStrategy`` over the two logical CPUs, shared by every test that needs one:
    several strategies in one process can hand out clashing collective-op keys."""
    devices = tf.config.list_logical_devices("CPU")
    assert len(devices) >= 2, "tests/conftest.py should have made two logical CPUs"
    return tf.distribute.MirroredStrategy([d.name for d in devices[:2]])
