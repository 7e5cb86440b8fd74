"""Exercise checks for notebooks 01-03 (activations, batch normalisation, convolution arithmetic).

Each ``check_*`` takes the reader's ``answer`` (``None`` while the exercise is
open) and returns a :class:`~dcgan_keras.course.checks.core.CheckResult` that shows as a
single line: a pass, or a hint. A check never raises on a wrong answer.
"""

import numpy as np

from dcgan_keras.course.checks.core import report

__all__ = [
    # 01 activations
    "check_leaky_relu_derivative",
    "check_dead_fraction",
    "check_sigmoid_gradient_bound",
    # 02 batch normalisation
    "check_keras_momentum",
    "check_batch_norm_output",
    "check_moving_mean",
    # 03 convolution
    "check_output_sizes",
    "check_horizontal_edge_kernel",
    "check_same_padding",
]


def _number(answer):
    """``answer`` as a float, or None when it is not one number."""
    if isinstance(answer, bool):
        return None
    try:
        value = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return None
    return float(value) if value.shape == () and np.isfinite(value) else None


def _array(answer):
    """``answer`` as a float array, or None when it cannot be one."""
    if answer is None or isinstance(answer, bool):
        return None
    try:
        return np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return None


def _placeholder(name, hint):
    return report(False, name, f"replace None with your answer; {hint}")


# --------------------------------------------------------------------------- 01 activations


def check_leaky_relu_derivative(answer):
    """Exercise 01.1: ``answer(z, negative_slope)`` returns LeakyReLU's derivative element-wise."""
    name = "Exercise 1 (LeakyReLU derivative)"
    hint = "return 1 where z > 0 and negative_slope elsewhere, e.g. with np.where(z > 0, 1.0, negative_slope)"
    if answer is None:
        return _placeholder(name, "define a function of (z, negative_slope)")
    if not callable(answer):
        return report(False, name, f"the answer must be a function of (z, negative_slope); {hint}")
    from dcgan_keras.course.activations import leaky_relu_derivative

    z = np.array([-4.0, -1.5, -0.25, 0.25, 1.5, 4.0])
    for slope in (0.2, 0.3, 0.01):
        try:
            got = np.broadcast_to(np.asarray(answer(z, slope), dtype=float), z.shape)
        except Exception as exc:  # the reader's function may fail in any way
            return report(False, name, f"your function raised {type(exc).__name__}: {exc}")
        if not np.allclose(got, leaky_relu_derivative(z, slope)):
            return report(False, name, f"with negative_slope={slope} it gave {np.round(got, 3).tolist()} at "
                                       f"z={z.tolist()}; {hint}")
    return report(True, name)


def check_dead_fraction(answer, outputs):
    """Exercise 01.2: the fraction of units in ``outputs`` (inputs x units) that are zero for every input."""
    name = "Exercise 2 (dead units)"
    if answer is None:
        return _placeholder(name, "count the columns of the outputs that are zero in every row")
    from dcgan_keras.course.activations import dead_unit_fraction

    value = _number(answer)
    expected = dead_unit_fraction(outputs)
    if value is None:
        return report(False, name, "the answer must be one number between 0 and 1")
    if value > 1 and abs(value / 100 - expected) < 1e-6:
        return report(False, name, "give a fraction between 0 and 1, not a percentage")
    if abs(value - expected) > 1e-6:
        return report(False, name, "a unit is dead when its output is 0 for every input: "
                                   "np.mean(np.all(outputs == 0, axis=0)) looks down each column")
    return report(True, name)


def check_sigmoid_gradient_bound(answer, depth=10):
    """Exercise 01.3: the largest factor ``depth`` sigmoid derivatives can multiply a gradient by."""
    name = "Exercise 3 (sigmoid gradient bound)"
    if answer is None:
        return _placeholder(name, "the sigmoid's derivative is at most 0.25")
    value = _number(answer)
    expected = 0.25 ** depth
    if value is None:
        return report(False, name, "the answer must be one number")
    if abs(value - expected) > 1e-6 * expected:
        return report(False, name, f"the derivative peaks at 0.25 (at z = 0), and the chain rule multiplies "
                                   f"one such factor per layer: {depth} layers")
    return report(True, name)


# --------------------------------------------------------------------------- 02 batch normalisation


def check_keras_momentum(answer, pytorch_momentum=0.05):
    """Exercise 02.1: the Keras momentum equal to PyTorch's ``pytorch_momentum``."""
    name = "Exercise 1 (momentum conversion)"
    if answer is None:
        return _placeholder(name, "PyTorch weights the new batch by its momentum, Keras the old estimate")
    value = _number(answer)
    if value is None:
        return report(False, name, "the answer must be one number")
    if abs(value - (1.0 - pytorch_momentum)) > 1e-9:
        return report(False, name, f"PyTorch's momentum {pytorch_momentum} is the weight of the new batch; "
                                   "Keras's momentum is the weight of the old estimate")
    return report(True, name)


