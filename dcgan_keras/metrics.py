"""How good are the generated digits? A Fréchet distance and an Inception-style score on MNIST (long because the
FID, the inception score, their calibration sets and the memorisation check share one classifier pass).

Notebook 06 explains every function here; ``docs/quality.md`` records how the measure was
built and calibrated. The measure is the Fréchet Inception Distance (FID) of Heusel et al.
(2017) with the Inception network replaced by a small MNIST classifier (:mod:`dcgan_keras.internal.classifier`,
its weights in ``assets/mnist_classifier.weights.npz``) trained on MNIST's 60,000 training digits: each image
becomes the 128 numbers of the classifier's penultimate layer, a Gaussian is fitted to the
features of the generated images, and its Fréchet (2-Wasserstein) distance to the Gaussian of
MNIST's 10,000 test digits (``assets/mnist_reference_stats.npz``), which no generator here trains
on, is the score. Lower is better; 0 means the two feature clouds have the same mean and covariance.

How to read the numbers
-----------------------
Compute the FID on **1,000 images**: the estimate is biased upwards for smaller samples, so
only numbers from equal sample sizes compare. ``scripts/calibrate_fid.py`` measured these
landmarks (``assets/fid_calibration.json``), each on 1,000 uint8 images made from training digits:

::

    set                                   FID      IS    classes
    real training digits (the floor)        0.80   9.71    10
    real digits blurred, sigma 0.5 px       1.28   9.74    10
    real digits blurred, sigma 0.75 px      3.95   9.66    10
    real digits blurred, sigma 1.0 px       9.02   9.38    10
    real digits blurred, sigma 1.5 px      35.30   4.92    10
    real digits of five classes only       28.99   5.21     5
    one digit repeated (mode collapse)    136.24   1.00     1
    uniform noise                         400.32   1.00     1

These FIDs are in this classifier's feature units: they do not compare with FIDs computed with
the Inception network in papers. The Inception score (at most 10, one for each class) rewards
confident, varied predictions; ``classes_covered`` in :func:`quality_report` counts the classes
that get at least 5% of the images, which shows partial mode collapse that one number can hide.
:func:`memorisation_report` tells a generator that draws new digits from one that copies its
training digits.
"""

import functools
import pathlib

import numpy as np

from dcgan_keras.internal.classifier import CLASSIFIER_PATH, FEATURES_LAYER, load_classifier
from dcgan_keras.internal.validation import check_number

__all__ = [
    "ASSETS_DIR",
    "CLASSIFIER_PATH",
    "REFERENCE_STATS_PATH",
    "CALIBRATION_PATH",
    "FID_SAMPLE_SIZE",
    "heldout_split",
    "prepare_images",
    "load_classifier",
    "load_reference_stats",
    "classifier_features",
    "classifier_probabilities",
    "frechet_distance",
    "fid_mnist",
    "class_histogram",
    "inception_score",
    "quality_report",
    "gaussian_blur",
    "calibration_sets",
    "memorisation_report",
]

ASSETS_DIR = pathlib.Path(__file__).resolve().parent / "assets"
REFERENCE_STATS_PATH = ASSETS_DIR / "mnist_reference_stats.npz"
CALIBRATION_PATH = ASSETS_DIR / "fid_calibration.json"
FID_SAMPLE_SIZE = 1000
SPLIT_SEED = 0
HELDOUT_PER_CLASS = 100
_BATCH = 500


