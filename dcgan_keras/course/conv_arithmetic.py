"""Convolution arithmetic: a naive convolution, output sizes, padding, cost and coverage.

Notebook ``03_convolution_padding_stride`` builds each of these step by step and
checks them against ``keras.layers.Conv2D``. Everything here is plain NumPy, so
the arithmetic can be read line by line.

Conventions follow Keras: sizes are ``(height, width)``, a single int means the
same value on both axes, and ``padding`` is ``"valid"`` (no padding), ``"same"``
(Keras's rule, below) or explicit zero padding given as an int, a pair
``(rows, cols)`` or a pair of pairs ``((top, bottom), (left, right))``.

Keras's ``"same"`` padding gives ``ceil(n / s)`` outputs. It pads
``max((ceil(n / s) - 1) * s + k - n, 0)`` zeros in total and puts the odd one,
if any, at the bottom or right.
"""

import math

import numpy as np

from dcgan_keras.internal.validation import check_positive_int

__all__ = [
    "conv_output_size",
    "same_padding",
    "resolve_padding",
    "conv2d_naive",
    "conv2d_multichannel",
    "conv_multiply_adds",
    "visit_counts",
    "receptive_field",
]


def _positive_int(value, name):
    return check_positive_int(value, name)


def _pair(value, name):
    """An int or a pair of ints as a ``(rows, cols)`` tuple of positive ints."""
    if isinstance(value, (tuple, list, np.ndarray)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a (rows, cols) pair, got {value!r}")
        return _positive_int(value[0], name), _positive_int(value[1], name)
    value = _positive_int(value, name)
    return value, value


def _padding_1d(padding, input_size, kernel_size, stride):
    """Padding for one axis as ``(before, after)``."""
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            return 0, 0
        if mode == "same":
            return same_padding(input_size, kernel_size, stride)
        raise ValueError(f"padding must be 'valid', 'same' or a number of zeros, got {padding!r}")
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2:
            raise ValueError(f"explicit padding for one axis must be (before, after), got {padding!r}")
        before, after = padding
    else:
        before = after = padding
    for value in (before, after):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"explicit padding must be whole numbers >= 0, got {padding!r}")
    return int(before), int(after)


