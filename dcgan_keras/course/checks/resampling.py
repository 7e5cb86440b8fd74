"""Exercise checks of notebooks 04 (pooling and up-sampling) and 05 (transposed convolutions)."""

import numpy as np

from dcgan_keras.course.checks.core import report

__all__ = [
    "check_pool_output_size",
    "check_min_pool",
    "check_bilinear_value",
    "check_transposed_output_size",
    "check_transpose_via_matrix",
    "check_flat_kernel",
]


def _number(answer):
    """``answer`` as a float, or None when it is not a single number."""
    if isinstance(answer, bool):
        return None
    try:
        return float(np.asarray(answer).item())
    except (TypeError, ValueError):
        return None


def check_pool_output_size(answer):
    """Notebook 04, exercise 1: the side of ``MaxPooling2D(3, strides=2)`` on a 28x28 image (13).

    Example:
        >>> bool(check_pool_output_size(13))
        True
    """
    name = "Exercise 1 (pooled size)"
    value = _number(answer)
    if value is None:
        return report(False, name, "set `answer` to one whole number: the output side length.")
    if value == 14:
        return report(False, name, "14 is ceil(28 / 2), the 'same' size. With 'valid' the last window must fit "
                                   "inside the image: floor((28 - 3) / 2) + 1.")
    return report(value == 13, name, "count the windows whose 3 pixels fit inside 28 when they start every "
                                     "2 pixels: floor((n - pool) / stride) + 1.")


def check_min_pool(min_pool):
    """Notebook 04, exercise 2: ``min_pool(images)`` built from ``MaxPooling2D`` alone.

    ``min_pool`` takes a batch ``(n, h, w, c)`` and returns its 2x2 min-pooled version.

    Example:
        >>> import keras
        >>> bool(check_min_pool(lambda x: -keras.layers.MaxPooling2D(2)(-x)))  # doctest: +SKIP
        True
    """
    from dcgan_keras.course.pooling import pool2d_naive

    name = "Exercise 2 (min pooling)"
    if not callable(min_pool):
        return report(False, name, "define `min_pool` as a function of a batch of images (n, h, w, c).")
    rng = np.random.default_rng(4)
    images = rng.normal(size=(2, 6, 8, 3)).astype("float32")
    try:
        result = np.asarray(min_pool(images), dtype=np.float64)
    except Exception as exc:  # the reader's code may fail in any way; report it as a hint
        return report(False, name, f"calling min_pool raised {type(exc).__name__}: {exc}")
    expected = np.stack([pool2d_naive(image, 2, mode="min") for image in images])
    if result.shape != expected.shape:
        return report(False, name, f"expected shape {expected.shape}, got {result.shape}; pool 2x2 with stride 2.")
    if np.allclose(result, -expected, atol=1e-5):
        return report(False, name, "the sign is flipped: negate the result of the max pooling again.")
    return report(np.allclose(result, expected, atol=1e-5), name,
                  "the minimum of x is minus the maximum of -x: negate, max-pool, negate.")


def check_bilinear_value(answer):
    """Notebook 04, exercise 3: pixel (0, 1) of ``[[0, 4], [8, 12]]`` up-sampled 2x bilinearly (1.0).

    Example:
        >>> bool(check_bilinear_value(1.0))
        True
    """
    name = "Exercise 3 (bilinear pixel)"
    value = _number(answer)
    if value is None:
        return report(False, name, "set `answer` to one number.")
    if abs(value - 4 / 3) < 1e-3:
        return report(False, name, "4/3 is what 'align corners' resizing gives. Keras uses half-pixel centres: "
                                   "output column 1 samples input column (1 + 0.5) / 2 - 0.5 = 0.25.")
    return report(abs(value - 1.0) < 1e-6, name,
                  "row 0 samples input row -0.25, clamped to 0; column 1 samples input column 0.25, "
                  "a quarter of the way from 0 to 4.")


def check_transposed_output_size(answer):
    """Notebook 05, exercise 1: the side of ``Conv2DTranspose(kernel_size=5, strides=2)`` on 7x7 (17).

    Example:
        >>> bool(check_transposed_output_size(17))
        True
    """
    name = "Exercise 1 (transposed size)"
    value = _number(answer)
    if value is None:
        return report(False, name, "set `answer` to one whole number: the output side length.")
    if value == 14:
        return report(False, name, "14 is the 'same' size (7 * 2). With 'valid' nothing is cropped: "
                                   "(7 - 1) * 2 + 5.")
    return report(value == 17, name, "the last of 7 stamps starts at (7 - 1) * stride and is kernel_size long.")


def check_transpose_via_matrix(answer, y, kernel, stride):
    """Notebook 05, exercise 2: a transposed convolution computed as ``C.T @ y``.

    Args:
        answer: the reader's output image (2-D).
        y, kernel, stride: the exercise's input, kernel and stride.

    Example:
        >>> y, k = np.ones((2, 2)), np.ones((3, 3))
        >>> from dcgan_keras.course.transposed import conv2d_transpose_naive
        >>> bool(check_transpose_via_matrix(conv2d_transpose_naive(y, k, 2), y, k, 2))
        True
    """
    from dcgan_keras.course.transposed import conv2d_transpose_naive

    name = "Exercise 2 (transpose through the matrix)"
    expected = conv2d_transpose_naive(y, kernel, stride)
    if answer is None:
        return report(False, name, "build C = conv_matrix((side, side), kernel, stride) for the convolution that "
                                   "maps the output size back to y's size, then reshape C.T @ y.ravel().")
    answer = np.asarray(answer, dtype=np.float64)
    if answer.size == expected.size and answer.shape != expected.shape:
        return report(False, name, f"right number of values; reshape it to {expected.shape}.")
    if answer.shape != expected.shape:
        return report(False, name, f"expected an image of shape {expected.shape}, got {answer.shape}; the "
                                   "convolution's input side is (n - 1) * stride + kernel_size.")
    return report(np.allclose(answer, expected, atol=1e-6), name,
                  "use C.T (the transpose), not C, and the same stride as the exercise.")


def check_flat_kernel(kernel, stride=2):
    """Notebook 05, exercise 3: a 3x3 kernel whose stride-2 transposed convolution of a constant is flat.

    The interior of the output (away from the edges) must be constant and not zero.

    Example:
        >>> k = np.outer([0.5, 1, 0.5], [0.5, 1, 0.5])
        >>> bool(check_flat_kernel(k))
        True
    """
    from dcgan_keras.course.transposed import conv2d_transpose_naive

    name = "Exercise 3 (a kernel without a checkerboard)"
    if kernel is None:
        return report(False, name, "replace None by a 3x3 array.")
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.shape != (3, 3):
        return report(False, name, f"the kernel must be 3x3, got shape {kernel.shape}.")
    output = conv2d_transpose_naive(np.ones((6, 6)), kernel, stride)
    inner = output[2 * stride:-2 * stride, 2 * stride:-2 * stride]
    if np.allclose(inner, 0):
        return report(False, name, "an all-zero output is flat but useless; make the taps sum to something.")
    flat = np.ptp(inner) <= 1e-6 * np.abs(inner).max()
    return report(flat, name, "with stride 2, even output pixels get taps 0 and 2 of the kernel, odd ones tap 1; "
                              "make tap 1 equal to the sum of taps 0 and 2, along rows and along columns.")
