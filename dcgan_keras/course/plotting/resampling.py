"""Figures of notebooks 04 (pooling and up-sampling) and 05 (transposed convolutions), long because
two notebooks' figures live here."""

import numpy as np

from dcgan_keras.course.plotting.core import text_colour_on

# Widest figure, in inches: at the notebooks' 100 dpi it shows at its own size (no shrinking, so
# 9-point text stays 9 points) in a hosted notebook view.
MAX_WIDTH = 8.5

__all__ = [
    "plot_matrices",
    "plot_bilinear_positions",
    "plot_colour_histograms",
    "plot_photos",
    "plot_stamps",
    "plot_conv_matrix",
    "plot_overlap_counts",
    "plot_responses",
    "plot_scores",
    "plot_image_rows",
    "plot_score_history",
]


def _annotate(ax, matrix, fmt, mappable):
    """Write each value of a small matrix in its cell, in black or white, whichever reads on its colour."""
    for (i, j), value in np.ndenumerate(matrix):
        text = format(value, fmt)
        if text.startswith("-") and text[1:] == format(0.0, fmt):
            text = text[1:]  # no "-0.00" for a value that rounds to zero
        ax.text(j, i, text, ha="center", va="center", fontsize=9, color=text_colour_on(mappable, value))


def plot_matrices(matrices, titles=None, fmt="g", windows=None, cmap="viridis", size=1.6, annotate=True,
                  shared_scale=False):
    """Small matrices side by side as heatmaps, each value written in its cell.

    A matrix with negative values is drawn on a diverging scale centred on zero
    (``coolwarm``) with a colour bar. With ``shared_scale=True`` every matrix uses one
    such scale and the figure has one colour bar (to compare values across panels).

    Args:
        matrices: a list of 2-D arrays.
        titles: a caption per matrix.
        fmt: format spec for the numbers (``"g"``, ``".2f"``, ...).
        windows: optional list (one entry per matrix, None to skip) of
            ``(rows, columns)`` block sizes to outline, e.g. pooling windows.
        annotate: write the numbers (turn off for matrices larger than about 12x12).

    Returns:
        the matplotlib ``Figure``.

    Example:
        >>> plot_matrices([np.eye(2)], ["identity"])  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    matrices = [np.asarray(m) for m in matrices]
    if not matrices or any(m.ndim != 2 for m in matrices):
        raise ValueError("matrices must be a non-empty list of 2-D arrays")
    titles = titles or [""] * len(matrices)
    windows = windows or [None] * len(matrices)
    widths = [max(m.shape[1], 2) for m in matrices]
    signed = [bool(np.min(m) < 0) and not shared_scale for m in matrices]
    width = size * sum(widths) / 3 + 0.3 * len(matrices) + 0.6 * (sum(signed) + shared_scale)
    if width > MAX_WIDTH:
        size, width = size * MAX_WIDTH / width, MAX_WIDTH
    fig, axes = plt.subplots(1, len(matrices), figsize=(width, max(size * 1.1, 1.4)),
                             gridspec_kw={"width_ratios": widths}, squeeze=False)
    shared_limit = max(float(np.abs(m).max()) for m in matrices) or 1.0
    for ax, matrix, title, window, negative in zip(axes[0], matrices, titles, windows, signed, strict=True):
        if shared_scale:
            image = ax.imshow(matrix, cmap="coolwarm", vmin=-shared_limit, vmax=shared_limit)
        elif negative:
            limit = float(np.abs(matrix).max())
            image = ax.imshow(matrix, cmap="coolwarm", vmin=-limit, vmax=limit)
            bar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
            bar.ax.tick_params(labelsize=9)
        else:
            image = ax.imshow(matrix, cmap=cmap)
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        if annotate:
            _annotate(ax, matrix, fmt, image)
        if window is not None:
            wh, ww = window
            for r in range(0, matrix.shape[0] + 1, wh):
                ax.axhline(r - 0.5, color="white", lw=2)
            for c in range(0, matrix.shape[1] + 1, ww):
                ax.axvline(c - 0.5, color="white", lw=2)
    if shared_scale:
        fig.subplots_adjust(left=0.02, right=0.88, top=0.78, bottom=0.03, wspace=0.12)
        bar = fig.colorbar(image, ax=list(axes[0]), fraction=0.02, pad=0.02)
        bar.ax.tick_params(labelsize=9)
    else:
        fig.tight_layout(pad=0.3)
    return fig


def plot_bilinear_positions(input_size=2, factor=2):
    """Pixel centres of an input row and of its up-sampled row, on one shared axis.

    Shows why Keras's bilinear up-sampling gives 1, 1.25, 1.75, 2 (half-pixel centres)
    and not 1, 1.33, 1.67, 2 (corners aligned): each output pixel samples the input at
    its own centre, and positions beyond the outer centres are clamped.

    Returns:
        the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt

    from dcgan_keras.course.pooling import bilinear_source_positions

    n_out = input_size * factor
    fig, ax = plt.subplots(figsize=(7.5, 2.4))
    ax.grid(False)
    for i in range(input_size + 1):
        ax.plot([i, i], [0.75, 1.25], color="tab:blue", lw=1)
    for i in range(n_out + 1):
        ax.plot([i / factor] * 2, [-0.25, 0.25], color="tab:orange", lw=1)
    ax.plot(np.arange(input_size) + 0.5, [1] * input_size, "o", color="tab:blue")
    centres = (np.arange(n_out) + 0.5) / factor
    ax.plot(centres, [0] * n_out, "s", color="tab:orange")
    sampled = bilinear_source_positions(n_out, input_size)
    for centre, source in zip(centres, sampled, strict=True):
        ax.annotate("", xy=(source + 0.5, 0.9), xytext=(centre, 0.1),
                    arrowprops={"arrowstyle": "->", "color": "grey", "lw": 1})
        ax.text(centre, -0.45, f"reads {source:g}", ha="center", fontsize=9)
    for i in range(input_size):
        ax.text(i + 0.5, 1.35, f"input pixel {i}", ha="center", fontsize=9, color="tab:blue")
    ax.set_yticks([0, 1], ["output", "input"])
    ax.set_ylim(-0.65, 1.6)
    ax.set_xlabel("position along the row (in input pixel widths)")
    ax.set_title("each output pixel reads the input at its own centre\n(clamped to the outer input centres)",
                 fontsize=9)
    fig.tight_layout()
    return fig


