"""Generator and discriminator builders that follow the DCGAN paper's five guidelines.

1. Strided convolutions instead of pooling: the discriminator down-samples with
   stride-2 :class:`~dcgan_keras.layers.DownBlock` s (to 4x4 maps, as the paper's does), the
   generator up-samples with :class:`~dcgan_keras.layers.UpBlock` s (or resize-convolutions).
2. BatchNorm in both networks, except the generator's output and the discriminator's input.
3. No fully connected hidden layers: the noise vector is projected and reshaped into a
   small stack of feature maps; the discriminator's feature maps are flattened into one logit.
4. ReLU in the generator, tanh at its output (images live in [-1, 1]).
5. LeakyReLU (slope 0.2) in the discriminator.

Weights start from N(0, 0.02). One optional departure, ``build_generator(refine_blocks=...)``,
adds stride-1 blocks on the generator's starting maps; the package's training recipe uses one.
Notebook 06 builds both networks step by step.
"""

import keras

from dcgan_keras.internal.validation import check_number, check_positive_int
from dcgan_keras.layers import DCGAN_INIT, DownBlock, ResizeConvBlock, UpBlock

__all__ = ["build_generator", "build_discriminator", "upsampling_plan", "downsampling_plan", "load_generator"]


def upsampling_plan(image_shape):
    """How a generator reaches ``image_shape``: ``(start_height, start_width, number_of_doublings)``.

    The image is halved while both sides stay even and at least 4 pixels, so 28 -> 14 -> 7
    (two doublings from 7x7), 32 -> 4 (three) and 64 -> 4 (four).

    Raises:
        ValueError: the shape is not ``(height, width, channels)`` with sides that can be
            halved at least once down to 4 pixels or more.

    Example:
        >>> upsampling_plan((28, 28, 1))
        (7, 7, 2)
    """
    try:
        height, width, channels = (int(v) for v in image_shape)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"image_shape must be (height, width, channels), got {image_shape!r}") from exc
    if channels < 1 or height < 1 or width < 1:
        raise ValueError(f"image_shape must be positive, got {image_shape!r}")
    doublings = 0
    while height % 2 == 0 and width % 2 == 0 and height // 2 >= 4 and width // 2 >= 4 and doublings < 6:
        height, width, doublings = height // 2, width // 2, doublings + 1
    if doublings == 0:
        raise ValueError(f"a DCGAN cannot produce images of shape {tuple(image_shape)}: height and width must be "
                         "even and at least 8 pixels (for example 28x28, 32x32 or 64x64); resize your images")
    return height, width, doublings


