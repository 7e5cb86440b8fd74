"""Tests for dcgan_keras.metrics: the classifier, the Fréchet distance, the blur and the FID's behaviour."""

import numpy as np
import pytest

import dcgan_keras  # noqa: F401
from dcgan_keras import metrics
from dcgan_keras.data import load_mnist, scale_images


@pytest.fixture(scope="module")
def mnist():
    return load_mnist("embedded")


@pytest.fixture(scope="module")
def sets():
    return metrics.calibration_sets()


@pytest.fixture(scope="module")
def fids(sets):
    return {name: metrics.fid_mnist(images) for name, images in sets.items()}


def random_covariance(rng, d, rank=None):
    a = rng.normal(size=(d, rank or d + 2))
    return a @ a.T / a.shape[1] + (0 if rank else 0.05 * np.eye(d))


def trace_sqrt_denman_beavers(a, steps=60):
    """tr(A^(1/2)) for a matrix with positive eigenvalues, by the Denman-Beavers iteration (no eigen-solver)."""
    y, z = a.copy(), np.eye(len(a))
    for _ in range(steps):
        y, z = (y + np.linalg.inv(z)) / 2, (z + np.linalg.inv(y)) / 2
    return np.trace(y)


# --- the split, the classifier and its reference statistics ------------------------------------

def _full_mnist_cached():
    from dcgan_keras.data import _cached_mnist_path

    return _cached_mnist_path().exists()


needs_full_mnist = pytest.mark.skipif(not _full_mnist_cached(),
                                      reason="full MNIST is not in Keras's cache (python scripts/prepare_mnist.py)")


@pytest.fixture(scope="module")
def mnist_test():
    from dcgan_keras.data import load_cached_mnist

    return load_cached_mnist("test")


def test_heldout_split_is_stratified_and_reproducible(mnist):
    _, labels = mnist
    train, heldout = metrics.heldout_split(labels)
    assert np.bincount(labels[heldout], minlength=10).tolist() == [100] * 10
    assert len(np.intersect1d(train, heldout)) == 0 and len(train) + len(heldout) == len(labels)
    again_train, again_heldout = metrics.heldout_split(labels)
    assert np.array_equal(heldout, again_heldout) and np.array_equal(train, again_train)
    assert not np.array_equal(heldout, metrics.heldout_split(labels, seed=1)[1])


def test_heldout_split_rejects_bad_labels():
    with pytest.raises(ValueError, match="hold out fewer"):
        metrics.heldout_split(np.array([0, 0, 1, 1]), per_class=2)
    with pytest.raises(ValueError, match="1-D integer"):
        metrics.heldout_split(np.zeros((3, 2), np.int64))


def test_classifier_recognises_the_embedded_digits(mnist):
    # The embedded digits are among the classifier's training digits: a check that the shipped
    # weights load and work, not a measure of accuracy on unseen digits (the next test is).
    images, labels = mnist
    accuracy = np.mean(metrics.classifier_probabilities(images).argmax(axis=1) == labels)
    assert accuracy >= 0.99, f"accuracy on the embedded digits {accuracy:.4f}"
    assert metrics.load_reference_stats()["test_accuracy"] >= 0.99


@needs_full_mnist
def test_classifier_reaches_99_percent_on_mnist_test_digits(mnist_test):
    images, labels = mnist_test
    accuracy = np.mean(metrics.classifier_probabilities(images).argmax(axis=1) == labels)
    assert accuracy >= 0.99, f"test accuracy {accuracy:.4f}"
    assert accuracy == pytest.approx(metrics.load_reference_stats()["test_accuracy"], abs=1e-4)


def test_reference_stats_belong_to_the_committed_classifier(mnist):
    stats = metrics.load_reference_stats()
    assert stats["mu"].shape == (128,) and stats["sigma"].shape == (128, 128)
    assert stats["n_reference"] == 10_000 and "test digits" in stats["split"]
    features = metrics.classifier_features(mnist[0])
    assert features.min() >= 0  # taken after the ReLU
    np.testing.assert_allclose(features.mean(axis=0), stats["embedded_mu"], rtol=1e-4, atol=1e-4)


