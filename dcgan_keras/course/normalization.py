"""Batch normalisation written from scratch in NumPy.

Notebook ``02_batch_normalization`` builds this step by step and checks it
against ``keras.layers.BatchNormalization`` in training and in inference mode.

Conventions follow Keras: features are on the last axis and statistics are taken
over every other axis (the batch, and for images the height and width too); the
variance is the biased one (divide by ``n``); ``epsilon`` defaults to 1e-3 and
``momentum`` to 0.99, where a moving statistic is updated as
``moving = moving * momentum + batch_value * (1 - momentum)``. PyTorch writes the
same update with ``1 - momentum``, so its default 0.1 is Keras's 0.9.
"""

import numpy as np

__all__ = [
    "batch_norm_forward",
    "batch_norm_inference",
    "update_moving_average",
    "BatchNormScratch",
    "keras_to_pytorch_momentum",
    "pytorch_to_keras_momentum",
    "simulate_running_estimates",
]


def _check_momentum(momentum):
    if isinstance(momentum, bool) or not np.isscalar(momentum) or not 0.0 <= float(momentum) <= 1.0:
        raise ValueError(f"momentum must be a number in [0, 1] (Keras's default is 0.99), got {momentum!r}")
    return float(momentum)


def _check_epsilon(epsilon):
    if isinstance(epsilon, bool) or not np.isscalar(epsilon) or float(epsilon) <= 0:
        raise ValueError(f"epsilon must be a small positive number (Keras's default is 1e-3), got {epsilon!r}")
    return float(epsilon)


def _check_input(x):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim < 2:
        raise ValueError(f"batch norm needs a batch axis and a feature axis, got shape {x.shape}; "
                         "for one sample use x[None, :]")
    return x


def batch_norm_forward(x, gamma=1.0, beta=0.0, epsilon=1e-3):
    """Training-mode batch norm: normalise with the batch's own mean and variance.

    Notebook 02 writes this function out, line for line.

    ``y = gamma * (x - mean) / sqrt(variance + epsilon) + beta``, with ``mean`` and the
    biased ``variance`` taken over every axis but the last.

    Args:
        x: array ``(batch, ..., features)``.
        gamma: scale, a number or one value per feature.
        beta: shift, a number or one value per feature.
        epsilon: added to the variance so a constant feature does not divide by zero.

    Returns:
        ``(y, mean, variance)``; ``mean`` and ``variance`` have one value per feature.

    Example:
        >>> y, mean, variance = batch_norm_forward([[1.0], [3.0]])
        >>> mean.tolist(), variance.tolist(), np.round(y, 3).ravel().tolist()
        ([2.0], [1.0], [-1.0, 1.0])
    """
    x = _check_input(x)
    epsilon = _check_epsilon(epsilon)
    axes = tuple(range(x.ndim - 1))
    mean = x.mean(axis=axes)
    variance = x.var(axis=axes)
    y = np.asarray(gamma) * (x - mean) / np.sqrt(variance + epsilon) + np.asarray(beta)
    return y, mean, variance


def batch_norm_inference(x, moving_mean, moving_variance, gamma=1.0, beta=0.0, epsilon=1e-3):
    """Inference-mode batch norm: normalise with stored (moving) statistics.

    Each sample's output depends only on that sample, not on the rest of the batch.

    Example:
        >>> np.round(batch_norm_inference([[5.0]], moving_mean=[3.0], moving_variance=[4.0]), 3).tolist()
        [[1.0]]
    """
    x = _check_input(x)
    epsilon = _check_epsilon(epsilon)
    return (np.asarray(gamma) * (x - np.asarray(moving_mean)) / np.sqrt(np.asarray(moving_variance) + epsilon)
            + np.asarray(beta))


def update_moving_average(moving, batch_value, momentum=0.99):
    """One Keras-style update: ``moving * momentum + batch_value * (1 - momentum)``.

    A momentum near 1 changes the estimate slowly (long memory); near 0, it follows
    the latest batch.

    Example:
        >>> update_moving_average(0.0, 10.0, momentum=0.5)
        5.0
    """
    momentum = _check_momentum(momentum)
    result = np.asarray(moving, np.float64) * momentum + np.asarray(batch_value, np.float64) * (1.0 - momentum)
    return float(result) if result.ndim == 0 else result


def keras_to_pytorch_momentum(momentum):
    """Keras's BatchNormalization momentum as PyTorch's ``BatchNorm`` momentum: ``1 - momentum``.

    Example:
        >>> round(keras_to_pytorch_momentum(0.99), 2)
        0.01
    """
    return 1.0 - _check_momentum(momentum)


