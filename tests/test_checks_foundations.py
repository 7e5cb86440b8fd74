"""Every exercise check of notebooks 01-03 passes a right answer, fails wrong ones with a hint that does not
give the answer away, and says "not answered yet" for the untouched placeholder."""

import numpy as np

from dcgan_keras.course.checks import CheckResult
from dcgan_keras.course.checks.foundations import (
    check_batch_norm_folding,
    check_batch_norm_output,
    check_dead_fraction,
    check_diagonal_edge_kernel,
    check_full_coverage_stride,
    check_keras_momentum,
    check_leaky_relu_derivative,
    check_momentum_memory,
    check_moving_mean,
    check_output_sizes,
    check_same_padding,
    check_saturating_bias,
    check_sigmoid_gradient_bound,
)


def passes(result):
    assert isinstance(result, CheckResult)
    assert result.passed and "correct" in repr(result), repr(result)


def unanswered(result):
    assert isinstance(result, CheckResult)
    assert not result.passed and "not answered yet" in repr(result), repr(result)
    assert "Hint" not in repr(result), repr(result)


def fails(result, hint=""):
    assert isinstance(result, CheckResult)
    assert not result.passed and "Hint" in repr(result), repr(result)
    assert hint in repr(result), repr(result)


def test_check_leaky_relu_derivative():
    passes(check_leaky_relu_derivative(lambda z, a: np.where(z > 0, 1.0, a)))
    unanswered(check_leaky_relu_derivative(None))
    fails(check_leaky_relu_derivative(lambda z, a: np.where(z > 0, 1.0, 0.2)), "negative_slope=0.3")
    fails(check_leaky_relu_derivative(lambda z, a: np.where(z > 0, z, a * z)))  # the function, not its slope
    fails(check_leaky_relu_derivative(lambda z, a: np.where(z >= 0, 1.0, a)), "tf.GradientTape")  # z = 0
    fails(check_leaky_relu_derivative(lambda z, a: 1 / 0), "ZeroDivisionError")
    fails(check_leaky_relu_derivative(0.2), "function")
    unanswered(check_leaky_relu_derivative(lambda z, a: None))  # a stub whose body is `...`
    wrong = check_leaky_relu_derivative(lambda z, a: np.where(z > 0, 1.0, 0.0))
    assert "np.where" not in repr(wrong) and "negative_slope)" not in repr(wrong)  # no solution in the hint


def test_check_dead_fraction():
    outputs = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 2.0, 0.5, 0.0]])
    passes(check_dead_fraction(0.5, outputs))
    passes(check_dead_fraction(np.float32(0.5), outputs))
    unanswered(check_dead_fraction(None, outputs))
    fails(check_dead_fraction(0.75, outputs), "every input")
    fails(check_dead_fraction(50, outputs), "percentage")
    fails(check_dead_fraction("half", outputs), "one number")
    fails(check_dead_fraction([0.5, 0.5], outputs), "one number")


def test_check_sigmoid_gradient_bound():
    passes(check_sigmoid_gradient_bound(0.25 ** 10))
    passes(check_sigmoid_gradient_bound(0.25 ** 4, depth=4))
    unanswered(check_sigmoid_gradient_bound(None))
    fails(check_sigmoid_gradient_bound(0.25), "10 layers")
    fails(check_sigmoid_gradient_bound(0.5 ** 10))
    fails(check_sigmoid_gradient_bound(True), "one number")


def test_check_keras_momentum():
    passes(check_keras_momentum(0.95))
    passes(check_keras_momentum(0.9, pytorch_momentum=0.1))
    unanswered(check_keras_momentum(None))
    fails(check_keras_momentum(0.05), "weight of the old estimate")
    fails(check_keras_momentum("0.95".split()), "one number")


def test_check_batch_norm_output():
    x = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 1.0]])
    gamma, beta = np.array([2.0, 0.5]), np.array([0.0, 1.0])
    mean, var = x.mean(axis=0), x.var(axis=0)
    right = gamma * (x - mean) / np.sqrt(var + 1e-3) + beta
    passes(check_batch_norm_output(right, x, gamma, beta))
    passes(check_batch_norm_output(right.tolist(), x, gamma, beta))
    unanswered(check_batch_norm_output(None, x, gamma, beta))
    unbiased = gamma * (x - mean) / np.sqrt(x.var(axis=0, ddof=1) + 1e-3) + beta
    fails(check_batch_norm_output(unbiased, x, gamma, beta), "biased variance")
    fails(check_batch_norm_output((x - mean) / np.sqrt(var + 1e-3), x, gamma, beta), "gamma and beta")
    fails(check_batch_norm_output(right[:2], x, gamma, beta), "shape")
    fails(check_batch_norm_output("no", x, gamma, beta), "shape")


def test_check_moving_mean():
    passes(check_moving_mean(4 * (1 - 0.9 ** 3), [4, 4, 4], 0.9))
    passes(check_moving_mean(1.0 * 0.5 + 3 * 0.5, [3], 0.5, initial=1.0))
    unanswered(check_moving_mean(None, [4, 4, 4], 0.9))
    fails(check_moving_mean(4.0, [4, 4, 4], 0.9), "3 batches")
    fails(check_moving_mean(4 * 0.9 ** 3, [4, 4, 4], 0.9))
    fails(check_moving_mean(object(), [4], 0.9), "one number")


