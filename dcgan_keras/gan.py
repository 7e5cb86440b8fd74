"""``DCGAN``: a ``keras.Model`` whose custom ``train_step`` trains a generator against a discriminator.

``fit`` compiles ``train_step`` with ``tf.function`` (and XLA with ``jit_compile=True``),
so the same code runs on a CPU, a GPU, or several GPUs under ``tf.distribute``. The step is
written with ``keras.ops``; TensorFlow appears only where Keras has no equivalent (the gradient
tapes, the ``tf.distribute`` replica context, a stateless draw from a seed tensor), each marked.
Notebook 06 has the reader write this ``train_step`` without the multi-device plumbing, the R1
penalty and the moving average; with those off, both give the same losses and weights
(``tests/test_notebook_gan.py``). The settings the package trains with are in :mod:`dcgan_keras.recipe`.
"""

import keras
import numpy as np
import tensorflow as tf

from dcgan_keras.internal.validation import check_number, check_positive_int
from dcgan_keras.losses import discriminator_loss, generator_loss, global_batch_mean, r1_penalty

__all__ = ["DCGAN", "default_optimizer", "discriminator_loss", "generator_loss", "r1_penalty"]


def default_optimizer(learning_rate=2e-4, beta_1=0.5, beta_2=0.999):
    """Adam, by default with the DCGAN paper's settings: learning rate 2e-4, beta_1 0.5.

    The package's recipe (:mod:`dcgan_keras.recipe`) passes its own numbers.
    """
    return keras.optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2)


