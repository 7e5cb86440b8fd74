"""Variants compared in notebooks 06 and 07: a stopwatch for runs of equal time, and the "Keras tutorial" DCGAN.

:class:`QualityClock` trains any GAN for a fixed number of seconds and measures its FID every few
seconds of training (the time spent measuring is not counted), so that recipes and architectures
can be compared on one figure of quality against time.

The tutorial DCGAN is the architecture of ``dcgan.py`` in Erik Linder-Norén's Keras-GAN repository,
which many Keras GAN tutorials copy. It predates the DCGAN paper's advice in several ways, and
notebook 07 trains it with the recipe it was written for and with the package's, beside
:func:`dcgan_keras.models.build_generator` / :func:`~dcgan_keras.models.build_discriminator`:

- generator: ``Dense -> Reshape`` to 7x7x128, then two ``UpSampling2D -> Conv2D(3x3) ->
  BatchNorm -> ReLU`` blocks (resize-convolutions, not transposed ones), then a 3x3
  ``Conv2D`` to one channel and ``tanh``. The projection has a bias and its own ReLU but
  no BatchNorm; BatchNorm uses momentum 0.8.
- discriminator: four 3x3 ``Conv2D`` (strides 2, 2, 2, 1; 32 to 256 filters), each followed by
  LeakyReLU(0.2) and ``Dropout(0.25)``, BatchNorm (momentum 0.8) on all but the first,
  and a ``ZeroPadding2D`` that grows the 7x7 map to 8x8 so the next stride-2
  convolution halves it evenly; ``Flatten -> Dense(1)``.
- Keras's default initialisers (Glorot uniform), not N(0, 0.02).

Both builders return logits (no sigmoid), as :class:`dcgan_keras.gan.DCGAN` expects, and
use only standard Keras layers (no ``Lambda``), so the models save and load safely.
"""

import time

import keras
import numpy as np

from dcgan_keras.callbacks import TimeBudget

__all__ = ["QualityClock", "TUTORIAL_SETTINGS", "build_tutorial_generator", "build_tutorial_discriminator"]

#: How Keras-GAN's ``dcgan.py`` trains its networks: noise of 100 numbers, batches of 32,
#: Adam(2e-4, beta_1=0.5) for both networks, binary cross-entropy, no penalty, no averaging.
TUTORIAL_SETTINGS = {"latent_dim": 100, "batch_size": 32, "learning_rate": 2e-4, "beta_1": 0.5, "beta_2": 0.999,
                     "r1_weight": 0.0, "ema_decay": 0.0, "cooldown": 0.0}


class QualityClock(TimeBudget):
    """Stop training after ``seconds`` of training and measure the FID every ``every`` seconds of it.

    The clock runs only while the model trains: the time spent measuring is not counted, so runs
    that measure more often are not penalised. It stops at the end of the first batch past the
    budget, and as a :class:`~dcgan_keras.callbacks.TimeBudget` it can drive a
    :class:`~dcgan_keras.callbacks.LearningRateCooldown` (``budget=clock``).

    Args:
        seconds: the training time of the run.
        every: seconds of training between two measurements (one more comes at the end).
        n: samples per measurement (1,000: the calibration table's sample size).
        seed: seed of the measurement's noise, the same at every measurement.

    After ``fit``, ``history`` holds lists ``seconds``, ``steps``, ``fid`` and ``classes_covered``,
    one entry per measurement; the samples come from the model's ``sampler`` when it has one
    (a :class:`~dcgan_keras.gan.DCGAN` with a moving average), else from its ``generator``.

    Example:
        >>> clock = QualityClock(seconds=60, every=10)
        >>> gan.fit(dataset, epochs=10_000, verbose=0, callbacks=[clock])  # doctest: +SKIP
        >>> clock.history["fid"][-1]  # doctest: +SKIP
    """

    def __init__(self, seconds, every, n=1000, seed=777):
        seconds, every = float(seconds), float(every)
        if not (np.isfinite(seconds) and seconds > 0 and np.isfinite(every) and every > 0):
            raise ValueError(f"seconds and every must be positive numbers, got {seconds!r} and {every!r}")
        super().__init__(seconds / 60.0)
        self.every, self.n, self.seed = every, int(n), seed
        self.history = {"seconds": [], "steps": [], "fid": [], "classes_covered": []}

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self.paused, self.next_measure = 0.0, self.every
        self.first_step = self._iterations()
        self.history = {key: [] for key in self.history}

    def _iterations(self):
        # The discriminator's optimizer counts steps, even when fit runs several per call.
        return int(keras.ops.convert_to_numpy(self.model.d_optimizer.iterations))

    def elapsed(self):
        """Seconds of training so far, not counting the measurements."""
        return time.perf_counter() - self.started - self.paused

    def fraction(self):
        return self.elapsed() / self.seconds

    def measure(self):
        """Score the model's samples now and add a point to ``history``."""
        from dcgan_keras.gan import generate_from_noise
        from dcgan_keras.metrics import quality_report

        paused = time.perf_counter()
        generator = getattr(self.model, "sampler", None) or self.model.generator
        noise = np.random.default_rng(self.seed).standard_normal((self.n, generator.input_shape[-1]))
        report = quality_report(generate_from_noise(generator, noise.astype(np.float32)))
        for key, value in (("seconds", self.elapsed()), ("steps", self._iterations() - self.first_step), ("fid", report["fid"]),
                           ("classes_covered", report["classes_covered"])):
            self.history[key].append(value)
        self.paused += time.perf_counter() - paused
        return report

    def on_train_batch_end(self, batch, logs=None):
        elapsed = self.elapsed()
        if elapsed >= self.seconds:
            self.model.stop_training = True
            self.stopped = True
        elif elapsed >= self.next_measure:
            self.measure()
            self.next_measure += self.every

    def on_epoch_end(self, epoch, logs=None):
        pass  # the budget is checked after every batch instead

    def on_train_end(self, logs=None):
        self.measure()


