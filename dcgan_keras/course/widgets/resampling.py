"""Render functions of the explorers in notebooks 04 and 05 (use them with :func:`explore`)."""

import numpy as np

__all__ = ["render_pooling", "render_transposed", "tap_counts"]

_PHOTO = {}


def _photo(size=192):
    """The sample photograph, loaded once per session."""
    if size not in _PHOTO:
        from dcgan_keras.course.pooling import load_photograph

        _PHOTO[size] = load_photograph(size)
    return _PHOTO[size]


def render_pooling(pool_size=2, strides=2, mode="max", interpolation="nearest", photo_size=192):
    """Pool the photograph, up-sample it back by the stride, and compare colour histograms.

    Args:
        pool_size: pooling window.
        strides: pooling step; also the factor the pooled image is up-sampled by.
        mode: ``"max"``, ``"average"`` or ``"min"``.
        interpolation: ``"nearest"`` or ``"bilinear"`` for the way back up.
        photo_size: side of the photograph in pixels.

    Returns:
        a matplotlib ``Figure``: original, pooled, up-sampled again, and the three
        cumulative colour histograms of the original and the pooled image (a vertical line
        at each mean).

    Example:
        >>> explore(render_pooling, pool_size=IntSlider(2, 1, 8))  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    from dcgan_keras.course.pooling import pool2d_naive, upsample2d_naive

    photo = _photo(photo_size).astype(np.float64)
    pooled = pool2d_naive(photo, pool_size, strides, "valid", mode)
    restored = upsample2d_naive(pooled, strides, interpolation)
    fig = plt.figure(figsize=(8.4, 5.2))
    grid = fig.add_gridspec(2, 3, height_ratios=[1.5, 1])
    panels = [(photo, "original"), (pooled, f"{mode} pool {pool_size}, stride {strides}"),
              (restored, f"{interpolation} up-sampling x{strides}")]
    for k, (image, title) in enumerate(panels):
        ax = fig.add_subplot(grid[0, k])
        ax.imshow(np.clip(np.round(image), 0, 255).astype(np.uint8), interpolation="nearest")
        ax.set_title(f"{title}\n{image.shape[0]}x{image.shape[1]}", fontsize=9)
        ax.axis("off")
    for c, name in enumerate(("red", "green", "blue")):
        ax = fig.add_subplot(grid[1, c])
        for image, style, label in ((photo, "-", "original"), (pooled, "--", "pooled")):
            ordered = np.sort(image[..., c].ravel())  # cumulative histogram: a shift shows as a sideways move
            ax.plot(ordered, np.arange(1, ordered.size + 1) / ordered.size, style, color=name, label=label)
            ax.axvline(ordered.mean(), color=name, ls=style, lw=1)
        ax.set_title(f"{name}: mean {photo[..., c].mean():.0f} -> {pooled[..., c].mean():.0f}", fontsize=9)
        ax.tick_params(labelsize=9)
        if c == 0:
            ax.set_ylabel("share at or below", fontsize=9)
            ax.legend(fontsize=9, loc="lower right")
    fig.tight_layout(pad=0.4)
    return fig


def tap_counts(output_size, kernel_size):
    """How many kernel taps of a ``same`` convolution fall inside an ``output_size`` square image.

    For resize-convolution this plays the part of :func:`overlap_counts`: every output
    pixel is computed once from ``kernel_size**2`` pixels, fewer at the zero-padded edges.

    Example:
        >>> tap_counts(4, 3)[1:3, 1:3].tolist()
        [[9, 9], [9, 9]]
    """
    from dcgan_keras.course.pooling import pool_padding

    n, k = int(output_size), int(kernel_size)
    # TensorFlow's 'same' convolution pads (k - 1) // 2 before and the rest after
    before = pool_padding(n, k, 1, "same")[0]
    inside = np.array([min(i - before + k, n) - max(i - before, 0) for i in range(n)])
    return np.outer(inside, inside)


def render_transposed(kernel_size=3, stride=2, method="transpose", seeds=3):
    """Overlap heatmap, constant-input response and checkerboard score of one up-sampling choice.

    Args:
        kernel_size: kernel of each (transposed) convolution.
        stride: up-sampling factor of each layer.
        method: ``"transpose"`` (Conv2DTranspose) or ``"nearest"`` / ``"bilinear"``
            (UpSampling2D then Conv2D: resize-convolution).
        seeds: fresh initialisations the score is averaged over.

    Returns:
        a matplotlib ``Figure`` with three panels.

    Example:
        >>> explore(render_transposed, kernel_size=IntSlider(3, 1, 7))  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    from dcgan_keras.course.plotting.core import text_colour_on
    from dcgan_keras.course.transposed import (
        checkerboard_score,
        constant_input_response,
        overlap_counts,
    )

    if method == "transpose":
        counts = overlap_counts(4, kernel_size, stride, "same")
        count_title = f"writes per output pixel\n(4x4 input, kernel {kernel_size}, stride {stride})"
    else:
        counts = tap_counts(4 * stride, kernel_size)
        count_title = f"taps per output pixel\n(resize x{stride}, then {kernel_size}x{kernel_size} conv)"
    responses = [constant_input_response(method, kernel_size, stride, n_layers=2, input_size=8, seed=seed)
                 for seed in range(seeds)]
    scores = [checkerboard_score(r) for r in responses]
    fig, axes = plt.subplots(1, 3, figsize=(8.4, 3.3), gridspec_kw={"width_ratios": [1, 1.15, 0.8]})
    ax = axes[0]
    shown = ax.imshow(counts, cmap="magma", vmin=0)
    if counts.shape[0] <= 12:
        for (i, j), value in np.ndenumerate(counts):
            ax.text(j, i, str(value), ha="center", va="center", fontsize=9, color=text_colour_on(shown, value))
    ax.set_title(count_title, fontsize=9)
    ax.axis("off")
    ax = axes[1]
    shown = ax.imshow(responses[0], cmap="gray", interpolation="nearest")
    fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.03).ax.tick_params(labelsize=9)
    ax.set_title(f"fresh 2-layer stack, constant\ninput (seed 0, score {scores[0]:.3f})", fontsize=9)
    ax.axis("off")
    ax = axes[2]
    ax.bar(range(seeds), scores, color="tab:purple")
    ax.axhline(np.mean(scores), color="black", ls="--", lw=1)
    ax.set_ylim(0, 1)
    ax.set_xticks(range(seeds))
    ax.set_xlabel("seed", fontsize=9)
    ax.set_title(f"checkerboard score\nmean {np.mean(scores):.3f}", fontsize=9)
    ax.tick_params(labelsize=9)
    fig.tight_layout(pad=0.4)
    return fig
