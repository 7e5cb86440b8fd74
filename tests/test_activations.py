"""Our activations and derivatives against ``keras.activations``, ``keras.layers`` and autodiff."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dcgan_keras.course.activations import (
    ACTIVATIONS,
    collapse_dense_stack,
    dead_unit_fraction,
    layer_gradient_norms,
    leaky_relu,
    leaky_relu_derivative,
    mean_tanh_slope,
    relu,
    sigmoid,
    sigmoid_derivative,
    tanh_derivative,
)


def grid(seed):
    """Points away from 0 (where ReLU's derivative is a convention) plus some large ones."""
    rng = np.random.default_rng(seed)
    z = np.concatenate([rng.uniform(-6, 6, 200), [-30.0, -12.5, 12.5, 30.0]])
    return z[np.abs(z) > 1e-3].astype(np.float32)


KERAS_FUNCTIONS = {
    "relu": keras.activations.relu,
    "leaky_relu": lambda z: keras.activations.leaky_relu(z, negative_slope=0.2),
    "sigmoid": keras.activations.sigmoid,
    "tanh": keras.activations.tanh,
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_functions_and_derivatives_match_keras_and_gradient_tape(name):
    fn, derivative = ACTIVATIONS[name]
    for seed in range(5):
        z = tf.constant(grid(seed))
        with tf.GradientTape() as tape:
            tape.watch(z)
            out = KERAS_FUNCTIONS[name](z)
        np.testing.assert_allclose(fn(z.numpy()), np.asarray(out), rtol=1e-5, atol=1e-6)
        autodiff = np.asarray(tape.gradient(out, z))
        np.testing.assert_allclose(derivative(z.numpy()), autodiff, rtol=1e-4, atol=1e-6)


def test_leaky_relu_matches_keras_layer_for_any_slope():
    z = grid(0)
    for slope in [0.0, 0.01, 0.2, 0.3, 0.75, 1.0]:
        layer = keras.layers.LeakyReLU(negative_slope=slope)
        np.testing.assert_allclose(leaky_relu(z, slope), np.asarray(layer(z)), rtol=1e-6)
        zt = tf.constant(z)
        with tf.GradientTape() as tape:
            tape.watch(zt)
            out = layer(zt)
        np.testing.assert_allclose(leaky_relu_derivative(z, slope), np.asarray(tape.gradient(out, zt)),
                                   rtol=1e-6)


def test_keras_leaky_relu_default_is_not_the_papers_slope():
    assert keras.layers.LeakyReLU().negative_slope == pytest.approx(0.3)
    assert float(leaky_relu(-1.0)) == pytest.approx(-0.2)


def test_saturation_values():
    assert float(sigmoid_derivative(0.0)) == 0.25
    assert float(tanh_derivative(0.0)) == 1.0
    assert float(sigmoid_derivative(10.0)) < 1e-4
    assert float(tanh_derivative(10.0)) < 1e-8
    assert float(sigmoid(-1000.0)) == 0.0 and float(sigmoid(1000.0)) == 1.0  # no overflow warnings


@pytest.mark.parametrize("use_bias", [True, False])
def test_linear_dense_stack_collapses_to_one_matrix(use_bias):
    for widths in [(4, 3), (4, 8, 8, 3), (2, 5, 1, 7, 2), (6, 6, 6, 6, 6, 6)]:
        check_collapse(widths, use_bias)


def check_collapse(widths, use_bias):
    keras.utils.set_random_seed(len(widths))
    model = keras.Sequential([keras.Input((widths[0],))]
                             + [keras.layers.Dense(w, use_bias=use_bias, bias_initializer="random_normal")
                                for w in widths[1:]])
    W, b = collapse_dense_stack(model)
    assert W.shape == (widths[0], widths[-1]) and b.shape == (widths[-1],)
    x = np.random.default_rng(0).normal(size=(16, widths[0])).astype(np.float32)
    np.testing.assert_allclose(np.asarray(model(x)), x @ W + b, atol=1e-4)
    single = keras.layers.Dense(widths[-1])
    single.build((None, widths[0]))
    single.set_weights([W.astype(np.float32), b.astype(np.float32)])
    np.testing.assert_allclose(np.asarray(single(x)), np.asarray(model(x)), atol=1e-4)


def test_collapse_refuses_non_linear_and_unbuilt_layers():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="activation"):
        collapse_dense_stack(model)
    with pytest.raises(ValueError, match="not built"):
        collapse_dense_stack([keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="at least one"):
        collapse_dense_stack([])


def test_dead_unit_fraction():
    outputs = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 2.0, 0.5, 0.0]])
    assert dead_unit_fraction(outputs) == 0.5
    assert dead_unit_fraction(relu(-np.ones((3, 5)))) == 1.0
    assert dead_unit_fraction(leaky_relu(-np.ones((3, 5)))) == 0.0
    assert dead_unit_fraction(np.zeros((2, 3, 3, 4))) == 1.0  # conv outputs: all but the last axis are inputs
    assert dead_unit_fraction([[1e-9, 1.0]], atol=1e-6) == 0.5
    with pytest.raises(ValueError, match="input axis and a unit axis"):
        dead_unit_fraction(np.zeros(4))


