"""Activation functions and their derivatives in NumPy, and tools to watch them fail.

Notebook ``01_activations`` explains all of this: why a network needs a
non-linear activation (:func:`collapse_dense_stack` shows linear layers
collapsing into one), the four activations a DCGAN uses with their derivatives
(checked there against ``keras.activations`` and ``tf.GradientTape``), dying
ReLUs (:func:`dead_unit_fraction`) and vanishing gradients
(:func:`layer_gradient_norms`).
"""

import numpy as np

__all__ = [
    "relu",
    "relu_derivative",
    "leaky_relu",
    "leaky_relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "tanh",
    "tanh_derivative",
    "ACTIVATIONS",
    "collapse_dense_stack",
    "dead_unit_fraction",
    "layer_gradient_norms",
    "mean_tanh_slope",
]


def _as_array(z):
    return np.asarray(z, dtype=np.float64)


def _check_slope(negative_slope):
    if isinstance(negative_slope, bool) or not np.isscalar(negative_slope) or negative_slope < 0:
        raise ValueError(f"negative_slope must be a number >= 0 (the DCGAN paper uses 0.2), got {negative_slope!r}")
    return float(negative_slope)


def relu(z):
    """``max(z, 0)``.

    Example:
        >>> relu([-2.0, 0.0, 3.0]).tolist()
        [0.0, 0.0, 3.0]
    """
    return np.maximum(_as_array(z), 0.0)


def relu_derivative(z):
    """1 where ``z > 0``, else 0 (the value Keras and TensorFlow use at ``z = 0``).

    Example:
        >>> relu_derivative([-2.0, 0.0, 3.0]).tolist()
        [0.0, 0.0, 1.0]
    """
    return (_as_array(z) > 0).astype(np.float64)


def leaky_relu(z, negative_slope=0.2):
    """``z`` where ``z > 0``, else ``negative_slope * z``.

    The DCGAN paper uses a slope of 0.2; ``keras.layers.LeakyReLU`` defaults to 0.3,
    so pass ``negative_slope=0.2`` to it explicitly.

    Example:
        >>> leaky_relu([-2.0, 3.0]).tolist()
        [-0.4, 3.0]
    """
    z = _as_array(z)
    return np.where(z > 0, z, _check_slope(negative_slope) * z)


def leaky_relu_derivative(z, negative_slope=0.2):
    """1 where ``z > 0``, else ``negative_slope``: never exactly zero when the slope is not.

    Example:
        >>> leaky_relu_derivative([-2.0, 3.0]).tolist()
        [0.2, 1.0]
    """
    z = _as_array(z)
    return np.where(z > 0, 1.0, _check_slope(negative_slope))


def sigmoid(z):
    """``1 / (1 + exp(-z))``, squashing any number into (0, 1).

    Written as ``0.5 * (1 + tanh(z / 2))``, which never overflows.

    Example:
        >>> float(sigmoid(0.0))
        0.5
    """
    return 0.5 * (1.0 + np.tanh(_as_array(z) / 2.0))


