"""Pooling and parameter-free up-sampling, written out in NumPy.

Notebook ``04_pooling_and_upsampling`` builds each function here step by step and
checks it against ``keras.layers.MaxPooling2D``, ``AveragePooling2D`` and
``UpSampling2D``. These are reference implementations for reading, not for speed.
"""

import math

import numpy as np

from dcgan_keras.internal.validation import check_positive_int

__all__ = [
    "POOL_MODES",
    "INTERPOLATIONS",
    "pool_output_size",
    "pool_padding",
    "pool2d_naive",
    "bilinear_source_positions",
    "upsample2d_naive",
    "load_photograph",
]

POOL_MODES = ("max", "average", "min")
INTERPOLATIONS = ("nearest", "bilinear")


def _positive_int(value, name):
    return check_positive_int(value, name)


def _pair(value, name):
    """An int or a pair of ints as a pair of positive ints."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (rows, columns), got {value!r}")
        return tuple(_positive_int(v, name) for v in value)
    value = _positive_int(value, name)
    return value, value


def _check_padding(padding):
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
    return padding.lower()


def pool_output_size(input_size, pool_size, strides=None, padding="valid"):
    """Length of one spatial axis after pooling, as Keras computes it.

    ``valid`` keeps only windows that fit: ``floor((n - p) / s) + 1``.
    ``same`` pads so that every input pixel is covered: ``ceil(n / s)``.

    Args:
        input_size: length of the input axis.
        pool_size: window length.
        strides: step between windows; ``None`` means ``pool_size`` (Keras's default).
        padding: ``"valid"`` or ``"same"``.

    Returns:
        The output length (an int).

    Example:
        >>> pool_output_size(28, 2)
        14
        >>> pool_output_size(7, 3, strides=2, padding="same")
        4
    """
    n = _positive_int(input_size, "input_size")
    p = _positive_int(pool_size, "pool_size")
    s = p if strides is None else _positive_int(strides, "strides")
    padding = _check_padding(padding)
    if padding == "same":
        return math.ceil(n / s)
    if p > n:
        raise ValueError(f"pool_size {p} is larger than the input ({n}) with padding='valid'; "
                         "use a smaller window or padding='same'")
    return (n - p) // s + 1


def pool_padding(input_size, pool_size, strides=None, padding="valid"):
    """Pixels added before and after one axis so the windows fit: ``(before, after)``.

    TensorFlow puts the odd pixel of ``same`` padding at the end.

    Example:
        >>> pool_padding(5, 2, padding="same")
        (0, 1)
    """
    p = _positive_int(pool_size, "pool_size")
    s = p if strides is None else _positive_int(strides, "strides")
    out = pool_output_size(input_size, p, s, padding)
    total = max((out - 1) * s + p - int(input_size), 0)
    return total // 2, total - total // 2


def pool2d_naive(x, pool_size=2, strides=None, padding="valid", mode="max"):
    """Slide a window over an image and keep the max, mean or min of each window.

    Padded pixels never win: ``same`` padding pads with -inf for max, +inf for min,
    and leaves them out of the count for the average, as TensorFlow does.

    Args:
        x: image ``(h, w)`` or ``(h, w, channels)``; each channel is pooled on its own.
        pool_size: window size, an int or ``(rows, columns)``.
        strides: step between windows, int or pair; ``None`` means ``pool_size``.
        padding: ``"valid"`` or ``"same"``.
        mode: ``"max"``, ``"average"`` or ``"min"``.

    Returns:
        float array ``(out_h, out_w)`` or ``(out_h, out_w, channels)``.

    Example:
        >>> pool2d_naive(np.array([[1, 2], [3, 4]]), 2).tolist()
        [[4.0]]
        >>> pool2d_naive(np.array([[1, 2], [3, 4]]), 2, mode="average").tolist()
        [[2.5]]
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim not in (2, 3):
        raise ValueError(f"x must be an image (h, w) or (h, w, channels), got shape {x.shape}; "
                         "pool one image at a time")
    if mode not in POOL_MODES:
        raise ValueError(f"mode must be one of {POOL_MODES}, got {mode!r}")
    squeeze = x.ndim == 2
    if squeeze:
        x = x[..., None]
    ph, pw = _pair(pool_size, "pool_size")
    sh, sw = (ph, pw) if strides is None else _pair(strides, "strides")
    padding = _check_padding(padding)
    out_h = pool_output_size(x.shape[0], ph, sh, padding)
    out_w = pool_output_size(x.shape[1], pw, sw, padding)
    top, _ = pool_padding(x.shape[0], ph, sh, padding)
    left, _ = pool_padding(x.shape[1], pw, sw, padding)
    reduce = {"max": np.max, "average": np.mean, "min": np.min}[mode]
    out = np.empty((out_h, out_w, x.shape[2]))
    for i in range(out_h):
        r0, r1 = max(i * sh - top, 0), min(i * sh - top + ph, x.shape[0])
        for j in range(out_w):
            c0, c1 = max(j * sw - left, 0), min(j * sw - left + pw, x.shape[1])
            out[i, j] = reduce(x[r0:r1, c0:c1], axis=(0, 1))
    return out[..., 0] if squeeze else out


def bilinear_source_positions(output_size, input_size):
    """Where each output pixel of a bilinear resize samples the input (half-pixel centres).

    Keras's ``UpSampling2D(interpolation="bilinear")`` calls ``tf.image.resize``, which
    treats pixels as unit squares: output pixel ``i`` has its centre at ``i + 0.5``,
    which maps to input coordinate ``(i + 0.5) * input_size / output_size - 0.5``.
    Positions outside ``[0, input_size - 1]`` are clamped (the edge pixel is repeated).

    Example:
        >>> bilinear_source_positions(4, 2).tolist()
        [0.0, 0.25, 0.75, 1.0]
    """
    n_out = _positive_int(output_size, "output_size")
    n_in = _positive_int(input_size, "input_size")
    positions = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
    return np.clip(positions, 0, n_in - 1)


def _bilinear_axis(x, output_size, axis):
    """Resize ``x`` along ``axis`` by linear interpolation at half-pixel positions."""
    positions = bilinear_source_positions(output_size, x.shape[axis])
    low = np.floor(positions).astype(int)
    high = np.minimum(low + 1, x.shape[axis] - 1)
    weight = positions - low
    shape = [1] * x.ndim
    shape[axis] = output_size
    weight = weight.reshape(shape)
    return np.take(x, low, axis=axis) * (1 - weight) + np.take(x, high, axis=axis) * weight


def upsample2d_naive(x, size=2, interpolation="nearest"):
    """Make an image ``size`` times larger without any learned parameter.

    ``nearest`` repeats every pixel into a ``size x size`` block; ``bilinear`` blends
    the four nearest input pixels, placed as ``tf.image.resize`` places them (half-pixel
    centres, see :func:`bilinear_source_positions`).

    Args:
        x: image ``(h, w)`` or ``(h, w, channels)``.
        size: up-sampling factor, an int or ``(rows, columns)``.
        interpolation: ``"nearest"`` or ``"bilinear"``.

    Returns:
        float array ``(h * size, w * size[, channels])``.

    Example:
        >>> upsample2d_naive(np.array([[1, 2]]), 2).tolist()
        [[1.0, 1.0, 2.0, 2.0], [1.0, 1.0, 2.0, 2.0]]
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim not in (2, 3):
        raise ValueError(f"x must be an image (h, w) or (h, w, channels), got shape {x.shape}")
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"interpolation must be one of {INTERPOLATIONS}, got {interpolation!r}")
    fh, fw = _pair(size, "size")
    if interpolation == "nearest":
        return np.repeat(np.repeat(x, fh, axis=0), fw, axis=1)
    out = _bilinear_axis(x, x.shape[0] * fh, axis=0)
    return _bilinear_axis(out, x.shape[1] * fw, axis=1)


def load_photograph(size=192):
    """The colour photograph of Grace Hopper that ships with matplotlib, as a square uint8 image.

    The 512x600 portrait is cropped to its top 512x512 square (head and shoulders)
    and resized with a high-quality filter, so no download is needed.

    Args:
        size: side of the returned square, in pixels (1 to 512).

    Returns:
        uint8 array ``(size, size, 3)``.

    Example:
        >>> load_photograph(64).shape
        (64, 64, 3)
    """
    from matplotlib import cbook
    from PIL import Image

    size = _positive_int(size, "size")
    if size > 512:
        raise ValueError(f"size must be at most 512 (the photograph's width), got {size}")
    with cbook.get_sample_data("grace_hopper.jpg") as file:
        image = Image.open(file).convert("RGB")
        image = image.crop((0, 0, 512, 512)).resize((size, size), Image.Resampling.LANCZOS)
        return np.asarray(image, dtype=np.uint8)
