"""Every exercise check of notebooks 01-03 passes a right answer and fails wrong ones and the placeholder."""

import numpy as np

from dcgan_keras.course.checks import CheckResult
from dcgan_keras.course.checks.foundations import (
    check_batch_norm_output,
    check_dead_fraction,
    check_horizontal_edge_kernel,
    check_keras_momentum,
    check_leaky_relu_derivative,
    check_moving_mean,
    check_output_sizes,
    check_same_padding,
    check_sigmoid_gradient_bound,
)


def passes(result):
    assert isinstance(result, CheckResult)
    assert result.passed and "correct" in repr(result), repr(result)


def fails(result, hint=""):
    assert isinstance(result, CheckResult)
    assert not result.passed and "Hint" in repr(result), repr(result)
    assert hint in repr(result), repr(result)


def test_check_leaky_relu_derivative():
    passes(check_leaky_relu_derivative(lambda z, a: np.where(z > 0, 1.0, a)))
    fails(check_leaky_relu_derivative(None), "replace None")
    fails(check_leaky_relu_derivative(lambda z, a: np.where(z > 0, 1.0, 0.2)), "negative_slope=0.3")
    fails(check_leaky_relu_derivative(lambda z, a: np.where(z > 0, z, a * z)))  # the function, not its slope
    fails(check_leaky_relu_derivative(lambda z, a: 1 / 0), "ZeroDivisionError")
    fails(check_leaky_relu_derivative(0.2), "function")


def test_check_dead_fraction():
    outputs = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 2.0, 0.5, 0.0]])
    passes(check_dead_fraction(0.5, outputs))
    passes(check_dead_fraction(np.float32(0.5), outputs))
    fails(check_dead_fraction(None, outputs), "replace None")
    fails(check_dead_fraction(0.75, outputs), "every input")
    fails(check_dead_fraction(50, outputs), "percentage")
    fails(check_dead_fraction("half", outputs), "one number")
    fails(check_dead_fraction([0.5, 0.5], outputs), "one number")


def test_check_sigmoid_gradient_bound():
    passes(check_sigmoid_gradient_bound(0.25 ** 10))
    passes(check_sigmoid_gradient_bound(0.25 ** 4, depth=4))
    fails(check_sigmoid_gradient_bound(None), "replace None")
    fails(check_sigmoid_gradient_bound(0.25), "10 layers")
    fails(check_sigmoid_gradient_bound(0.5 ** 10))
    fails(check_sigmoid_gradient_bound(True), "one number")


def test_check_keras_momentum():
    passes(check_keras_momentum(0.95))
    passes(check_keras_momentum(0.9, pytorch_momentum=0.1))
    fails(check_keras_momentum(None), "replace None")
    fails(check_keras_momentum(0.05), "weight of the old estimate")
    fails(check_keras_momentum("0.95".split()), "one number")


def test_check_batch_norm_output():
    x = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 1.0]])
    gamma, beta = np.array([2.0, 0.5]), np.array([0.0, 1.0])
    mean, var = x.mean(axis=0), x.var(axis=0)
    right = gamma * (x - mean) / np.sqrt(var + 1e-3) + beta
    passes(check_batch_norm_output(right, x, gamma, beta))
    passes(check_batch_norm_output(right.tolist(), x, gamma, beta))
    fails(check_batch_norm_output(None, x, gamma, beta), "replace None")
    unbiased = gamma * (x - mean) / np.sqrt(x.var(axis=0, ddof=1) + 1e-3) + beta
    fails(check_batch_norm_output(unbiased, x, gamma, beta), "biased variance")
    fails(check_batch_norm_output((x - mean) / np.sqrt(var + 1e-3), x, gamma, beta), "gamma and beta")
    fails(check_batch_norm_output(right[:2], x, gamma, beta), "shape")
    fails(check_batch_norm_output("no", x, gamma, beta), "shape")


def test_check_moving_mean():
    passes(check_moving_mean(4 * (1 - 0.9 ** 3), [4, 4, 4], 0.9))
    passes(check_moving_mean(1.0 * 0.5 + 3 * 0.5, [3], 0.5, initial=1.0))
    fails(check_moving_mean(None, [4, 4, 4], 0.9), "replace None")
    fails(check_moving_mean(4.0, [4, 4, 4], 0.9), "3 batches")
    fails(check_moving_mean(4 * 0.9 ** 3, [4, 4, 4], 0.9))
    fails(check_moving_mean(object(), [4], 0.9), "one number")


def test_check_output_sizes():
    passes(check_output_sizes((14, 12)))
    passes(check_output_sizes([14, 12]))
    passes(check_output_sizes((3, 2), input_size=5, kernel_size=3, stride=2))
    fails(check_output_sizes(None), "replace None")
    fails(check_output_sizes((12, 14)), "order")
    fails(check_output_sizes((14, 13)), "'valid'")
    fails(check_output_sizes((28, 12)), "'same'")
    fails(check_output_sizes(14), "pair")


def test_check_horizontal_edge_kernel():
    passes(check_horizontal_edge_kernel(np.array([[1, 1, 1], [0, 0, 0], [-1, -1, -1]])))
    passes(check_horizontal_edge_kernel([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]))  # Sobel
    fails(check_horizontal_edge_kernel(None), "replace None")
    fails(check_horizontal_edge_kernel(np.array([[1, 0, -1]] * 3)), "vertical")
    fails(check_horizontal_edge_kernel(np.ones((3, 3))), "sum to 0")
    fails(check_horizontal_edge_kernel(np.zeros((3, 3))), "does not respond")
    fails(check_horizontal_edge_kernel(np.ones((2, 2))), "3x3")


def test_check_same_padding():
    passes(check_same_padding((1, 2)))
    passes(check_same_padding((1, 1), input_size=5, kernel_size=3, stride=1))
    fails(check_same_padding(None), "replace None")
    fails(check_same_padding((2, 1)), "after")
    fails(check_same_padding((2, 2)), "total")
    fails(check_same_padding(3), "pair")