@needs_full_mnist
def test_reference_stats_are_those_of_the_test_digits(mnist_test):
    stats = metrics.load_reference_stats()
    features = metrics.classifier_features(mnist_test[0])
    np.testing.assert_allclose(features.mean(axis=0), stats["mu"], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.cov(features, rowvar=False), stats["sigma"], rtol=1e-3, atol=1e-4)


# --- the FID's behaviour --------------------------------------------------------------------------

def test_fid_orders_real_blurred_and_broken_digits(fids):
    assert fids["real"] < fids["blur_0.75"] < fids["blur_1.5"] < min(fids["collapsed"], fids["noise"])
    assert fids["real"] < fids["blur_0.5"] < fids["blur_0.75"] < fids["blur_1"] < fids["blur_1.5"]
    assert fids["real"] < fids["five_classes"]
    assert fids["real"] < 2.0 and fids["noise"] > 100


def test_fid_agrees_with_the_committed_calibration(fids):
    import json

    rows = json.loads(metrics.CALIBRATION_PATH.read_text())["rows"]
    for row in rows:
        if row["name"] in fids:
            assert fids[row["name"]] == pytest.approx(row["fid"], rel=0.02, abs=0.02), row["name"]


def test_fid_is_the_same_for_uint8_float_and_channel_axis(sets):
    real = sets["real"][:300]
    as_uint8 = metrics.fid_mnist(real)
    as_float = metrics.fid_mnist(scale_images(real))
    as_float64 = metrics.fid_mnist(scale_images(real)[..., 0].astype(np.float64))
    assert as_float == pytest.approx(as_uint8, rel=1e-5) and as_float64 == pytest.approx(as_uint8, rel=1e-5)


def test_quality_report_is_consistent(sets):
    report = metrics.quality_report(sets["real"])
    assert set(report) == {"fid", "inception_score", "class_counts", "min_class_fraction", "classes_covered"}
    assert sum(report["class_counts"]) == 1000 and report["classes_covered"] == 10
    assert report["min_class_fraction"] == min(report["class_counts"]) / 1000
    assert report["fid"] == pytest.approx(metrics.fid_mnist(sets["real"]), rel=1e-9)
    assert report["inception_score"] == pytest.approx(metrics.inception_score(sets["real"]), rel=1e-9)
    assert report["inception_score"] > 9
    assert metrics.class_histogram(sets["real"]).tolist() == report["class_counts"]
    collapsed = metrics.quality_report(sets["collapsed"])
    assert collapsed["classes_covered"] == 1 and collapsed["inception_score"] == pytest.approx(1.0, abs=1e-6)
    five = metrics.quality_report(sets["five_classes"])
    assert five["classes_covered"] == 5 and five["min_class_fraction"] == 0


# --- memorisation ---------------------------------------------------------------------------------

def test_memorisation_report_tells_copies_from_new_digits(mnist):
    images, _ = mnist
    pick = np.random.default_rng(0).permutation(len(images))
    train, unseen, fresh = images[pick[:400]], images[pick[400:600]], images[pick[600:800]]
    copies = metrics.memorisation_report(train[:100], train, unseen)
    assert copies["sample_median"] == pytest.approx(0, abs=1e-3) and copies["sample_min"] == pytest.approx(0, abs=1e-3)
    assert copies["ratio"] < 1e-3 and copies["close_fraction"] == 1
    new = metrics.memorisation_report(fresh, train, unseen)
    assert 0.8 < new["ratio"] < 1.25 and new["close_fraction"] < 0.1
    assert new["test_median"] == copies["test_median"] > 0
    assert (new["n_samples"], new["n_test"], new["n_train"]) == (200, 200, 400)
    # The same digits as floats in [-1, 1] give the same distances.
    as_float = metrics.memorisation_report(scale_images(fresh), scale_images(train), scale_images(unseen))
    assert as_float["sample_median"] == pytest.approx(new["sample_median"], rel=1e-5)
    assert metrics.memorisation_report(fresh, train, unseen, n_test=50)["n_test"] == 50
    with pytest.raises(ValueError, match="close_quantile"):
        metrics.memorisation_report(fresh, train, unseen, close_quantile=1.5)


def test_quality_report_adds_memorisation_when_asked(sets, mnist):
    images = sets["real"][:100]
    report = metrics.quality_report(images, train_images=mnist[0][:300], test_images=mnist[0][300:500])
    assert report["memorisation"] == metrics.memorisation_report(images, mnist[0][:300], mnist[0][300:500])
    assert "memorisation" not in metrics.quality_report(images)