def check_batch_norm_output(answer, x, gamma=1.0, beta=0.0, epsilon=1e-3):
    """Exercise 02.2: training-mode batch norm of ``x`` with ``gamma``, ``beta`` and ``epsilon``."""
    name = "Exercise 2 (batch norm by hand)"
    if answer is None:
        return _placeholder(name, "subtract each column's mean, divide by sqrt(variance + epsilon), "
                                  "then scale by gamma and add beta")
    from dcgan_keras.course.normalization import batch_norm_forward

    expected = batch_norm_forward(x, gamma, beta, epsilon)[0]
    value = _array(answer)
    if value is None or value.shape != expected.shape:
        shape = None if value is None else value.shape
        return report(False, name, f"the answer must be an array of shape {expected.shape}, got {shape}")
    if np.allclose(value, expected, atol=1e-4):
        return report(True, name)
    if np.allclose(value, _unbiased(x, gamma, beta, epsilon), atol=1e-4):
        return report(False, name, "use the biased variance (divide by n, np.var's default), as Keras does")
    return report(False, name, "take the mean and variance of each column (axis=0), and do not forget "
                               "epsilon, gamma and beta")


def _unbiased(x, gamma, beta, epsilon):
    x = np.asarray(x, dtype=float)
    variance = x.var(axis=0, ddof=1) if len(x) > 1 else x.var(axis=0)
    return np.asarray(gamma) * (x - x.mean(axis=0)) / np.sqrt(variance + epsilon) + np.asarray(beta)


def check_moving_mean(answer, batch_means, momentum, initial=0.0):
    """Exercise 02.3: the moving mean after training calls whose batch means are ``batch_means``."""
    name = "Exercise 3 (moving mean)"
    if answer is None:
        return _placeholder(name, "apply moving = moving * momentum + batch_mean * (1 - momentum) once per call")
    expected = float(initial)
    for batch_mean in batch_means:
        expected = expected * momentum + batch_mean * (1.0 - momentum)
    value = _number(answer)
    if value is None:
        return report(False, name, "the answer must be one number")
    if abs(value - expected) > 1e-6 * max(1.0, abs(expected)):
        return report(False, name, f"start from {initial} and apply moving * {momentum} + batch_mean * "
                                   f"(1 - {momentum}) for each of the {len(batch_means)} batches")
    return report(True, name)


# --------------------------------------------------------------------------- 03 convolution


def check_output_sizes(answer, input_size=28, kernel_size=5, stride=2):
    """Exercise 03.1: ``(same, valid)`` output sizes of one convolution axis."""
    name = "Exercise 1 (output sizes)"
    if answer is None:
        return _placeholder(name, "give a pair (size with 'same', size with 'valid')")
    from dcgan_keras.course.conv_arithmetic import conv_output_size

    same = conv_output_size(input_size, kernel_size, stride, "same")
    valid = conv_output_size(input_size, kernel_size, stride, "valid")
    value = _array(answer)
    if value is None or value.shape != (2,):
        return report(False, name, "the answer must be a pair (size with 'same', size with 'valid')")
    if tuple(value) == (valid, same):
        return report(False, name, "the order is (same, valid)")
    hints = []
    if value[0] != same:
        hints.append("'same' gives ceil(n / s) outputs")
    if value[1] != valid:
        hints.append("'valid' gives floor((n - k) / s) + 1 outputs")
    if hints:
        return report(False, name, "; ".join(hints))
    return report(True, name)


def check_horizontal_edge_kernel(answer):
    """Exercise 03.2: a 3x3 kernel that answers horizontal edges, and not flat areas or vertical edges."""
    name = "Exercise 2 (horizontal edge kernel)"
    if answer is None:
        return _placeholder(name, "the vertical edge kernel has columns 1, 0, -1; turn it on its side")
    from dcgan_keras.course.conv_arithmetic import conv2d_naive

    kernel = _array(answer)
    if kernel is None or kernel.shape != (3, 3):
        return report(False, name, "the answer must be a 3x3 array")
    flat = np.full((6, 6), 100.0)
    vertical = np.zeros((6, 6))
    vertical[:, 3:] = 100.0
    horizontal = vertical.T
    if np.abs(conv2d_naive(flat, kernel)).max() > 1e-6:
        return report(False, name, "on a flat area the response must be 0: make the weights sum to 0")
    if np.abs(conv2d_naive(vertical, kernel)).max() > 1e-6:
        return report(False, name, "it responds to vertical edges too: make every row of the kernel the same")
    if np.abs(conv2d_naive(horizontal, kernel)).max() < 1e-6:
        return report(False, name, "it does not respond to a horizontal edge: the rows must differ, "
                                   "e.g. 1s on top and -1s at the bottom")
    return report(True, name)


def check_same_padding(answer, input_size=28, kernel_size=5, stride=2):
    """Exercise 03.3: the zeros ``(before, after)`` that Keras's ``padding="same"`` adds on one axis."""
    name = "Exercise 3 (same padding)"
    if answer is None:
        return _placeholder(name, "give a pair (zeros before, zeros after)")
    from dcgan_keras.course.conv_arithmetic import same_padding

    expected = same_padding(input_size, kernel_size, stride)
    value = _array(answer)
    if value is None or value.shape != (2,):
        return report(False, name, "the answer must be a pair (zeros before, zeros after)")
    if tuple(value) == expected:
        return report(True, name)
    if tuple(value) == expected[::-1]:
        return report(False, name, "Keras puts the odd extra zero after (bottom or right), not before")
    return report(False, name, "the total is max((ceil(n / s) - 1) * s + k - n, 0); split it in half, "
                               "with the extra zero after")