_IMAGE_SHAPE = (28, 28, 1)


def _check_image_shape(image_shape):
    try:
        shape = tuple(int(v) for v in image_shape)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"image_shape must be (height, width, channels), got {image_shape!r}") from exc
    if len(shape) != 3 or shape[:2] != (28, 28) or shape[2] < 1:
        raise ValueError(f"the tutorial architecture is laid out for 28x28 images (28x28xC), got {image_shape!r}; "
                         "use dcgan_keras.models.build_generator / build_discriminator for other sizes")
    return shape


def build_tutorial_generator(latent_dim=100, image_shape=_IMAGE_SHAPE, momentum=0.8, name="tutorial_generator"):
    """The tutorial generator: noise ``(batch, latent_dim)`` to 28x28 images in [-1, 1].

    ``Dense(7*7*128, relu) -> Reshape(7, 7, 128)``, then twice ``UpSampling2D ->
    Conv2D(3x3) -> BatchNorm -> ReLU`` (128, then 64 filters), then ``Conv2D(3x3)`` to the
    image's channels and ``tanh`` (kept in float32 under mixed precision).

    Args:
        latent_dim: length of the noise vector.
        image_shape: ``(28, 28, channels)``.
        momentum: BatchNormalization momentum (the tutorials' 0.8).
        name: model name.

    Example:
        >>> build_tutorial_generator(64).output_shape
        (None, 28, 28, 1)
    """
    if isinstance(latent_dim, bool) or not isinstance(latent_dim, int) or latent_dim < 1:
        raise ValueError(f"latent_dim must be a positive whole number, got {latent_dim!r}")
    _, _, channels = _check_image_shape(image_shape)
    z = keras.Input((latent_dim,), name="z")
    x = keras.layers.Dense(7 * 7 * 128, activation="relu", name="project")(z)
    x = keras.layers.Reshape((7, 7, 128), name="reshape")(x)
    for i, filters in enumerate((128, 64), start=1):
        x = keras.layers.UpSampling2D(name=f"upsample_{i}")(x)
        x = keras.layers.Conv2D(filters, 3, padding="same", name=f"conv_{i}")(x)
        x = keras.layers.BatchNormalization(momentum=momentum, name=f"norm_{i}")(x)
        x = keras.layers.Activation("relu", name=f"relu_{i}")(x)
    x = keras.layers.Conv2D(channels, 3, padding="same", name="to_image")(x)
    image = keras.layers.Activation("tanh", dtype="float32", name="tanh")(x)
    return keras.Model(z, image, name=name)


def build_tutorial_discriminator(image_shape=_IMAGE_SHAPE, dropout=0.25, momentum=0.8,
                                 name="tutorial_discriminator"):
    """The tutorial discriminator: 28x28 images to one logit each.

    ``Conv2D(32, 3, strides=2)`` (28 -> 14), ``Conv2D(64, 3, strides=2)`` (14 -> 7),
    ``ZeroPadding2D(((0, 1), (0, 1)))`` (7 -> 8), ``Conv2D(128, 3, strides=2)`` (8 -> 4),
    ``Conv2D(256, 3, strides=1)`` (4 -> 4), each followed by LeakyReLU(0.2) and Dropout, with
    BatchNorm after every convolution but the first; then ``Flatten -> Dense(1)``.

    Args:
        image_shape: ``(28, 28, channels)``.
        dropout: dropout rate after each block (the tutorials' 0.25).
        momentum: BatchNormalization momentum (the tutorials' 0.8).
        name: model name.

    Example:
        >>> build_tutorial_discriminator().output_shape
        (None, 1)
    """
    shape = _check_image_shape(image_shape)
    if not 0.0 <= float(dropout) < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}")
    image = keras.Input(shape, name="image")
    x = image
    plan = ((32, 2, False), (64, 2, True), (128, 2, True), (256, 1, True))
    for i, (filters, strides, batch_norm) in enumerate(plan, start=1):
        x = keras.layers.Conv2D(filters, 3, strides=strides, padding="same", name=f"conv_{i}")(x)
        if i == 2:
            # 7x7 -> 8x8: one row and one column of zeros, so the next stride 2 halves it exactly.
            x = keras.layers.ZeroPadding2D(((0, 1), (0, 1)), name="pad")(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(momentum=momentum, name=f"norm_{i}")(x)
        x = keras.layers.LeakyReLU(negative_slope=0.2, name=f"leaky_{i}")(x)
        x = keras.layers.Dropout(dropout, name=f"dropout_{i}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    logit = keras.layers.Dense(1, dtype="float32", name="logit")(x)
    return keras.Model(image, logit, name=name)