def test_dead_fraction_of_a_keras_layer_with_a_large_negative_bias():
    x = np.random.default_rng(0).normal(size=(256, 8)).astype(np.float32)
    alive = keras.layers.Dense(32, activation="relu", kernel_initializer=keras.initializers.GlorotUniform(0))
    dead = keras.layers.Dense(32, activation="relu", kernel_initializer=keras.initializers.GlorotUniform(0),
                              bias_initializer=keras.initializers.Constant(-20.0))
    assert dead_unit_fraction(np.asarray(alive(x))) == 0.0
    assert dead_unit_fraction(np.asarray(dead(x))) == 1.0


def test_sigmoid_gradients_vanish_but_relu_gradients_do_not():
    sig = layer_gradient_norms("sigmoid", depth=8, width=16, batch_size=32)
    rel = layer_gradient_norms("relu", depth=8, width=16, batch_size=32, kernel_initializer="he_normal")
    assert sig.shape == rel.shape == (8,)
    assert sig[0] < 1e-3 * sig[-1]
    assert rel[0] > 0.05 * rel[-1]
    np.testing.assert_array_equal(sig, layer_gradient_norms("sigmoid", depth=8, width=16, batch_size=32))


def test_tanh_gradients_vanish_with_large_biases_and_not_with_glorot():
    glorot = layer_gradient_norms("tanh", depth=8, width=16, batch_size=32)
    saturated = layer_gradient_norms("tanh", depth=8, width=16, batch_size=32, bias_stddev=3.0)
    large_weights = layer_gradient_norms("tanh", depth=8, width=16, batch_size=32, kernel_initializer={
        "class_name": "RandomNormal", "config": {"stddev": 1.0}})
    assert glorot[0] > 0.05 * glorot[-1]
    assert saturated[0] < 1e-3 * saturated[-1]
    assert large_weights[0] > large_weights[-1]  # saturated too, but the large weights make it grow
    with pytest.raises(ValueError, match="bias_stddev"):
        layer_gradient_norms("tanh", depth=2, bias_stddev=-1.0)


def test_mean_tanh_slope_matches_a_keras_stack():
    width, depth = 8, 4
    slopes = mean_tanh_slope(0.7, 0.5, depth=depth, width=width, batch_size=16, seed=3)
    rng = np.random.default_rng(3)  # the same draws, in the same order, through Keras layers
    h = rng.standard_normal((16, width))
    for layer_slope in slopes:
        dense = keras.layers.Dense(width)
        dense.build((None, width))
        dense.set_weights([rng.normal(0.0, 0.7, (width, width)), rng.normal(0.0, 0.5, width)])
        z = tf.constant(np.asarray(dense(h.astype(np.float32))))
        with tf.GradientTape() as tape:
            tape.watch(z)
            out = keras.activations.tanh(z)
        np.testing.assert_allclose(layer_slope, np.mean(tape.gradient(out, z)), rtol=1e-4)
        h = np.asarray(out, np.float64)
    glorot, large = mean_tanh_slope(1 / np.sqrt(32)), mean_tanh_slope(1.0)
    assert glorot.min() > 0.5 > 0.2 > large.max()


def test_bad_slope_raises():
    with pytest.raises(ValueError, match="negative_slope"):
        leaky_relu(1.0, negative_slope=-0.1)
