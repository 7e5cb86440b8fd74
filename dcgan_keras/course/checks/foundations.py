"""Exercise checks for notebooks 01-03 (activations, batch normalisation, convolution arithmetic; long because
three notebooks' checks each need their own hints).

Each ``check_*`` takes the reader's ``answer`` (``None`` while the exercise is
open) and returns a :class:`~dcgan_keras.course.checks.core.CheckResult` that shows as a
single line: "not answered yet", a pass, or a hint that points the way without giving the
answer. A check never raises on a wrong answer, and never prints the solution.
"""

import numpy as np

from dcgan_keras.course.checks.core import CheckResult, as_number, never_raises, not_answered, report

__all__ = [
    # 01 activations
    "check_leaky_relu_derivative",
    "check_dead_fraction",
    "check_sigmoid_gradient_bound",
    "check_saturating_bias",
    # 02 batch normalisation
    "check_keras_momentum",
    "check_batch_norm_output",
    "check_moving_mean",
    "check_batch_norm_folding",
    "check_momentum_memory",
    # 03 convolution
    "check_output_sizes",
    "check_diagonal_edge_kernel",
    "check_same_padding",
    "check_full_coverage_stride",
]


def _array(answer):
    """``answer`` as a float array, or None when it cannot be one."""
    if answer is None or isinstance(answer, bool):
        return None
    try:
        return np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return None


def _placeholder(name, hint=""):
    """The result for an exercise whose stub is untouched (``hint`` says what to fill in)."""
    return CheckResult(False, f"{name}: not answered yet." + (f" ({hint})" if hint else ""))


# --------------------------------------------------------------------------- 01 activations


def _tensorflow_leaky_relu_slope(z, negative_slope):
    """TensorFlow's gradient of ``keras.activations.leaky_relu`` at each point of ``z``."""
    import keras
    import tensorflow as tf

    z = tf.constant(np.asarray(z, dtype=np.float32))
    with tf.GradientTape() as tape:
        tape.watch(z)
        out = keras.activations.leaky_relu(z, negative_slope=negative_slope)
    return np.asarray(tape.gradient(out, z), dtype=float)


def check_leaky_relu_derivative(answer):
    """Exercise 01.1: ``answer(z, negative_slope)`` returns LeakyReLU's derivative element-wise.

    The reader's values are compared with TensorFlow's gradient of ``keras.activations.leaky_relu``
    (at ``z = 0`` too, where the graph has a kink and a framework must pick one value).
    """
    name = "Exercise 1 (LeakyReLU derivative)"
    hint = ("the derivative is the slope of LeakyReLU's graph: look at the plot on each side of 0, "
            "and make the function work on a whole array at once")
    if answer is None:
        return _placeholder(name, "define a function of (z, negative_slope)")
    if not callable(answer):
        return report(False, name, f"the answer must be a function of (z, negative_slope); {hint}")
    z = np.array([-4.0, -1.5, -0.25, 0.0, 0.25, 1.5, 4.0])
    for slope in (0.2, 0.3, 0.01):
        try:
            if answer(z, slope) is None:
                return _placeholder(name, "the function's body is still empty")
            got = np.broadcast_to(np.asarray(answer(z, slope), dtype=float), z.shape)
        except Exception as exc:  # the reader's function may fail in any way
            return report(False, name, f"your function raised {type(exc).__name__}: {exc}")
        expected = _tensorflow_leaky_relu_slope(z, slope)
        wrong = ~np.isclose(got, expected)
        if wrong.any():
            if z[wrong].tolist() == [0.0]:
                return report(False, name, "right everywhere but at z = 0: ask tf.GradientTape which value "
                                           "TensorFlow uses there, as the notebook did for ReLU")
            return report(False, name, f"with negative_slope={slope} it is wrong at z = {z[wrong].tolist()}; {hint}")
    return report(True, name)


def check_dead_fraction(answer, outputs):
    """Exercise 01.2: the fraction of units in ``outputs`` (inputs x units) that are zero for every input."""
    name = "Exercise 2 (dead units)"
    if answer is None:
        return _placeholder(name, "count the columns of the outputs that are zero in every row")
    from dcgan_keras.course.activations import dead_unit_fraction

    value = as_number(answer)
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
    value = as_number(answer)
    expected = 0.25 ** depth
    if value is None:
        return report(False, name, "the answer must be one number")
    if abs(value - expected) > 1e-6 * expected:
        return report(False, name, f"the derivative peaks at 0.25 (at z = 0), and the chain rule multiplies "
                                   f"one such factor per layer: {depth} layers")
    return report(True, name)