@needs_full_mnist
def test_memorisation_report_reads_the_test_digits_from_the_cache(mnist):
    report = metrics.memorisation_report(mnist[0][:50], mnist[0][:500], n_test=100)
    assert report["n_test"] == 100 and report["sample_median"] == pytest.approx(0, abs=1e-3)


def test_inception_score_extremes():
    one_hot = np.eye(10)[np.arange(1000) % 10]
    assert metrics._inception_score(one_hot) == pytest.approx(10.0, rel=1e-6)
    assert metrics._inception_score(np.full((50, 10), 0.1)) == pytest.approx(1.0, rel=1e-9)
    assert metrics._inception_score(np.eye(10)[np.zeros(40, int)]) == pytest.approx(1.0, rel=1e-9)
    two = np.eye(10)[np.arange(100) % 2]
    assert metrics._inception_score(two) == pytest.approx(2.0, rel=1e-6)


# --- the Fréchet distance -------------------------------------------------------------------------

# Each test loops over its cases: tests/conftest.py clears the Keras session after every test,
# which costs a fraction of a second once TensorFlow is loaded.

def test_frechet_distance_of_identical_gaussians_is_zero():
    for d in (1, 2, 5, 16, 64, 128):
        for seed in range(3):
            rng = np.random.default_rng(seed)
            mu, sigma = rng.normal(size=d), random_covariance(rng, d)
            assert metrics.frechet_distance(mu, sigma, mu, sigma) == pytest.approx(0.0, abs=1e-8 * d), (d, seed)


def test_frechet_distance_in_one_dimension():
    rng = np.random.default_rng(0)
    for _ in range(10):
        m1, m2, s1, s2 = rng.normal(), rng.normal(), rng.uniform(0.1, 3), rng.uniform(0.1, 3)
        expected = (m1 - m2) ** 2 + (s1 - s2) ** 2
        got = metrics.frechet_distance([m1], [[s1 ** 2]], [m2], [[s2 ** 2]])
        assert got == pytest.approx(expected, rel=1e-10, abs=1e-12)


def test_frechet_distance_2x2_by_hand():
    # For 2x2 matrices tr((AB)^(1/2)) = sqrt(tr(AB) + 2 sqrt(det A det B)): the eigenvalues l1, l2
    # of AB are non-negative and (sqrt(l1) + sqrt(l2))^2 = l1 + l2 + 2 sqrt(l1 l2).
    a, b = np.array([[2.0, 1.0], [1.0, 2.0]]), np.array([[1.0, 0.0], [0.0, 4.0]])
    # tr(AB) = 2 + 8 = 10, det A det B = 3 * 4 = 12: tr sqrt = sqrt(10 + 4 sqrt(3)).
    expected = 1.0 + 4.0 + 5.0 - 2 * np.sqrt(10 + 4 * np.sqrt(3))  # |(1, 0)|^2 + tr A + tr B - ...
    assert metrics.frechet_distance([1.0, 0.0], a, [0.0, 0.0], b) == pytest.approx(expected, rel=1e-12)
    rng = np.random.default_rng(0)
    for _ in range(20):
        a, b = random_covariance(rng, 2), random_covariance(rng, 2)
        mu1, mu2 = rng.normal(size=2), rng.normal(size=2)
        trace_sqrt = np.sqrt(np.trace(a @ b) + 2 * np.sqrt(np.linalg.det(a) * np.linalg.det(b)))
        expected = np.sum((mu1 - mu2) ** 2) + np.trace(a) + np.trace(b) - 2 * trace_sqrt
        assert metrics.frechet_distance(mu1, a, mu2, b) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_frechet_distance_matches_denman_beavers_square_root():
    for d in (3, 6, 10, 20):
        for seed in range(3):
            rng = np.random.default_rng(100 + seed)
            a, b = random_covariance(rng, d), random_covariance(rng, d)
            mu1, mu2 = rng.normal(size=d), rng.normal(size=d)
            expected = (np.sum((mu1 - mu2) ** 2) + np.trace(a) + np.trace(b)
                        - 2 * trace_sqrt_denman_beavers(a @ b))
            got = metrics.frechet_distance(mu1, a, mu2, b)
            assert got == pytest.approx(expected, rel=1e-7, abs=1e-9), (d, seed)
            assert metrics.frechet_distance(mu2, b, mu1, a) == pytest.approx(got, rel=1e-9, abs=1e-12)


