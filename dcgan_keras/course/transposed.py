"""Transposed convolution written out in NumPy, its matrix, its output size and its checkerboard (long because
notebook 05 builds each of these in turn and checks it against Keras).

Notebook ``05_transposed_convolutions`` builds each function here step by step and
checks it against ``keras.layers.Conv2DTranspose``. The NumPy versions are for
reading, not for speed.
"""

import numpy as np

from dcgan_keras.internal.validation import check_positive_int

__all__ = [
    "UPSAMPLING_METHODS",
    "transposed_conv_output_size",
    "transposed_conv_padding",
    "conv2d_transpose_naive",
    "conv_matrix",
    "overlap_counts",
    "phase_sums",
    "checkerboard_score",
    "upsampling_stack",
    "constant_input_response",
    "mean_checkerboard_score",
]

UPSAMPLING_METHODS = ("transpose", "nearest", "bilinear")


def _int(value, name, minimum=1):
    return check_positive_int(value, name, minimum=minimum)


def _pair(value, name, minimum=1):
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (rows, columns), got {value!r}")
        return tuple(_int(v, name, minimum) for v in value)
    value = _int(value, name, minimum)
    return value, value


def _check_padding(padding):
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
    return padding.lower()


def transposed_conv_output_size(input_size, kernel_size, stride=1, padding="valid", output_padding=None):
    """Length of one spatial axis after a transposed convolution, as Keras computes it.

    Each input pixel stamps a kernel-sized patch, ``stride`` pixels after the previous
    one, so the stamps cover ``(n - 1) * stride + kernel_size`` pixels. Then:

    * ``valid`` keeps all of them, plus ``output_padding`` extra pixels at the end
      (when ``output_padding`` is None Keras adds ``max(kernel_size, stride) - kernel_size``,
      so a stride larger than the kernel still leaves ``n * stride`` pixels);
    * ``same`` returns ``n * stride`` when ``output_padding`` is None, else crops
      ``kernel_size // 2`` from each side, ``(n - 1) * stride + kernel_size % 2 + output_padding``
      (an even kernel with ``output_padding=0`` would fall short, and is refused).

    Args:
        input_size: length of the input axis.
        kernel_size: kernel length.
        stride: step between stamps (the up-sampling factor).
        padding: ``"valid"`` or ``"same"``.
        output_padding: extra pixels at the end; must be smaller than ``stride``.

    Returns:
        The output length (an int).

    Example:
        >>> transposed_conv_output_size(2, 2)
        3
        >>> transposed_conv_output_size(7, 3, stride=2, padding="same")
        14
        >>> transposed_conv_output_size(7, 3, stride=2, padding="valid")
        15
    """
    n = _int(input_size, "input_size")
    k = _int(kernel_size, "kernel_size")
    s = _int(stride, "stride")
    padding = _check_padding(padding)
    if output_padding is not None:
        op = _int(output_padding, "output_padding", minimum=0)
        if op >= s:
            raise ValueError(f"output_padding ({op}) must be smaller than stride ({s}), as Keras requires; "
                             "a larger value would add a pixel that no input pixel can reach")
    if padding == "valid":
        extra = max(k, s) - k if output_padding is None else output_padding
        return (n - 1) * s + k + extra
    if output_padding is None:
        return n * s
    if k % 2 + output_padding == 0:
        raise ValueError(f"padding='same' with an even kernel_size ({k}) and output_padding=0 gives "
                         f"{(n - 1) * s} pixels, too few for {n} input pixels, and TensorFlow refuses it; "
                         "use output_padding=None or at least 1")
    return (n - 1) * s + k % 2 + output_padding


def transposed_conv_padding(input_size, kernel_size, stride=1, padding="valid", output_padding=None):
    """Pixels cropped from the start of the stamped result to give Keras's output.

    The stamps cover ``(n - 1) * stride + kernel_size`` pixels; ``same`` padding crops
    ``total // 2`` of the surplus from the start (TensorFlow's rule) and the rest
    from the end.

    Example:
        >>> transposed_conv_padding(4, 3, stride=2, padding="same")  # 9 stamped, 8 kept: 0 before, 1 after
        0
        >>> transposed_conv_padding(4, 4, stride=2, padding="same")  # 10 stamped, 8 kept: 1 before, 1 after
        1
    """
    out = transposed_conv_output_size(input_size, kernel_size, stride, padding, output_padding)
    if _check_padding(padding) == "valid":
        return 0
    full = (input_size - 1) * stride + kernel_size
    return max(full - out, 0) // 2


