"""Tests for dcgan_keras.course.transposed: our transposed convolution, its matrix, size and checkerboard."""

import itertools

import keras
import numpy as np
import pytest

from dcgan_keras.course.transposed import (
    checkerboard_score,
    constant_input_response,
    conv2d_transpose_naive,
    conv_matrix,
    mean_checkerboard_score,
    overlap_counts,
    phase_sums,
    transposed_conv_output_size,
    transposed_conv_padding,
    upsampling_stack,
)

# Keras before 3.11 refuses output_padding=0 when the layer is made ("must be > 0"), though TensorFlow
# takes it; the package supports Keras 3.8 and later, so those combinations are checked only where Keras can.
KERAS_TAKES_ZERO_OUTPUT_PADDING = tuple(int(part) for part in keras.__version__.split(".")[:2]) >= (3, 11)


def _keras_layer(filters, kernel_size, stride, padding, output_padding, **kwargs):
    """The Keras layer, or None where this Keras version refuses ``output_padding=0`` when it is made."""
    if output_padding == 0 and not KERAS_TAKES_ZERO_OUTPUT_PADDING:
        with pytest.raises(ValueError, match="output_padding"):
            keras.layers.Conv2DTranspose(filters, kernel_size, strides=stride, padding=padding, output_padding=0)
        return None
    return keras.layers.Conv2DTranspose(filters, kernel_size, strides=stride, padding=padding,
                                        output_padding=output_padding, **kwargs)


def _keras_size(layer, n):
    """The output side Keras really produces, or None when TensorFlow refuses (or gives nothing)."""
    try:
        return np.asarray(layer(np.zeros((1, n, n, 1), "float32"))).shape[1] or None
    except Exception:  # TensorFlow rejects the combination at run time
        return None


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_transposed_conv_output_size_matches_keras(padding):
    checked = 0
    for n, k, s in itertools.product((1, 2, 3, 6), (1, 2, 3, 4, 5), (1, 2, 3)):
        for output_padding in (None, *range(s)):
            layer = _keras_layer(1, k, s, padding, output_padding)
            if layer is None:
                continue
            try:
                ours = transposed_conv_output_size(n, k, s, padding, output_padding)
            except ValueError:
                ours = None
            assert ours == _keras_size(layer, n), (n, k, s, padding, output_padding)
            checked += 1
    assert checked == 4 * 5 * (2 + 3 + 4 if KERAS_TAKES_ZERO_OUTPUT_PADDING else 1 + 2 + 3)


def test_transposed_conv_output_size_formula():
    assert transposed_conv_output_size(2, 2) == 3
    assert transposed_conv_output_size(7, 3, 2, "valid") == 15
    assert transposed_conv_output_size(7, 3, 2, "same") == 14
    assert transposed_conv_output_size(7, 3, 2, "same", output_padding=0) == 13
    assert transposed_conv_output_size(7, 1, 3, "valid") == 21  # stride > kernel: padded up to n * stride
    assert transposed_conv_padding(4, 3, 2, "same") == 0
    assert transposed_conv_padding(4, 4, 2, "same") == 1
    assert transposed_conv_padding(4, 5, 2, "same") == 1
    assert transposed_conv_padding(4, 3, 2, "valid") == 0


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv2d_transpose_naive_matches_keras(padding):
    rng = np.random.default_rng(0)
    for k, s in itertools.product((1, 2, 3, 4, 5), (1, 2, 3)):
        for output_padding in (None, *range(s)):
            if padding == "same" and k % 2 == 0 and output_padding == 0:
                continue  # refused by TensorFlow (and by us, see the next test)
            layer = _keras_layer(3, k, s, padding, output_padding, use_bias=False)
            if layer is None:
                continue
            x = rng.normal(size=(1, 3, 4, 2)).astype("float32")
            expected = np.asarray(layer(x))[0]
            ours = conv2d_transpose_naive(x[0], np.asarray(layer.kernel), s, padding, output_padding)
            assert ours.shape == expected.shape, (k, s, output_padding)
            np.testing.assert_allclose(ours, expected, atol=1e-4)


def test_conv2d_transpose_naive_rectangular_kernels_and_strides():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(1, 3, 5, 2)).astype("float32")
    for kernel_size, strides, padding in [((2, 3), (1, 2), "valid"), ((3, 2), (2, 3), "same"), ((4, 1), (3, 1), "same")]:
        layer = keras.layers.Conv2DTranspose(2, kernel_size, strides=strides, padding=padding, use_bias=False)
        expected = np.asarray(layer(x))[0]
        np.testing.assert_allclose(conv2d_transpose_naive(x[0], np.asarray(layer.kernel), strides, padding),
                                   expected, atol=1e-4)


