"""What a trained generator learned: walks, arithmetic and neighbourhoods in its latent space (long because each
exploration needs its own argument checks and they share helpers).

Notebook 06 uses every function here on its trained DCGAN:

- :func:`interpolate` walks from one noise vector to another, along a great circle
  (``"slerp"``) or a straight line (``"linear"``).
- :func:`stroke_thickness` and :func:`slant` measure two attributes of digits that MNIST
  has no labels for; :func:`attribute_vector` turns such a measure into a direction in the
  latent space (the mean code of the thickest samples minus that of the thinnest).
- :func:`codes_of_digit` keeps the codes whose samples a classifier confidently reads as
  one digit; :func:`jitter` adds Gaussian noise to one code; :func:`dimension_effects` ranks
  the latent dimensions by how much they change the image.
- :func:`nearest_neighbours` finds the training images closest to each sample, in pixels:
  the memorisation check.

Everything is NumPy; images are float ``(n, h, w[, 1])`` in [-1, 1] or uint8 in [0, 255].
"""

import numpy as np

from dcgan_keras.internal.validation import check_positive_int

__all__ = [
    "interpolate",
    "stroke_thickness",
    "slant",
    "attribute_vector",
    "codes_of_digit",
    "jitter",
    "dimension_effects",
    "nearest_neighbours",
]


def _vector(value, name):
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a 1-D latent vector, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} holds NaN or infinite values")
    return array


def _positive_int(value, name, minimum=1):
    return check_positive_int(value, name, minimum=minimum)


def interpolate(z1, z2, steps, method="slerp"):
    """``steps`` latent vectors from ``z1`` to ``z2`` (both ends included), float32 ``(steps, d)``.

    ``"linear"`` takes ``(1 - t) z1 + t z2``. Its midpoints are shorter than either end:
    two independent Gaussian vectors of length about ``sqrt(d)`` are nearly orthogonal, so
    their average has length about ``sqrt(d / 2)``, a norm the generator rarely saw in
    training. ``"slerp"`` (spherical linear interpolation) moves along the great circle
    between the two directions, with the length changing linearly from ``|z1|`` to ``|z2|``:
    every point looks like a typical noise vector. For (anti)parallel vectors, where the
    great circle is undefined, it falls back to the straight line.

    Args:
        z1, z2: latent vectors of the same length ``d``.
        steps: number of points, at least 2.
        method: ``"slerp"`` or ``"linear"``.

    Returns:
        float32 array ``(steps, d)``; row 0 is ``z1`` and the last row is ``z2``.

    Example:
        >>> np.round(interpolate([1.0, 0.0], [0.0, 1.0], 3).astype(float), 3).tolist()
        [[1.0, 0.0], [0.707, 0.707], [0.0, 1.0]]
    """
    z1, z2 = _vector(z1, "z1"), _vector(z2, "z2")
    if z1.shape != z2.shape:
        raise ValueError(f"z1 and z2 must have the same length, got {z1.size} and {z2.size}")
    steps = _positive_int(steps, "steps", minimum=2)
    if method not in ("slerp", "linear"):
        raise ValueError(f"method must be 'slerp' or 'linear', got {method!r}")
    t = np.linspace(0.0, 1.0, steps)[:, None]
    linear = (1.0 - t) * z1 + t * z2
    n1, n2 = np.linalg.norm(z1), np.linalg.norm(z2)
    if method == "linear" or n1 == 0.0 or n2 == 0.0:
        return linear.astype(np.float32)
    u1, u2 = z1 / n1, z2 / n2
    omega = np.arccos(np.clip(u1 @ u2, -1.0, 1.0))
    if np.sin(omega) < 1e-6:
        return linear.astype(np.float32)
    direction = (np.sin((1.0 - t) * omega) * u1 + np.sin(t * omega) * u2) / np.sin(omega)
    length = (1.0 - t) * n1 + t * n2
    return (direction * length).astype(np.float32)