@keras.saving.register_keras_serializable(package="dcgan_keras")
class DCGAN(keras.Model):
    """A generator and a discriminator trained against each other by ``fit``.

    Args:
        generator: a model from noise ``(batch, latent_dim)`` to images.
        discriminator: a model from images to one logit each.
        latent_dim: noise length (read from the generator when omitted).
        label_smoothing: one-sided label smoothing for real images (0 = none).
        r1_weight: weight gamma of the R1 gradient penalty on real images (0 = none); D's loss
            gains ``gamma / 2 * ||grad_x D(x)||^2``. It keeps a discriminator trained on a few
            thousand digits from over-fitting them.
        ema_decay: keep ``generator_ema``, a copy of the generator whose weights follow an
            exponential moving average of the trained ones, ``w_ema <- decay * w_ema + (1 - decay) * w``
            after every step (0 = no copy). At 0.995 it averages over the last few hundred steps,
            which smooths out the step-to-step wobble of GAN training; ``generate``, the sample
            grids and the quality figures then use it.
        seed: seed of the model's own noise generator, so training is reproducible.
        **kwargs: passed to ``keras.Model``.

    Each step updates both networks from one forward pass, as the TensorFlow DCGAN
    tutorial does: the generator's gradient is taken against the discriminator as it was
    before this step's update. Alternating updates (the PyTorch tutorial's) run G and D
    forward again for the generator; on MNIST they reached the same FID per step here at
    about 1.4 times the cost per step.

    Metrics reported by ``fit``: ``d_loss``, ``g_loss``, ``d_real`` (mean D(x) on real
    images), ``d_fake`` (mean D(G(z)) on fakes, before the update) and, when ``r1_weight``
    is set, ``r1`` (the mean penalty ``||grad_x D(x)||^2``; ``d_loss`` excludes it).

    Example:
        >>> gan = DCGAN(build_generator(), build_discriminator())
        >>> gan.compile()                       # Adam(2e-4, beta_1=0.5) for both
        >>> gan.fit(make_dataset(images), epochs=5)  # doctest: +SKIP
    """

    def __init__(self, generator, discriminator, latent_dim=None, label_smoothing=0.0, r1_weight=0.0, ema_decay=0.0,
                 seed=None, **kwargs):
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
        self.label_smoothing = check_number(label_smoothing, "label_smoothing", 0.0, 0.5, include_maximum=False)
        self.r1_weight = check_number(r1_weight, "r1_weight", 0.0, hint="(0 turns the penalty off)")
        self.ema_decay = check_number(ema_decay, "ema_decay", 0.0, 1.0, include_maximum=False,
                                      hint="(0 keeps no averaged copy)")
        self.generator_ema = None
        if self.ema_decay:
            self.generator_ema = keras.models.clone_model(generator, clone_function=None)
            self.generator_ema.name = f"{generator.name}_ema"
            self.generator_ema.set_weights(generator.get_weights())
            self.generator_ema.trainable = False  # moved by update_ema, never by an optimizer
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        self.r1_tracker = keras.metrics.Mean(name="r1") if self.r1_weight else None
        self.build()

    @property
    def image_shape(self):
        return tuple(self.generator.output_shape[1:])

    @property
    def sampler(self):
        """The generator to draw samples from: ``generator_ema`` when there is one, else ``generator``."""
        return self.generator_ema if self.generator_ema is not None else self.generator

    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        """Set one optimizer per network (default: Adam(2e-4, beta_1=0.5) each).

        Other keyword arguments (``jit_compile``, ``steps_per_execution``, ...) go to
        ``keras.Model.compile``, which gets no optimizer of its own: ``gan.optimizer`` stays
        ``None``. Under a ``mixed_float16`` policy each optimizer is wrapped in a
        ``LossScaleOptimizer``. A DCGAN saved as ``.keras`` keeps both optimizers, their state
        and these settings, and ``keras.saving.load_model`` compiles it again.
        """
        if "optimizer" in kwargs:
            raise ValueError("a DCGAN has two optimizers: pass d_optimizer= and g_optimizer=, not optimizer=")
        super().compile(optimizer=None, **kwargs)
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
        self._dcgan_compile_kwargs = {k: v for k, v in kwargs.items() if k in ("jit_compile", "steps_per_execution",
                                                                              "run_eagerly")}

    def get_compile_config(self):
        if not self.compiled or not hasattr(self, "d_optimizer"):
            return {}
        return {"d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
                "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
                **self._dcgan_compile_kwargs}

    def compile_from_config(self, config):
        config = dict(config)
        self.compile(d_optimizer=keras.saving.deserialize_keras_object(config.pop("d_optimizer")),
                     g_optimizer=keras.saving.deserialize_keras_object(config.pop("g_optimizer")), **config)

    @property
    def metrics(self):
        trackers = [self.d_loss_tracker, self.g_loss_tracker, self.d_real_tracker, self.d_fake_tracker]
        return trackers + ([self.r1_tracker] if self.r1_tracker is not None else [])

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def build(self, input_shape=None):
        self.generator.build((None, self.latent_dim))
        self.discriminator.build((None, *self.image_shape))

    def sample_noise(self, batch_size):
        """Noise for one batch, drawn from the model's own seed generator (fresh on every call).

        On one device this is ``keras.random.normal((batch_size, latent_dim), seed=self.seed_generator)``.
        Under ``tf.distribute`` every replica reads the same generator state, so the replica's index
        is folded into the seed: each replica gets its own noise.
        """
        context = tf.distribute.get_replica_context()  # TensorFlow: Keras has no replica context
        if context is None or context.num_replicas_in_sync == 1:
            return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        seed = self.seed_generator.next()
        replica = keras.ops.cast(context.replica_id_in_sync_group, seed.dtype)
        seed = seed + keras.ops.stack([keras.ops.zeros_like(replica), 1_000_003 * (replica + 1)])
        # TensorFlow: keras.random takes an int or a SeedGenerator as its seed, not a seed tensor.
        return tf.random.stateless_normal((batch_size, self.latent_dim), seed=seed)

    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        # Take the batch size from the data: a ragged last batch stays balanced and does not retrace.
        batch_size = keras.ops.shape(real)[0]
        real = keras.ops.cast(real, "float32")  # D casts it to its compute dtype; R1 differentiates in float32
        z = self.sample_noise(batch_size)

        # One forward pass serves both networks; each tape records the gradients of one loss.
        # TensorFlow: Keras has no backend-neutral gradient tape.
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.generator(z, training=True)
            # A third tape, inside D's, records how D's logits depend on the real pixels (for R1).
            with tf.GradientTape(watch_accessed_variables=False) as r1_tape:
                r1_tape.watch(real)
                real_logits = self.discriminator(real, training=True)
                # Scaled like D's loss (under mixed float16), so that R1's inner gradient, which runs
                # back through D in half precision, does not underflow; unscaled again below.
                real_sum = self.d_optimizer.scale_loss(keras.ops.sum(keras.ops.cast(real_logits, "float32")))
            fake_logits = self.discriminator(fake, training=True)
            # D: call real images real (1, or 1 - label_smoothing) and fakes fake (0).
            d_loss = global_batch_mean(discriminator_loss(real_logits, fake_logits, self.label_smoothing))
            # G: make D call its fakes real (the non-saturating loss).
            g_loss = global_batch_mean(generator_loss(fake_logits))
            d_total = d_loss
            if self.r1_weight:  # a Python number: the branch is decided once, when the step is traced
                # R1: penalise D's gradient on real images (differentiated again by d_tape).
                inner_scale = self.d_optimizer.scale_loss(keras.ops.ones((), "float32"))  # 1 without scaling
                real_gradients = r1_tape.gradient(real_sum, real) / inner_scale
                penalty = global_batch_mean(r1_penalty(real_gradients))
                d_total = d_loss + 0.5 * self.r1_weight * penalty
            d_scaled = self.d_optimizer.scale_loss(d_total)  # loss scaling under mixed float16, else unchanged
            g_scaled = self.g_optimizer.scale_loss(g_loss)
        d_weights = self.discriminator.trainable_weights
        g_weights = self.generator.trainable_weights
        # Both gradients first, against the networks as the forward pass saw them; then both updates.
        d_gradients = d_tape.gradient(d_scaled, d_weights)
        g_gradients = g_tape.gradient(g_scaled, g_weights)
        self.d_optimizer.apply(d_gradients, d_weights)
        self.g_optimizer.apply(g_gradients, g_weights)
        if self.generator_ema is not None:  # decided once, when the step is traced
            self.update_ema()

        # Each replica holds its share of the global mean; the trackers average over replicas.
        replicas = float(tf.distribute.get_strategy().num_replicas_in_sync)  # TensorFlow, as in global_batch_mean
        self.d_loss_tracker.update_state(d_loss * replicas)
        self.g_loss_tracker.update_state(g_loss * replicas)
        self.d_real_tracker.update_state(keras.ops.mean(keras.ops.sigmoid(keras.ops.cast(real_logits, "float32"))))
        self.d_fake_tracker.update_state(keras.ops.mean(keras.ops.sigmoid(keras.ops.cast(fake_logits, "float32"))))
        if self.r1_weight:
            self.r1_tracker.update_state(penalty * replicas)
        return {m.name: m.result() for m in self.metrics}

    def update_ema(self):
        """Move ``generator_ema`` towards the generator: its weights by ``ema_decay``, its BatchNorm
        statistics all the way (they describe the current weights' activations)."""
        decay = self.ema_decay
        # generator_ema is frozen (not trainable), so pair the two networks' weights in creation order,
        # which freezing does not change, and ask each variable whether it is trained.
        for averaged, current in zip(self.generator_ema.weights, self.generator.weights, strict=True):
            if current.trainable:
                averaged.assign(decay * averaged + (1.0 - decay) * current)
            else:
                averaged.assign(current)

    def generate(self, n, seed=None, batch_size=256):
        """``n`` images from :attr:`sampler` (inference mode) as float32 numpy in [-1, 1].

        Args:
            n: how many images.
            seed: seed of the noise (NumPy), so the same seed gives the same images.
            batch_size: images per forward pass.
        """
        n = check_positive_int(n, "n", hint="(images)")
        z = np.random.default_rng(seed).standard_normal((int(n), self.latent_dim)).astype(np.float32)
        return generate_from_noise(self.sampler, z, batch_size=batch_size)

    # A SeedGenerator is not saved by Keras with the model that owns it: these two keep its state in
    # a .keras file (and in save_weights), so a reloaded DCGAN draws the noise the original would have.
    _SEED_STATE = "seed_generator_state"

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store[self._SEED_STATE] = keras.ops.convert_to_numpy(self.seed_generator.state)

    def load_own_variables(self, store):
        keys = list(store.keys())
        if self._SEED_STATE in keys:
            self.seed_generator.state.assign(np.asarray(store[self._SEED_STATE]).astype(self.seed_generator.state.dtype))
        super().load_own_variables({key: store[key] for key in keys if key != self._SEED_STATE})

    def get_config(self):
        config = super().get_config()
        config.update({
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "label_smoothing": self.label_smoothing,
            "r1_weight": self.r1_weight,
            "ema_decay": self.ema_decay,
            "seed": self.seed,
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


__all__ += ["generate_from_noise"]