def pytorch_to_keras_momentum(momentum):
    """PyTorch's ``BatchNorm`` momentum as Keras's: ``1 - momentum`` (PyTorch's 0.1 is Keras's 0.9).

    Example:
        >>> pytorch_to_keras_momentum(0.1)
        0.9
    """
    return 1.0 - _check_momentum(momentum)


class BatchNormScratch:
    """Batch normalisation over the last axis, as ``keras.layers.BatchNormalization`` computes it.

    Notebook 02 writes this class out in a code cell, from :func:`batch_norm_forward` and
    :func:`update_moving_average`, and checks it against Keras in both modes; this copy is the
    same code with checks on its arguments.

    In training mode it normalises with the batch's statistics and updates the
    moving mean and variance; in inference mode it normalises with the moving
    statistics and changes nothing. ``gamma`` and ``beta`` are the learnable scale
    and shift (plain arrays here: nothing trains them).

    Args:
        num_features: size of the last axis.
        momentum: memory of the moving statistics (Keras's default 0.99).
        epsilon: added to the variance (Keras's default 1e-3).

    Example:
        >>> bn = BatchNormScratch(2, momentum=0.5)
        >>> y = bn(np.array([[1.0, 10.0], [3.0, 30.0]]), training=True)
        >>> bn.moving_mean.tolist(), np.round(y, 3).tolist()
        ([1.0, 10.0], [[-1.0, -1.0], [1.0, 1.0]])
    """

    def __init__(self, num_features, momentum=0.99, epsilon=1e-3):
        if isinstance(num_features, bool) or not isinstance(num_features, (int, np.integer)) or num_features < 1:
            raise ValueError(f"num_features must be a positive whole number, got {num_features!r}")
        self.num_features = int(num_features)
        self.momentum = _check_momentum(momentum)
        self.epsilon = _check_epsilon(epsilon)
        self.gamma = np.ones(self.num_features)
        self.beta = np.zeros(self.num_features)
        self.moving_mean = np.zeros(self.num_features)
        self.moving_variance = np.ones(self.num_features)

    def __call__(self, x, training=False):
        """Normalise ``x`` (``(batch, ..., num_features)``); update the moving statistics if ``training``."""
        x = _check_input(x)
        if x.shape[-1] != self.num_features:
            raise ValueError(f"expected {self.num_features} features on the last axis, got shape {x.shape}")
        if training:  # the batch's own statistics, and one update of the moving ones
            y, mean, variance = batch_norm_forward(x, self.gamma, self.beta, self.epsilon)
            self.moving_mean = update_moving_average(self.moving_mean, mean, self.momentum)
            self.moving_variance = update_moving_average(self.moving_variance, variance, self.momentum)
            return y
        # inference: the stored statistics; the rest of the batch plays no part, nothing is updated
        x_hat = (np.asarray(x, dtype=float) - self.moving_mean) / np.sqrt(self.moving_variance + self.epsilon)
        return self.gamma * x_hat + self.beta

    def __repr__(self):
        return (f"BatchNormScratch(num_features={self.num_features}, momentum={self.momentum}, "
                f"epsilon={self.epsilon})")


def simulate_running_estimates(momentum=0.99, batch_size=32, steps=300, true_mean=3.0, true_std=2.0, seed=0):
    """Follow batch and moving statistics of one feature over ``steps`` training batches.

    Draws ``steps`` batches of ``batch_size`` normal samples (mean ``true_mean``,
    standard deviation ``true_std``) and updates a moving mean and variance that
    start, like Keras's, at 0 and 1.

    Returns:
        dict of float64 arrays of length ``steps``: ``batch_mean``, ``batch_variance``,
        ``moving_mean``, ``moving_variance`` (after each step).

    Example:
        >>> r = simulate_running_estimates(momentum=0.5, batch_size=1000, steps=20)
        >>> round(float(r["moving_mean"][-1]), 1)
        3.0
    """
    momentum = _check_momentum(momentum)
    for value, name in ((batch_size, "batch_size"), (steps, "steps")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive whole number, got {value!r}")
    rng = np.random.default_rng(seed)
    samples = rng.normal(true_mean, true_std, size=(steps, batch_size))
    batch_mean, batch_variance = samples.mean(axis=1), samples.var(axis=1)
    moving_mean, moving_variance = np.empty(steps), np.empty(steps)
    mean, variance = 0.0, 1.0
    for t in range(steps):
        mean = update_moving_average(mean, batch_mean[t], momentum)
        variance = update_moving_average(variance, batch_variance[t], momentum)
        moving_mean[t], moving_variance[t] = mean, variance
    return {"batch_mean": batch_mean, "batch_variance": batch_variance,
            "moving_mean": moving_mean, "moving_variance": moving_variance}