def plot_colour_histograms(images, titles, bins=32, cumulative=False):
    """Red, green and blue histograms of several RGB images, one panel per channel.

    Args:
        images: list of ``(h, w, 3)`` arrays with values in [0, 255].
        titles: a label per image (the legend).
        bins: histogram bins over [0, 255].
        cumulative: draw the cumulative histogram instead (the share of values at or below each
            value), where a shift of the whole distribution shows as one curve lying right of another.
            A vertical line marks each image's channel mean.

    Returns:
        the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt

    if len(images) != len(titles):
        raise ValueError(f"got {len(images)} images but {len(titles)} titles; give one title per image")
    fig, axes = plt.subplots(1, 3, figsize=(8.4, 2.8), sharey=True)
    edges = np.linspace(0, 255, bins + 1)
    styles = ["-", "--", ":", "-."]
    for c, (ax, name) in enumerate(zip(axes, ("red", "green", "blue"), strict=True)):
        for k, (image, title) in enumerate(zip(images, titles, strict=True)):
            values = np.asarray(image, np.float64)[..., c].ravel()
            style = styles[k % len(styles)]
            if cumulative:
                ordered = np.sort(values)
                line, = ax.plot(ordered, np.arange(1, ordered.size + 1) / ordered.size, style, label=title, lw=1.5)
                ax.axvline(values.mean(), color=line.get_color(), ls=style, lw=1)
            else:
                density, _ = np.histogram(values, bins=edges, density=True)
                ax.plot((edges[:-1] + edges[1:]) / 2, density, style, label=title, lw=1.5)
        ax.set_title(f"{name} channel", fontsize=9, color=name)
        ax.set_xlabel("value")
    axes[0].set_ylabel("share of pixels at or below" if cumulative else "density")
    axes[0].legend(fontsize=9, loc="lower right" if cumulative else "best")
    fig.tight_layout()
    return fig


def plot_photos(images, titles, size=2.0):
    """RGB images side by side at their own pixel sizes (so small ones look blocky).

    Args:
        images: list of ``(h, w, 3)`` arrays in [0, 255] (float or uint8).
        titles: a caption per image; the image's size is added.

    Returns:
        the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt

    size = min(size, MAX_WIDTH / len(images))
    fig, axes = plt.subplots(1, len(images), figsize=(size * len(images), size * 1.25), squeeze=False)
    for ax, image, title in zip(axes[0], images, titles, strict=True):
        image = np.clip(np.round(np.asarray(image, np.float64)), 0, 255).astype(np.uint8)
        ax.imshow(image, interpolation="nearest")
        ax.set_title(f"{title}\n{image.shape[0]}x{image.shape[1]}", fontsize=9)
        ax.axis("off")
    fig.tight_layout(pad=0.3)
    return fig