def heldout_split(labels, per_class=HELDOUT_PER_CLASS, seed=SPLIT_SEED):
    """A fixed, stratified held-out split of the embedded digits.

    The FID reference no longer comes from this split (it uses MNIST's own test digits);
    the function stays for code that wants a stratified split of the 5,000 digits.

    For each class (in order 0-9) the indices of its digits, in ascending order, are shuffled
    with ``np.random.default_rng(seed).permutation`` (one generator, drawn class after class)
    and the first ``per_class`` are held out.

    Args:
        labels: integer class labels, shape ``(n,)``.
        per_class: digits held out of each class.
        seed: seed of the NumPy generator.

    Returns:
        ``(train_index, heldout_index)``: sorted int64 index arrays that partition ``range(n)``.

    Example:
        >>> _, labels = load_mnist("embedded")  # from dcgan_keras.data
        >>> train, heldout = heldout_split(labels)
        >>> len(train), len(heldout)
        (4000, 1000)
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a 1-D integer array, got {labels.dtype} {labels.shape}")
    rng = np.random.default_rng(seed)
    heldout = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        if len(members) <= per_class:
            raise ValueError(f"class {c} has {len(members)} digits, not more than per_class={per_class}; "
                             "hold out fewer per class")
        heldout.append(rng.permutation(members)[:per_class])
    heldout = np.sort(np.concatenate(heldout)).astype(np.int64)
    train = np.setdiff1d(np.arange(len(labels)), heldout).astype(np.int64)
    return train, heldout


def prepare_images(images, min_images=1):
    """Check images and scale them to float32 ``(n, 28, 28, 1)`` in [-1, 1], as the classifier expects.

    Args:
        images: float images in [-1, 1] (what the generator's tanh gives) or uint8 images in
            [0, 255], shape ``(n, 28, 28)`` or ``(n, 28, 28, 1)``.
        min_images: the fewest images accepted.

    Returns:
        float32 array ``(n, 28, 28, 1)`` in [-1, 1].

    Raises:
        TypeError: the dtype is neither uint8 nor floating point.
        ValueError: wrong shape, too few images, NaN/inf, or values outside [-1, 1].

    Example:
        >>> prepare_images(np.zeros((2, 28, 28), np.uint8)).shape
        (2, 28, 28, 1)
    """
    if hasattr(images, "numpy") and not isinstance(images, np.ndarray):
        images = images.numpy()  # a TensorFlow tensor
    images = np.asarray(images)
    if images.dtype != np.uint8 and not np.issubdtype(images.dtype, np.floating):
        raise TypeError(f"images must be float in [-1, 1] or uint8 in [0, 255], got dtype {images.dtype}; "
                        "convert them, e.g. images.astype('float32') / 127.5 - 1 for 0-255 integers")
    if images.ndim == 2 and images.shape == (28, 28):
        raise ValueError("got a single 28x28 image; pass a batch of shape (n, 28, 28), e.g. image[None]")
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        hint = " (colour images: convert them to greyscale first)" if images.ndim == 4 else ""
        raise ValueError(f"images must have shape (n, 28, 28) or (n, 28, 28, 1), got {images.shape}{hint}")
    if len(images) < min_images:
        raise ValueError(f"need at least {min_images} images, got {len(images)}; "
                         f"use {FID_SAMPLE_SIZE} for FIDs that compare with the calibration")
    if images.dtype == np.uint8:
        return ((images.astype(np.float32) - 127.5) / 127.5)[..., None]
    if not np.all(np.isfinite(images)):
        raise ValueError("images contain NaN or infinite values; the generator has diverged, "
                         "check its losses or restart training")
    low, high = float(images.min()), float(images.max())
    if low < -1.001 or high > 1.001:
        hint = ("they look like 0-255 pixel values: pass them as uint8 or divide, images / 127.5 - 1"
                if high > 1.5 else "clip them with np.clip(images, -1, 1) or check the generator's output layer")
        raise ValueError(f"float images must lie in [-1, 1], found [{low:.3g}, {high:.3g}]; {hint}")
    return np.clip(images, -1.0, 1.0).astype(np.float32)[..., None]


@functools.lru_cache(maxsize=1)
def _two_headed_classifier():
    import keras

    model = load_classifier()
    return keras.Model(model.inputs[0], [model.get_layer(FEATURES_LAYER).output, model.outputs[0]])


@functools.lru_cache(maxsize=1)
def load_reference_stats():
    """The features' mean ``mu`` (128,) and covariance ``sigma`` (128, 128) on MNIST's 10,000 test digits.

    Returns:
        dict with ``mu``, ``sigma`` (float64), ``test_accuracy`` (the classifier's accuracy on
        those test digits), ``split`` (a sentence saying where the reference comes from),
        ``n_reference`` (int) and ``embedded_mu`` (float64 (128,), the mean features of the 5,000
        embedded digits, which ties the statistics to the classifier they were made with).
    """
    if not REFERENCE_STATS_PATH.exists():
        raise FileNotFoundError(f"reference statistics {REFERENCE_STATS_PATH} are missing; regenerate them "
                                "with `python scripts/train_mnist_classifier.py`")
    with np.load(REFERENCE_STATS_PATH, allow_pickle=False) as archive:
        stats = {key: archive[key] for key in archive.files}
    return {"mu": stats["mu"].astype(np.float64), "sigma": stats["sigma"].astype(np.float64),
            "test_accuracy": float(stats["test_accuracy"]), "split": str(stats["split"]),
            "n_reference": int(stats["n_reference"]), "embedded_mu": stats["embedded_mu"].astype(np.float64)}


def _features_and_probabilities(images, min_images=1):
    x = prepare_images(images, min_images=min_images)
    model = _two_headed_classifier()
    features, probs = [], []
    for start in range(0, len(x), _BATCH):
        f, p = model(x[start:start + _BATCH], training=False)
        features.append(np.asarray(f, np.float64))
        probs.append(np.asarray(p, np.float64))
    return np.concatenate(features), np.concatenate(probs)


def classifier_features(images):
    """The classifier's penultimate-layer features (after the ReLU), one row an image.

    Args:
        images: float ``(n, 28, 28[, 1])`` in [-1, 1] or uint8 in [0, 255].

    Returns:
        float64 array ``(n, 128)``.

    Example:
        >>> classifier_features(np.zeros((3, 28, 28), np.uint8)).shape
        (3, 128)
    """
    return _features_and_probabilities(images)[0]


def classifier_probabilities(images):
    """The classifier's predicted class probabilities p(y|x), float64 ``(n, 10)``."""
    return _features_and_probabilities(images)[1]


def _check_stats(mu, sigma, name):
    mu = np.asarray(mu, np.float64)
    sigma = np.asarray(sigma, np.float64)
    if mu.ndim != 1:
        raise ValueError(f"{name} mean must be a vector, got shape {mu.shape}")
    if sigma.shape != (len(mu), len(mu)):
        raise ValueError(f"{name} covariance must be ({len(mu)}, {len(mu)}) to match its mean, got {sigma.shape}")
    if not (np.all(np.isfinite(mu)) and np.all(np.isfinite(sigma))):
        raise ValueError(f"{name} mean or covariance holds NaN or infinite values")
    return mu, (sigma + sigma.T) / 2


def _psd_sqrt(matrix):
    """Square root of a symmetric positive semi-definite matrix, negative round-off eigenvalues clipped."""
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def frechet_distance(mu1, sigma1, mu2, sigma2):
    """Fréchet distance between the Gaussians N(mu1, sigma1) and N(mu2, sigma2).

    ``|mu1 - mu2|^2 + tr(sigma1) + tr(sigma2) - 2 tr((sigma1 sigma2)^(1/2))``. The product
    sigma1 sigma2 is not symmetric, so its square root's trace is taken from the symmetric,
    similar matrix ``s sigma2 s`` with ``s = sigma1^(1/2)``: both have the same eigenvalues,
    which ``numpy.linalg.eigh`` finds stably; tiny negative ones from round-off are set to 0.

    Args:
        mu1, mu2: mean vectors, shape ``(d,)``.
        sigma1, sigma2: covariance matrices, shape ``(d, d)``, symmetric positive semi-definite.

    Returns:
        float, at least 0.

    Example:
        >>> frechet_distance(np.zeros(1), np.eye(1), np.ones(1), 4 * np.eye(1))  # (0-1)^2 + (1-2)^2
        2.0
    """
    mu1, sigma1 = _check_stats(mu1, sigma1, "first")
    mu2, sigma2 = _check_stats(mu2, sigma2, "second")
    if len(mu1) != len(mu2):
        raise ValueError(f"the two Gaussians have different dimensions, {len(mu1)} and {len(mu2)}; "
                         "compute both from the same features")
    root1 = _psd_sqrt(sigma1)
    middle = root1 @ sigma2 @ root1
    eigenvalues = np.linalg.eigvalsh((middle + middle.T) / 2)
    trace_sqrt = float(np.sum(np.sqrt(np.clip(eigenvalues, 0.0, None))))
    diff = mu1 - mu2
    value = float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace_sqrt)
    return max(value, 0.0)