def downsampling_plan(image_shape):
    """How a discriminator reduces ``image_shape``: ``(final_height, final_width, number_of_halvings)``.

    Each stride-2 block halves the feature maps (rounding up, as ``padding="same"`` does) until
    neither side is larger than 4 pixels, so the last block's maps are at most 4x4, as in the
    paper's discriminator: 28 -> 14 -> 7 -> 4 (three halvings), 32 -> 4 (three) and 64 -> 4 (four).
    Stopping at 7x7 instead, where the generator starts, leaves D with two convolutions that each
    see only a small patch, and it judges the strokes better than the shape of the whole digit.

    Raises:
        ValueError: the shape is not one :func:`upsampling_plan` accepts.

    Example:
        >>> downsampling_plan((28, 28, 1))
        (4, 4, 3)
    """
    upsampling_plan(image_shape)  # the same checks: D judges what G can make
    height, width = int(image_shape[0]), int(image_shape[1])
    halvings = 0
    while max(height, width) > 4:
        height, width, halvings = -(-height // 2), -(-width // 2), halvings + 1
    return height, width, halvings


def build_generator(latent_dim=100, image_shape=(28, 28, 1), base_filters=64, upsampling="transpose",
                    kernel_size=4, refine_blocks=0, name="generator"):
    """A DCGAN generator: noise ``(batch, latent_dim)`` to images ``(batch, *image_shape)`` in [-1, 1].

    Args:
        latent_dim: length of the noise vector z.
        image_shape: ``(height, width, channels)``, e.g. (28, 28, 1), (32, 32, 3), (64, 64, 3).
        base_filters: channels of the last hidden block; each earlier block has twice as many.
        upsampling: ``"transpose"`` (Conv2DTranspose, as in the paper) or ``"resize"``
            (nearest-neighbour UpSampling2D + Conv2D, free of checkerboard artifacts).
        kernel_size: kernel of the transposed convolutions (4 overlaps evenly at stride 2).
        refine_blocks: blocks that keep the size (convolution -> BatchNorm -> ReLU, stride 1) on
            the small starting maps, before the first up-sampling. The paper's generator has
            none; one gives G another layer where the digit's shape is decided (a 4x4 window
            on 7x7 maps spans 16x16 of the 28x28 pixels). On MNIST it halved the steps that a
            given FID took, for about a third more time per step at width 48.
        name: model name.

    Example:
        >>> build_generator(latent_dim=64).output_shape
        (None, 28, 28, 1)
    """
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    base_filters = check_positive_int(base_filters, "base_filters")
    if upsampling not in ("transpose", "resize"):
        raise ValueError(f"upsampling must be 'transpose' or 'resize', got {upsampling!r}")
    refine_blocks = check_positive_int(refine_blocks, "refine_blocks", minimum=0)
    start_h, start_w, doublings = upsampling_plan(image_shape)
    channels = int(image_shape[-1])
    filters = base_filters * 2 ** (doublings - 1)

    z = keras.Input((latent_dim,), name="z")
    # Guideline 3: project the noise and reshape it into a small stack of feature maps.
    x = keras.layers.Dense(start_h * start_w * filters, use_bias=False, kernel_initializer=DCGAN_INIT,
                           name="project")(z)
    x = keras.layers.BatchNormalization(momentum=0.9, name="project_norm")(x)
    x = keras.layers.ReLU(name="project_relu")(x)
    x = keras.layers.Reshape((start_h, start_w, filters), name="reshape")(x)
    # Optional stride-1 blocks at the starting size: more depth where the digit's shape is decided.
    for i in range(refine_blocks):
        if upsampling == "transpose":
            x = UpBlock(filters, kernel_size=kernel_size, strides=1, name=f"refine_{i + 1}")(x)
        else:
            x = ResizeConvBlock(filters, size=1, name=f"refine_{i + 1}")(x)
    # Guidelines 1, 2, 4: learned up-sampling, BatchNorm, ReLU.
    for i in range(doublings - 1):
        filters //= 2
        if upsampling == "transpose":
            x = UpBlock(filters, kernel_size=kernel_size, name=f"up_{i + 1}")(x)
        else:
            x = ResizeConvBlock(filters, name=f"up_{i + 1}")(x)
    # The output layer: no BatchNorm, tanh, kept in float32 under mixed precision.
    if upsampling == "transpose":
        x = keras.layers.Conv2DTranspose(channels, kernel_size, strides=2, padding="same",
                                         kernel_initializer=DCGAN_INIT, name="to_image")(x)
    else:
        x = keras.layers.UpSampling2D(2, name="to_image_upsample")(x)
        x = keras.layers.Conv2D(channels, 3, padding="same", kernel_initializer=DCGAN_INIT, name="to_image")(x)
    image = keras.layers.Activation("tanh", dtype="float32", name="tanh")(x)
    return keras.Model(z, image, name=name)


def build_discriminator(image_shape=(28, 28, 1), base_filters=64, kernel_size=4, dropout=0.0,
                        name="discriminator"):
    """A DCGAN discriminator: images ``(batch, *image_shape)`` in [-1, 1] to one logit each.

    Stride-2 :class:`~dcgan_keras.layers.DownBlock` s halve the image until its maps are at most
    4x4 (:func:`downsampling_plan`: three blocks for 28x28), then one ``Dense`` unit reads them.
    The output is a logit (no sigmoid): train with ``from_logits=True`` losses, which
    are numerically safer. ``keras.ops.sigmoid`` of it is D(x), the probability "real".

    Args:
        image_shape: ``(height, width, channels)``.
        base_filters: channels of the first block; each later block has twice as many.
        kernel_size: convolution kernel (4, as in the paper's code, suits stride 2).
        dropout: optional dropout rate after each block (0 = none, as in the paper).
        name: model name.

    Example:
        >>> build_discriminator((28, 28, 1)).output_shape
        (None, 1)
    """
    base_filters = check_positive_int(base_filters, "base_filters")
    dropout = check_number(dropout, "dropout", 0.0, 1.0, include_maximum=False)
    _, _, halvings = downsampling_plan(image_shape)
    image = keras.Input(tuple(int(v) for v in image_shape), name="image")
    x = image
    filters = base_filters
    for i in range(halvings):
        # Guideline 2: no BatchNorm on the discriminator's input block.
        x = DownBlock(filters, kernel_size=kernel_size, batch_norm=i > 0, name=f"down_{i + 1}")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"dropout_{i + 1}")(x)
        filters *= 2
    x = keras.layers.Flatten(name="flatten")(x)
    logit = keras.layers.Dense(1, kernel_initializer=DCGAN_INIT, dtype="float32", name="logit")(x)
    return keras.Model(image, logit, name=name)


def load_generator(path):
    """Load a generator saved as ``.keras`` (for example ``runs/dcgan/generator.keras``).

    Loads with Keras's safe mode (no arbitrary code from the file runs); importing this
    module registers the package's layers, which plain ``keras.saving.load_model`` needs.

    Example:
        >>> generator = load_generator("runs/dcgan/generator.keras")  # doctest: +SKIP
        >>> generator(keras.random.normal((16, generator.input_shape[-1])), training=False).shape
        TensorShape([16, 28, 28, 1])
    """
    return keras.saving.load_model(path, safe_mode=True, compile=False)
