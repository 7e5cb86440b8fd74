"""Tests of the exercise checks of notebooks 06 and 07: each passes the worked solution and fails wrong answers."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from dcgan_keras.course.checks import (
    EXERCISE_LOGITS,
    CheckResult,
    check_discriminator_loss,
    check_slerp,
    check_train_step,
)
from dcgan_keras.course.checks import dcgan as dcgan_checks


def _sigmoid(x):
    return 1 / (1 + np.exp(-np.asarray(x, dtype=np.float64)))


def _solution_loss(real, fake):
    return float(np.mean(-np.log(_sigmoid(real)) - np.log(1 - _sigmoid(fake))))


def _solution_slerp(z1, z2, t):
    n1, n2 = np.linalg.norm(z1), np.linalg.norm(z2)
    u1, u2 = z1 / n1, z2 / n2
    omega = np.arccos(np.clip(u1 @ u2, -1, 1))
    return (np.sin((1 - t) * omega) * u1 + np.sin(t * omega) * u2) / np.sin(omega) * ((1 - t) * n1 + t * n2)


# ---------------------------------------------------------------- exercise 1

def test_discriminator_loss_solution_passes():
    answer = _solution_loss(EXERCISE_LOGITS["real"], EXERCISE_LOGITS["fake"])
    result = check_discriminator_loss(answer)
    assert isinstance(result, CheckResult) and result and "correct" in repr(result)
    assert check_discriminator_loss(np.float32(answer))
    assert check_discriminator_loss(np.array([answer]))


def test_discriminator_loss_agrees_with_the_package_loss():
    import tensorflow as tf

    from dcgan_keras.gan import discriminator_loss

    real, fake = EXERCISE_LOGITS["real"], EXERCISE_LOGITS["fake"]
    package = float(tf.reduce_mean(discriminator_loss(tf.constant(real), tf.constant(fake))))
    assert check_discriminator_loss(package)


def test_discriminator_loss_stored_numbers_are_the_formulas():
    """The check holds numbers, not the formula; here they are worked out again."""
    real, fake = EXERCISE_LOGITS["real"], EXERCISE_LOGITS["fake"]
    assert dcgan_checks._LOSS == pytest.approx(_solution_loss(real, fake), abs=1e-12)
    mistakes = [float(np.sum(-np.log(_sigmoid(real)) - np.log(1 - _sigmoid(fake)))),
                _solution_loss(-np.asarray(real), -np.asarray(fake)), float(np.mean(-np.log(_sigmoid(real)))),
                float(np.mean(-np.log(1 - _sigmoid(fake)))), -_solution_loss(real, fake)]
    assert list(dcgan_checks._LOSS_MISTAKES) == pytest.approx(mistakes, abs=1e-12)
    assert not check_discriminator_loss(dcgan_checks._LOSS + 0.01)


@pytest.mark.parametrize("wrong, hint", [
    (lambda r, f: float(np.sum(-np.log(_sigmoid(r)) - np.log(1 - _sigmoid(f)))), "sum"),
    (lambda r, f: _solution_loss(-np.asarray(r), -np.asarray(f)), "swapped"),
    (lambda r, f: float(np.mean(-np.log(_sigmoid(r)))), "real half"),
    (lambda r, f: float(np.mean(-np.log(1 - _sigmoid(f)))), "fake half"),
    (lambda r, f: -_solution_loss(r, f), "sign"),
    (lambda r, f: 0.5, "sigmoid"),
])
def test_discriminator_loss_mistakes_get_their_hints(wrong, hint):
    result = check_discriminator_loss(wrong(EXERCISE_LOGITS["real"], EXERCISE_LOGITS["fake"]))
    assert not result and hint in repr(result)


def test_untouched_stubs_say_not_answered_yet():
    def stub(z1, z2, t):
        raise NotImplementedError

    for result in (check_discriminator_loss(None), check_slerp(None), check_slerp(stub)):
        assert not result and repr(result).endswith("not answered yet.") and "Hint" not in repr(result)
        assert not result.answered


@pytest.mark.parametrize("placeholder", ["1.2", [1.0, 2.0], float("nan"), True])
def test_discriminator_loss_placeholders_give_a_hint_not_an_error(placeholder):
    result = check_discriminator_loss(placeholder)
    assert not result and "Hint" in repr(result)


# ---------------------------------------------------------------- exercise 2

def test_slerp_solution_passes():
    assert check_slerp(_solution_slerp)


def test_slerp_package_function_passes():
    from dcgan_keras.latent import interpolate

    def via_package(z1, z2, t):
        path = interpolate(z1, z2, 101)
        return path[int(round(t * 100))]

    assert check_slerp(via_package)


def test_slerp_in_float32_passes():
    assert check_slerp(lambda z1, z2, t: _solution_slerp(z1, z2, t).astype(np.float32))


@pytest.mark.parametrize("wrong, hint", [
    (lambda z1, z2, t: (1 - t) * z1 + t * z2, "straight line"),
    (lambda z1, z2, t: 1.01 * _solution_slerp(z1, z2, t), "length is not"),
    (lambda z1, z2, t: _solution_slerp(z1, z2, t) + 1e-3, "differs"),
    (lambda z1, z2, t: _solution_slerp(z1, z2, t) * np.nan, "NaN"),
    (lambda z1, z2, t: _solution_slerp(z1, z2, t) / np.linalg.norm(_solution_slerp(z1, z2, t)), "length is 1"),
    (lambda z1, z2, t: _solution_slerp(z1, z2, 1 - t), "differs"),
    (lambda z1, z2, t: _solution_slerp(z1, z2, t)[:1], "shape"),
    (lambda z1, z2, t: 1 / 0, "ZeroDivisionError"),
])
def test_slerp_mistakes_get_their_hints(wrong, hint):
    result = check_slerp(wrong)
    assert not result and hint in repr(result)


@pytest.mark.parametrize("placeholder", [3, "slerp"])
def test_slerp_placeholder_gives_a_hint(placeholder):
    result = check_slerp(placeholder)
    assert not result and "define `slerp`" in repr(result)


# ---------------------------------------------------------------- the training step (notebook 06)

_BCE = keras.losses.BinaryCrossentropy(from_logits=True)


def _gan_class(real_target=1.0, fake_target=0.0, g_target=1.0, apply_d=True):
    """A GAN class written as notebook 06 writes it, with the targets of its losses as parameters."""

    class StepGAN(keras.Model):
        def __init__(self, generator, discriminator, seed=None):
            super().__init__()
            self.generator, self.discriminator = generator, discriminator
            self.latent_dim = generator.input_shape[-1]
            self.seed_generator = keras.random.SeedGenerator(seed)

        def compile(self, d_optimizer, g_optimizer):
            super().compile()
            self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

        def train_step(self, real):
            z = keras.random.normal((ops.shape(real)[0], self.latent_dim), seed=self.seed_generator)
            with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
                fake = self.generator(z, training=True)
                real_logits = self.discriminator(real, training=True)
                fake_logits = self.discriminator(fake, training=True)
                d_loss = (_BCE(ops.full_like(real_logits, real_target), real_logits)
                          + _BCE(ops.full_like(fake_logits, fake_target), fake_logits))
                g_loss = _BCE(ops.full_like(fake_logits, g_target), fake_logits)
            d_weights, g_weights = self.discriminator.trainable_weights, self.generator.trainable_weights
            if apply_d:
                self.d_optimizer.apply(d_tape.gradient(d_loss, d_weights), d_weights)
            self.g_optimizer.apply(g_tape.gradient(g_loss, g_weights), g_weights)
            return {"d_loss": d_loss, "g_loss": g_loss}

    return StepGAN


def test_train_step_solution_passes_and_plain_step_matches_without_smoothing():
    assert check_train_step(_gan_class(real_target=0.9))
    assert check_train_step(_gan_class(), label_smoothing=0.0)


@pytest.mark.parametrize("cls, hint", [
    (_gan_class(), "unsmoothed"),
    (_gan_class(real_target=0.9, g_target=0.9), "one-sided"),
    (_gan_class(real_target=0.9, fake_target=0.1), "differs from the reference"),
    (_gan_class(real_target=0.9, apply_d=False), "weights after the step"),
])
def test_train_step_mistakes_get_their_hints(cls, hint):
    result = check_train_step(cls)
    assert not result and hint in repr(result)


def test_train_step_stub_and_errors_never_raise():
    class Stub(_gan_class()):
        def train_step(self, real):
            raise NotImplementedError

    class Broken(_gan_class()):
        def train_step(self, real):
            return undefined_name  # noqa: F821

    assert repr(check_train_step(Stub)).endswith("not answered yet.") and not check_train_step(Stub).answered
    result = check_train_step(Broken)
    assert not result and "NameError" in repr(result)
    assert not check_train_step(None) and not check_train_step(int)


@pytest.mark.parametrize("answer,expected", [(13, 13.0), (np.float32(0.5), 0.5), (np.array([2.0]), 2.0),
                                             ("13", None), (True, None), (None, None), (float("nan"), None),
                                             (float("inf"), None), ([1.0, 2.0], None)])
def test_every_check_reads_a_number_the_same_way(answer, expected):
    from dcgan_keras.course.checks.core import as_number

    assert as_number(answer) == expected