def test_frechet_distance_with_singular_covariances():
    # Rank-deficient covariances (fewer samples than features, dead units) against the eigenvalues
    # of the non-symmetric product, found by the general eigen-solver.
    for seed in range(5):
        rng = np.random.default_rng(200 + seed)
        a, b = random_covariance(rng, 8, rank=3), random_covariance(rng, 8, rank=5)
        eigenvalues = np.linalg.eigvals(a @ b).real
        expected = np.trace(a) + np.trace(b) - 2 * np.sum(np.sqrt(np.clip(eigenvalues, 0, None)))
        got = metrics.frechet_distance(np.zeros(8), a, np.zeros(8), b)
        assert got == pytest.approx(expected, rel=1e-6, abs=1e-8)
        assert metrics.frechet_distance(np.zeros(8), a, np.zeros(8), a) == pytest.approx(0.0, abs=1e-8)


def test_frechet_distance_rejects_bad_statistics():
    with pytest.raises(ValueError, match="different dimensions"):
        metrics.frechet_distance(np.zeros(2), np.eye(2), np.zeros(3), np.eye(3))
    with pytest.raises(ValueError, match="covariance must be"):
        metrics.frechet_distance(np.zeros(2), np.eye(3), np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match="vector"):
        metrics.frechet_distance(np.zeros((2, 2)), np.eye(2), np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match="NaN"):
        metrics.frechet_distance(np.array([np.nan, 0]), np.eye(2), np.zeros(2), np.eye(2))


# --- the blur --------------------------------------------------------------------------------------

def blur_brute_force(images, sigma):
    """Direct 2-D convolution with the outer-product kernel, reflect padding, one pixel at a time."""
    kernel_1d, radius = metrics._gaussian_kernel(sigma)
    kernel = np.outer(kernel_1d, kernel_1d)
    padded = np.pad(images.astype(np.float64), [(0, 0), (radius, radius), (radius, radius)], mode="reflect")
    out = np.zeros(images.shape)
    for i in range(images.shape[1]):
        for j in range(images.shape[2]):
            out[:, i, j] = np.sum(padded[:, i:i + 2 * radius + 1, j:j + 2 * radius + 1] * kernel, axis=(1, 2))
    return out


def test_gaussian_blur_matches_direct_2d_convolution():
    rng = np.random.default_rng(0)
    for shape in [(2, 9, 9), (1, 12, 17), (3, 28, 28)]:
        images = rng.uniform(-1, 1, size=shape).astype(np.float32)
        for sigma in (0.3, 0.75, 1.5, 2.0):
            np.testing.assert_allclose(metrics.gaussian_blur(images, sigma), blur_brute_force(images, sigma),
                                       atol=1e-5, err_msg=f"{shape}, sigma {sigma}")


def test_gaussian_kernel_is_normalised_and_has_the_right_spread():
    for sigma in (0.5, 1.0, 1.5, 2.5):
        kernel, radius = metrics._gaussian_kernel(sigma)
        offsets = np.arange(-radius, radius + 1)
        assert radius == int(np.ceil(4 * sigma))
        assert kernel.sum() == pytest.approx(1.0) and np.allclose(kernel, kernel[::-1])
        spread = np.sqrt(np.sum(kernel * offsets ** 2))
        # Sampling the Gaussian at whole pixels narrows it a little when sigma is below one pixel.
        assert spread == pytest.approx(sigma, rel=2e-3 if sigma >= 1 else 0.1)