def _gaussian_stats(features):
    return features.mean(axis=0), np.cov(features, rowvar=False)


def _fid_from_features(features):
    reference = load_reference_stats()
    mu, sigma = _gaussian_stats(features)
    return frechet_distance(mu, sigma, reference["mu"], reference["sigma"])


def fid_mnist(images):
    """FID of images against MNIST's 10,000 test digits, in the classifier's feature space.

    Pass 1,000 images so the number compares with the calibration table at the top of this
    module (and with other runs): the estimate grows as the sample shrinks.

    Args:
        images: float ``(n, 28, 28[, 1])`` in [-1, 1] or uint8 in [0, 255], n >= 2.

    Returns:
        float; below 1 for 1,000 real digits, hundreds for noise (see the table above).

    Example:
        >>> fid_mnist(generator.predict(noise_1000, verbose=0))
    """
    features, _ = _features_and_probabilities(images, min_images=2)
    return _fid_from_features(features)


def _class_counts(probs):
    return np.bincount(np.argmax(probs, axis=1), minlength=10)


def class_histogram(images):
    """How many images the classifier puts in each class 0-9: int64 array of 10 counts.

    Example:
        >>> int(class_histogram(real_digits[:1000]).sum())
        1000
    """
    return _class_counts(classifier_probabilities(images))