def sigmoid_derivative(z):
    """``sigmoid(z) * (1 - sigmoid(z))``: at most 0.25 (at ``z = 0``), near 0 for large ``|z|``.

    Example:
        >>> float(sigmoid_derivative(0.0))
        0.25
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """The hyperbolic tangent, squashing any number into (-1, 1).

    Example:
        >>> float(tanh(0.0))
        0.0
    """
    return np.tanh(_as_array(z))


def tanh_derivative(z):
    """``1 - tanh(z)**2``: 1 at ``z = 0``, near 0 for large ``|z|``.

    Example:
        >>> float(tanh_derivative(0.0))
        1.0
    """
    return 1.0 - np.tanh(_as_array(z)) ** 2


ACTIVATIONS = {
    "relu": (relu, relu_derivative),
    "leaky_relu": (leaky_relu, leaky_relu_derivative),
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
}
"""Name -> ``(function, derivative)`` for the four activations of notebook 01."""


def collapse_dense_stack(layers):
    """The single affine map ``x @ W + b`` that a stack of linear Dense layers computes.

    ``((x W1 + b1) W2 + b2) W3 + b3 = x (W1 W2 W3) + (b1 W2 W3 + b2 W3 + b3)``: without
    an activation in between, any number of Dense layers is one Dense layer.

    Args:
        layers: a Keras model or a list of built ``keras.layers.Dense`` layers, all
            with ``activation=None`` (other layers in a model, such as ``InputLayer``, are skipped).

    Returns:
        ``(W, b)`` as float64 NumPy arrays of shapes ``(in, out)`` and ``(out,)``.

    Raises:
        ValueError: a Dense layer has an activation, is not built, or there is none.

    Example:
        >>> W, b = collapse_dense_stack(model)  # doctest: +SKIP
        >>> np.allclose(model(x), x @ W + b, atol=1e-5)  # doctest: +SKIP
        True
    """
    import keras

    if isinstance(layers, keras.Model):
        layers = [layer for layer in layers.layers if isinstance(layer, keras.layers.Dense)]
    layers = list(layers)
    if not layers:
        raise ValueError("collapse_dense_stack needs at least one keras.layers.Dense layer")
    W = b = None
    for layer in layers:
        if not isinstance(layer, keras.layers.Dense):
            raise ValueError(f"collapse_dense_stack only handles Dense layers, got {type(layer).__name__}")
        if layer.get_config()["activation"] != "linear":
            raise ValueError(f"layer {layer.name!r} has activation {layer.get_config()['activation']!r}; "
                             "only linear layers (activation=None) collapse into one matrix")
        if not layer.built:
            raise ValueError(f"layer {layer.name!r} is not built yet; call the model on an input first")
        kernel = np.asarray(layer.kernel, np.float64)
        bias = np.asarray(layer.bias, np.float64) if layer.use_bias else np.zeros(kernel.shape[1])
        W, b = (kernel, bias) if W is None else (W @ kernel, b @ kernel + bias)
    return W, b


def dead_unit_fraction(outputs, atol=0.0):
    """The fraction of units whose value is zero for every input.

    Feed it a layer's outputs to count dead ReLUs, or the activation's derivative
    at the layer's pre-activations to count units that pass no gradient at all.

    Args:
        outputs: array ``(n_inputs, ..., n_units)``; the last axis indexes units and
            every other axis indexes inputs (or positions).
        atol: values with ``|value| <= atol`` count as zero.

    Returns:
        A float in [0, 1].

    Example:
        >>> dead_unit_fraction([[0.0, 1.0, 0.0, 0.0], [0.0, 2.0, 0.5, 0.0]])
        0.5
    """
    outputs = np.asarray(outputs, dtype=np.float64)
    if outputs.ndim < 2:
        raise ValueError(f"outputs must have an input axis and a unit axis, got shape {outputs.shape}; "
                         "reshape one input's outputs with outputs[None, :]")
    units = outputs.reshape(-1, outputs.shape[-1])
    return float(np.mean(np.all(np.abs(units) <= atol, axis=0)))


def layer_gradient_norms(activation, depth=10, width=32, batch_size=128, seed=0,
                         kernel_initializer="glorot_uniform", bias_stddev=0.0):
    """The gradient norm of each hidden layer's kernel in a deep stack of Dense layers.

    Builds ``depth`` Dense layers of ``width`` units with ``activation`` and a linear
    output unit, feeds a fixed batch of standard normal inputs, and measures
    ``||dL/dW_l||`` for a mean squared error to random targets with ``tf.GradientTape``.
    Through sigmoids the norm shrinks layer by layer towards the input (vanishing
    gradients); through ReLUs it stays of the same order; through tanh it depends on
    the initialisation (notebook 01 shows Glorot's keeping tanh near its linear range,
    and large weights saturating it).

    Args:
        activation: any Keras activation name, e.g. ``"sigmoid"``, ``"tanh"``, ``"relu"``.
        depth: number of hidden layers.
        width: units per hidden layer.
        batch_size: inputs in the batch.
        seed: seeds the inputs, targets and every initializer, so results repeat.
        kernel_initializer: name of a Keras initializer class, e.g. ``"glorot_uniform"``, ``"he_normal"``,
            or a config ``{"class_name": ..., "config": {...}}`` such as
            ``{"class_name": "RandomNormal", "config": {"stddev": 1.0}}`` (the seed is added to it).
        bias_stddev: the hidden biases start normal with this standard deviation (0: zeros,
            Keras's default). Large biases push tanh and sigmoid units into saturation.

    Returns:
        float64 array of ``depth`` norms; index 0 is the layer next to the input.
    """
    import keras
    import tensorflow as tf

    depth = int(depth)
    if depth < 1 or width < 1 or batch_size < 1:
        raise ValueError(f"depth, width and batch_size must be positive, got {depth}, {width}, {batch_size}")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch_size, width)).astype(np.float32)
    y = rng.standard_normal((batch_size, 1)).astype(np.float32)
    if isinstance(kernel_initializer, dict):
        class_name = kernel_initializer["class_name"]
        config = dict(kernel_initializer.get("config", {}))
    else:
        class_name, config = kernel_initializer, {}
    if bias_stddev < 0:
        raise ValueError(f"bias_stddev must be >= 0, got {bias_stddev}")

    def bias_initializer(i):
        return keras.initializers.RandomNormal(stddev=bias_stddev, seed=seed + 1000 + i) if bias_stddev else "zeros"

    hidden = [keras.layers.Dense(width, activation=activation,
                                 kernel_initializer=keras.initializers.get(
                                     {"class_name": class_name, "config": {**config, "seed": seed + i}}),
                                 bias_initializer=bias_initializer(i))
              for i in range(depth)]
    head = keras.layers.Dense(1, kernel_initializer=keras.initializers.GlorotUniform(seed=seed + depth))
    model = keras.Sequential([keras.Input((width,)), *hidden, head])
    with tf.GradientTape() as tape:
        loss = keras.ops.mean((model(x) - y) ** 2)
    grads = tape.gradient(loss, [layer.kernel for layer in hidden])
    return np.array([float(np.linalg.norm(np.asarray(g, np.float64))) for g in grads])


def mean_tanh_slope(weight_std, bias_std=0.0, depth=10, width=32, batch_size=256, seed=0):
    """The average of ``tanh'(z)`` in each layer of a deep tanh stack with normal weights and biases.

    Notebook 01 writes this loop out: each layer computes ``z = h @ W + b`` with
    ``W ~ N(0, weight_std**2)`` and ``b ~ N(0, bias_std**2)``, then ``h = tanh(z)``.
    ``tanh'(z)`` is the factor the activation multiplies into the gradient on the way
    back: near 1 in tanh's linear range, near 0 where it saturates. Glorot's
    initialisation for square layers has ``weight_std = 1 / sqrt(width)``.

    Args:
        weight_std, bias_std: standard deviations of the weights and biases.
        depth, width: layers and units per layer.
        batch_size: standard normal inputs pushed through.
        seed: seeds inputs and parameters.

    Returns:
        float64 array of ``depth`` averages; index 0 is the layer next to the input.

    Example:
        >>> bool(mean_tanh_slope(1 / np.sqrt(32))[0] > mean_tanh_slope(1.0)[0])
        True
    """
    rng = np.random.default_rng(seed)
    h = rng.standard_normal((batch_size, width))
    slopes = []
    for _ in range(depth):
        z = h @ rng.normal(0.0, weight_std, (width, width)) + rng.normal(0.0, bias_std, width)
        slopes.append(np.mean(1.0 - np.tanh(z) ** 2))
        h = np.tanh(z)
    return np.array(slopes)
