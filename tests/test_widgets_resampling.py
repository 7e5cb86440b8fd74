"""Tests for dcgan_keras.course.widgets.resampling: each render function returns a Figure for a few control values."""

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from dcgan_keras.course.widgets import render_pooling, render_transposed, tap_counts  # noqa: E402


def test_render_pooling_returns_a_figure():
    for pool_size, strides, mode, interpolation in [(2, 2, "max", "nearest"), (3, 1, "average", "bilinear"),
                                                    (4, 5, "min", "nearest"), (1, 1, "max", "bilinear")]:
        fig = render_pooling(pool_size, strides, mode, interpolation, photo_size=48)
        assert isinstance(fig, Figure)
        plt.close(fig)


def test_render_transposed_returns_a_figure():
    for kernel_size, stride, method in [(3, 2, "transpose"), (4, 2, "nearest"), (1, 3, "bilinear"),
                                        (2, 1, "transpose")]:
        fig = render_transposed(kernel_size, stride, method, seeds=2)
        assert isinstance(fig, Figure)
        plt.close(fig)


def test_tap_counts():
    counts = tap_counts(6, 3)
    assert counts.shape == (6, 6)
    assert counts[0, 0] == 4 and counts[0, 3] == 6 and counts[3, 3] == 9
    assert np.all(tap_counts(5, 1) == 1)
    for n, k in [(8, 4), (5, 2), (7, 5)]:  # a 'same' Conv2D of ones with a kernel of ones counts the taps
        conv = keras.layers.Conv2D(1, k, padding="same", use_bias=False, kernel_initializer="ones")
        by_keras = np.asarray(conv(np.ones((1, n, n, 1), "float32")))[0, :, :, 0]
        assert np.array_equal(tap_counts(n, k), by_keras), (n, k)
