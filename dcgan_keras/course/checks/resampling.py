"""Exercise checks of notebooks 04 (pooling and up-sampling) and 05 (transposed convolutions).

Each ``check_*`` runs the reader's function and returns a
:class:`~dcgan_keras.course.checks.core.CheckResult` that shows as one line: "not answered
yet" while the stub is untouched, a pass, or a hint that points the way without giving the
answer. A check never raises on a wrong answer and never prints the solution.
"""

import numpy as np

from dcgan_keras.course.checks.core import not_answered, report

__all__ = [
    # 04 pooling and up-sampling
    "check_average_pool_conv",
    "check_upsample_matrix",
    # 05 transposed convolutions
    "check_bilinear_kernel",
    "check_flat_kernel",
]


def _not_answered(name, what):
    """The result for an exercise whose stub is untouched (``what`` says what to fill in)."""
    return not_answered(name, what)


def _call(function, *args):
    """``(result, None)``, or ``(None, message)`` when the reader's function raised."""
    try:
        return function(*args), None
    except NotImplementedError:
        return None, None
    except Exception as exc:  # the reader's code may fail in any way; report it as a hint
        return None, f"calling it raised {type(exc).__name__}: {exc}"


def _keras_bilinear(image, factor):
    """``keras.layers.UpSampling2D(factor, interpolation="bilinear")`` of one 2-D image."""
    import keras

    layer = keras.layers.UpSampling2D(factor, interpolation="bilinear")
    return np.asarray(layer(np.asarray(image, "float32")[None, :, :, None]), np.float64)[0, :, :, 0]


# --------------------------------------------------------------------------- 04 pooling and up-sampling


def check_average_pool_conv(average_pool_conv):
    """Notebook 04, exercise 1: a strided ``Conv2D`` whose weights make it ``AveragePooling2D(2)``.

    ``average_pool_conv(channels)`` must return a ``keras.layers.Conv2D`` (built, weights
    set) that gives the same output as ``AveragePooling2D(2)`` on images with
    ``channels`` channels. Checked with 1 and 3 channels on random images.

    Example:
        >>> check_average_pool_conv(lambda channels: None)
        Exercise 1 (average pooling as a convolution): not answered yet (average_pool_conv(channels) still returns None: make it return a Conv2D).
    """
    import keras

    name = "Exercise 1 (average pooling as a convolution)"
    if not callable(average_pool_conv):
        return _not_answered(name, "define average_pool_conv(channels)")
    rng = np.random.default_rng(5)
    for channels in (1, 3):
        layer, error = _call(average_pool_conv, channels)
        if error:
            return report(False, name, error)
        if layer is None:
            return _not_answered(name, "average_pool_conv(channels) still returns None: make it return a Conv2D")
        if not isinstance(layer, keras.layers.Conv2D):
            return report(False, name, f"return a keras.layers.Conv2D layer, got {type(layer).__name__}.")
        images = rng.uniform(size=(2, 6, 8, channels)).astype("float32")
        expected = np.asarray(keras.layers.AveragePooling2D(2)(images), np.float64)
        got, error = _call(layer, images)
        if error:
            return report(False, name, f"with {channels} channel(s) the layer failed: {error}")
        got = np.asarray(got, np.float64)
        if got.shape != expected.shape:
            return report(False, name, f"with {channels} channel(s) the output has shape {got.shape}, "
                                       f"average pooling gives {expected.shape}: check the kernel size, the "
                                       "strides, the padding and the number of filters.")
        if np.allclose(got, expected, atol=1e-5):
            continue
        constant = np.asarray(layer(np.ones((1, 4, 4, channels), "float32")), np.float64)
        if not np.allclose(constant, 1.0, atol=1e-5):
            return report(False, name, "feed it an image of ones: average pooling gives ones back, yours gives "
                                       f"values from {constant.min():.3g} to {constant.max():.3g}. Look at the "
                                       "bias and at what the kernel's entries add up to.")
        if channels > 1:
            return report(False, name, "right on one channel, wrong on three: make each output channel read "
                                       "only its own input channel (print the kernel's shape and think about "
                                       "what connects input channel i to output channel j).")
        return report(False, name, "compare the two outputs on a small image: every pixel of a 2x2 window "
                                   "should count equally.")
    return report(True, name)


def check_upsample_matrix(upsample_matrix):
    """Notebook 04, exercise 2: the matrix ``U`` of Keras's bilinear up-sampling of one row.

    ``upsample_matrix(n, factor)`` must return an ``(n * factor, n)`` array with
    ``U @ row`` equal to ``UpSampling2D(factor, interpolation="bilinear")`` of the row.
    Checked for several ``n`` and ``factor``, and on a 2-D image as ``U @ X @ U.T``.

    Example:
        >>> check_upsample_matrix(lambda n, factor: None)
        Exercise 2 (the up-sampling matrix): not answered yet (upsample_matrix(n, factor) still returns None).
    """
    name = "Exercise 2 (the up-sampling matrix)"
    if not callable(upsample_matrix):
        return _not_answered(name, "define upsample_matrix(n, factor)")
    rng = np.random.default_rng(6)
    for n, factor in ((2, 2), (3, 2), (5, 3), (4, 4)):
        matrix, error = _call(upsample_matrix, n, factor)
        if error:
            return report(False, name, error)
        if matrix is None:
            return _not_answered(name, "upsample_matrix(n, factor) still returns None")
        matrix = np.asarray(matrix, np.float64)
        if matrix.shape != (n * factor, n):
            return report(False, name, f"upsample_matrix({n}, {factor}) has shape {matrix.shape}: it should map "
                                       f"{n} input pixels to {n * factor} output pixels, one row per output pixel.")
        image = rng.normal(size=(n, n))
        expected = _keras_bilinear(image, factor)
        if np.allclose(matrix @ image @ matrix.T, expected, atol=1e-5):
            continue
        if not np.allclose(matrix.sum(axis=1), 1.0, atol=1e-6):
            return report(False, name, "each output pixel is a weighted average of input pixels, so every row "
                                       "should add up to 1; some of yours do not.")
        aligned = np.linspace(0, n - 1, n * factor)
        if np.allclose(matrix @ np.arange(n, dtype=np.float64), aligned, atol=1e-6):
            return report(False, name, "your rows sample the input with the corners aligned; Keras places "
                                       "output pixels at half-pixel centres (bilinear_source_positions).")
        positions = matrix @ np.arange(n, dtype=np.float64)  # where each row samples, for a valid blend
        first_wrong = int(np.argmax(np.abs(matrix @ image @ matrix.T - expected).max(axis=1) > 1e-5))
        return report(False, name, f"with n={n}, factor={factor}, output row {first_wrong} samples input position "
                                   f"{positions[first_wrong]:.3g}; compare it with bilinear_source_positions"
                                   f"({n * factor}, {n})[{first_wrong}], and mind the clamping at the ends.")
    return report(True, name)