def plot_stamps(x, kernel, stride=1):
    """A transposed convolution as a sum of stamps: one panel per input pixel, then the total.

    Each panel shows the kernel scaled by one input pixel and placed at
    ``(i * stride, j * stride)`` on the output canvas; the last panel is their sum.

    Args:
        x: small ``(h, w)`` input.
        kernel: ``(kh, kw)`` kernel.
        stride: the stride.

    Returns:
        the matplotlib ``Figure``.
    """
    x = np.asarray(x, np.float64)
    kernel = np.asarray(kernel, np.float64)
    if x.ndim != 2 or kernel.ndim != 2:
        raise ValueError(f"x and kernel must be 2-D, got shapes {x.shape} and {kernel.shape}")
    kh, kw = kernel.shape
    canvas = ((x.shape[0] - 1) * stride + kh, (x.shape[1] - 1) * stride + kw)
    stamps, titles = [], []
    for (i, j), value in np.ndenumerate(x):
        stamp = np.zeros(canvas)
        stamp[i * stride:i * stride + kh, j * stride:j * stride + kw] = value * kernel
        stamps.append(stamp)
        titles.append(f"x[{i},{j}]={value:g}\ntimes kernel")
    stamps.append(sum(stamps))
    titles.append("sum = output")
    return plot_matrices(stamps, titles, size=2.0)


def plot_conv_matrix(matrix, title="convolution matrix C"):
    """A convolution matrix as a heatmap: one row per output pixel, one column per input pixel."""
    import matplotlib.pyplot as plt

    matrix = np.asarray(matrix)
    fig, ax = plt.subplots(figsize=(min(0.4 * matrix.shape[1] + 1.8, MAX_WIDTH), min(0.4 * matrix.shape[0] + 1.3, 6)))
    image = ax.imshow(matrix, cmap="coolwarm", vmin=-np.abs(matrix).max(), vmax=np.abs(matrix).max())
    if matrix.size <= 200:
        for (i, j), value in np.ndenumerate(matrix):
            if value != 0:
                ax.text(j, i, f"{value:g}", ha="center", va="center", fontsize=9)
    ax.set_xlabel("input pixel (flattened)")
    ax.set_ylabel("output pixel")
    ax.set_xticks(range(matrix.shape[1]))
    ax.set_yticks(range(matrix.shape[0]))
    ax.tick_params(labelsize=9)
    ax.grid(False)
    ax.set_title(f"{title}, shape {matrix.shape}", fontsize=9)
    fig.colorbar(image, ax=ax, fraction=0.03).ax.tick_params(labelsize=9)
    fig.tight_layout()
    return fig


def plot_overlap_counts(counts_list, titles, annotate=True):
    """Heatmaps of how many times each output pixel is written, on a shared colour scale."""
    import matplotlib.pyplot as plt

    counts_list = [np.asarray(c) for c in counts_list]
    vmax = max(int(c.max()) for c in counts_list)
    panel = min(2.8, MAX_WIDTH / (len(counts_list) + 0.3))
    fig, axes = plt.subplots(1, len(counts_list), figsize=(panel * (len(counts_list) + 0.3), panel), squeeze=False)
    for ax, counts, title in zip(axes[0], counts_list, titles, strict=True):
        image = ax.imshow(counts, cmap="magma", vmin=0, vmax=vmax)
        if annotate and counts.shape[0] <= 16:
            for (i, j), value in np.ndenumerate(counts):
                ax.text(j, i, str(value), ha="center", va="center", fontsize=9, color=text_colour_on(image, value))
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    bar = fig.colorbar(image, ax=list(axes[0]), fraction=0.02, label="writes")
    bar.ax.tick_params(labelsize=9)
    return fig