def _ink(images):
    """Images as float64 ``(n, h, w)`` ink in [0, 1]: 0 background, 1 full stroke."""
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim == 2:
        images = images[None]
    if images.ndim != 3:
        raise ValueError(f"images must have shape (n, h, w) or (n, h, w, 1), got {images.shape}")
    if images.dtype == np.uint8:
        return images.astype(np.float64) / 255.0
    if not np.issubdtype(images.dtype, np.floating):
        raise TypeError(f"images must be uint8 in [0, 255] or float in [-1, 1], got dtype {images.dtype}")
    if images.size and (images.min() < -1.001 or images.max() > 1.001):
        raise ValueError(f"float images must lie in [-1, 1], found [{images.min():.3g}, {images.max():.3g}]; "
                         "pass 0-255 pixels as uint8")
    return np.clip((images.astype(np.float64) + 1.0) / 2.0, 0.0, 1.0)


def stroke_thickness(images):
    """Mean stroke width of each digit, in pixels: ``2 * ink / edge``.

    ``ink`` is the total ink (pixel intensities in [0, 1], summed), ``edge`` the total
    variation (the summed absolute differences between horizontal and vertical
    neighbours, borders included). A stroke of width ``w`` and length ``L`` has ink ``w L``
    and edge about ``2 L``, so the ratio is about ``w``: it does not depend on how long
    the strokes are, only on how wide.

    Args:
        images: ``(n, h, w[, 1])``, uint8 in [0, 255] or float in [-1, 1] (a single
            ``(h, w)`` image is treated as a batch of one).

    Returns:
        float64 array ``(n,)``; 0 for a blank image.

    Example:
        >>> bar = np.full((1, 12, 12), -1.0); bar[0, 2:10, 4:7] = 1.0  # 3 pixels wide, 8 long
        >>> round(float(stroke_thickness(bar)[0]), 2)  # 2 * 24 / 22
        2.18
    """
    ink = _ink(images)
    padded = np.pad(ink, ((0, 0), (1, 1), (1, 1)))
    edge = (np.abs(np.diff(padded, axis=1)).sum(axis=(1, 2)) + np.abs(np.diff(padded, axis=2)).sum(axis=(1, 2)))
    total = ink.sum(axis=(1, 2))
    return np.where(edge > 0, 2.0 * total / np.maximum(edge, 1e-12), 0.0)


def slant(images):
    """How far each digit leans: the horizontal shift of its ink per pixel of height.

    The ink-weighted covariance of column and height divided by the variance of height
    (a regression of x on y, y pointing up). Positive: the top leans right, as in
    handwriting that slopes forward; 0: upright. ``np.degrees(np.arctan(slant(x)))`` is
    the angle from vertical.

    Args:
        images: as for :func:`stroke_thickness`.

    Returns:
        float64 array ``(n,)``; 0 for a blank image or a single row of ink.

    Example:
        >>> line = np.zeros((1, 10, 10), np.uint8)
        >>> for r in range(10): line[0, r, 9 - r] = 255  # from bottom left to top right
        >>> float(slant(line)[0])
        1.0
    """
    ink = _ink(images)
    _, h, w = ink.shape
    y = (h - 1 - np.arange(h, dtype=np.float64))[None, :, None]  # height above the bottom row
    x = np.arange(w, dtype=np.float64)[None, None, :]
    mass = ink.sum(axis=(1, 2))
    safe = np.maximum(mass, 1e-12)
    my = (ink * y).sum(axis=(1, 2)) / safe
    mx = (ink * x).sum(axis=(1, 2)) / safe
    dy = y - my[:, None, None]
    dx = x - mx[:, None, None]
    cov = (ink * dx * dy).sum(axis=(1, 2))
    var = (ink * dy ** 2).sum(axis=(1, 2))
    return np.where((mass > 0) & (var > 1e-12), cov / np.maximum(var, 1e-12), 0.0)