def conv2d_transpose_naive(x, kernel, stride=1, padding="valid", output_padding=None):
    """Transposed convolution as a scatter-add: every input pixel stamps a scaled kernel.

    The stamp of input pixel ``(i, j)`` lands at ``(i * stride, j * stride)`` and is
    not flipped; where stamps overlap they add up. ``padding`` and ``output_padding``
    then crop or extend the result exactly as ``keras.layers.Conv2DTranspose`` does.

    Args:
        x: input ``(h, w)`` with a kernel ``(kh, kw)``, or ``(h, w, in_channels)`` with a
            kernel in Keras's layout ``(kh, kw, out_channels, in_channels)``.
        kernel: the filter (see ``x``).
        stride: int or ``(rows, columns)``.
        padding: ``"valid"`` or ``"same"``.
        output_padding: None, an int or a pair; each smaller than the stride.

    Returns:
        float array ``(out_h, out_w)`` or ``(out_h, out_w, out_channels)``; the sizes
        are :func:`transposed_conv_output_size`.

    Example:
        >>> conv2d_transpose_naive(np.array([[1, 2], [3, 4]]), np.ones((2, 2))).tolist()
        [[1.0, 3.0, 2.0], [4.0, 10.0, 6.0], [3.0, 7.0, 4.0]]
    """
    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    squeeze = x.ndim == 2
    if squeeze:
        if kernel.ndim != 2:
            raise ValueError(f"a 2-D input (h, w) needs a 2-D kernel (kh, kw), got kernel shape {kernel.shape}")
        x, kernel = x[..., None], kernel[..., None, None]
    elif x.ndim == 3:
        if kernel.ndim != 4 or kernel.shape[3] != x.shape[2]:
            raise ValueError(f"an input (h, w, {x.shape[2]}) needs a kernel (kh, kw, out_channels, {x.shape[2]}) "
                             f"in Keras's Conv2DTranspose layout, got kernel shape {kernel.shape}")
    else:
        raise ValueError(f"x must be (h, w) or (h, w, in_channels), got shape {x.shape}; "
                         "transpose one image at a time")
    sh, sw = _pair(stride, "stride")
    oph, opw = (None, None) if output_padding is None else _pair(output_padding, "output_padding", minimum=0)
    (h, w, _), (kh, kw, out_channels, _) = x.shape, kernel.shape
    out_h = transposed_conv_output_size(h, kh, sh, padding, oph)
    out_w = transposed_conv_output_size(w, kw, sw, padding, opw)
    full = np.zeros(((h - 1) * sh + kh, (w - 1) * sw + kw, out_channels))
    for i in range(h):
        for j in range(w):
            # kernel[a, b, o, c] * x[i, j, c], summed over input channels c
            full[i * sh:i * sh + kh, j * sw:j * sw + kw] += kernel @ x[i, j]
    top = transposed_conv_padding(h, kh, sh, padding, oph)
    left = transposed_conv_padding(w, kw, sw, padding, opw)
    out = np.zeros((out_h, out_w, out_channels))
    rows, cols = min(out_h, full.shape[0] - top), min(out_w, full.shape[1] - left)
    out[:rows, :cols] = full[top:top + rows, left:left + cols]
    return out[..., 0] if squeeze else out