def test_seed_example_is_a_scatter_add_without_flip():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    kernel = np.array([[0.0, 1.0], [2.0, 3.0]])
    expected = [[0, 1, 2], [2, 10, 10], [6, 17, 12]]
    assert conv2d_transpose_naive(x, kernel).tolist() == expected
    layer = keras.layers.Conv2DTranspose(1, 2, use_bias=False)
    layer.build((None, 2, 2, 1))
    assert tuple(layer.kernel.shape) == (2, 2, 1, 1)
    layer.set_weights([kernel[:, :, None, None].astype("float32")])
    keras_out = np.asarray(layer(x[None, :, :, None].astype("float32")))[0, :, :, 0]
    assert keras_out.tolist() == expected
    assert not np.allclose(keras_out, conv2d_transpose_naive(x, kernel[::-1, ::-1]))


def test_keras_kernel_layout_is_out_before_in():
    layer = keras.layers.Conv2DTranspose(3, 2)
    layer.build((None, 4, 4, 5))
    assert tuple(layer.kernel.shape) == (2, 2, 3, 5)


def test_conv_matrix_is_keras_conv2d_and_its_transpose_is_the_transposed_conv():
    rng = np.random.default_rng(2)
    for (h, w), k, s in [((3, 3), 2, 1), ((5, 5), 3, 2), ((4, 6), 2, 2), ((7, 5), 3, 1)]:
        kernel = rng.normal(size=(k, k))
        image = rng.normal(size=(h, w))
        C = conv_matrix((h, w), kernel, s)
        conv = keras.layers.Conv2D(1, k, strides=s, use_bias=False)
        conv.build((None, h, w, 1))
        conv.set_weights([kernel[:, :, None, None].astype("float32")])
        by_keras = np.asarray(conv(image[None, :, :, None].astype("float32")))[0, :, :, 0]
        np.testing.assert_allclose((C @ image.ravel()).reshape(by_keras.shape), by_keras, atol=1e-4)
        if (h - k) % s == 0:  # the transposed convolution lands exactly on the input size
            y = rng.normal(size=by_keras.shape)
            np.testing.assert_allclose((C.T @ y.ravel()).reshape(h, w), conv2d_transpose_naive(y, kernel, s),
                                       atol=1e-9)


def test_transposed_convolution_does_not_invert_the_convolution():
    C = conv_matrix((3, 3), np.array([[0.0, 1.0], [2.0, 3.0]]))
    image = np.arange(9.0)
    assert C.shape == (4, 9)
    assert np.linalg.matrix_rank(C) == 4
    assert not np.allclose(C.T @ (C @ image), image)


def test_overlap_counts():
    counts = overlap_counts(2, 3, stride=2)
    assert counts.tolist() == [[1, 1, 2, 1, 1], [1, 1, 2, 1, 1], [2, 2, 4, 2, 2], [1, 1, 2, 1, 1], [1, 1, 2, 1, 1]]
    assert counts[2, 2] == 4 and counts[0, 0] == 1
    inner = overlap_counts(6, 4, 2, "same")[2:-2, 2:-2]
    assert set(inner.ravel().tolist()) == {4}  # kernel divisible by the stride: even overlap
    assert set(overlap_counts(6, 3, 2, "same")[2:-2, 2:-2].ravel().tolist()) == {1, 2, 4}
    assert overlap_counts((2, 3), (3, 2), stride=(2, 1)).shape == (5, 4)


def test_overlap_counts_mirror_the_convolution_visit_counts():
    conv_arithmetic = pytest.importorskip("dcgan_keras.course.conv_arithmetic")
    for n, k, s in [(2, 3, 2), (3, 4, 2), (4, 3, 1), (3, 5, 3)]:
        out = transposed_conv_output_size(n, k, s)
        assert np.array_equal(overlap_counts(n, k, s), conv_arithmetic.visit_counts(out, k, s))


