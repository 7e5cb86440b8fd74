"""Tests of dcgan_keras.latent: interpolation, attribute measures, neighbourhoods and neighbours."""

import numpy as np
import pytest

from dcgan_keras.latent import (
    attribute_vector,
    codes_of_digit,
    dimension_effects,
    interpolate,
    jitter,
    nearest_neighbours,
    slant,
    stroke_thickness,
)


def _angle(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.arccos(np.clip(a @ b / np.linalg.norm(a) / np.linalg.norm(b), -1, 1))


# ---------------------------------------------------------------- interpolate

@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("dim", [2, 3, 16, 100])
@pytest.mark.parametrize("method", ["slerp", "linear"])
def test_interpolate_ends_and_shape(seed, dim, method):
    rng = np.random.default_rng(seed)
    z1, z2 = rng.standard_normal(dim), 2 * rng.standard_normal(dim)
    path = interpolate(z1, z2, 7, method)
    assert path.shape == (7, dim) and path.dtype == np.float32
    np.testing.assert_allclose(path[0], z1, atol=1e-5)
    np.testing.assert_allclose(path[-1], z2, atol=1e-5)


@pytest.mark.parametrize("seed", range(6))
def test_linear_is_the_straight_line(seed):
    rng = np.random.default_rng(seed)
    z1, z2 = rng.standard_normal((2, 10))
    t = np.linspace(0, 1, 5)[:, None]
    np.testing.assert_allclose(interpolate(z1, z2, 5, "linear"), (1 - t) * z1 + t * z2, atol=1e-6)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("dim", [3, 20, 100])
def test_slerp_follows_the_great_circle(seed, dim):
    """Each point lies in the plane of z1 and z2, at angle t*omega from z1, with length (1-t)|z1| + t|z2|."""
    rng = np.random.default_rng(seed)
    z1, z2 = rng.standard_normal(dim), 1.7 * rng.standard_normal(dim)
    steps = 6
    path = interpolate(z1, z2, steps).astype(np.float64)
    omega = _angle(z1, z2)
    basis = np.linalg.qr(np.stack([z1, z2], axis=1))[0]
    for k, t in enumerate(np.linspace(0, 1, steps)):
        p = path[k]
        assert np.linalg.norm(p - basis @ (basis.T @ p)) < 1e-4  # in the plane
        assert abs(_angle(z1, p) - t * omega) < 1e-4
        assert abs(_angle(p, z2) - (1 - t) * omega) < 1e-4
        assert abs(np.linalg.norm(p) - ((1 - t) * np.linalg.norm(z1) + t * np.linalg.norm(z2))) < 1e-4


def test_slerp_in_two_dimensions_matches_polar_coordinates():
    path = interpolate([2.0, 0.0], [0.0, 4.0], 5)
    angles = np.linspace(0, np.pi / 2, 5)
    radii = np.linspace(2, 4, 5)
    np.testing.assert_allclose(path, np.stack([radii * np.cos(angles), radii * np.sin(angles)], 1), atol=1e-5)


def test_slerp_keeps_gaussian_codes_typical_but_linear_shrinks_them():
    rng = np.random.default_rng(0)
    z1, z2 = rng.standard_normal((2, 400))
    mid_linear = np.linalg.norm(interpolate(z1, z2, 3, "linear")[1])
    mid_slerp = np.linalg.norm(interpolate(z1, z2, 3, "slerp")[1])
    assert mid_linear < 0.8 * mid_slerp
    assert abs(mid_slerp - 20) < 2


def test_slerp_falls_back_to_the_line_for_parallel_vectors():
    z = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(interpolate(z, 2 * z, 3), interpolate(z, 2 * z, 3, "linear"), atol=1e-6)
    np.testing.assert_allclose(interpolate(np.zeros(3), z, 3), interpolate(np.zeros(3), z, 3, "linear"))


@pytest.mark.parametrize("args, message", [
    (([1.0, 2.0], [1.0, 2.0, 3.0], 3), "same length"),
    (([1.0], [2.0], 1), "steps"),
    (([1.0], [2.0], 3.5), "steps"),
    ((np.ones((2, 2)), np.ones((2, 2)), 3), "1-D"),
    (([np.nan], [1.0], 3), "NaN"),
])
def test_interpolate_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        interpolate(*args)


def test_interpolate_rejects_unknown_method():
    with pytest.raises(ValueError, match="slerp"):
        interpolate([1.0], [2.0], 3, method="cubic")


# ---------------------------------------------------------------- stroke thickness and slant

def _bar(width, length, size=28, top=3, left=5):
    image = np.full((size, size), -1.0, np.float32)
    image[top:top + length, left:left + width] = 1.0
    return image


@pytest.mark.parametrize("width", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("length", [4, 10, 20])
def test_thickness_of_a_bar_is_its_area_over_half_its_perimeter(width, length):
    expected = width * length / (width + length)
    assert stroke_thickness(_bar(width, length)[None])[0] == pytest.approx(expected)


def test_thickness_approaches_the_width_for_long_strokes():
    long = stroke_thickness(np.stack([_bar(w, 24, size=40) for w in (1, 2, 3)]))
    np.testing.assert_allclose(long, [1, 2, 3], rtol=0.15)


def test_thickness_ignores_position_and_dtype_and_blank_images():
    a = stroke_thickness(_bar(3, 12, top=2, left=2)[None])
    b = stroke_thickness(_bar(3, 12, top=10, left=15)[None])
    assert a == pytest.approx(b)
    as_uint8 = ((_bar(3, 12) + 1) * 127.5).astype(np.uint8)
    assert stroke_thickness(as_uint8[None]) == pytest.approx(a)
    assert stroke_thickness(_bar(3, 12)) == pytest.approx(a)  # one (h, w) image
    assert stroke_thickness(np.full((2, 28, 28, 1), -1.0)).tolist() == [0.0, 0.0]


def test_dilated_digits_are_thicker(digits):
    images, _ = digits
    ink = images[:40] > 127
    dilated = ink.copy()
    dilated[:, 1:] |= ink[:, :-1]
    dilated[:, :, 1:] |= ink[:, :, :-1]
    thin = stroke_thickness(ink.astype(np.uint8) * 255)
    thick = stroke_thickness(dilated.astype(np.uint8) * 255)
    assert np.all(thick > thin)
    assert 1.0 < np.median(thin) < 4.0


@pytest.mark.parametrize("slope", [-1.0, -0.5, 0.0, 0.5, 1.0])
def test_slant_of_straight_strokes(slope):
    image = np.zeros((1, 28, 28), np.uint8)
    heights = np.arange(0, 21, 2) if abs(slope) == 0.5 else np.arange(21)
    for y in heights:  # pixels exactly on the line x = 13 + slope * (y - 10), y up from the bottom
        image[0, 27 - y - 3, int(round(13 + slope * (y - 10)))] = 255
    assert slant(image)[0] == pytest.approx(slope, abs=1e-9)


def test_shearing_a_digit_changes_its_slant_by_the_shear(digits):
    images, _ = digits
    for image in images[:10]:
        sheared = np.zeros((40, 40), np.uint8)
        for r in range(28):
            shift = (27 - r) // 4  # one pixel right per 4 pixels up
            sheared[r + 6, 6 + shift:34 + shift] = image[r]
        padded = np.zeros((40, 40), np.uint8)
        padded[6:34, 6:34] = image
        change = slant(sheared[None])[0] - slant(padded[None])[0]
        assert change == pytest.approx(0.25, abs=0.06)


def test_slant_of_blank_or_flat_images_is_zero():
    flat = np.zeros((1, 10, 10), np.uint8)
    flat[0, 4, 2:8] = 255  # a single row: no height to regress on
    assert slant(flat)[0] == 0.0
    assert slant(np.zeros((1, 10, 10), np.uint8))[0] == 0.0


@pytest.mark.parametrize("function", [stroke_thickness, slant])
def test_measures_reject_bad_images(function):
    with pytest.raises(ValueError, match="shape"):
        function(np.zeros((2, 3, 28, 28)))
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        function(np.full((1, 28, 28), 255.0))
    with pytest.raises(TypeError, match="uint8"):
        function(np.zeros((1, 28, 28), np.int32))


# ---------------------------------------------------------------- attribute vectors and codes

@pytest.mark.parametrize("seed", range(5))
def test_attribute_vector_recovers_a_planted_direction(seed):
    rng = np.random.default_rng(seed)
    direction = rng.standard_normal(32)
    codes = rng.standard_normal((800, 32))
    scores = codes @ direction + 0.1 * rng.standard_normal(800)
    found = attribute_vector(codes, scores, fraction=0.25)
    assert found.dtype == np.float32 and found.shape == (32,)
    assert _angle(found, direction) < 0.35


def test_attribute_vector_is_the_difference_of_group_means():
    codes = np.arange(20.0).reshape(10, 2)
    scores = np.array([5, 1, 9, 3, 7, 0, 8, 2, 6, 4])
    order = np.argsort(scores)
    expected = codes[order[-3:]].mean(0) - codes[order[:3]].mean(0)
    np.testing.assert_allclose(attribute_vector(codes, scores, fraction=0.3), expected)


@pytest.mark.parametrize("kwargs, message", [
    ({"codes": np.zeros(4), "scores": np.zeros(4)}, "2-D"),
    ({"codes": np.zeros((4, 2)), "scores": np.zeros(3)}, "one number per code"),
    ({"codes": np.zeros((4, 2)), "scores": np.zeros(4), "fraction": 0.6}, "fraction"),
    ({"codes": np.zeros((4, 2)), "scores": np.zeros(4), "fraction": 0.1}, "not even one"),
])
def test_attribute_vector_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        attribute_vector(**kwargs)


def test_codes_of_digit_filters_by_class_and_confidence():
    codes = np.arange(10.0).reshape(5, 2)
    probs = np.full((5, 10), 0.0)
    probs[0, 3], probs[1, 3], probs[2, 4], probs[3, 3] = 0.95, 0.5, 0.99, 0.91
    probs[1, 2] = 0.5
    probs[4, 1] = 1.0
    kept, index = codes_of_digit(codes, probs, 3, min_confidence=0.9)
    assert index.tolist() == [0, 3]
    np.testing.assert_array_equal(kept, codes[[0, 3]])
    _, index = codes_of_digit(codes, probs, 3, min_confidence=0.9, at_least=3)
    assert index.tolist() == [0, 1, 3]  # the third most likely 3 joins
    _, index = codes_of_digit(codes, probs, 7, at_least=0)
    assert index.tolist() == []


@pytest.mark.parametrize("digit", [-1, 10, 2.0, True])
def test_codes_of_digit_rejects_bad_digits(digit):
    with pytest.raises(ValueError, match="digit"):
        codes_of_digit(np.zeros((2, 3)), np.full((2, 10), 0.1), digit)


def test_codes_of_digit_needs_one_row_of_probabilities_per_code():
    with pytest.raises(ValueError, match="one row per code"):
        codes_of_digit(np.zeros((3, 2)), np.full((2, 10), 0.1), 1)


# ---------------------------------------------------------------- jitter and dimension effects

@pytest.mark.parametrize("scale", [0.0, 0.1, 1.0, 3.0])
def test_jitter_adds_noise_of_the_given_scale(scale):
    z = np.arange(50.0)
    copies = jitter(z, scale, 400, seed=1)
    assert copies.shape == (400, 50) and copies.dtype == np.float32
    np.testing.assert_array_equal(copies[0], z.astype(np.float32))
    assert np.std(copies[1:] - z) == pytest.approx(scale, rel=0.05, abs=1e-7)
    np.testing.assert_array_equal(copies, jitter(z, scale, 400, seed=1))


@pytest.mark.parametrize("scale, n", [(-1.0, 3), (np.inf, 3), (1.0, 0)])
def test_jitter_rejects_bad_input(scale, n):
    with pytest.raises(ValueError):
        jitter(np.zeros(3), scale, n)


@pytest.mark.parametrize("seed", range(4))
def test_dimension_effects_of_a_linear_generator(seed):
    rng = np.random.default_rng(seed)
    weights = rng.standard_normal((6, 5))

    def generate(codes):
        return codes.astype(np.float64) @ weights

    effects = dimension_effects(generate, rng.standard_normal(6), delta=2.0)
    np.testing.assert_allclose(effects, 2.0 * np.abs(weights).mean(axis=1), rtol=1e-5)


def test_dimension_effects_with_a_keras_generator():
    from dcgan_keras.gan import generate_from_noise
    from dcgan_keras.models import build_generator

    generator = build_generator(latent_dim=8, base_filters=4)
    effects = dimension_effects(lambda c: generate_from_noise(generator, c), np.zeros(8))
    assert effects.shape == (8,) and np.all(effects >= 0) and np.any(effects > 0)


# ---------------------------------------------------------------- nearest neighbours

def _brute_force(a, b, k):
    d = np.sqrt(((a.reshape(len(a), -1)[:, None].astype(np.float64) - b.reshape(len(b), -1)[None]) ** 2).sum(-1))
    index = np.argsort(d, axis=1, kind="stable")[:, :k]
    return index, np.take_along_axis(d, index, axis=1)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("shape", [(4, 4), (7, 5), (28, 28)])
@pytest.mark.parametrize("k", [1, 3])
@pytest.mark.parametrize("batch_size", [2, 7, 4096])
def test_nearest_neighbours_match_brute_force(seed, shape, k, batch_size):
    rng = np.random.default_rng(seed)
    samples = rng.uniform(-1, 1, (5, *shape)).astype(np.float32)
    train = rng.uniform(-1, 1, (23, *shape)).astype(np.float32)
    index, distance = nearest_neighbours(samples, train, k=k, batch_size=batch_size)
    expected_index, expected_distance = _brute_force(samples, train, k)
    np.testing.assert_array_equal(index, expected_index)
    np.testing.assert_allclose(distance, expected_distance, rtol=1e-4, atol=1e-4)
    assert index.dtype == np.int64 and distance.dtype == np.float32 and index.shape == (5, k)


def test_nearest_neighbours_of_training_digits_are_themselves(digits):
    images, _ = digits
    index, distance = nearest_neighbours(images[:20], images)
    np.testing.assert_array_equal(index[:, 0], np.arange(20))
    assert distance.max() < 1e-3
    scaled = (images.astype(np.float32) - 127.5) / 127.5
    index2, distance2 = nearest_neighbours(scaled[20:30, ..., None], images, k=2)  # float vs uint8, channel axis
    np.testing.assert_array_equal(index2[:, 0], np.arange(20, 30))
    assert np.all(distance2[:, 1] > 1.0)


@pytest.mark.parametrize("samples, train, k, error, message", [
    (np.zeros((2, 4, 4)), np.zeros((3, 5, 5)), 1, ValueError, "one size"),
    (np.zeros((2, 4, 4)), np.zeros((3, 4, 4)), 4, ValueError, "only 3"),
    (np.zeros((2, 4, 4)), np.zeros((3, 4, 4)), 0, ValueError, "k must"),
    (np.zeros((4, 4)), np.zeros((3, 4, 4)), 1, ValueError, r"image\[None\]"),
    (np.zeros((2, 4, 4), np.int64), np.zeros((3, 4, 4)), 1, TypeError, "uint8"),
])
def test_nearest_neighbours_rejects_bad_input(samples, train, k, error, message):
    with pytest.raises(error, match=message):
        nearest_neighbours(samples, train, k=k)
