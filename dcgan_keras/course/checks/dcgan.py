"""Exercise checks of notebooks 06 (a DCGAN on MNIST) and 07 (evaluation and the latent space)."""

import numpy as np

from dcgan_keras.course.checks.core import CheckResult, as_number, report

__all__ = [
    "EXERCISE_LOGITS",
    "check_discriminator_loss",
    "check_slerp",
    "check_block_parameters",
    "check_train_step",
]

#: The logits of exercise 1: D's outputs for two real images and two fakes.
EXERCISE_LOGITS = {"real": [2.0, -1.0], "fake": [-3.0, 0.5]}


def _softplus(x):
    return np.logaddexp(0.0, x)


def check_discriminator_loss(answer, real_logits=None, fake_logits=None):
    """Notebook 06, exercise 1: D's binary cross-entropy, averaged over the batch, for given logits.

    The loss of one pair is ``-log sigmoid(real) - log(1 - sigmoid(fake))``
    ``= softplus(-real) + softplus(fake)``; the answer is its mean over the pairs (no label smoothing).

    Args:
        answer: the reader's number.
        real_logits, fake_logits: default :data:`EXERCISE_LOGITS`.

    Example:
        >>> bool(check_discriminator_loss(1.2314))
        True
    """
    name = "Exercise 1 (discriminator loss)"
    real = np.asarray(EXERCISE_LOGITS["real"] if real_logits is None else real_logits, dtype=np.float64)
    fake = np.asarray(EXERCISE_LOGITS["fake"] if fake_logits is None else fake_logits, dtype=np.float64)
    if answer is None:
        return CheckResult(False, f"{name}: not answered yet.")
    value = as_number(answer)
    if value is None:
        return report(False, name, "set `answer` to one number: the mean over the batch of "
                                   "-log D(x) - log(1 - D(G(z))), with D = sigmoid(logit).")
    expected = float(np.mean(_softplus(-real) + _softplus(fake)))
    if np.isclose(value, expected, atol=1e-3):
        return report(True, name)
    mistakes = {
        float(np.sum(_softplus(-real) + _softplus(fake))): "that is the sum over the batch; take the mean.",
        float(np.mean(_softplus(real) + _softplus(-fake))): "the labels are swapped: real images have label 1, "
                                                             "fakes label 0.",
        float(np.mean(_softplus(-real))): "that is only the real half; add the loss on the fakes.",
        float(np.mean(_softplus(fake))): "that is only the fake half; add the loss on the real images.",
        float(-np.mean(_softplus(-real) + _softplus(fake))): "the sign is flipped: cross-entropy is minus the "
                                                              "log-probability, so it is positive.",
    }
    for wrong, hint in mistakes.items():
        if np.isclose(value, wrong, atol=1e-3):
            return report(False, name, hint)
    return report(False, name, "apply the sigmoid to each logit to get D's probability, then average "
                               "-log D(x) + -log(1 - D(G(z))) over the two pairs.")


def check_slerp(slerp):
    """Notebook 07, exercise 1: ``slerp(z1, z2, t)``, one point on the great-circle path at fraction ``t``.

    It must agree with :func:`dcgan_keras.latent.interpolate` (``method="slerp"``): the
    direction turns along the great circle and the length changes linearly.

    Example:
        >>> bool(check_slerp(lambda z1, z2, t: (1 - t) * z1 + t * z2))  # the straight line is not it
        False
    """
    from dcgan_keras.latent import interpolate

    name = "Exercise 1 (spherical interpolation)"
    if slerp is None:
        return CheckResult(False, f"{name}: not answered yet.")
    if not callable(slerp):
        return report(False, name, "define `slerp` as a function slerp(z1, z2, t) returning one vector.")
    rng = np.random.default_rng(6)
    for trial in range(4):
        d = (2, 5, 16, 100)[trial]
        z1, z2 = rng.standard_normal(d), 1.5 * rng.standard_normal(d)
        path = interpolate(z1, z2, 5, "slerp").astype(np.float64)
        for k, t in enumerate((0.0, 0.25, 0.5, 0.75, 1.0)):
            try:
                got = np.asarray(slerp(z1, z2, t), dtype=np.float64)
            except Exception as exc:  # the reader's code may fail in any way; report it as a hint
                return report(False, name, f"calling slerp raised {type(exc).__name__}: {exc}")
            if got.shape != (d,):
                return report(False, name, f"slerp(z1, z2, t) must return one vector of shape ({d},), "
                                           f"got shape {got.shape}.")
            if np.allclose(got, path[k], atol=1e-4):
                continue
            linear = (1 - t) * z1 + t * z2
            if np.allclose(got, linear, atol=1e-4):
                return report(False, name, "that is the straight line (1 - t) z1 + t z2; turn the direction "
                                           "along the great circle with sin((1 - t) omega) and sin(t omega).")
            if np.isclose(np.linalg.norm(got), 1.0, atol=1e-3):
                return report(False, name, "the direction looks right but the length is 1; scale it by "
                                           "(1 - t) |z1| + t |z2|.")
            return report(False, name, f"at t={t} the point differs from the great-circle path; omega is the "
                                       "angle between z1/|z1| and z2/|z2|.")
    return report(True, name)


