"""The DCGAN building blocks as Keras layers.

Each block is self-contained: copy one class into your own project, with ``import keras`` above it,
and it works; it carries its own argument check and its own N(0, 0.02) initialiser. When you copy a
class, change ``package="dcgan_keras"`` in its registration to your own package's name: two classes
registered under the same package and name replace each other without a word, and a saved model
would then load with the other class's code. Each block passes ``training`` on to its
BatchNormalization, has a ``get_config`` and is registered for ``.keras`` saving
(``tests/test_layers.py`` copies each class alone into a fresh module and checks all of this).

- :class:`DownBlock`: strided Conv2D -> optional BatchNorm -> LeakyReLU(0.2), the discriminator's step.
- :class:`UpBlock`: Conv2DTranspose -> BatchNorm -> ReLU, the generator's step.
- :class:`ResizeConvBlock`: UpSampling2D -> Conv2D -> BatchNorm -> ReLU, a generator step
  without the checkerboard artifact (notebook 05 explains why).
"""

import keras

__all__ = ["DCGAN_INIT", "DownBlock", "UpBlock", "ResizeConvBlock", "dcgan_initializer"]

#: The DCGAN paper's weight initialiser, N(0, 0.02), as a config that ``keras.initializers.get`` reads.
DCGAN_INIT = {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.02}}


def dcgan_initializer(seed=None):
    """The DCGAN paper's weight initialiser: normal with mean 0 and standard deviation 0.02."""
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02, seed=seed)


@keras.saving.register_keras_serializable(package="dcgan_keras")
class DownBlock(keras.layers.Layer):
    """Halve the image with a strided convolution: Conv2D -> [BatchNorm] -> LeakyReLU.

    The discriminator's building block. Down-sampling is learned by the strided
    convolution; there is no pooling (DCGAN guideline 1).

    Args:
        filters: output channels.
        kernel_size: convolution window (default 4, which a stride of 2 divides evenly).
        strides: down-sampling factor (default 2).
        batch_norm: add BatchNormalization (the discriminator's first block has none).
        negative_slope: LeakyReLU slope for negative inputs (the paper's 0.2; Keras's default is 0.3).
        momentum: BatchNormalization momentum (0.9 matches PyTorch's 0.1).
        kernel_initializer: convolution initialiser (default N(0, 0.02)).
        **kwargs: passed to ``keras.layers.Layer`` (``name``, ``dtype``, ...).

    Copying this class? Change ``package="dcgan_keras"`` in its registration to your own package.

    Example:
        >>> block = DownBlock(64)
        >>> block(keras.ops.zeros((2, 28, 28, 1))).shape
        TensorShape([2, 14, 14, 64])
    """

    def __init__(self, filters, kernel_size=4, strides=2, batch_norm=True, negative_slope=0.2,
                 momentum=0.9, kernel_initializer=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(filters, bool) or not isinstance(filters, int) or filters < 1:
            raise ValueError(f"filters must be a positive whole number, got {filters!r}")
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.batch_norm = bool(batch_norm)
        self.negative_slope = float(negative_slope)
        self.momentum = float(momentum)
        self.kernel_initializer = keras.initializers.get(
            kernel_initializer or keras.initializers.RandomNormal(mean=0.0, stddev=0.02))  # the paper's N(0, 0.02)
        self.conv = keras.layers.Conv2D(filters, kernel_size, strides=strides, padding="same",
                                        use_bias=not self.batch_norm,
                                        kernel_initializer=self.kernel_initializer,
                                        dtype=self.dtype_policy, name="conv")
        self.norm = (keras.layers.BatchNormalization(momentum=self.momentum, dtype=self.dtype_policy, name="norm")
                     if self.batch_norm else None)
        self.act = keras.layers.LeakyReLU(negative_slope=self.negative_slope, dtype=self.dtype_policy, name="act")

    def build(self, input_shape):
        self.conv.build(input_shape)
        if self.norm is not None:
            self.norm.build(self.conv.compute_output_shape(input_shape))

    def call(self, inputs, training=None):
        x = self.conv(inputs)
        if self.norm is not None:
            x = self.norm(x, training=training)
        return self.act(x)

    def compute_output_shape(self, input_shape):
        return self.conv.compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "batch_norm": self.batch_norm,
            "negative_slope": self.negative_slope,
            "momentum": self.momentum,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
        })
        return config