def conv_matrix(input_shape, kernel, stride=1):
    """The matrix ``C`` of a valid convolution, so that ``conv(x) == (C @ x.ravel())``.

    The convolution is Keras's ``Conv2D`` (a cross-correlation, no flip, no padding)
    of one ``(h, w)`` image with a ``(kh, kw)`` kernel. Each row of ``C`` is one output
    pixel: the kernel laid out over the input pixels it reads, zeros elsewhere.

    Args:
        input_shape: ``(h, w)`` of the input image.
        kernel: ``(kh, kw)`` array.
        stride: step of the convolution, int or pair.

    Returns:
        array ``(out_h * out_w, h * w)``.

    Example:
        >>> conv_matrix((3, 3), np.ones((2, 2))).shape
        (4, 9)
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.ndim != 2:
        raise ValueError(f"kernel must be 2-D (kh, kw), got shape {kernel.shape}")
    try:
        h, w = (_int(v, "input_shape") for v in input_shape)
    except TypeError as exc:
        raise ValueError(f"input_shape must be (h, w), got {input_shape!r}") from exc
    kh, kw = kernel.shape
    sh, sw = _pair(stride, "stride")
    if kh > h or kw > w:
        raise ValueError(f"kernel {kernel.shape} is larger than the input {(h, w)}; a valid convolution "
                         "needs the kernel to fit")
    out_h, out_w = (h - kh) // sh + 1, (w - kw) // sw + 1
    matrix = np.zeros((out_h * out_w, h * w))
    for oi in range(out_h):
        for oj in range(out_w):
            row = np.zeros((h, w))
            row[oi * sh:oi * sh + kh, oj * sw:oj * sw + kw] = kernel
            matrix[oi * out_w + oj] = row.ravel()
    return matrix


def overlap_counts(input_size, kernel_size, stride=1, padding="valid", output_padding=None):
    """How many (input pixel, kernel tap) pairs write each output pixel of a transposed convolution.

    It is the transposed convolution of an all-ones input with an all-ones kernel.
    When the kernel size is not a multiple of the stride, the counts alternate
    (for kernel 3, stride 2: 4, 2, 1 in a checkerboard); that uneven overlap is one
    cause of checkerboard artifacts.

    Args:
        input_size: int or ``(h, w)``.
        kernel_size: int or ``(kh, kw)``.
        stride, padding, output_padding: as for :func:`conv2d_transpose_naive`.

    Returns:
        int array ``(out_h, out_w)``.

    Example:
        >>> overlap_counts(2, 3, stride=2).tolist()[2]
        [2, 2, 4, 2, 2]
    """
    h, w = _pair(input_size, "input_size")
    kh, kw = _pair(kernel_size, "kernel_size")
    counts = conv2d_transpose_naive(np.ones((h, w)), np.ones((kh, kw)), stride, padding, output_padding)
    return np.rint(counts).astype(int)


def phase_sums(kernel, stride=2):
    """The sum of the kernel taps that land on each output phase of a transposed convolution.

    Input pixel ``i`` stamps tap ``t`` on output pixel ``i * stride + t``, so along one
    axis output phase ``p`` (pixel index modulo ``stride``, counted before any ``same``
    cropping) receives the taps ``t`` with ``t % stride == p``. For a constant input of
    ones, every output pixel away from the edges equals the sum of its phase's taps:
    equal sums give a flat output, unequal sums a pattern that repeats every ``stride``
    pixels (a checkerboard for stride 2). Notebook ``05_transposed_convolutions`` writes
    this out; :func:`overlap_counts` is the same computation with every tap equal to 1.

    Args:
        kernel: ``(kh, kw)``, or ``(kh, kw, out_channels, in_channels)`` in Keras's
            ``Conv2DTranspose`` layout (summed over input channels).
        stride: the stride, an int.

    Returns:
        array ``(stride, stride)``, or ``(stride, stride, out_channels)`` for a 4-D kernel.

    Example:
        >>> phase_sums(np.ones((3, 3)), 2).tolist()
        [[4.0, 2.0], [2.0, 1.0]]
        >>> phase_sums(np.ones((4, 4)), 2).tolist()
        [[4.0, 4.0], [4.0, 4.0]]
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    stride = _int(stride, "stride")
    if kernel.ndim == 4:
        kernel = kernel.sum(axis=3)
    elif kernel.ndim != 2:
        raise ValueError(f"kernel must be (kh, kw) or (kh, kw, out_channels, in_channels), got shape {kernel.shape}")
    return np.array([[kernel[a::stride, b::stride].sum(axis=(0, 1)) for b in range(stride)]
                     for a in range(stride)])


def checkerboard_score(image, border=0, detrend=False):
    """How much of an image's variation is a pattern that repeats every 2 pixels (0 to 1).

    Every pixel belongs to one of four phases, ``(row % 2, column % 2)``. The score
    is the share of the image's variance explained by the phase alone: the sum of
    squares of the four phase means around the overall mean (weighted by pixel count)
    divided by the total sum of squares. It is the R-squared of fitting the image with
    one value per phase, so:

    * a perfect checkerboard (or 2-pixel stripes) scores 1;
    * a smooth image scores near 0 (neighbouring pixels of all phases agree);
    * a constant image, which has no variation at all, scores 0.

    Args:
        image: ``(h, w)`` or ``(h, w, channels)`` (all channels pooled together).
        border: pixels ignored along each edge (zero padding disturbs the edges).
        detrend: first subtract from every pixel the mean of its 3x3 neighbourhood
            (edge pixels repeated), so that slow content, such as a digit's strokes,
            does not count as variation; only fine texture is compared.

    Returns:
        float in [0, 1].

    Example:
        >>> round(checkerboard_score(np.indices((8, 8)).sum(0) % 2), 3)
        1.0
        >>> round(checkerboard_score(np.add.outer(np.arange(32.0), np.arange(32.0))), 3)
        0.003
    """
    image = np.asarray(image, dtype=np.float64)
    if image.ndim == 2:
        image = image[..., None]
    if image.ndim != 3:
        raise ValueError(f"image must be (h, w) or (h, w, channels), got shape {image.shape}")
    border = _int(border, "border", minimum=0)
    if detrend:
        padded = np.pad(image, ((1, 1), (1, 1), (0, 0)), mode="edge")
        h, w = image.shape[:2]
        image = image - sum(padded[a:a + h, b:b + w] for a in range(3) for b in range(3)) / 9
    if border:
        image = image[border:-border, border:-border]
    if image.shape[0] < 2 or image.shape[1] < 2:
        raise ValueError(f"the image (after a border of {border}) is {image.shape[:2]}; it needs at least 2x2 "
                         "pixels to have a 2-pixel pattern")
    centred = image - image.mean(axis=(0, 1))
    total = np.sum(centred**2)
    scale = np.sum(image**2)
    if total <= 1e-12 * scale or total == 0.0:
        return 0.0  # constant to within rounding: no pattern to speak of
    between = 0.0
    for a in (0, 1):
        for b in (0, 1):
            phase = centred[a::2, b::2]
            between += phase.shape[0] * phase.shape[1] * np.sum(phase.mean(axis=(0, 1)) ** 2)
    return float(between / total)


