"""``DCGAN``: a ``keras.Model`` whose custom ``train_step`` trains a generator against a discriminator.

``fit`` compiles ``train_step`` with ``tf.function`` (and XLA with ``jit_compile=True``),
so the same code runs on a CPU, a GPU, or several GPUs under ``tf.distribute``.
Notebook 06 walks through it line by line.
"""

import keras
import numpy as np
import tensorflow as tf

__all__ = ["DCGAN", "TRAINING_DEFAULTS", "default_optimizer", "discriminator_loss", "generator_loss"]

#: The recipe that ``python -m dcgan_keras train`` and notebook 06 use on MNIST (the README
#: gives the measurements behind it): network widths, batch size, run length, learning rate,
#: generator weight averaging and augmentation of the discriminator's inputs.
TRAINING_DEFAULTS = {
    "latent_dim": 100,
    "g_filters": 64,
    "d_filters": 64,
    "batch_size": 64,
    "steps": 4000,
    "learning_rate": 2e-4,
    "beta_1": 0.5,
    "ema_decay": None,
    "augment": None,
}


def default_optimizer(learning_rate=2e-4, beta_1=0.5):
    """Adam with the DCGAN paper's settings: learning rate 2e-4, beta_1 0.5."""
    return keras.optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1)


def _average(per_example):
    """Mean over the global batch: under ``tf.distribute`` each replica divides by the global size.

    The optimizer sums the replicas' gradients, so dividing by the global batch (not the
    replica's) makes a step with N replicas equal to one step on the whole batch.
    """
    per_example = tf.reshape(per_example, [-1])
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    global_size = tf.cast(tf.size(per_example) * replicas, per_example.dtype)
    return tf.reduce_sum(per_example) / global_size


def discriminator_loss(real_logits, fake_logits, label_smoothing=0.0):
    """Binary cross-entropy of D: real images labelled ``1 - label_smoothing``, fakes 0.

    One-sided label smoothing (only the real labels move) keeps D from growing
    over-confident without rewarding the generator for anything.
    Returns per-example losses; average them with the global batch size.
    """
    real_logits = tf.cast(real_logits, tf.float32)
    fake_logits = tf.cast(fake_logits, tf.float32)
    real_target = tf.fill(tf.shape(real_logits), 1.0 - label_smoothing)
    real = tf.nn.sigmoid_cross_entropy_with_logits(labels=real_target, logits=real_logits)
    fake = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(fake_logits), logits=fake_logits)
    return real + fake


def generator_loss(fake_logits):
    """The non-saturating generator loss: binary cross-entropy of D's logits on fakes against label 1.

    Returns per-example losses.
    """
    fake_logits = tf.cast(fake_logits, tf.float32)
    return tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(fake_logits), logits=fake_logits)