def test_checkerboard_score_ranks_known_patterns():
    rows, cols = np.indices((32, 32))
    checkerboard = ((rows + cols) % 2).astype(float)
    smooth = np.exp(-((rows - 15.5) ** 2 + (cols - 15.5) ** 2) / 50)
    ramp = (rows + cols).astype(float)
    noise = np.random.default_rng(0).normal(size=(32, 32))
    assert checkerboard_score(checkerboard) == pytest.approx(1.0)
    assert checkerboard_score(rows % 2) == pytest.approx(1.0)
    assert checkerboard_score(smooth) < 0.01
    assert checkerboard_score(ramp) < 0.01
    assert checkerboard_score(noise) < 0.05
    assert checkerboard_score(np.full((8, 8), 2.5)) == 0.0
    assert checkerboard_score(checkerboard) > 10 * checkerboard_score(smooth + 0.01 * noise)
    # a faint checkerboard on top of a digit-like blob: detrending finds it
    faint = smooth + 0.05 * checkerboard
    assert checkerboard_score(faint, detrend=True) > 0.5 > checkerboard_score(faint)
    # channels are pooled; a border is cut off
    assert checkerboard_score(np.stack([checkerboard] * 3, axis=-1), border=2) == pytest.approx(1.0)


def test_checkerboard_score_is_between_0_and_1():
    rng = np.random.default_rng(5)
    for _ in range(20):
        score = checkerboard_score(rng.normal(size=(rng.integers(2, 12), rng.integers(2, 12))))
        assert 0.0 <= score <= 1.0


def test_transposed_conv_scores_above_resize_convolution_over_seeds():
    seeds = range(4)
    transposed = mean_checkerboard_score("transpose", 3, 2, seeds=seeds)
    nearest = mean_checkerboard_score("nearest", 3, 2, seeds=seeds)
    bilinear = mean_checkerboard_score("bilinear", 3, 2, seeds=seeds)
    assert transposed > 10 * max(nearest, bilinear)
    assert max(nearest, bilinear) < 0.05


def test_constant_input_response_and_stack_shapes():
    assert constant_input_response("transpose", 3, 2, n_layers=2, input_size=4).shape == (16, 16)
    assert constant_input_response("nearest", 3, 3, n_layers=1, input_size=4).shape == (12, 12)
    model = upsampling_stack("bilinear", 3, 2, n_layers=3, input_shape=(4, 4, 8))
    assert model.output_shape == (None, 32, 32, 1)
    # fixed seeds make the response reproducible
    np.testing.assert_array_equal(constant_input_response(seed=3), constant_input_response(seed=3))


BAD_CALLS = [
    (lambda: transposed_conv_output_size(4, 3, 2, output_padding=2), "smaller than stride"),
    (lambda: transposed_conv_output_size(4, 4, 2, "same", output_padding=0), "even kernel_size"),
    (lambda: transposed_conv_output_size(4, 3, padding="full"), "padding"),
    (lambda: transposed_conv_output_size(0, 3), "whole number >= 1"),
    (lambda: conv2d_transpose_naive(np.ones((2, 2)), np.ones((2, 2, 1, 1))), "2-D kernel"),
    (lambda: conv2d_transpose_naive(np.ones((2, 2, 3)), np.ones((2, 2, 1, 2))), "layout"),
    (lambda: conv2d_transpose_naive(np.ones((1, 2, 2, 1)), np.ones((2, 2, 1, 1))), "one image at a time"),
    (lambda: conv_matrix((2, 2), np.ones((3, 3))), "larger than the input"),
    (lambda: conv_matrix((3, 3), np.ones(3)), "2-D"),
    (lambda: checkerboard_score(np.ones(5)), "image must be"),
    (lambda: checkerboard_score(np.ones((4, 4)), border=2), "at least 2x2"),
    (lambda: upsampling_stack("bicubic"), "method"),
]


def test_bad_arguments_raise_clear_errors():
    for call, message in BAD_CALLS:
        with pytest.raises(ValueError, match=message):
            call()


def test_phase_sums_predict_the_response_to_a_constant():
    rng = np.random.default_rng(3)
    for kernel_size, stride in [(3, 2), (4, 2), (5, 3), (6, 3)]:
        kernel = rng.normal(size=(kernel_size, kernel_size))
        response = conv2d_transpose_naive(np.ones((8, 8)), kernel, stride)  # valid: phase 0 starts at pixel 0
        start = stride * ((kernel_size + stride - 1) // stride)  # first pixel that every tap reaches
        inner = response[start:start + 2 * stride, start:start + 2 * stride]
        assert np.allclose(inner, np.tile(phase_sums(kernel, stride), (2, 2)))
    assert phase_sums(np.ones((3, 3)), 2).tolist() == [[4.0, 2.0], [2.0, 1.0]]
    assert np.array_equal(phase_sums(np.ones((4, 4)), 2), np.full((2, 2), 4.0))
    four_d = rng.normal(size=(4, 4, 3, 2))
    assert np.allclose(phase_sums(four_d, 2)[..., 1], phase_sums(four_d[:, :, 1, :].sum(axis=2), 2))
    with pytest.raises(ValueError, match="kernel must be"):
        phase_sums(np.ones(3), 2)