def upsampling_stack(method="transpose", kernel_size=3, stride=2, n_layers=2, filters=8,
                     input_shape=(8, 8, 8), seed=0):
    """A freshly initialised up-sampling network, like the body of a DCGAN generator.

    ``n_layers`` blocks, each multiplying height and width by ``stride``:
    ``Conv2DTranspose(kernel_size, strides=stride, padding="same")`` for
    ``method="transpose"``, or ``UpSampling2D(stride, interpolation=method)`` then
    ``Conv2D(kernel_size, padding="same")`` for ``"nearest"`` / ``"bilinear"``
    (resize-convolution). ReLU between blocks; the last block has one linear filter.

    Args:
        method: ``"transpose"``, ``"nearest"`` or ``"bilinear"``.
        kernel_size: kernel size of every convolution.
        stride: up-sampling factor of every block.
        n_layers: number of blocks.
        filters: channels of the hidden blocks.
        input_shape: ``(h, w, channels)`` of the input.
        seed: seeds the Glorot-uniform kernels (layer ``i`` gets ``seed * 100 + i``).

    Returns:
        a ``keras.Sequential``, built for inputs of shape ``(batch, *input_shape)``.
    """
    import keras

    if method not in UPSAMPLING_METHODS:
        raise ValueError(f"method must be one of {UPSAMPLING_METHODS}, got {method!r}")
    kernel_size = _int(kernel_size, "kernel_size")
    stride = _int(stride, "stride")
    n_layers = _int(n_layers, "n_layers")
    seed = _int(seed, "seed", minimum=0)
    layers = [keras.Input(shape=tuple(input_shape))]
    for i in range(n_layers):
        last = i == n_layers - 1
        options = {"padding": "same", "activation": None if last else "relu",
                   "kernel_initializer": keras.initializers.GlorotUniform(seed=seed * 100 + i)}
        channels = 1 if last else filters
        if method == "transpose":
            layers.append(keras.layers.Conv2DTranspose(channels, kernel_size, strides=stride, **options))
        else:
            layers.append(keras.layers.UpSampling2D(stride, interpolation=method))
            layers.append(keras.layers.Conv2D(channels, kernel_size, **options))
    return keras.Sequential(layers, name=f"{method}_k{kernel_size}_s{stride}")


def constant_input_response(method="transpose", kernel_size=3, stride=2, n_layers=2, filters=8,
                            input_size=8, seed=0):
    """What a fresh :func:`upsampling_stack` makes of an all-ones input: an ``(h, w)`` image.

    A constant input has no pattern of its own, so any pattern in the output comes
    from the up-sampling itself.

    Example:
        >>> constant_input_response("nearest", n_layers=1).shape  # doctest: +SKIP
        (16, 16)
    """
    model = upsampling_stack(method, kernel_size, stride, n_layers, filters,
                             (input_size, input_size, filters), seed)
    ones = np.ones((1, input_size, input_size, filters), np.float32)
    return np.asarray(model(ones))[0, :, :, 0]


def mean_checkerboard_score(method="transpose", kernel_size=3, stride=2, n_layers=2, filters=8,
                            input_size=8, seeds=range(5), border=0):
    """:func:`checkerboard_score` of :func:`constant_input_response`, averaged over seeds.

    Args:
        border: pixels ignored along each edge (see :func:`checkerboard_score`).
        seeds: the initialisations to average over.

    Returns:
        the mean score (float).
    """
    scores = [checkerboard_score(constant_input_response(method, kernel_size, stride, n_layers, filters,
                                                         input_size, seed), border=border)
              for seed in seeds]
    return float(np.mean(scores))