def _inception_score(probs, eps=1e-12):
    marginal = probs.mean(axis=0)
    kl = np.sum(probs * (np.log(probs + eps) - np.log(marginal + eps)), axis=1)
    return float(np.exp(kl.mean()))


def inception_score(images):
    """Classifier-based Inception score ``exp(E_x[KL(p(y|x) || p(y))])``, between 1 and 10.

    High when each image is classified confidently (sharp p(y|x)) and the classes are used
    evenly (flat p(y)); 10 is the ceiling for MNIST's ten classes.

    Args:
        images: float ``(n, 28, 28[, 1])`` in [-1, 1] or uint8 in [0, 255].

    Returns:
        float.
    """
    return _inception_score(classifier_probabilities(images))


def quality_report(images, train_images=None, test_images=None):
    """All the numbers at once, from a single pass of the classifier.

    Args:
        images: float ``(n, 28, 28[, 1])`` in [-1, 1] or uint8 in [0, 255]; use 1,000.
        train_images: the generator's training digits; when given, the report adds
            ``memorisation`` (:func:`memorisation_report` of ``images`` against them).
        test_images: unseen digits for the memorisation check (``None``: MNIST's test digits
            from Keras's cache); used only with ``train_images``.

    Returns:
        dict with ``fid``, ``inception_score``, ``class_counts`` (list of 10 ints),
        ``min_class_fraction`` (share of the rarest class) and ``classes_covered``
        (classes with at least 5% of the images), and ``memorisation`` (a dict) when asked.

    Example:
        >>> quality_report(images)["classes_covered"]
        10
    """
    features, probs = _features_and_probabilities(images, min_images=2)
    counts = _class_counts(probs)
    n = len(probs)
    report = {"fid": _fid_from_features(features), "inception_score": _inception_score(probs),
              "class_counts": [int(c) for c in counts], "min_class_fraction": float(counts.min() / n),
              "classes_covered": int(np.sum(counts >= 0.05 * n))}
    if train_images is not None:
        report["memorisation"] = memorisation_report(images, train_images, test_images)
    return report


