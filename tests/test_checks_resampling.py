"""Tests for dcgan_keras.course.checks.resampling: each check passes a right answer, fails wrong ones and None."""

import keras
import numpy as np

from dcgan_keras.course.checks import (
    check_bilinear_value,
    check_flat_kernel,
    check_min_pool,
    check_pool_output_size,
    check_transpose_via_matrix,
    check_transposed_output_size,
)
from dcgan_keras.course.transposed import conv2d_transpose_naive, conv_matrix


def _fails_with_hint(result):
    return not result and "Hint:" in repr(result)


def test_check_pool_output_size():
    assert check_pool_output_size(13)
    assert check_pool_output_size(np.int64(13))
    for wrong in (None, 14, 12, "13 pixels", True, [13, 13]):
        assert _fails_with_hint(check_pool_output_size(wrong)), wrong


def test_check_min_pool():
    def right(images):
        return -keras.layers.MaxPooling2D(2)(-images)

    def max_pool(images):
        return keras.layers.MaxPooling2D(2)(images)

    def sign_flipped(images):
        return keras.layers.MaxPooling2D(2)(-images)

    def broken(images):
        raise RuntimeError("boom")

    assert check_min_pool(right)
    for wrong in (None, max_pool, sign_flipped, broken, lambda images: images):
        assert _fails_with_hint(check_min_pool(wrong))
    assert "sign" in repr(check_min_pool(sign_flipped))
    assert "boom" in repr(check_min_pool(broken))


def test_check_bilinear_value():
    assert check_bilinear_value(1.0)
    assert check_bilinear_value(np.float32(1.0))
    for wrong in (None, 4 / 3, 2.0, 0.0, "one"):
        assert _fails_with_hint(check_bilinear_value(wrong)), wrong
    assert "align corners" in repr(check_bilinear_value(4 / 3))


def test_check_transposed_output_size():
    assert check_transposed_output_size(17)
    for wrong in (None, 14, 15, 18):
        assert _fails_with_hint(check_transposed_output_size(wrong)), wrong


def test_check_transpose_via_matrix():
    y = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 0.0], [3.0, 0.0, 1.0]])
    kernel = np.arange(1.0, 10.0).reshape(3, 3)
    C = conv_matrix((7, 7), kernel, stride=2)
    right = (C.T @ y.ravel()).reshape(7, 7)
    assert check_transpose_via_matrix(right, y, kernel, 2)
    assert check_transpose_via_matrix(conv2d_transpose_naive(y, kernel, 2), y, kernel, 2)
    flat = C.T @ y.ravel()
    assert "reshape" in repr(check_transpose_via_matrix(flat, y, kernel, 2))
    wrong_stride = conv2d_transpose_naive(y, kernel, 1)
    for wrong in (None, flat, wrong_stride, np.zeros((7, 7)), right[::-1]):
        assert _fails_with_hint(check_transpose_via_matrix(wrong, y, kernel, 2))


def test_check_flat_kernel():
    assert check_flat_kernel(np.outer([0.5, 1, 0.5], [0.5, 1, 0.5]))
    assert check_flat_kernel(np.outer([1, 2, 1], [1, 2, 1]) * 3.0)
    rng = np.random.default_rng(0)
    for wrong in (None, np.ones((3, 3)), np.zeros((3, 3)), np.ones((4, 4)), rng.normal(size=(3, 3))):
        assert _fails_with_hint(check_flat_kernel(wrong))
