"""The DCGAN's losses: the discriminator's and the generator's binary cross-entropy, and the R1 penalty.

Each returns one loss per example; :class:`dcgan_keras.gan.DCGAN` averages them over the global batch,
so that a step on several devices equals one step on the whole batch.
"""

import keras
import tensorflow as tf

__all__ = ["discriminator_loss", "generator_loss", "r1_penalty", "global_batch_mean"]


def global_batch_mean(per_example):
    """Mean over the global batch: under ``tf.distribute`` each replica divides by the global size.

    The optimizer sums the replicas' gradients, so dividing by the global batch (not the
    replica's) makes a step with N replicas equal to one step on the whole batch.
    """
    per_example = keras.ops.reshape(per_example, (-1,))
    replicas = tf.distribute.get_strategy().num_replicas_in_sync  # TensorFlow: Keras has no replica count
    global_size = keras.ops.cast(keras.ops.shape(per_example)[0] * replicas, per_example.dtype)
    return keras.ops.sum(per_example) / global_size


def discriminator_loss(real_logits, fake_logits, label_smoothing=0.0):
    """Binary cross-entropy of D: real images labelled ``1 - label_smoothing``, fakes 0.

    One-sided label smoothing (only the real labels move) keeps D from growing
    over-confident without rewarding the generator for anything.
    Returns per-example losses; average them with the global batch size.
    """
    real_logits = keras.ops.cast(real_logits, "float32")
    fake_logits = keras.ops.cast(fake_logits, "float32")
    real_target = keras.ops.full_like(real_logits, 1.0 - label_smoothing)
    real = keras.ops.binary_crossentropy(real_target, real_logits, from_logits=True)
    fake = keras.ops.binary_crossentropy(keras.ops.zeros_like(fake_logits), fake_logits, from_logits=True)
    return real + fake


def r1_penalty(real_gradients):
    """The R1 gradient penalty of Mescheder et al. (2018): ``||grad_x D(x)||^2`` on each real image.

    Args:
        real_gradients: the gradient of D's logits with respect to a batch of real images,
            shape ``(batch, height, width, channels)``.

    Returns per-example penalties (float32); the discriminator's loss adds ``r1_weight / 2`` times them.
    A discriminator with small gradients on the real digits cannot carve sharp, over-fitted edges
    around them, which keeps it from memorising a small training set and gives the generator
    gradients that lead somewhere.
    """
    real_gradients = keras.ops.cast(real_gradients, "float32")
    return keras.ops.sum(keras.ops.square(real_gradients), axis=tuple(range(1, len(real_gradients.shape))))


def generator_loss(fake_logits):
    """The non-saturating generator loss: binary cross-entropy of D's logits on fakes against label 1.

    Returns per-example losses.
    """
    fake_logits = keras.ops.cast(fake_logits, "float32")
    return keras.ops.binary_crossentropy(keras.ops.ones_like(fake_logits), fake_logits, from_logits=True)