def _gaussian_kernel(sigma):
    radius = max(1, int(np.ceil(4.0 * sigma)))
    offsets = np.arange(-radius, radius + 1, dtype=np.float64)
    weights = np.exp(-0.5 * (offsets / sigma) ** 2)
    return weights / weights.sum(), radius


def gaussian_blur(images, sigma):
    """Blur images with a Gaussian of standard deviation ``sigma`` pixels (numpy, separable).

    The 1-D kernel spans ``ceil(4 sigma)`` pixels each side and sums to 1; it is applied along
    the rows, then the columns. Borders use reflect padding (``np.pad(mode="reflect")``: the
    image mirrored about its edge pixels), so a constant image stays constant and the -1
    background of [-1, 1] images does not turn grey at the edges. ``sigma=0`` returns a copy.

    Args:
        images: ``(n, h, w)`` or ``(n, h, w, 1)``; uint8 (the result is rounded back to uint8)
            or float (the result is float32).
        sigma: non-negative float, in pixels.

    Returns:
        blurred images, same shape.

    Example:
        >>> np.allclose(gaussian_blur(np.ones((1, 5, 5)), 1.0), 1.0)  # constants stay constant
        True
    """
    images = np.asarray(images)
    sigma = check_number(sigma, "sigma", 0.0, hint="(pixels)")
    if images.dtype != np.uint8 and not np.issubdtype(images.dtype, np.floating):
        raise TypeError(f"images must be uint8 or float, got dtype {images.dtype}")
    squeeze = images.ndim == 4 and images.shape[-1] == 1
    x = images[..., 0] if squeeze else images
    if x.ndim != 3:
        raise ValueError(f"images must have shape (n, h, w) or (n, h, w, 1), got {images.shape}")
    if sigma == 0:
        return images.copy()
    kernel, radius = _gaussian_kernel(float(sigma))
    if radius >= min(x.shape[1:]):
        raise ValueError(f"sigma {sigma} is too large for {x.shape[1]}x{x.shape[2]} images; "
                         f"use sigma < {min(x.shape[1:]) / 4:.1f}")
    out = x.astype(np.float64)
    for axis in (1, 2):
        pad = [(0, 0)] * 3
        pad[axis] = (radius, radius)
        padded = np.pad(out, pad, mode="reflect")
        length = out.shape[axis]
        out = sum(w * np.take(padded, np.arange(k, k + length), axis=axis) for k, w in enumerate(kernel))
    if squeeze:
        out = out[..., None]
    if images.dtype == np.uint8:
        return np.clip(np.round(out), 0, 255).astype(np.uint8)
    return out.astype(np.float32)


def calibration_sets(n=FID_SAMPLE_SIZE, seed=0, sigmas=(0.5, 0.75, 1.0, 1.5)):
    """The image sets of the FID calibration, each uint8 ``(n, 28, 28)``, by name.

    All come from the 5,000 embedded digits, which are MNIST training digits (the reference
    statistics come from the test digits, so no set shares a digit with the reference):
    ``"real"`` (n random training digits: the floor), ``"blur_<sigma>"`` (the same digits
    blurred), ``"five_classes"`` (digits of classes 0-4 only), ``"collapsed"`` (one digit
    repeated n times) and ``"noise"`` (uniform random pixels).

    Args:
        n: images in each set, at most 2,500.
        seed: seed of the NumPy generator that picks the digits and the noise.
        sigmas: blur strengths, in pixels.

    Returns:
        dict name -> uint8 images.
    """
    from dcgan_keras.data import load_mnist

    images, labels = load_mnist("embedded")
    rng = np.random.default_rng(seed)
    real = images[rng.choice(len(images), n, replace=False)]
    sets = {"real": real}
    for sigma in sigmas:
        sets[f"blur_{sigma:g}"] = gaussian_blur(real, sigma)
    low = np.flatnonzero(labels < 5)
    sets["five_classes"] = images[rng.choice(low, n, replace=False)]
    sets["collapsed"] = np.repeat(real[:1], n, axis=0)
    sets["noise"] = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    return sets


