"""Our convolution arithmetic against what ``keras.layers.Conv2D`` actually computes."""

import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf

from dcgan_keras.course.conv_arithmetic import (
    conv2d_multichannel,
    conv2d_naive,
    conv_multiply_adds,
    conv_output_size,
    receptive_field,
    resolve_padding,
    same_padding,
    visit_counts,
)


def keras_conv(image, kernel, stride, padding):
    """Run one single-filter Conv2D (no bias) with ``kernel``; explicit padding through ZeroPadding2D."""
    x = np.asarray(image, np.float32)[None, :, :, None]
    if not isinstance(padding, str):
        x = keras.layers.ZeroPadding2D(padding)(x)
        padding = "valid"
    layer = keras.layers.Conv2D(1, kernel.shape, strides=stride, padding=padding, use_bias=False)
    layer.build(x.shape)
    layer.kernel.assign(np.asarray(kernel, np.float32)[:, :, None, None])
    return np.asarray(layer(x))[0, :, :, 0]


def test_vertical_edge_kernel_is_left_column_minus_right_column():
    image = np.array([[12, 40, 180, 220, 250], [20, 60, 200, 230, 245], [10, 50, 190, 240, 255],
                      [30, 70, 170, 210, 235], [25, 45, 160, 200, 240]])
    kernel = np.array([[1, 0, -1]] * 3)
    expected = np.array([[image[i:i + 3, j].sum() - image[i:i + 3, j + 2].sum() for j in range(3)]
                         for i in range(3)])
    assert conv2d_naive(image, kernel).tolist() == expected.tolist()
    assert conv2d_naive(image, kernel)[0, 0] == (12 + 20 + 10) - (180 + 200 + 190)
    assert conv2d_naive(image, kernel, stride=2).tolist() == expected[::2, ::2].tolist()


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_output_size_matches_keras(padding):
    for kernel_size in range(1, 6):
        for stride in range(1, 5):
            for n in range(1 if padding == "same" else kernel_size, 13):
                width = n + 3
                layer = keras.layers.Conv2D(1, kernel_size, strides=stride, padding=padding)
                out = layer(np.zeros((1, n, width, 1), np.float32))
                assert out.shape[1:3] == (conv_output_size(n, kernel_size, stride, padding),
                                          conv_output_size(width, kernel_size, stride, padding)), \
                    (n, width, kernel_size, stride)


def test_output_size_with_explicit_padding_matches_keras():
    for pad, (n, k, s) in itertools.product([0, 1, 2, 3],  [(5, 3, 1), (5, 3, 2), (7, 4, 3), (28, 5, 2), (3, 2, 1), (4, 5, 1)]):
        if k > n + 2 * pad:
            with pytest.raises(ValueError, match="larger than the padded input"):
                conv_output_size(n, k, s, pad)
            continue
        x = keras.layers.ZeroPadding2D(pad)(np.zeros((1, n, n, 1), np.float32))
        out = keras.layers.Conv2D(1, k, strides=s)(x)
        assert out.shape[1] == conv_output_size(n, k, s, pad) == conv_output_size(n, k, s, (pad, pad))


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_naive_convolution_matches_keras(padding):
    rng = np.random.default_rng(0)
    for _ in range(40):
        kh, kw = rng.integers(1, 5, size=2)
        h, w = rng.integers(max(kh, kw), 10, size=2)
        stride = tuple(int(v) for v in rng.integers(1, 5, size=2))
        image = rng.uniform(-1, 1, (h, w))
        kernel = rng.uniform(-1, 1, (kh, kw))
        ours = conv2d_naive(image, kernel, stride, padding)
        theirs = keras_conv(image, kernel, stride, padding)
        assert ours.shape == theirs.shape, (image.shape, kernel.shape, stride, padding)
        np.testing.assert_allclose(ours, theirs, atol=1e-5)


def test_naive_convolution_with_explicit_padding_matches_keras():
    rng = np.random.default_rng(7)
    for padding, stride in itertools.product([1, 2, (1, 2), ((0, 2), (1, 0))], [1, 2, (2, 1), (3, 2)]):
        image = rng.uniform(-1, 1, (6, 7))
        kernel = rng.uniform(-1, 1, (3, 2))
        np.testing.assert_allclose(conv2d_naive(image, kernel, stride, padding),
                                   keras_conv(image, kernel, stride, padding), atol=1e-5)