def attribute_vector(codes, scores, fraction=0.25):
    """A direction in latent space that raises an attribute: mean code of the highest
    ``fraction`` of ``scores`` minus mean code of the lowest ``fraction``.

    Args:
        codes: latent vectors ``(n, d)``.
        scores: one number per code, e.g. :func:`stroke_thickness` of its sample.
        fraction: share of the codes in each group, in (0, 0.5].

    Returns:
        float32 vector ``(d,)``.

    Example:
        >>> codes = np.array([[0.0, 1.0], [0.0, 2.0], [0.0, 3.0], [0.0, 4.0]])
        >>> attribute_vector(codes, scores=[1, 2, 3, 4], fraction=0.5).tolist()
        [0.0, 2.0]
    """
    codes = np.asarray(codes, dtype=np.float64)
    scores = np.asarray(scores, dtype=np.float64)
    if codes.ndim != 2:
        raise ValueError(f"codes must be a 2-D array (n, latent_dim), got shape {codes.shape}")
    if scores.shape != (len(codes),):
        raise ValueError(f"scores must hold one number per code ({len(codes)}), got shape {scores.shape}")
    if not 0.0 < fraction <= 0.5:
        raise ValueError(f"fraction must be in (0, 0.5], got {fraction!r}")
    k = int(round(fraction * len(codes)))
    if k < 1:
        raise ValueError(f"{fraction:.0%} of {len(codes)} codes is not even one code; pass more codes "
                         "or a larger fraction")
    order = np.argsort(scores, kind="stable")
    return (codes[order[-k:]].mean(axis=0) - codes[order[:k]].mean(axis=0)).astype(np.float32)


def codes_of_digit(codes, probabilities, digit, min_confidence=0.9, at_least=0):
    """The codes whose samples a classifier reads as ``digit`` with at least ``min_confidence``.

    When fewer than ``at_least`` codes pass (a barely trained generator, say), the
    ``at_least`` codes with the highest probability of ``digit`` are returned instead.

    Args:
        codes: latent vectors ``(n, d)``.
        probabilities: class probabilities of their samples ``(n, 10)``, e.g. from
            :func:`dcgan_keras.metrics.classifier_probabilities`.
        digit: the class, 0-9.
        min_confidence: the smallest probability of ``digit`` kept.
        at_least: the fewest codes returned (at most ``n``).

    Returns:
        ``(selected_codes, index)``: the kept codes (in their original order) and their
        positions in ``codes``.

    Example:
        >>> probs = np.eye(10)[[3, 5, 3]]
        >>> codes_of_digit(np.arange(6.0).reshape(3, 2), probs, 3)[1].tolist()
        [0, 2]
        >>> codes_of_digit(np.arange(6.0).reshape(3, 2), probs, 5, at_least=2)[1].tolist()
        [0, 1]
    """
    codes = np.asarray(codes)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2 or len(probabilities) != len(codes):
        raise ValueError(f"probabilities must be (n, classes) with one row per code ({len(codes)}), "
                         f"got shape {probabilities.shape}")
    if isinstance(digit, bool) or not isinstance(digit, (int, np.integer)) or not 0 <= digit < probabilities.shape[1]:
        raise ValueError(f"digit must be a class index from 0 to {probabilities.shape[1] - 1}, got {digit!r}")
    if isinstance(at_least, bool) or not isinstance(at_least, (int, np.integer)) or at_least < 0:
        raise ValueError(f"at_least must be a whole number >= 0, got {at_least!r}")
    index = np.flatnonzero((probabilities.argmax(axis=1) == digit) & (probabilities[:, digit] >= min_confidence))
    if len(index) < at_least:
        likeliest = np.argsort(-probabilities[:, digit], kind="stable")[: min(int(at_least), len(codes))]
        index = np.sort(likeliest)
    return codes[index], index


def jitter(z, scale, n, seed=0):
    """``n`` noisy copies of a latent vector: ``z + scale * N(0, 1)``; the first copy is ``z`` itself.

    Args:
        z: a latent vector ``(d,)``.
        scale: standard deviation of the added noise (0 or more).
        n: number of vectors returned, at least 1.
        seed: NumPy seed of the noise.

    Returns:
        float32 array ``(n, d)``.

    Example:
        >>> jitter(np.zeros(3), 0.5, 4).shape
        (4, 3)
    """
    z = _vector(z, "z")
    n = _positive_int(n, "n")
    if not np.isfinite(scale) or scale < 0:
        raise ValueError(f"scale must be a finite number >= 0, got {scale!r}")
    noise = np.random.default_rng(seed).standard_normal((n, z.size))
    noise[0] = 0.0
    return (z + scale * noise).astype(np.float32)