# --------------------------------------------------------------------------- 05 transposed convolutions


def check_bilinear_kernel(bilinear_kernel, factors=(2, 4, 6)):
    """Notebook 05, exercise 1: the 1-D kernel that makes a transposed convolution bilinear.

    ``bilinear_kernel(factor)`` must return ``2 * factor`` taps ``k`` such that a
    transposed convolution with the kernel ``np.outer(k, k)``, stride ``factor`` and
    ``padding="same"`` equals ``UpSampling2D(factor, interpolation="bilinear")`` away
    from the edges (the outer ``factor`` pixels, where Keras clamps). Checked for even
    factors.

    Example:
        >>> check_bilinear_kernel(lambda factor: None)
        Exercise 1 (a bilinear kernel): not answered yet (bilinear_kernel(factor) still returns None).
    """
    from dcgan_keras.course.transposed import conv2d_transpose_naive, phase_sums

    name = "Exercise 1 (a bilinear kernel)"
    if not callable(bilinear_kernel):
        return _not_answered(name, "define bilinear_kernel(factor)")
    rng = np.random.default_rng(7)
    for factor in factors:
        taps, error = _call(bilinear_kernel, factor)
        if error:
            return report(False, name, error)
        if taps is None:
            return _not_answered(name, "bilinear_kernel(factor) still returns None")
        taps = np.asarray(taps, np.float64)
        if taps.shape != (2 * factor,):
            return report(False, name, f"bilinear_kernel({factor}) has shape {taps.shape}; return a 1-D array of "
                                       f"2 * factor = {2 * factor} taps.")
        image = rng.normal(size=(6, 6))
        inner = slice(factor, -factor)
        ours = conv2d_transpose_naive(image, np.outer(taps, taps), factor, "same")[inner, inner]
        if np.allclose(ours, _keras_bilinear(image, factor)[inner, inner], atol=1e-5):
            continue
        sums = phase_sums(np.outer(taps, taps), factor)
        if not np.allclose(sums, 1.0, atol=1e-6):
            return report(False, name, f"with factor {factor} a constant input does not come out unchanged: the "
                                       f"phase sums of np.outer(k, k) run from {sums.min():.3g} to {sums.max():.3g}, "
                                       "and interpolation needs them all equal to 1.")
        return report(False, name, f"with factor {factor} the output is flat for a constant input but differs from "
                                   "Keras elsewhere. Up-sample a single bright pixel (a one-hot image) with "
                                   "UpSampling2D and compare its response away from the edges with your kernel.")
    return report(True, name)


def check_flat_kernel(kernel, stride=2):
    """Notebook 05, exercise 2: a 3x3 kernel whose stride-2 transposed convolution of a constant is flat.

    The interior of the output (away from the edges) must be constant and not zero, and the kernel must not
    be the aligned-corners bilinear kernel (or a multiple of it), which the notebook shows.

    Example:
        >>> check_flat_kernel(None)
        Exercise 2 (a kernel without a checkerboard): not answered yet (replace None by a 3x3 array).
    """
    from dcgan_keras.course.transposed import conv2d_transpose_naive, phase_sums

    name = "Exercise 2 (a kernel without a checkerboard)"
    if kernel is None:
        return _not_answered(name, "replace None by a 3x3 array")
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.shape != (3, 3):
        return report(False, name, f"the kernel must be 3x3, got shape {kernel.shape}.")
    output = conv2d_transpose_naive(np.ones((6, 6)), kernel, stride)
    inner = output[2 * stride:-2 * stride, 2 * stride:-2 * stride]
    if np.allclose(inner, 0):
        return report(False, name, "an all-zero output is flat but useless; make the taps add up to something.")
    flat = np.ptp(inner) <= 1e-6 * np.abs(inner).max()
    sums = np.round(phase_sums(kernel, stride), 4).tolist()
    if not flat:
        return report(False, name, f"the phase sums of your kernel are {sums}; a constant input paints exactly "
                                   "these four values, so change the taps until all four are equal.")
    corners = np.outer([1.0, 2.0, 1.0], [1.0, 2.0, 1.0])  # the aligned-corners bilinear kernel, up to a factor
    if np.allclose(kernel, corners * kernel[1, 1] / corners[1, 1]):
        return report(False, name, "that is the aligned-corners bilinear kernel (or a multiple of it), which the "
                                   "lesson already showed; find another: which taps land in each of the four "
                                   "phases of the output?")
    return report(True, name)