def memorisation_report(samples, train_images, test_images=None, n_test=FID_SAMPLE_SIZE, seed=0,
                        close_quantile=0.01):
    """Do samples sit closer to the training digits than unseen real digits do? A memorisation check.

    Each sample's distance to its nearest training digit (Euclidean, in [-1, 1] pixels, with
    :func:`dcgan_keras.latent.nearest_neighbours`) is set against the same distance for real
    digits the generator never saw (MNIST's test digits). A generator that draws new digits
    has samples about as far from the training set as unseen digits are (``ratio`` near 1 or
    above); one that copies its training digits has samples much closer (``ratio`` well below
    1, and many samples closer than almost any unseen digit).

    Args:
        samples: generated images, float ``(n, 28, 28[, 1])`` in [-1, 1] or uint8.
        train_images: the digits the generator trained on, uint8 ``(m, 28, 28)`` (or float in [-1, 1]).
        test_images: unseen real digits; ``None`` reads MNIST's test digits from Keras's cache
            (``dcgan_keras.data.load_cached_mnist("test")``).
        n_test: how many unseen digits to compare (picked at random with ``seed``); 1,000 by default.
        seed: seed of the NumPy generator that picks the unseen digits.
        close_quantile: a sample counts as "close" when it is nearer its nearest training digit
            than this quantile of the unseen digits' distances.

    Returns:
        dict with ``sample_median`` and ``test_median`` (median nearest-training-digit distances),
        ``ratio`` (sample_median / test_median), ``close_threshold`` (the distance below which a
        sample counts as close), ``close_fraction`` (share of samples that close; about
        ``close_quantile`` for a generator that does not copy), ``sample_min`` (the closest
        sample's distance), ``n_samples``, ``n_test`` and ``n_train``.

    Example:
        >>> memorisation_report(generator.predict(noise_1000, verbose=0), train_digits)["ratio"]
    """
    from dcgan_keras.latent import nearest_neighbours

    samples = prepare_images(samples, min_images=1)
    train = prepare_images(train_images, min_images=1)
    if test_images is None:
        from dcgan_keras.data import load_cached_mnist

        test_images = load_cached_mnist("test")[0]
    test = prepare_images(test_images, min_images=2)
    if not 0 < close_quantile < 1:
        raise ValueError(f"close_quantile must lie between 0 and 1, got {close_quantile}")
    if n_test is not None and n_test < len(test):
        test = test[np.sort(np.random.default_rng(seed).choice(len(test), n_test, replace=False))]
    sample_distance = nearest_neighbours(samples, train)[1][:, 0].astype(np.float64)
    test_distance = nearest_neighbours(test, train)[1][:, 0].astype(np.float64)
    sample_median, test_median = float(np.median(sample_distance)), float(np.median(test_distance))
    threshold = float(np.quantile(test_distance, close_quantile))
    return {"sample_median": sample_median, "test_median": test_median,
            "ratio": sample_median / test_median if test_median > 0 else float("inf"),
            "close_threshold": threshold, "close_fraction": float(np.mean(sample_distance < threshold)),
            "sample_min": float(sample_distance.min()), "n_samples": len(samples), "n_test": len(test),
            "n_train": len(train)}