def dimension_effects(generate, z, delta=2.0):
    """How much each latent dimension changes the image: mean absolute pixel change when
    coordinate ``i`` of ``z`` moves by ``-delta`` and by ``+delta``.

    Args:
        generate: a function from float32 codes ``(n, d)`` to images ``(n, h, w[, c])``
            (for example ``lambda codes: generate_from_noise(generator, codes)``).
        z: the latent vector ``(d,)`` to start from.
        delta: how far each coordinate moves.

    Returns:
        float64 array ``(d,)``; ``np.argsort(effects)[::-1]`` ranks the dimensions.

    Example:
        >>> dimension_effects(lambda c: c[:, :1] * 0 + c[:, 1:2], np.zeros(3)).tolist()
        [0.0, 2.0, 0.0]
    """
    z = _vector(z, "z").astype(np.float32)
    d = z.size
    shifts = np.concatenate([np.eye(d), -np.eye(d)]).astype(np.float32) * np.float32(delta)
    images = np.asarray(generate(np.concatenate([z[None], z[None] + shifts])), dtype=np.float64)
    base, moved = images[0], images[1:]
    change = np.abs(moved - base).reshape(len(moved), -1).mean(axis=1)
    return (change[:d] + change[d:]) / 2.0


def _flat_float(images, name):
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim == 2:
        raise ValueError(f"{name} must be a batch of images (n, h, w); for one image pass image[None]")
    if images.ndim not in (3, 4):
        raise ValueError(f"{name} must have shape (n, h, w[, c]), got {images.shape}")
    if images.dtype == np.uint8:
        images = (images.astype(np.float32) - 127.5) / 127.5
    elif not np.issubdtype(images.dtype, np.floating):
        raise TypeError(f"{name} must be uint8 in [0, 255] or float in [-1, 1], got dtype {images.dtype}")
    return images.reshape(len(images), -1).astype(np.float32), images.shape[1:]


def nearest_neighbours(samples, training_images, k=1, batch_size=4096):
    """The ``k`` training images closest to each sample in Euclidean pixel distance.

    Both sets are compared in [-1, 1] (uint8 images are scaled with ``(x - 127.5) / 127.5``),
    so distances between 28x28 images lie between 0 and 56. A generator that memorised its
    training set has samples at distance ~0 from some training image; one that generalises
    has nearest neighbours about as far away as two real digits are from each other.

    Args:
        samples: ``(n, h, w[, 1])`` generated images.
        training_images: ``(m, h, w[, 1])`` images to search, with ``m >= k``.
        k: neighbours per sample.
        batch_size: training images compared at once (bounds the memory used).

    Returns:
        ``(index, distance)``: int64 ``(n, k)`` positions in ``training_images`` and float32
        ``(n, k)`` distances, nearest first.

    Example:
        >>> train = np.stack([np.full((4, 4), v, np.uint8) for v in (0, 100, 255)])
        >>> nearest_neighbours(train[[2, 0]], train)[0].tolist()
        [[2], [0]]
    """
    a, shape_a = _flat_float(samples, "samples")
    b, shape_b = _flat_float(training_images, "training_images")
    if shape_a != shape_b:
        raise ValueError(f"samples are {shape_a} but training images are {shape_b}; compare images of one size")
    k = _positive_int(k, "k")
    if k > len(b):
        raise ValueError(f"k={k} neighbours asked for, but there are only {len(b)} training images")
    a64 = a.astype(np.float64)
    sq_a = np.sum(a64 ** 2, axis=1)[:, None]
    best_d = np.full((len(a), 0), np.inf)
    best_i = np.zeros((len(a), 0), np.int64)
    for start in range(0, len(b), batch_size):
        chunk = b[start:start + batch_size].astype(np.float64)
        d2 = sq_a + np.sum(chunk ** 2, axis=1)[None, :] - 2.0 * a64 @ chunk.T
        d = np.concatenate([best_d, d2], axis=1)
        i = np.concatenate([best_i, np.broadcast_to(np.arange(start, start + len(chunk)), d2.shape)], axis=1)
        keep = np.argsort(d, axis=1, kind="stable")[:, :k]
        best_d = np.take_along_axis(d, keep, axis=1)
        best_i = np.take_along_axis(i, keep, axis=1)
    return best_i.astype(np.int64), np.sqrt(np.maximum(best_d, 0.0)).astype(np.float32)