def test_check_output_sizes():
    passes(check_output_sizes((14, 12)))
    passes(check_output_sizes([14, 12]))
    passes(check_output_sizes((3, 2), input_size=5, kernel_size=3, stride=2))
    unanswered(check_output_sizes(None))
    fails(check_output_sizes((12, 14)), "order")
    fails(check_output_sizes((14, 13)), "'valid'")
    fails(check_output_sizes((28, 12)), "'same'")
    fails(check_output_sizes(14), "pair")


def test_check_diagonal_edge_kernel():
    passes(check_diagonal_edge_kernel([[0, 1, 1], [-1, 0, 1], [-1, -1, 0]]))
    passes(check_diagonal_edge_kernel(np.array([[0, 2, 0], [-2, 0, 0], [0, 0, 0]])))
    unanswered(check_diagonal_edge_kernel(None))
    fails(check_diagonal_edge_kernel(np.ones((3, 3))), "sum to 0")
    fails(check_diagonal_edge_kernel([[1, 0, 0], [0, 0, 0], [0, 0, -1]]), "rise to the right")
    fails(check_diagonal_edge_kernel([[1, 1, 1], [0, 0, 0], [-1, -1, -1]]), "rise to the right")
    fails(check_diagonal_edge_kernel(np.zeros((3, 3))), "does not answer")
    fails(check_diagonal_edge_kernel(np.eye(2)), "3x3")
    wrong = check_diagonal_edge_kernel(np.ones((3, 3)))
    assert "[[" not in repr(wrong)  # no kernel in the hint


def test_check_same_padding():
    passes(check_same_padding((1, 2)))
    passes(check_same_padding((1, 1), input_size=5, kernel_size=3, stride=1))
    unanswered(check_same_padding(None))
    fails(check_same_padding((2, 1)), "after")
    fails(check_same_padding((2, 2)), "total")
    fails(check_same_padding(3), "pair")


def test_check_saturating_bias():
    from dcgan_keras.course.activations import layer_gradient_norms

    def saturates(value):
        norms = layer_gradient_norms("tanh", depth=10, batch_size=64, bias_stddev=value)
        return norms[0] / norms[-1] < 1e-3

    smallest = next(v / 10 for v in range(0, 40) if saturates(v / 10))
    passes(check_saturating_bias(smallest))
    unanswered(check_saturating_bias(None))
    fails(check_saturating_bias(0.0), "flat tails")
    fails(check_saturating_bias(3.0), "smallest")
    fails(check_saturating_bias(1.25), "one decimal")
    fails(check_saturating_bias(-1.0), ">= 0")
    fails(check_saturating_bias("big"), "one number")


def test_check_batch_norm_folding():
    def fold(kernel, bias, gamma, beta, mean, variance, epsilon, denominator_epsilon=True, with_beta=True):
        scale = gamma / np.sqrt(variance + (epsilon if denominator_epsilon else 0.0))
        return kernel * scale, (bias - mean) * scale + (beta if with_beta else 0.0)

    passes(check_batch_norm_folding(fold))
    unanswered(check_batch_norm_folding(lambda *weights: None))
    fails(check_batch_norm_folding(lambda *w: fold(*w, denominator_epsilon=False)), "denominator")
    fails(check_batch_norm_folding(lambda *w: fold(*w, with_beta=False)), "the bias is not")
    fails(check_batch_norm_folding(lambda k, b, *rest: (k, b)), "scales each feature")
    fails(check_batch_norm_folding(lambda k, b, *rest: k), "pair")
    fails(check_batch_norm_folding(lambda k, b, *rest: (k.T, b)), "shape")
    fails(check_batch_norm_folding(lambda *w: 1 / 0), "ZeroDivisionError")
    fails(check_batch_norm_folding(3.0), "function")


def test_check_momentum_memory():
    first = next(t for t in range(1, 10_000) if 0.99 ** t < 0.01)
    passes(check_momentum_memory(first))
    passes(check_momentum_memory(first, momentum=0.99, threshold=0.01))
    passes(check_momentum_memory(22, momentum=0.9, threshold=0.1))  # 0.9**21 > 0.1 > 0.9**22
    unanswered(check_momentum_memory(None))
    fails(check_momentum_memory(first - 1), "not yet under")
    fails(check_momentum_memory(first + 50), "earlier")
    fails(check_momentum_memory(2.5), "whole number")
    for result in (check_momentum_memory(first - 1), check_momentum_memory(first + 50)):
        assert str(first) not in repr(result)  # the hint never states the answer


def test_check_full_coverage_stride():
    passes(check_full_coverage_stride(3))
    passes(check_full_coverage_stride(5, input_size=20, kernel_size=5, padding="same"))
    unanswered(check_full_coverage_stride(None))
    fails(check_full_coverage_stride(4), "never visited")
    fails(check_full_coverage_stride(2), "larger one")
    fails(check_full_coverage_stride(0), "whole number")