@keras.saving.register_keras_serializable(package="dcgan_keras")
class DCGAN(keras.Model):
    """A generator and a discriminator trained against each other by ``fit``.

    Args:
        generator: a model from noise ``(batch, latent_dim)`` to images.
        discriminator: a model from images to one logit each.
        latent_dim: noise length (read from the generator when omitted).
        label_smoothing: one-sided label smoothing for real images (0 = none).
        seed: seed of the model's own noise generator, so training is reproducible.
        **kwargs: passed to ``keras.Model``.

    Metrics reported by ``fit``: ``d_loss``, ``g_loss``, ``d_real`` (mean D(x) on real
    images) and ``d_fake`` (mean D(G(z)) on fakes, before the generator's update).

    Example:
        >>> gan = DCGAN(build_generator(), build_discriminator())
        >>> gan.compile()                       # Adam(2e-4, beta_1=0.5) for both
        >>> gan.fit(make_dataset(images), epochs=5)  # doctest: +SKIP
    """

    def __init__(self, generator, discriminator, latent_dim=None, label_smoothing=0.0, seed=None,
                 ema_decay=None, augment=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(generator, keras.Model) or not isinstance(discriminator, keras.Model):
            raise TypeError("generator and discriminator must be keras.Model instances "
                            "(build them with build_generator and build_discriminator)")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim or generator.input_shape[-1])
        if generator.input_shape[-1] != self.latent_dim:
            raise ValueError(f"latent_dim {self.latent_dim} does not match the generator's input "
                             f"{generator.input_shape[-1]}")
        if tuple(generator.output_shape[1:]) != tuple(discriminator.input_shape[1:]):
            raise ValueError(f"the generator makes images of shape {generator.output_shape[1:]} but the "
                             f"discriminator expects {discriminator.input_shape[1:]}; build both for one image_shape")
        if not 0.0 <= label_smoothing < 0.5:
            raise ValueError(f"label_smoothing must be in [0, 0.5), got {label_smoothing!r}")
        self.label_smoothing = float(label_smoothing)
        self.seed = seed
        if ema_decay is not None and not 0.0 < ema_decay < 1.0:
            raise ValueError(f"ema_decay must be in (0, 1) or None, got {ema_decay!r}")
        self.ema_decay = ema_decay
        if augment not in (None, "translation"):
            raise ValueError(f"augment must be None or 'translation', got {augment!r}")
        self.augment = augment
        self.ema_generator = None
        if ema_decay is not None:
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        self.build()

    @property
    def image_shape(self):
        return tuple(self.generator.output_shape[1:])

    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        """Set one optimizer per network (default: Adam(2e-4, beta_1=0.5) each).

        Other keyword arguments (``jit_compile``, ``steps_per_execution``, ...) go to
        ``keras.Model.compile``. Under a ``mixed_float16`` policy each optimizer is
        wrapped in a ``LossScaleOptimizer``.
        """
        super().compile(**kwargs)
        d_optimizer = d_optimizer or default_optimizer()
        g_optimizer = g_optimizer or default_optimizer()
        if d_optimizer is g_optimizer:
            raise ValueError("use one optimizer per network: an optimizer built on the generator's variables "
                             "cannot update the discriminator's")
        if keras.config.dtype_policy().name == "mixed_float16":
            if not isinstance(d_optimizer, keras.optimizers.LossScaleOptimizer):
                d_optimizer = keras.optimizers.LossScaleOptimizer(d_optimizer)
            if not isinstance(g_optimizer, keras.optimizers.LossScaleOptimizer):
                g_optimizer = keras.optimizers.LossScaleOptimizer(g_optimizer)
        # Create the optimizers' slots now (in the caller's strategy scope), not lazily inside the
        # compiled train step, where tf.distribute cannot create them.
        d_optimizer.build(self.discriminator.trainable_weights)
        g_optimizer.build(self.generator.trainable_weights)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker, self.d_real_tracker, self.d_fake_tracker]

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def build(self, input_shape=None):
        self.generator.build((None, self.latent_dim))
        self.discriminator.build((None, *self.image_shape))

    def sample_noise(self, batch_size):
        """Noise for one batch, drawn from the model's own seed generator (fresh on every call).

        Under ``tf.distribute`` every replica reads the same generator state, so the
        replica's index is folded into the seed: each replica gets its own noise.
        """
        seed = self.seed_generator.next()
        context = tf.distribute.get_replica_context()
        if context is not None and context.num_replicas_in_sync > 1:
            replica = tf.cast(context.replica_id_in_sync_group, seed.dtype)
            seed = seed + tf.stack([tf.zeros_like(replica), 1_000_003 * (replica + 1)])
        return tf.random.stateless_normal((batch_size, self.latent_dim), seed=seed)

    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        # Take the batch size from the data: a ragged last batch stays balanced and does not retrace.
        batch_size = tf.shape(real)[0]
        compute_dtype = self.generator.compute_dtype
        real = tf.cast(real, compute_dtype)
        augment = translate if self.augment == "translation" else (lambda images, seed: images)

        # 1. Discriminator: push D(x) up on real images and D(G(z)) down on fakes.
        z = self.sample_noise(batch_size)
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            real_logits = self.discriminator(augment(real, self.seed_generator.next()), training=True)
            fake_logits = self.discriminator(augment(fake, self.seed_generator.next()), training=True)
            d_loss = _average(discriminator_loss(real_logits, fake_logits, self.label_smoothing))
            scaled = self.d_optimizer.scale_loss(d_loss)
        d_weights = self.discriminator.trainable_weights
        self.d_optimizer.apply(tape.gradient(scaled, d_weights), d_weights)

        # 2. Generator: push D(G(z)) up on fresh noise (the non-saturating loss).
        z = self.sample_noise(batch_size)
        with tf.GradientTape() as tape:
            fake_g = augment(self.generator(z, training=True), self.seed_generator.next())
            fake_logits_g = self.discriminator(fake_g, training=True)
            g_loss = _average(generator_loss(fake_logits_g))
            scaled = self.g_optimizer.scale_loss(g_loss)
        g_weights = self.generator.trainable_weights
        self.g_optimizer.apply(tape.gradient(scaled, g_weights), g_weights)
        if self.ema_generator is not None:
            decay = tf.constant(self.ema_decay, tf.float32)
            for ema, w in zip(self.ema_generator.weights, self.generator.weights, strict=True):
                if ema.trainable:
                    ema.assign(decay * ema + (1.0 - decay) * tf.cast(w, ema.dtype))
                else:  # BatchNorm statistics: copy
                    ema.assign(tf.cast(w, ema.dtype))

        # Each replica holds its share of the global mean; the trackers average over replicas.
        replicas = tf.cast(tf.distribute.get_strategy().num_replicas_in_sync, tf.float32)
        self.d_loss_tracker.update_state(d_loss * replicas)
        self.g_loss_tracker.update_state(g_loss * replicas)
        self.d_real_tracker.update_state(tf.reduce_mean(tf.sigmoid(tf.cast(real_logits, tf.float32))))
        self.d_fake_tracker.update_state(tf.reduce_mean(tf.sigmoid(tf.cast(fake_logits, tf.float32))))
        return {m.name: m.result() for m in self.metrics}

    def generate(self, n, seed=None, batch_size=256):
        """``n`` images from the generator (inference mode) as float32 numpy in [-1, 1].

        Args:
            n: how many images.
            seed: seed of the noise (NumPy), so the same seed gives the same images.
            batch_size: images per forward pass.
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n must be a positive whole number of images, got {n!r}")
        z = np.random.default_rng(seed).standard_normal((int(n), self.latent_dim)).astype(np.float32)
        return generate_from_noise(self.sampler, z, batch_size=batch_size)

    @property
    def sampler(self):
        """The generator to draw samples from: the weight average when ``ema_decay`` is set."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    def get_config(self):
        config = super().get_config()
        config.update({
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "label_smoothing": self.label_smoothing,
            "seed": self.seed,
            "ema_decay": self.ema_decay,
            "augment": self.augment,
        })
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["generator"] = keras.saving.deserialize_keras_object(config["generator"])
        config["discriminator"] = keras.saving.deserialize_keras_object(config["discriminator"])
        return cls(**config)