def test_gaussian_blur_preserves_mean_intensity(mnist):
    digits = scale_images(mnist[0][:50])  # (50, 28, 28, 1)
    for sigma in (0.5, 1.0, 1.5, 2.0):
        blurred = metrics.gaussian_blur(digits, sigma)
        assert blurred.shape == digits.shape and blurred.dtype == np.float32
        assert blurred.std() < digits.std()  # smoother
        # Reflect padding keeps the total exactly when the border (as wide as the kernel's radius)
        # is background, and nearly so for digits whose strokes reach the border.
        np.testing.assert_allclose(blurred.mean(axis=(1, 2, 3)), digits.mean(axis=(1, 2, 3)), atol=5e-3)
        radius = metrics._gaussian_kernel(sigma)[1]
        framed = np.pad(digits[..., 0], [(0, 0), (radius, radius), (radius, radius)], constant_values=-1.0)
        np.testing.assert_allclose(metrics.gaussian_blur(framed, sigma).mean(axis=(1, 2)),
                                   framed.mean(axis=(1, 2)), atol=1e-6)
        constant = np.full((2, 10, 10), 0.3)
        np.testing.assert_allclose(metrics.gaussian_blur(constant, sigma), constant, atol=1e-6)


def test_gaussian_blur_tends_to_identity(mnist):
    digits = mnist[0][:20]
    assert np.array_equal(metrics.gaussian_blur(digits, 0), digits)
    assert np.array_equal(metrics.gaussian_blur(digits, 1e-3), digits)  # uint8 in, uint8 out
    floats = scale_images(digits)
    np.testing.assert_allclose(metrics.gaussian_blur(floats, 0.05), floats, atol=1e-6)
    assert np.abs(metrics.gaussian_blur(floats, 0.3) - floats).max() > 0.01


def test_gaussian_blur_rejects_bad_input():
    with pytest.raises(ValueError, match=">= 0"):
        metrics.gaussian_blur(np.zeros((1, 28, 28)), -1.0)
    with pytest.raises(ValueError, match="too large"):
        metrics.gaussian_blur(np.zeros((1, 8, 8)), 3.0)
    with pytest.raises(ValueError, match="must be a number"):
        metrics.gaussian_blur(np.zeros((1, 8, 8)), "1")
    with pytest.raises(TypeError, match="uint8 or float"):
        metrics.gaussian_blur(np.zeros((1, 8, 8), np.int64), 1.0)
    with pytest.raises(ValueError, match="shape"):
        metrics.gaussian_blur(np.zeros((8, 8)), 1.0)


# --- input validation -----------------------------------------------------------------------------

def test_prepare_images_accepts_both_conventions():
    uint8 = np.array([[[0, 255]]], np.uint8).repeat(28, 1).repeat(14, 2)  # (1, 28, 28)
    prepared = metrics.prepare_images(uint8)
    assert prepared.shape == (1, 28, 28, 1) and prepared.dtype == np.float32
    assert prepared.min() == -1 and prepared.max() == 1
    assert np.array_equal(metrics.prepare_images(prepared), prepared)
    assert np.array_equal(metrics.prepare_images(prepared[..., 0].astype(np.float16)), prepared)


BAD_IMAGES = [
    (np.zeros((4, 28, 28), np.int64), TypeError, "uint8 in"),
    (np.zeros((4, 28, 28), bool), TypeError, "astype"),
    (np.zeros((28, 28), np.float32), ValueError, r"image\[None\]"),
    (np.zeros((4, 28, 28, 3), np.float32), ValueError, "greyscale"),
    (np.zeros((4, 32, 32), np.float32), ValueError, r"\(n, 28, 28\)"),
    (np.full((4, 28, 28), 200.0), ValueError, "0-255"),
    (np.full((4, 28, 28), 1.2), ValueError, "np.clip"),
    (np.full((4, 28, 28), np.nan), ValueError, "NaN"),
]


def test_every_entry_point_rejects_bad_images_with_a_fix():
    functions = (metrics.fid_mnist, metrics.quality_report, metrics.class_histogram, metrics.inception_score,
                 metrics.classifier_features)
    for images, error, words in BAD_IMAGES:
        for function in functions:
            with pytest.raises(error, match=words):
                function(images)


def test_fid_needs_at_least_two_images():
    with pytest.raises(ValueError, match="at least 2"):
        metrics.fid_mnist(np.zeros((1, 28, 28), np.uint8))
    assert metrics.class_histogram(np.zeros((1, 28, 28), np.uint8)).sum() == 1


def test_accepts_tensors(sets):
    import keras

    images = scale_images(sets["real"][:20])
    np.testing.assert_allclose(metrics.classifier_features(keras.ops.convert_to_tensor(images)),
                               metrics.classifier_features(images), rtol=1e-6)