def check_saturating_bias(answer, depth=10, batch_size=64, ratio=1e-3):
    """Exercise 01.2: the smallest bias spread, to one decimal, that makes tanh's gradient vanish.

    Runs the experiment :func:`~dcgan_keras.course.activations.layer_gradient_norms` for tanh in a
    Glorot-initialised stack with ``bias_stddev=answer`` and with ``answer - 0.1``: the first layer
    must get less than ``ratio`` times the last layer's gradient norm with the answer, and not with
    the value just below it.
    """
    name = "Exercise 2 (saturate tanh)"
    if answer is None:
        return _placeholder(name, "set answer to a bias standard deviation")
    value = as_number(answer)
    if value is None or value < 0:
        return report(False, name, "the answer must be one number >= 0, a standard deviation")
    if abs(value * 10 - round(value * 10)) > 1e-6:
        return report(False, name, "give the standard deviation to one decimal (1.0, 1.1, 1.2, ...)")
    from dcgan_keras.course.activations import layer_gradient_norms

    def first_over_last(bias_stddev):
        norms = layer_gradient_norms("tanh", depth=depth, batch_size=batch_size, bias_stddev=bias_stddev)
        return norms[0] / norms[-1]

    measured = first_over_last(value)
    if measured >= ratio:
        return report(False, name, f"with bias_stddev={value:g} the first layer still gets {measured:.1e} of the "
                                   f"last layer's gradient (the goal is under {ratio:g}); which biases push "
                                   "z into tanh's flat tails?")
    below = round(value - 0.1, 1)
    if below >= 0 and first_over_last(below) < ratio:
        return report(False, name, f"{value:g} saturates tanh, but so does {below:g}: look for the smallest value")
    return report(True, name)


# --------------------------------------------------------------------------- 02 batch normalisation


def check_keras_momentum(answer, pytorch_momentum=0.05):
    """Exercise 02.1: the Keras momentum equal to PyTorch's ``pytorch_momentum``."""
    name = "Exercise 1 (momentum conversion)"
    if answer is None:
        return _placeholder(name, "PyTorch weights the new batch by its momentum, Keras the old estimate")
    value = as_number(answer)
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
    value = as_number(answer)
    if value is None:
        return report(False, name, "the answer must be one number")
    if abs(value - expected) > 1e-6 * max(1.0, abs(expected)):
        return report(False, name, f"start from {initial} and apply moving * {momentum} + batch_mean * "
                                   f"(1 - {momentum}) for each of the {len(batch_means)} batches")
    return report(True, name)


def _dense_then_batch_norm(seed):
    """A small Keras ``Dense`` + ``BatchNormalization`` model with random weights and moving statistics."""
    import keras

    rng = np.random.default_rng(seed)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3), keras.layers.BatchNormalization()])
    kernel, bias = rng.normal(0, 1, (5, 3)), rng.normal(0, 1, 3)
    gamma, beta = rng.uniform(0.5, 2.0, 3), rng.normal(0, 1, 3)
    mean, variance = rng.normal(0, 2, 3), np.array([4.0, 9.0, 2e-3])  # only the last is close to epsilon
    model.set_weights([w.astype("float32") for w in (kernel, bias, gamma, beta, mean, variance)])
    return model, (kernel, bias, gamma, beta, mean, variance)


@never_raises("Exercise 1 (fold BatchNorm into Dense)")
def check_batch_norm_folding(answer):
    """Exercise 02.1: ``answer(kernel, bias, gamma, beta, moving_mean, moving_variance, epsilon)`` folds
    an inference-mode BatchNorm into the ``Dense`` layer before it; returns ``(kernel, bias)``.

    The reader's weights are compared with what Keras computes: a ``Dense`` + ``BatchNormalization``
    model called with ``training=False`` on random inputs.
    """
    name = "Exercise 1 (fold BatchNorm into Dense)"
    if not callable(answer):
        return report(False, name, "the answer must be a function of (kernel, bias, gamma, beta, moving_mean, "
                                   "moving_variance, epsilon)")
    for seed in (0, 1):
        model, weights = _dense_then_batch_norm(seed)
        epsilon = model.layers[1].epsilon
        folded = answer(*weights, epsilon)
        if folded is None:
            return not_answered(name, "the function's body is still empty")
        if not isinstance(folded, (tuple, list)) or len(folded) != 2:
            return report(False, name, "return a pair (new_kernel, new_bias)")
        kernel, bias = (np.asarray(part, dtype=float) for part in folded)
        if kernel.shape != (5, 3) or bias.shape != (3,):
            return report(False, name, f"the new kernel must keep the shape (5, 3) and the bias (3,), got "
                                       f"{kernel.shape} and {bias.shape}")
        x = np.random.default_rng(10 + seed).normal(0, 1, (8, 5)).astype("float32")
        expected = np.asarray(model(x, training=False), dtype=float)
        got = x @ kernel + bias
        if np.allclose(got, expected, rtol=1e-3, atol=1e-3):
            continue
        wrong = [j for j in range(3) if not np.allclose(got[:, j], expected[:, j], rtol=1e-3, atol=1e-3)]
        if wrong == [2]:
            return report(False, name, "right for every feature but the one whose moving variance is close to "
                                       "epsilon: look at the denominator")
        if np.allclose(got - got.mean(axis=0), expected - expected.mean(axis=0), rtol=1e-3, atol=1e-3):
            return report(False, name, "the kernel is right, the bias is not: write out what happens to the "
                                       "Dense layer's bias and to the moving mean, then to beta")
        return report(False, name, "in inference mode BatchNorm scales each feature by one number and shifts it "
                                   "by another; a scale of an output feature scales one column of the kernel")
    return report(True, name)