@pytest.mark.parametrize("size, channels, filters, kernel, stride", [
    ((7, 7), 3, 4, 3, 1), ((8, 6), 2, 5, (2, 3), (2, 1)), ((9, 9), 16, 8, 4, 2), ((5, 5), 1, 1, 5, 1)])
def test_multichannel_convolution_matches_keras(size, channels, filters, kernel, stride):
    rng = np.random.default_rng(sum(size) + channels)
    image = rng.uniform(-1, 1, (*size, channels)).astype(np.float32)
    layer = keras.layers.Conv2D(filters, kernel, strides=stride, bias_initializer="random_normal")
    expected = np.asarray(layer(image[None]))[0]
    got = conv2d_multichannel(image, layer.kernel.numpy(), layer.bias.numpy(), stride)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-5)
    np.testing.assert_allclose(conv2d_multichannel(image[..., :1], layer.kernel.numpy()[:, :, :1, :1]),
                               conv2d_naive(image[..., 0], layer.kernel.numpy()[:, :, 0, 0])[..., None], atol=1e-5)


def test_multichannel_convolution_rejects_mismatched_channels():
    with pytest.raises(ValueError, match="in_channels"):
        conv2d_multichannel(np.zeros((5, 5, 3)), np.zeros((3, 3, 2, 4)))
    with pytest.raises(ValueError, match="in_channels"):
        conv2d_multichannel(np.zeros((5, 5)), np.zeros((3, 3, 1, 1)))


def test_same_padding_puts_the_odd_zero_after():
    assert same_padding(28, 5, 2) == (1, 2)
    assert same_padding(5, 3, 1) == (1, 1)
    assert same_padding(5, 2, 1) == (0, 1)
    assert same_padding(6, 3, 2) == (0, 1)
    assert same_padding(5, 1, 4) == (0, 0)
    for n in range(1, 15):
        for k in range(1, 6):
            for s in range(1, 5):
                before, after = same_padding(n, k, s)
                assert after - before in (0, 1)
                assert (n + before + after - k) // s + 1 == -(-n // s)


def test_resolve_padding_forms():
    assert resolve_padding("valid", (5, 5), 3) == ((0, 0), (0, 0))
    assert resolve_padding(2, (5, 5), 3) == ((2, 2), (2, 2))
    assert resolve_padding((1, 2), (5, 5), 3) == ((1, 1), (2, 2))
    assert resolve_padding(((0, 1), (2, 3)), (5, 5), 3) == ((0, 1), (2, 3))
    assert resolve_padding("SAME", (6, 5), (3, 2), (2, 1)) == ((0, 1), (0, 1))


def input_gradient_counts(shape, kernel_size, stride, padding):
    """Keras's own visit counts: d(sum of a Conv2D with an all-ones kernel)/d(input)."""
    x = tf.Variable(np.zeros((1, *shape, 1), np.float32))
    kernel = np.ones(kernel_size if isinstance(kernel_size, tuple) else (kernel_size, kernel_size))
    with tf.GradientTape() as tape:
        inputs = x if isinstance(padding, str) else keras.layers.ZeroPadding2D(padding)(x)
        layer = keras.layers.Conv2D(1, kernel.shape, strides=stride, use_bias=False,
                                    padding=padding if isinstance(padding, str) else "valid",
                                    kernel_initializer="ones")
        total = tf.reduce_sum(layer(inputs))
    return np.asarray(tape.gradient(total, x))[0, :, :, 0].round().astype(int)


VISIT_CASES = [
    ((5, 5), 3, 1, "valid"), ((5, 5), 3, 1, "same"), ((3, 3), 2, 1, "valid"), ((3, 3), 2, 1, "same"),
    ((7, 7), 3, 2, "valid"), ((7, 7), 3, 2, "same"), ((8, 8), 3, 2, "same"), ((28, 28), 5, 2, "same"),
    ((9, 6), (3, 2), (4, 2), "valid"), ((10, 10), 3, 4, "valid"), ((5, 5), 3, 1, 1), ((6, 4), 2, 2, (1, 2)),
    ((9, 9), 4, 3, "same"), ((6, 7), (2, 3), (1, 2), "same"),
]