def generate_from_noise(generator, z, batch_size=256):
    """Run a generator on noise ``z`` in inference mode; float32 numpy images in [-1, 1]."""
    outputs = [np.asarray(generator(z[i:i + batch_size], training=False), np.float32)
               for i in range(0, len(z), batch_size)]
    return np.concatenate(outputs)


def translate(images, seed, fraction=0.125):
    """Shift each image by a random whole number of pixels (up to ``fraction`` of its size), filling with -1.

    A differentiable augmentation (as in DiffAugment): applied to real and generated
    images alike before the discriminator, it keeps D from memorising a small data set
    while the generator still learns unshifted digits.
    """
    shape = tf.shape(images)
    batch, height, width = shape[0], shape[1], shape[2]
    pad_h = tf.cast(tf.cast(height, tf.float32) * fraction, tf.int32)
    pad_w = tf.cast(tf.cast(width, tf.float32) * fraction, tf.int32)
    seed = tf.cast(seed, tf.int32)
    dy = tf.random.stateless_uniform([batch], seed, 0, 2 * pad_h + 1, dtype=tf.int32)
    dx = tf.random.stateless_uniform([batch], seed + 1, 0, 2 * pad_w + 1, dtype=tf.int32)
    padded = tf.pad(images, [[0, 0], [pad_h, pad_h], [pad_w, pad_w], [0, 0]], constant_values=-1.0)
    rows = dy[:, None] + tf.range(height)[None, :]
    cols = dx[:, None] + tf.range(width)[None, :]
    shifted = tf.gather(padded, rows, axis=1, batch_dims=1)
    return tf.gather(shifted, cols, axis=2, batch_dims=1)


__all__ += ["generate_from_noise", "translate"]