def check_momentum_memory(answer, momentum=0.99, threshold=0.01):
    """Exercise 02: the fewest updates after which the starting value weighs less than ``threshold``."""
    name = "Exercise 2 (momentum's memory)"
    if answer is None:
        return _placeholder(name, "set answer to a number of updates")
    value = as_number(answer)
    if value is None or value < 0 or value != int(value):
        return report(False, name, "the answer must be a whole number of updates")
    from dcgan_keras.course.normalization import update_moving_average

    weight, steps = 1.0, 0  # the start's weight: a moving average of batch values that are all 0
    while weight >= threshold:
        weight = update_moving_average(weight, 0.0, momentum)
        steps += 1
    if value == steps:
        return report(True, name)
    start_weight = momentum ** int(value)
    if value < steps:
        return report(False, name, f"after {int(value)} updates the start still weighs {start_weight:.4f}, "
                                   f"not yet under {threshold}")
    return report(False, name, f"after {int(value)} updates the start weighs {start_weight:.4f}, under {threshold}, "
                               "but it got there earlier: find the first update where it drops below")


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


def _diagonal_edges(size=8, level=100.0):
    """Three test images: flat, an edge running up to the right (/), an edge running down to the right (\\)."""
    rows, cols = np.indices((size, size))
    flat = np.full((size, size), level)
    rising = np.where(rows + cols >= size, level, 0.0)  # the boundary is a line i + j = const: /
    falling = np.where(rows >= cols, level, 0.0)        # the boundary is a line i - j = const: \\
    return flat, rising, falling


@never_raises("Exercise 1 (diagonal edge kernel)")
def check_diagonal_edge_kernel(answer):
    """Exercise 03.1: a 3x3 kernel that answers edges running from top left to bottom right, and not flat
    areas or edges running from bottom left to top right.

    The reader's kernel is run with ``conv2d_naive`` on three 8x8 images: flat, a step whose boundary
    rises to the right (/), and a step whose boundary falls to the right (\\).
    """
    name = "Exercise 1 (diagonal edge kernel)"
    if answer is None:
        return not_answered(name, "set answer to a 3x3 array")
    from dcgan_keras.course.conv_arithmetic import conv2d_naive

    kernel = _array(answer)
    if kernel is None or kernel.shape != (3, 3):
        return report(False, name, "the answer must be a 3x3 array of numbers")
    flat, rising, falling = _diagonal_edges()
    if np.abs(conv2d_naive(flat, kernel)).max() > 1e-6:
        return report(False, name, "on a flat area the response must be 0: make the weights sum to 0")
    if np.abs(conv2d_naive(rising, kernel)).max() > 1e-6:
        return report(False, name, "it answers edges that rise to the right (/) too. Along such an edge the "
                                   "brightness is the same on every / line, so the weights on each / line of "
                                   "the kernel must cancel")
    if np.abs(conv2d_naive(falling, kernel)).max() < 1e-6:
        return report(False, name, "it does not answer an edge that falls to the right (\\): the two sides of "
                                   "such an edge lie at the top right and the bottom left of the kernel")
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


def check_full_coverage_stride(answer, input_size=28, kernel_size=3, padding="same"):
    """Exercise 03: the largest stride at which the convolution still visits every input pixel."""
    name = "Exercise 2 (largest stride that sees every pixel)"
    if answer is None:
        return _placeholder(name, "set answer to a stride")
    value = as_number(answer)
    if value is None or value < 1 or value != int(value):
        return report(False, name, "the answer must be a whole number >= 1, a stride")
    from dcgan_keras.course.conv_arithmetic import visit_counts

    stride = int(value)
    unseen = int(np.sum(visit_counts(input_size, kernel_size, stride, padding) == 0))
    if unseen:
        return report(False, name, f"with stride {stride}, visit_counts leaves {unseen} pixels never visited")
    if not np.any(visit_counts(input_size, kernel_size, stride + 1, padding) == 0):
        return report(False, name, f"stride {stride} visits every pixel, but so does a larger one")
    return report(True, name)