def same_padding(input_size, kernel_size, stride=1):
    """The zeros Keras's ``padding="same"`` adds on one axis, as ``(before, after)``.

    Args:
        input_size: pixels along the axis.
        kernel_size: kernel width along the axis.
        stride: step between windows.

    Returns:
        ``(before, after)``; ``after`` is one larger when the total is odd.

    Example:
        >>> same_padding(28, 5, 2)
        (1, 2)
    """
    n = _positive_int(input_size, "input_size")
    k = _positive_int(kernel_size, "kernel_size")
    s = _positive_int(stride, "stride")
    total = max((math.ceil(n / s) - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def conv_output_size(input_size, kernel_size, stride=1, padding="valid"):
    """How many outputs a convolution gives along one axis.

    ``floor((n + before + after - k) / s) + 1``, which for ``"same"`` is ``ceil(n / s)``.

    Args:
        input_size: pixels along the axis (``n``).
        kernel_size: kernel width (``k``).
        stride: step between windows (``s``).
        padding: ``"valid"``, ``"same"``, an int of zeros on each side, or ``(before, after)``.

    Returns:
        The output size as an int.

    Raises:
        ValueError: a size is not a positive int, or the kernel does not fit in the padded input.

    Example:
        >>> conv_output_size(5, 3), conv_output_size(5, 3, stride=2), conv_output_size(5, 3, padding="same")
        (3, 2, 5)
    """
    n = _positive_int(input_size, "input_size")
    k = _positive_int(kernel_size, "kernel_size")
    s = _positive_int(stride, "stride")
    before, after = _padding_1d(padding, n, k, s)
    padded = n + before + after
    if k > padded:
        raise ValueError(f"kernel_size {k} is larger than the padded input ({padded} pixels); "
                         "use a smaller kernel or more padding")
    return (padded - k) // s + 1


def resolve_padding(padding, input_shape, kernel_size, stride=1):
    """Any accepted ``padding`` as explicit zeros ``((top, bottom), (left, right))``.

    Example:
        >>> resolve_padding("same", (5, 5), 3, 2)
        ((1, 1), (1, 1))
    """
    h, w = _pair(input_shape, "input_shape")
    kh, kw = _pair(kernel_size, "kernel_size")
    sh, sw = _pair(stride, "stride")
    if isinstance(padding, (tuple, list)) and len(padding) == 2:
        rows, cols = padding
    elif isinstance(padding, (tuple, list)):
        raise ValueError(f"explicit padding must be an int, (rows, cols) or ((top, bottom), (left, right)); "
                         f"got {padding!r}")
    else:
        rows = cols = padding
    return _padding_1d(rows, h, kh, sh), _padding_1d(cols, w, kw, sw)


def conv2d_naive(image, kernel, stride=1, padding="valid"):
    """A 2-D convolution (cross-correlation, as in every DL library) written as loops.

    Each output pixel is the sum of the element-wise products of the kernel and
    the window of the (zero-padded) image under it; the window moves by
    ``stride`` pixels. The kernel is not flipped, exactly like ``keras.layers.Conv2D``.

    Args:
        image: 2-D array ``(height, width)``, one channel.
        kernel: 2-D array ``(kh, kw)``.
        stride: int or ``(rows, cols)``; e.g. ``(4, 2)`` steps 4 down and 2 across.
        padding: ``"valid"``, ``"same"`` (Keras's rule) or explicit zeros: an int,
            ``(rows, cols)`` or ``((top, bottom), (left, right))``.

    Returns:
        float64 array of shape ``(conv_output_size(h, kh, sh, ...), conv_output_size(w, kw, sw, ...))``.

    Example:
        >>> image = np.arange(25).reshape(5, 5)
        >>> conv2d_naive(image, np.ones((3, 3)), stride=2).tolist()
        [[54.0, 72.0], [144.0, 162.0]]
    """
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(f"conv2d_naive takes a 2-D image and a 2-D kernel, got shapes {image.shape} and "
                         f"{kernel.shape}; drop the batch and channel axes (e.g. image[0, :, :, 0])")
    kh, kw = kernel.shape
    sh, sw = _pair(stride, "stride")
    (top, bottom), (left, right) = resolve_padding(padding, image.shape, (kh, kw), (sh, sw))
    padded = np.pad(image, ((top, bottom), (left, right)))
    out_h = conv_output_size(image.shape[0], kh, sh, (top, bottom))
    out_w = conv_output_size(image.shape[1], kw, sw, (left, right))
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = padded[i * sh:i * sh + kh, j * sw:j * sw + kw]
            out[i, j] = np.sum(window * kernel)
    return out


def conv2d_multichannel(image, kernels, bias=None, stride=1):
    """A convolution of many input channels into many output channels, as ``keras.layers.Conv2D`` computes it.

    Notebook 03 writes this loop out. Each output channel ``f`` at position ``(i, j)`` is the
    sum over the window *and over every input channel* of ``window * kernels[..., f]``,
    plus ``bias[f]``: one 3-D kernel per output channel. No padding (``"valid"``).

    Args:
        image: array ``(height, width, in_channels)``.
        kernels: array ``(kh, kw, in_channels, filters)``, the layout of ``Conv2D.kernel``.
        bias: ``filters`` numbers, or None for no bias.
        stride: int or ``(rows, cols)``.

    Returns:
        float64 array ``(out_h, out_w, filters)``.

    Example:
        >>> out = conv2d_multichannel(np.ones((4, 4, 3)), np.ones((3, 3, 3, 2)), bias=[0.0, 1.0])
        >>> out.shape, out[0, 0].tolist()
        ((2, 2, 2), [27.0, 28.0])
    """
    image = np.asarray(image, dtype=np.float64)
    kernels = np.asarray(kernels, dtype=np.float64)
    if image.ndim != 3 or kernels.ndim != 4 or kernels.shape[2] != image.shape[2]:
        raise ValueError(f"conv2d_multichannel takes an image (h, w, in_channels) and kernels "
                         f"(kh, kw, in_channels, filters) with the same in_channels, got shapes {image.shape} "
                         f"and {kernels.shape}")
    kh, kw, _, filters = kernels.shape
    sh, sw = _pair(stride, "stride")
    out_h = conv_output_size(image.shape[0], kh, sh)
    out_w = conv_output_size(image.shape[1], kw, sw)
    out = np.zeros((out_h, out_w, filters))
    for i in range(out_h):
        for j in range(out_w):
            window = image[i * sh:i * sh + kh, j * sw:j * sw + kw, :]  # (kh, kw, in_channels)
            for f in range(filters):
                out[i, j, f] = np.sum(window * kernels[:, :, :, f])
    if bias is not None:
        out += np.asarray(bias, dtype=np.float64)
    return out


def conv_multiply_adds(input_shape, kernel_size, stride=1, padding="valid", in_channels=1, filters=1):
    """Multiply-adds one convolution layer does for one image.

    Every output value costs ``kh * kw * in_channels`` multiply-adds, and there are
    ``out_h * out_w * filters`` output values.

    Args:
        input_shape: int or ``(height, width)``.
        kernel_size: int or ``(kh, kw)``.
        stride, padding: as for :func:`conv2d_naive`.
        in_channels: channels of the input.
        filters: output channels.

    Example:
        >>> conv_multiply_adds(5, 3), conv_multiply_adds(5, 3, stride=2)
        (81, 36)
    """
    h, w = _pair(input_shape, "input_shape")
    kh, kw = _pair(kernel_size, "kernel_size")
    sh, sw = _pair(stride, "stride")
    in_channels = _positive_int(in_channels, "in_channels")
    filters = _positive_int(filters, "filters")
    rows, cols = resolve_padding(padding, (h, w), (kh, kw), (sh, sw))
    out_h = conv_output_size(h, kh, sh, rows)
    out_w = conv_output_size(w, kw, sw, cols)
    return out_h * out_w * kh * kw * in_channels * filters


def visit_counts(input_shape, kernel_size, stride=1, padding="valid"):
    """How many kernel windows cover each input pixel (padding zeros not counted).

    Notebook 03 writes this loop out: add 1 under every window the kernel visits.

    Args:
        input_shape: int or ``(height, width)``.
        kernel_size: int or ``(kh, kw)``.
        stride, padding: as for :func:`conv2d_naive`.

    Returns:
        int array of shape ``(height, width)``; a 0 is a pixel the convolution never sees.

    Example:
        >>> visit_counts(3, 2).tolist()
        [[1, 2, 1], [2, 4, 2], [1, 2, 1]]
    """
    h, w = _pair(input_shape, "input_shape")
    kh, kw = _pair(kernel_size, "kernel_size")
    sh, sw = _pair(stride, "stride")
    (top, bottom), (left, right) = resolve_padding(padding, (h, w), (kh, kw), (sh, sw))
    out_h = conv_output_size(h, kh, sh, (top, bottom))
    out_w = conv_output_size(w, kw, sw, (left, right))
    counts = np.zeros((h + top + bottom, w + left + right), dtype=np.int64)
    for i in range(out_h):
        for j in range(out_w):
            counts[i * sh:i * sh + kh, j * sw:j * sw + kw] += 1
    return counts[top:top + h, left:left + w]


def receptive_field(layers):
    """The receptive field after each layer of a stack of convolutions: how many input pixels, along
    one axis, one output can depend on.

    Notebook 03 writes this loop out and checks it against the gradient of one output of a
    ``Conv2D`` stack. Each layer adds ``kernel_size - 1`` steps of its input, and one step of its
    input is ``jump`` input pixels, the product of the strides below it:
    ``size += (kernel_size - 1) * jump``, then ``jump *= stride``. Padding does not change the size;
    it only lets the field of a border output hang over the image's edge.

    Args:
        layers: ``[(kernel_size, stride), ...]`` from the input upwards, whole numbers >= 1.

    Returns:
        list of ints, one per layer: the receptive field after that layer.

    Example:
        >>> receptive_field([(4, 2), (4, 2), (4, 2)])  # notebook 06's discriminator
        [4, 10, 22]
    """
    size, jump, sizes = 1, 1, []
    for layer in layers:
        try:
            kernel_size, stride = layer
        except (TypeError, ValueError):
            raise ValueError(f"each layer must be a pair (kernel_size, stride), got {layer!r}") from None
        kernel_size = check_positive_int(kernel_size, "kernel_size")
        stride = check_positive_int(stride, "stride")
        size += (kernel_size - 1) * jump
        jump *= stride
        sizes.append(size)
    return sizes
