"""Tests for dcgan_keras.course.checks.resampling: each check passes a right answer, says "not answered yet"
for an untouched stub, and fails wrong answers with a hint that does not print the solution."""

import keras
import numpy as np

from dcgan_keras.course.checks import (
    check_average_pool_conv,
    check_bilinear_kernel,
    check_flat_kernel,
    check_upsample_matrix,
)
from dcgan_keras.course.pooling import bilinear_source_positions


def _not_answered(result):
    return not result and "not answered yet" in repr(result)


def _fails_with_hint(result):
    return not result and "Hint:" in repr(result)


def _conv(channels, kernel, bias=None):
    layer = keras.layers.Conv2D(channels, 2, strides=2)
    layer.build((None, 4, 4, channels))
    layer.set_weights([kernel, np.zeros(channels) if bias is None else bias])
    return layer


def _average_pool_conv(channels):
    kernel = np.zeros((2, 2, channels, channels), "float32")
    for c in range(channels):
        kernel[:, :, c, c] = 0.25
    return _conv(channels, kernel)


def test_check_average_pool_conv():
    assert check_average_pool_conv(_average_pool_conv)

    def stub(channels):
        ...

    def not_implemented(channels):
        raise NotImplementedError

    for untouched in (None, stub, not_implemented):
        assert _not_answered(check_average_pool_conv(untouched))
    mixing = check_average_pool_conv(lambda c: _conv(c, np.full((2, 2, c, c), 0.25 / c, "float32")))
    assert _fails_with_hint(mixing) and "own input channel" in repr(mixing)
    summing = check_average_pool_conv(lambda c: _conv(c, np.ones((2, 2, c, c), "float32")))
    assert _fails_with_hint(summing) and "ones" in repr(summing)
    wrong_shape = check_average_pool_conv(lambda c: keras.layers.Conv2D(c, 2, strides=1))
    assert _fails_with_hint(wrong_shape) and "shape" in repr(wrong_shape)
    for wrong in (lambda c: keras.layers.AveragePooling2D(2), lambda c: 1 / 0):
        assert _fails_with_hint(check_average_pool_conv(wrong))
    for result in (mixing, summing, wrong_shape):
        assert "0.25" not in repr(result)  # the hint never gives the weights away


def _upsample_matrix(n, factor):
    positions = bilinear_source_positions(n * factor, n)
    low = np.floor(positions).astype(int)
    high = np.minimum(low + 1, n - 1)
    matrix = np.zeros((n * factor, n))
    matrix[np.arange(n * factor), low] += 1 - (positions - low)
    matrix[np.arange(n * factor), high] += positions - low
    return matrix


def test_check_upsample_matrix():
    assert check_upsample_matrix(_upsample_matrix)
    for untouched in (None, lambda n, factor: None):
        assert _not_answered(check_upsample_matrix(untouched))

    def aligned(n, factor):
        positions = np.linspace(0, n - 1, n * factor)
        low = np.minimum(np.floor(positions).astype(int), n - 2)
        matrix = np.zeros((n * factor, n))
        matrix[np.arange(n * factor), low] = 1 - (positions - low)
        matrix[np.arange(n * factor), low + 1] += positions - low
        return matrix

    assert "corners aligned" in repr(check_upsample_matrix(aligned))
    assert "add up to 1" in repr(check_upsample_matrix(lambda n, f: 2 * _upsample_matrix(n, f)))
    assert "shape" in repr(check_upsample_matrix(lambda n, f: _upsample_matrix(n, f).T))

    def unclamped(n, factor):  # extrapolates past the outer centres instead of clamping
        positions = (np.arange(n * factor) + 0.5) / factor - 0.5
        low = np.clip(np.floor(positions).astype(int), 0, n - 2)
        matrix = np.zeros((n * factor, n))
        matrix[np.arange(n * factor), low] = 1 - (positions - low)
        matrix[np.arange(n * factor), low + 1] += positions - low
        return matrix

    result = check_upsample_matrix(unclamped)
    assert _fails_with_hint(result) and "clamping" in repr(result)
    assert _fails_with_hint(check_upsample_matrix(lambda n, f: 1 / 0))


def _bilinear_kernel(factor):
    return 1 - np.abs(np.arange(2 * factor) - (2 * factor - 1) / 2) / factor


def test_check_bilinear_kernel():
    assert check_bilinear_kernel(_bilinear_kernel)
    assert np.allclose(_bilinear_kernel(2), [0.25, 0.75, 0.75, 0.25])
    for untouched in (None, lambda factor: None):
        assert _not_answered(check_bilinear_kernel(untouched))
    corner = check_bilinear_kernel(lambda factor: np.r_[0.0, 1 - np.abs(np.arange(-factor + 1, factor)) / factor])
    assert _fails_with_hint(corner) and "one-hot" in repr(corner)  # flat, but shifted by half a pixel
    scaled = check_bilinear_kernel(lambda factor: 2 * _bilinear_kernel(factor))
    assert _fails_with_hint(scaled) and "phase sums" in repr(scaled)
    assert "2 * factor" in repr(check_bilinear_kernel(lambda factor: np.ones(3)))
    for result in (corner, scaled):
        assert "0.75" not in repr(result)


def test_check_flat_kernel():
    assert check_flat_kernel(np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]))  # one tap a phase
    assert check_flat_kernel(np.array([[0.5, 2.0, 0.5], [1.0, 2.0, 1.0], [0.5, 0.0, 0.5]]))
    for shown in (np.outer([0.5, 1, 0.5], [0.5, 1, 0.5]), np.outer([1, 2, 1], [1, 2, 1]) * 3.0):
        refused = check_flat_kernel(shown)  # the notebook shows this one: it does not count
        assert not refused and "aligned-corners" in repr(refused)
    assert _not_answered(check_flat_kernel(None))
    rng = np.random.default_rng(0)
    for wrong in (np.ones((3, 3)), np.zeros((3, 3)), np.ones((4, 4)), rng.normal(size=(3, 3))):
        assert _fails_with_hint(check_flat_kernel(wrong))
    assert "phase sums" in repr(check_flat_kernel(np.ones((3, 3))))