@keras.saving.register_keras_serializable(package="dcgan_keras")
class UpBlock(keras.layers.Layer):
    """Double the image with a transposed convolution: Conv2DTranspose -> BatchNorm -> ReLU.

    The generator's building block in the DCGAN paper. With a kernel that the stride
    does not divide (3 with stride 2, say) it leaves a checkerboard pattern; the
    default kernel 4 with stride 2 overlaps evenly (notebook 05).

    Args:
        filters: output channels.
        kernel_size: transposed-convolution window (default 4).
        strides: up-sampling factor (default 2).
        momentum: BatchNormalization momentum (0.9 matches PyTorch's 0.1).
        kernel_initializer: initialiser (default N(0, 0.02)).
        **kwargs: passed to ``keras.layers.Layer``.

    Copying this class? Change ``package="dcgan_keras"`` in its registration to your own package.

    Example:
        >>> block = UpBlock(32)
        >>> block(keras.ops.zeros((2, 7, 7, 64))).shape
        TensorShape([2, 14, 14, 32])
    """

    def __init__(self, filters, kernel_size=4, strides=2, momentum=0.9, kernel_initializer=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(filters, bool) or not isinstance(filters, int) or filters < 1:
            raise ValueError(f"filters must be a positive whole number, got {filters!r}")
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.momentum = float(momentum)
        self.kernel_initializer = keras.initializers.get(
            kernel_initializer or keras.initializers.RandomNormal(mean=0.0, stddev=0.02))  # the paper's N(0, 0.02)
        self.conv = keras.layers.Conv2DTranspose(filters, kernel_size, strides=strides, padding="same",
                                                 use_bias=False, kernel_initializer=self.kernel_initializer,
                                                 dtype=self.dtype_policy, name="conv")
        self.norm = keras.layers.BatchNormalization(momentum=self.momentum, dtype=self.dtype_policy, name="norm")
        self.act = keras.layers.ReLU(dtype=self.dtype_policy, name="act")

    def build(self, input_shape):
        self.conv.build(input_shape)
        self.norm.build(self.conv.compute_output_shape(input_shape))

    def call(self, inputs, training=None):
        return self.act(self.norm(self.conv(inputs), training=training))

    def compute_output_shape(self, input_shape):
        return self.conv.compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "momentum": self.momentum,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
        })
        return config


@keras.saving.register_keras_serializable(package="dcgan_keras")
class ResizeConvBlock(keras.layers.Layer):
    """Double the image by resizing, then convolve: UpSampling2D -> Conv2D -> BatchNorm -> ReLU.

    Every output pixel sees the same number of kernel taps, so this block does not
    produce the checkerboard artifact of transposed convolutions (notebook 05).

    Args:
        filters: output channels.
        kernel_size: convolution window (default 3).
        size: up-sampling factor (default 2).
        interpolation: ``"nearest"`` or ``"bilinear"``.
        momentum: BatchNormalization momentum (0.9 matches PyTorch's 0.1).
        kernel_initializer: initialiser (default N(0, 0.02)).
        **kwargs: passed to ``keras.layers.Layer``.

    Copying this class? Change ``package="dcgan_keras"`` in its registration to your own package.

    Example:
        >>> block = ResizeConvBlock(32)
        >>> block(keras.ops.zeros((2, 7, 7, 64))).shape
        TensorShape([2, 14, 14, 32])
    """

    def __init__(self, filters, kernel_size=3, size=2, interpolation="nearest", momentum=0.9,
                 kernel_initializer=None, **kwargs):
        super().__init__(**kwargs)
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError(f"interpolation must be 'nearest' or 'bilinear', got {interpolation!r}")
        if isinstance(filters, bool) or not isinstance(filters, int) or filters < 1:
            raise ValueError(f"filters must be a positive whole number, got {filters!r}")
        self.filters = filters
        self.kernel_size = kernel_size
        self.size = size
        self.interpolation = interpolation
        self.momentum = float(momentum)
        self.kernel_initializer = keras.initializers.get(
            kernel_initializer or keras.initializers.RandomNormal(mean=0.0, stddev=0.02))  # the paper's N(0, 0.02)
        self.upsample = keras.layers.UpSampling2D(size=size, interpolation=interpolation,
                                                  dtype=self.dtype_policy, name="upsample")
        self.conv = keras.layers.Conv2D(filters, kernel_size, padding="same", use_bias=False,
                                        kernel_initializer=self.kernel_initializer,
                                        dtype=self.dtype_policy, name="conv")
        self.norm = keras.layers.BatchNormalization(momentum=self.momentum, dtype=self.dtype_policy, name="norm")
        self.act = keras.layers.ReLU(dtype=self.dtype_policy, name="act")

    def build(self, input_shape):
        upsampled = self.upsample.compute_output_shape(input_shape)
        self.conv.build(upsampled)
        self.norm.build(self.conv.compute_output_shape(upsampled))

    def call(self, inputs, training=None):
        return self.act(self.norm(self.conv(self.upsample(inputs)), training=training))

    def compute_output_shape(self, input_shape):
        return self.conv.compute_output_shape(self.upsample.compute_output_shape(input_shape))

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "size": self.size,
            "interpolation": self.interpolation,
            "momentum": self.momentum,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
        })
        return config
