"""The "Keras tutorial" DCGAN: the architecture that many Keras GAN tutorials copy, rebuilt for comparison.

It predates the DCGAN paper's advice in several ways, and notebook 06 trains it with the
same recipe and budget as :func:`dcgan_keras.models.build_generator` /
:func:`~dcgan_keras.models.build_discriminator` to see what the differences cost:

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

import keras

__all__ = ["build_tutorial_generator", "build_tutorial_discriminator"]

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