def plot_responses(images, titles, cmap="gray", shared_scale=False):
    """Grey images side by side, each with its colour bar.

    Args:
        images: list of 2-D arrays (any sign).
        titles: a caption per image.
        shared_scale: one colour scale for all (compare levels) instead of one each
            (compare patterns).

    Returns:
        the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt

    images = [np.asarray(image, np.float64) for image in images]
    limits = (min(i.min() for i in images), max(i.max() for i in images)) if shared_scale else (None, None)
    panel = min(2.3, MAX_WIDTH / len(images))
    fig, axes = plt.subplots(1, len(images), figsize=(panel * len(images), panel * 1.05), squeeze=False)
    for ax, image, title in zip(axes[0], images, titles, strict=True):
        shown = ax.imshow(image, cmap=cmap, interpolation="nearest", vmin=limits[0], vmax=limits[1])
        bar = fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.03)
        bar.ax.tick_params(labelsize=9)
        ax.set_title(title, fontsize=9)
        ax.axis("off")
    fig.tight_layout(pad=0.3)
    return fig


def plot_scores(scores, title="checkerboard score", errors=None):
    """Horizontal bars of named scores (e.g. mean checkerboard score per up-sampling choice).

    Args:
        scores: ``{name: value}``.
        title: the axis label.
        errors: optional ``{name: spread}`` drawn as error bars.

    Returns:
        the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt

    names = list(scores)
    values = [scores[name] for name in names]
    xerr = None if errors is None else [errors[name] for name in names]
    fig, ax = plt.subplots(figsize=(6, 0.45 * len(names) + 1))
    ax.barh(names, values, xerr=xerr, color="tab:purple", capsize=3)
    ax.invert_yaxis()
    ends = [value + spread for value, spread in zip(values, xerr or [0.0] * len(values), strict=True)]
    for k, (value, end) in enumerate(zip(values, ends, strict=True)):
        ax.text(end, k, f"  {value:.3f}", va="center", fontsize=9)
    ax.set_xlabel(title, fontsize=9)
    ax.tick_params(labelsize=9)
    ax.set_xlim(0, max(max(ends) * 1.2, 1e-3))
    fig.tight_layout()
    return fig


def plot_image_rows(rows, ncols=8, size=0.9):
    """Rows of small grey images in [-1, 1], each row labelled (e.g. targets, then each model's outputs).

    Args:
        rows: ``{label: images}`` with images ``(n, h, w)`` or ``(n, h, w, 1)``; the
            first ``ncols`` of each are drawn.
        ncols: images per row.
        size: inches per image.

    Returns:
        the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt

    size = min(size, (MAX_WIDTH - 1.6) / ncols)
    fig, axes = plt.subplots(len(rows), ncols, figsize=(size * ncols + 1.6, size * len(rows)), squeeze=False)
    for r, (label, images) in enumerate(rows.items()):
        images = np.asarray(images)
        if images.ndim == 4:
            images = images[..., 0]
        for c in range(ncols):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            if c < len(images):
                ax.imshow(images[c], cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    fig.tight_layout(pad=0.2, w_pad=0.1, h_pad=0.1)
    return fig


def plot_score_history(history, title="checkerboard score", ylabel="score"):
    """Curves of a score per epoch, epoch 0 being the fresh network.

    Args:
        history: ``{name: [score at epoch 0, after epoch 1, ...]}``.
        title: the figure's title.
        ylabel: the y-axis label.

    Returns:
        the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.2))
    for (name, values), style in zip(history.items(), ["-o", "-s", "-^", "-D", "-v"] * len(history), strict=False):
        ax.plot(range(len(values)), values, style, label=name, markersize=4)
    ax.set_xlabel("epoch (0: before training)", fontsize=9)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=9)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=9)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
