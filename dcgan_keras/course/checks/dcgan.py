"""Exercise checks of notebooks 06 (a DCGAN on MNIST) and 07 (evaluation and the latent space).

None of them holds an exercise's answer as code a student could read and copy: the loss by hand is
checked against stored numbers, and ``slerp`` against the properties that define it (in the plane
of the two codes, at its share of the angle, with its length in between). The training step is the
exception: one step of the student's class is compared with one step of the package's ``DCGAN``,
the library's own class, since stored weights would differ between the Keras versions the course
supports.
"""

import math

import numpy as np

from dcgan_keras.course.checks.core import CheckResult, as_number, report

__all__ = [
    "EXERCISE_LOGITS",
    "check_discriminator_loss",
    "check_slerp",
    "check_train_step",
]

#: The logits of exercise 1: D's outputs for two real images and two fakes.
EXERCISE_LOGITS = {"real": [2.0, -1.0], "fake": [-3.0, 0.5]}

# Exercise 1's answer for EXERCISE_LOGITS, and what the usual mistakes give, stored as numbers (the tests
# recompute them from the binary cross-entropy).
_LOSS = 1.2314270171575221
_LOSS_MISTAKES = {
    2.4628540343150442: "that is the sum over the batch; take the mean.",
    2.9814270171575217: "the labels are swapped: real images have label 1, fakes label 0.",
    0.7200948492805976: "that is only the real half; add the loss on the fakes.",
    0.5113321678769244: "that is only the fake half; add the loss on the real images.",
    -1.2314270171575221: "the sign is flipped: cross-entropy is minus the log-probability, so it is positive.",
}


def check_discriminator_loss(answer):
    """Notebook 06, exercise 1: D's binary cross-entropy for :data:`EXERCISE_LOGITS`, averaged over the pairs.

    Args:
        answer: the reader's number (no label smoothing).

    Example:
        >>> bool(check_discriminator_loss(1.2314))
        True
    """
    name = "Exercise 1 (discriminator loss)"
    if answer is None:
        return CheckResult(False, f"{name}: not answered yet.", answered=False)
    value = as_number(answer)
    if value is None:
        return report(False, name, "set `answer` to one number: the mean over the batch of "
                                   "-log D(x) - log(1 - D(G(z))), with D = sigmoid(logit).")
    if math.isclose(value, _LOSS, abs_tol=1e-3):
        return report(True, name)
    for wrong, hint in _LOSS_MISTAKES.items():
        if math.isclose(value, wrong, abs_tol=1e-3):
            return report(False, name, hint)
    return report(False, name, "apply the sigmoid to each logit to get D's probability, then average "
                               "-log D(x) + -log(1 - D(G(z))) over the two pairs.")


def _great_circle_miss(point, z1, z2, t):
    """How far ``point`` is from the spherical interpolation of ``z1`` and ``z2`` at ``t``, by its definition.

    Returns ``(off_plane, angle_error, length_error)``: the part of ``point`` outside the plane of
    ``z1`` and ``z2``, its angle from ``z1`` in that plane minus ``t`` times the angle between the
    two, and its length minus ``(1 - t) |z1| + t |z2|``.
    """
    e1 = z1 / np.linalg.norm(z1)
    across = z2 - (z2 @ e1) * e1
    e2 = across / np.linalg.norm(across)
    omega = math.atan2(z2 @ e2, z2 @ e1)
    a, b = point @ e1, point @ e2
    off_plane = float(np.linalg.norm(point - a * e1 - b * e2))
    angle_error = math.atan2(b, a) - t * omega
    length_error = float(np.linalg.norm(point)) - ((1 - t) * np.linalg.norm(z1) + t * np.linalg.norm(z2))
    return off_plane, angle_error, length_error


def check_slerp(slerp):
    """Notebook 07, exercise 1: ``slerp(z1, z2, t)``, one point on the great-circle path at fraction ``t``.

    The point must lie in the plane of ``z1`` and ``z2``, turned from ``z1`` towards ``z2`` by ``t``
    times the angle between them, with a length going linearly from ``|z1|`` to ``|z2|``. Checked at
    five values of ``t`` for codes of 2 to 100 numbers.

    Example:
        >>> bool(check_slerp(lambda z1, z2, t: (1 - t) * z1 + t * z2))  # the straight line is not it
        False
    """
    name = "Exercise 1 (spherical interpolation)"
    if slerp is None:
        return CheckResult(False, f"{name}: not answered yet.", answered=False)
    if not callable(slerp):
        return report(False, name, "define `slerp` as a function slerp(z1, z2, t) returning one vector.")
    rng = np.random.default_rng(6)
    for d in (2, 5, 16, 100):
        z1, z2 = rng.standard_normal(d), 1.5 * rng.standard_normal(d)
        for t in (0.0, 0.25, 0.5, 0.75, 1.0):
            try:
                got = np.asarray(slerp(z1, z2, t), dtype=np.float64)
            except NotImplementedError:
                return CheckResult(False, f"{name}: not answered yet.", answered=False)
            except Exception as exc:  # the reader's code may fail in any way; report it as a hint
                return report(False, name, f"calling slerp raised {type(exc).__name__}: {exc}")
            if got.shape != (d,):
                return report(False, name, f"slerp(z1, z2, t) must return one vector of shape ({d},), "
                                           f"got shape {got.shape}.")
            if not np.all(np.isfinite(got)):
                return report(False, name, f"at t={t} slerp returned NaN or infinity.")
            scale = max(1.0, float(np.linalg.norm(z1)), float(np.linalg.norm(z2)))
            off_plane, angle_error, length_error = _great_circle_miss(got, z1, z2, t)
            direction_right = off_plane <= 1e-5 * scale and abs(angle_error) <= 1e-5
            if direction_right and abs(length_error) <= 1e-5 * scale:
                continue
            if np.allclose(got, (1 - t) * z1 + t * z2, atol=1e-4):
                return report(False, name, "that is the straight line (1 - t) z1 + t z2; turn the direction "
                                           "along the great circle with sin((1 - t) omega) and sin(t omega).")
            if direction_right and math.isclose(float(np.linalg.norm(got)), 1.0, abs_tol=1e-3):
                return report(False, name, "the direction looks right but the length is 1; scale it by "
                                           "(1 - t) |z1| + t |z2|.")
            if direction_right:
                return report(False, name, f"at t={t} the direction is right but the length is not "
                                           "(1 - t) |z1| + t |z2|.")
            return report(False, name, f"at t={t} the point differs from the great-circle path; omega is the "
                                       "angle between z1/|z1| and z2/|z2|.")
    return report(True, name)


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
        return CheckResult(False, f"{name}: not answered yet.", answered=False)
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