def test_visit_counts_match_keras_gradients():
    for shape, kernel_size, stride, padding in VISIT_CASES:
        ours = visit_counts(shape, kernel_size, stride, padding)
        np.testing.assert_array_equal(ours, input_gradient_counts(shape, kernel_size, stride, padding),
                                      err_msg=str((shape, kernel_size, stride, padding)))


def test_visit_counts_examples():
    assert visit_counts(3, 2).tolist() == [[1, 2, 1], [2, 4, 2], [1, 2, 1]]
    counts = visit_counts(5, 3)
    assert counts[0, 0] == 1 and counts[2, 2] == 9 == counts.max()
    assert (visit_counts(10, 3, 4) == 0).any()


def test_multiply_adds_count_every_output_value():
    cases = [(5, 3, 1, 1), (28, 5, 3, 8), (9, 2, 4, 2)]
    for stride, padding, (n, k, cin, filters) in itertools.product([1, 2, 3], ["valid", "same", 1], cases):
        x = np.zeros((1, n, n, cin), np.float32)
        if not isinstance(padding, str):
            x = keras.layers.ZeroPadding2D(padding)(x)
        out = keras.layers.Conv2D(filters, k, strides=stride,
                                  padding=padding if isinstance(padding, str) else "valid")(x)
        expected = out.shape[1] * out.shape[2] * out.shape[3] * k * k * cin
        assert conv_multiply_adds(n, k, stride, padding, in_channels=cin, filters=filters) == expected
    # with no padding every multiply touches a real pixel: the visit counts add up to the cost
    for stride in (1, 2, 3):
        assert conv_multiply_adds(9, 3, stride) == visit_counts(9, 3, stride).sum()


BAD_CALLS = [
    (lambda: conv_output_size(0, 3), "input_size"),
    (lambda: conv_output_size(5, 3, 0), "stride"),
    (lambda: conv_output_size(5, 3, 1, "full"), "padding"),
    (lambda: conv_output_size(5, 3, 1, -1), "padding"),
    (lambda: conv_output_size(2, 3), "larger than the padded input"),
    (lambda: conv_output_size(5.0, 3), "input_size"),
    (lambda: conv2d_naive(np.zeros((1, 5, 5, 1)), np.ones((3, 3))), "2-D image"),
    (lambda: conv2d_naive(np.zeros((5, 5)), np.ones((3, 3)), stride=(1, 2, 3)), "stride"),
    (lambda: visit_counts((5, 5), 3, 1, (1, 2, 3)), "padding"),
]


def test_bad_arguments_raise_clear_errors():
    for call, message in BAD_CALLS:
        with pytest.raises(ValueError, match=message):
            call()


def _gradient_receptive_field(layers, input_size=96):
    """The width of the input region the middle output of a Conv2D stack depends on (its gradient)."""
    stack = keras.Sequential([keras.Input((input_size, input_size, 1))] + [
        keras.layers.Conv2D(1, k, strides=s, padding="same", use_bias=False, kernel_initializer="ones")
        for k, s in layers])
    x = tf.zeros((1, input_size, input_size, 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = stack(x)
        middle = out[0, out.shape[1] // 2, out.shape[2] // 2, 0]
    rows = np.flatnonzero(np.abs(tape.gradient(middle, x)[0, :, :, 0].numpy()).sum(axis=1))
    return int(rows[-1] - rows[0] + 1)


@pytest.mark.parametrize("layers", [[(3, 1)] * 3, [(3, 2)] * 3, [(4, 2)] * 3, [(5, 2), (1, 1), (2, 3)], [(1, 4), (3, 2)]])
def test_receptive_field_matches_the_gradient_of_one_output(layers):
    expected = [_gradient_receptive_field(layers[:depth]) for depth in range(1, len(layers) + 1)]
    assert receptive_field(layers) == expected


def test_receptive_field_refuses_bad_layers():
    assert receptive_field([]) == []
    with pytest.raises(ValueError, match="pair"):
        receptive_field([3])
    with pytest.raises(ValueError):
        receptive_field([(0, 1)])
