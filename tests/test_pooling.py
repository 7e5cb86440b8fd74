"""Tests for dcgan_keras.course.pooling: our pooling and up-sampling against the Keras layers."""

import itertools

import keras
import numpy as np
import pytest

from dcgan_keras.course.pooling import (
    bilinear_source_positions,
    load_photograph,
    pool2d_naive,
    pool_output_size,
    pool_padding,
    upsample2d_naive,
)

SIZES = (1, 2, 3, 4, 5, 7, 8, 11)
POOLS = (1, 2, 3, 4)
STRIDES = (None, 1, 2, 3)


def _keras_pool(mode, pool_size, strides, padding):
    if mode == "average":
        return keras.layers.AveragePooling2D(pool_size, strides=strides, padding=padding)
    return keras.layers.MaxPooling2D(pool_size, strides=strides, padding=padding)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_pool_output_size_matches_keras(padding):
    checked = 0
    for n, pool, strides in itertools.product(SIZES, POOLS, STRIDES):
        if padding == "valid" and pool > n:
            with pytest.raises(ValueError, match="larger than the input"):
                pool_output_size(n, pool, strides, padding)
            continue
        layer = keras.layers.MaxPooling2D(pool, strides=strides, padding=padding)
        produced = np.asarray(layer(np.zeros((1, n, n + 1, 1), "float32"))).shape[1:3]
        assert produced == (pool_output_size(n, pool, strides, padding),
                            pool_output_size(n + 1, pool, strides, padding)), (n, pool, strides)
        checked += 1
    assert checked > 80


@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_pool2d_naive_matches_keras(mode, padding):
    rng = np.random.default_rng(0)
    for n, pool, strides in itertools.product((2, 3, 5, 6), (1, 2, 3), (None, 1, 2)):
        if padding == "valid" and pool > n:
            continue
        images = rng.normal(size=(1, n, n + 2, 3)).astype("float32")
        expected = np.asarray(_keras_pool(mode, pool, strides, padding)(images))[0]
        ours = pool2d_naive(images[0], pool, strides, padding, mode)
        assert ours.shape == expected.shape, (n, pool, strides)
        np.testing.assert_allclose(ours, expected, atol=1e-5)


def test_pool2d_naive_rectangular_windows_match_keras():
    rng = np.random.default_rng(1)
    images = rng.normal(size=(1, 7, 9, 2)).astype("float32")
    for pool, strides, padding in [((2, 3), (1, 2), "valid"), ((3, 2), (2, 3), "same"), ((1, 4), None, "same")]:
        expected = np.asarray(keras.layers.MaxPooling2D(pool, strides=strides, padding=padding)(images))[0]
        np.testing.assert_allclose(pool2d_naive(images[0], pool, strides, padding, "max"), expected, atol=1e-6)


def test_min_pooling_is_minus_max_of_minus():
    rng = np.random.default_rng(2)
    for seed_shape in [(4, 4), (6, 8), (5, 5)]:
        x = rng.normal(size=(1, *seed_shape, 2)).astype("float32")
        keras_min = -np.asarray(keras.layers.MaxPooling2D(2)(-x))[0]
        np.testing.assert_allclose(pool2d_naive(x[0], 2, mode="min"), keras_min, atol=1e-6)


def test_pool2d_naive_small_example_and_2d_input():
    x = np.array([[1, 3, 2, 0], [4, 6, 5, 1], [7, 2, 9, 8], [0, 1, 3, 4]])
    assert pool2d_naive(x, 2).tolist() == [[6, 5], [7, 9]]
    assert pool2d_naive(x, 2, mode="average").tolist() == [[3.5, 2.0], [2.5, 6.0]]
    assert pool2d_naive(x, 2, mode="min").tolist() == [[1, 0], [0, 3]]
    assert pool2d_naive(x, 3, strides=1).shape == (2, 2)


def test_pooling_layers_have_no_parameters():
    for layer in (keras.layers.MaxPooling2D(2), keras.layers.AveragePooling2D(3), keras.layers.UpSampling2D(2)):
        layer.build((None, 6, 6, 4))
        assert layer.count_params() == 0


def test_pool_padding_puts_the_odd_pixel_at_the_end():
    assert pool_padding(5, 2, padding="same") == (0, 1)
    assert pool_padding(5, 3, 2, "same") == (1, 1)
    assert pool_padding(6, 2) == (0, 0)


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
def test_upsample2d_naive_matches_keras(interpolation):
    rng = np.random.default_rng(3)
    for h, w, size in itertools.product((1, 2, 3, 5), (2, 4), (1, 2, 3, (2, 3))):
        x = rng.normal(size=(1, h, w, 2)).astype("float32")
        expected = np.asarray(keras.layers.UpSampling2D(size, interpolation=interpolation)(x))[0]
        ours = upsample2d_naive(x[0], size, interpolation)
        assert ours.shape == expected.shape, (h, w, size)
        np.testing.assert_allclose(ours, expected, atol=1e-5)


def test_bilinear_uses_half_pixel_centres_not_aligned_corners():
    assert bilinear_source_positions(4, 2).tolist() == [0.0, 0.25, 0.75, 1.0]
    out = upsample2d_naive(np.array([[1.0, 2.0], [3.0, 4.0]]), 2, "bilinear")
    assert out[0].tolist() == [1.0, 1.25, 1.75, 2.0]
    assert out[:, 0].tolist() == [1.0, 1.5, 2.5, 3.0]


def test_nearest_upsampling_repeats_pixels():
    assert upsample2d_naive(np.array([[1, 2]]), 2).tolist() == [[1, 1, 2, 2], [1, 1, 2, 2]]


BAD_CALLS = [
    (lambda: pool2d_naive(np.ones((4, 4)), 2, mode="median"), "mode"),
    (lambda: pool2d_naive(np.ones((4, 4)), 2, padding="full"), "padding"),
    (lambda: pool2d_naive(np.ones((1, 4, 4, 1)), 2), "one image at a time"),
    (lambda: pool2d_naive(np.ones((4, 4)), 0), "whole number >= 1"),
    (lambda: pool_output_size(3, 4), "larger than the input"),
    (lambda: pool_output_size(3, (2, 2)), "whole number >= 1"),
    (lambda: upsample2d_naive(np.ones((2, 2)), 2, "bicubic"), "interpolation"),
    (lambda: upsample2d_naive(np.ones(3), 2), "image"),
    (lambda: load_photograph(600), "at most 512"),
]


def test_bad_arguments_raise_clear_errors():
    for call, message in BAD_CALLS:
        with pytest.raises(ValueError, match=message):
            call()


def test_load_photograph():
    photo = load_photograph(64)
    assert photo.shape == (64, 64, 3) and photo.dtype == np.uint8
    assert 20 < photo.mean() < 235 and photo.std() > 20  # a real picture, not a blank
    # average pooling keeps each channel's mean when the windows tile the image
    pooled = pool2d_naive(photo, 2, mode="average")
    np.testing.assert_allclose(pooled.reshape(-1, 3).mean(0), photo.reshape(-1, 3).mean(0), atol=1e-9)