def check_block_parameters(answer, in_channels=128, filters=64, kernel_size=4):
    """Notebook 06, exercise 3: the parameters of ``UpBlock(filters)`` on ``in_channels`` input channels.

    ``Conv2DTranspose`` without bias: ``k * k * in_channels * filters``; BatchNormalization:
    ``4 * filters`` (gamma and beta are trained, the moving mean and variance are not,
    but all four count in ``count_params``).

    Example:
        >>> bool(check_block_parameters(131328))
        True
    """
    name = "Exercise 3 (parameters of a block)"
    if answer is None:
        return CheckResult(False, f"{name}: not answered yet.")
    value = as_number(answer)
    if value is None:
        return report(False, name, "set `answer` to one whole number: the block's count_params().")
    kernel = kernel_size * kernel_size * in_channels * filters
    expected = kernel + 4 * filters
    if value == expected:
        return report(True, name)
    hints = {
        kernel: "that is the transposed convolution alone; BatchNormalization adds 4 numbers per channel.",
        kernel + 2 * filters: "count_params counts all four BatchNorm vectors: gamma and beta, and also the "
                              "moving mean and variance.",
        kernel + 5 * filters: "the transposed convolution has no bias here (use_bias=False): BatchNorm's beta "
                              "does that job.",
        kernel_size * kernel_size * filters + 4 * filters: "each of the filters has a kernel for every input "
                                                           "channel: k * k * in_channels * filters.",
    }
    return report(False, name, hints.get(value, "add the kernel (k * k * in_channels * filters, no bias) and "
                                                "BatchNormalization's 4 numbers per output channel."))


def _one_step(model, images):
    """Run one training step eagerly; return its losses as floats and the networks' weights after it."""
    import tensorflow as tf

    logs = model.train_step(tf.constant(images))
    losses = {key: float(np.asarray(logs[key])) for key in ("d_loss", "g_loss")}
    weights = [np.asarray(w) for w in model.generator.weights + model.discriminator.weights]
    return losses, weights


def _tiny_pair(seed):
    """A small generator and discriminator, and an identical copy of each."""
    import keras

    from dcgan_keras.models import build_discriminator, build_generator

    keras.utils.set_random_seed(seed)
    pairs = []
    for _ in range(2):
        pairs.append((build_generator(8, base_filters=4), build_discriminator(base_filters=4)))
    (g, d), (g2, d2) = pairs
    head = d.layers[-1]  # logits of a few units, not near 0, so that each target changes the losses
    head.kernel.assign(head.kernel * 50.0)
    g2.set_weights(g.get_weights())
    d2.set_weights(d.get_weights())
    return (g, d), (g2, d2)


def check_train_step(model_class, label_smoothing=0.1, seed=3):
    """Notebook 06, exercise 2: a GAN class whose ``train_step`` uses one-sided label smoothing.

    Runs one step of ``model_class(generator, discriminator, seed=seed)`` and one of the package's
    :class:`~dcgan_keras.gan.DCGAN` with ``label_smoothing`` from the same weights and the same
    noise seed (both compiled with Adam(2e-4, beta_1=0.5)), and compares the losses and the
    weights after the step.

    Example:
        >>> bool(check_train_step(None))
        False
    """
    import keras

    from dcgan_keras.gan import DCGAN

    name = "Exercise 2 (the training step)"
    if not (isinstance(model_class, type) and issubclass(model_class, keras.Model)):
        return report(False, name, "pass the class itself (SmoothGAN), a subclass of keras.Model.")
    images = np.random.default_rng(seed).uniform(-1, 1, (16, 28, 28, 1)).astype(np.float32)

    def adam():
        return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)

    (g, d), (g2, d2) = _tiny_pair(seed)
    try:
        model = model_class(g, d, seed=seed)
        model.compile(d_optimizer=adam(), g_optimizer=adam())
        losses, weights = _one_step(model, images)
    except NotImplementedError:
        return CheckResult(False, f"{name}: not answered yet.")
    except Exception as exc:  # the reader's code may fail in any way; report it as a hint
        return report(False, name, f"one step of your class raised {type(exc).__name__}: {exc}")

    def reference(smoothing):
        (rg, rd), _ = _tiny_pair(seed)
        gan = DCGAN(rg, rd, label_smoothing=smoothing, seed=seed)
        gan.compile(d_optimizer=adam(), g_optimizer=adam())
        return _one_step(gan, images)

    expected_losses, expected_weights = reference(label_smoothing)
    same = {key: np.isclose(losses[key], expected_losses[key], rtol=1e-4, atol=1e-5) for key in losses}
    if all(same.values()):
        if all(np.allclose(a, b, rtol=1e-4, atol=1e-5) for a, b in zip(weights, expected_weights, strict=True)):
            return report(True, name)
        return report(False, name, "the losses are right but the weights after the step are not: each optimizer "
                                   "applies the gradient of its own network's loss to that network's weights.")
    if not same["g_loss"]:
        return report(False, name, "G's loss is not the reference's: smoothing is one-sided, only D's targets for "
                                   "real images change; G still wants D to call its fakes 1.")
    plain_losses, _ = reference(0.0)
    if np.isclose(losses["d_loss"], plain_losses["d_loss"], rtol=1e-4, atol=1e-5):
        return report(False, name, f"D's loss is the unsmoothed one: its target for real images should be "
                                   f"{1 - label_smoothing:g}, not 1.")
    return report(False, name, f"D's loss differs from the reference: binary cross-entropy on logits, target "
                               f"{1 - label_smoothing:g} for real images and 0 for fakes, averaged over the batch.")
