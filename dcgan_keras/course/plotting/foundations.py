"""Figures for notebooks 01-03: activations, batch normalisation, convolution arithmetic (long because
three notebooks' figures live here).

Every function draws one figure and returns the matplotlib ``Figure`` (or draws
into ``ax`` when one is given and returns its figure).
"""

import numpy as np

from dcgan_keras.course.plotting.core import text_colour_on

__all__ = [
    # 01 activations
    "plot_function_and_derivative",
    "plot_activation_grid",
    "plot_unit_outputs",
    "plot_unit_activity",
    "plot_gradient_norms",
    "plot_value_range",
    "plot_curves",
    # 02 batch normalisation
    "plot_loss_surface",
    "plot_activation_drift",
    "plot_running_estimates",
    "plot_loss_comparison",
    # 03 convolution
    "plot_matrix",
    "plot_convolution_step",
    "show_maps",
    "plot_visit_counts",
    "plot_stride_tradeoff",
]


def _axis(ax, figsize):
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


# --------------------------------------------------------------------------- 01 activations


def plot_function_and_derivative(fn, derivative, z_range=(-5.0, 5.0), ax=None, title=None):
    """Plot ``fn(z)`` (solid) and ``derivative(z)`` (dashed) over ``z_range``.

    Args:
        fn, derivative: NumPy functions of one array.
        z_range: ``(low, high)`` of the horizontal axis.
        ax: draw into this axis instead of a new figure.
        title: axis title.
    """
    low, high = z_range
    if not high > low:
        raise ValueError(f"z_range must be (low, high) with high > low, got {z_range!r}")
    fig, ax = _axis(ax, (3.2, 2.6))
    z = np.linspace(low, high, 401)
    ax.plot(z, fn(z), lw=2, label="f(z)")
    ax.plot(z, derivative(z), "--", lw=1.5, label="f'(z)")
    ax.axhline(0, color="k", lw=0.5)
    ax.axvline(0, color="k", lw=0.5)
    ax.set_xlabel("z")
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(fontsize=9, loc="upper left")
    return fig


def plot_activation_grid(names=("relu", "leaky_relu", "sigmoid", "tanh"), z_range=(-5.0, 5.0)):
    """One panel per activation of :data:`dcgan_keras.course.activations.ACTIVATIONS`, with its derivative.

    Each panel has its own y-axis, so sigmoid and tanh are not squashed by ReLU's range.
    """
    import matplotlib.pyplot as plt

    from dcgan_keras.course.activations import ACTIVATIONS

    unknown = [name for name in names if name not in ACTIVATIONS]
    if unknown:
        raise ValueError(f"unknown activation(s) {unknown}; choose from {sorted(ACTIVATIONS)}")
    fig, axes = plt.subplots(1, len(names), figsize=(2.6 * len(names), 2.8), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        fn, derivative = ACTIVATIONS[name]
        title = "leaky_relu (slope 0.2)" if name == "leaky_relu" else name
        plot_function_and_derivative(fn, derivative, z_range, ax=ax, title=title)
    fig.tight_layout()
    return fig


def plot_unit_outputs(outputs_by_name, max_units=64, max_inputs=100):
    """Heatmaps of a layer's outputs (inputs down, units across), with the dead units marked below.

    The heatmap shows the first ``max_inputs`` inputs (0 is white, positive red, negative
    blue, each panel on its own scale); the strip under it
    is black for every unit that outputs 0 for *all* inputs, and the title gives their share.

    Args:
        outputs_by_name: ``{title: array (n_inputs, n_units)}``.
        max_units: show at most this many units.
        max_inputs: rows shown in the heatmap (the dead-unit strip uses every input).
    """
    import matplotlib.pyplot as plt

    from dcgan_keras.course.activations import dead_unit_fraction

    n = len(outputs_by_name)
    if n == 0:
        raise ValueError("outputs_by_name is empty; pass {name: outputs}")
    fig, axes = plt.subplots(2, n, figsize=(2.8 * n, 3.0), squeeze=False,
                             gridspec_kw={"height_ratios": [10, 1], "hspace": 0.08, "wspace": 0.15})
    for column, (name, outputs) in enumerate(outputs_by_name.items()):
        outputs = np.asarray(outputs)[:, :max_units]
        top, strip = axes[0, column], axes[1, column]
        shown = outputs[:max_inputs]
        limit = max(float(np.abs(shown).max()), 1e-12)
        heatmap = top.imshow(shown, aspect="auto", cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
        fig.colorbar(heatmap, ax=top, fraction=0.046, pad=0.02).ax.tick_params(labelsize=9)
        top.set_title(f"{name}\ndead units: {dead_unit_fraction(outputs):.0%}", fontsize=9)
        top.set_xticks([])
        top.set_ylabel("input" if column == 0 else "")
        top.grid(False)
        dead = np.all(outputs == 0, axis=0)[None, :]
        strip.imshow(dead, aspect="auto", cmap="Greys", vmin=0, vmax=1, interpolation="nearest")
        strip.set_yticks([0])
        strip.set_yticklabels(["dead"] if column == 0 else [""], fontsize=9)
        strip.set_xlabel("unit")
        strip.grid(False)
    return fig


def plot_unit_activity(outputs_by_name):
    """For each unit, the share of inputs on which it is non-zero, units sorted from most to least active.

    A dead unit (zero on every input) has a bar of height 0; the title gives the share of them.

    Args:
        outputs_by_name: ``{title: array (n_inputs, n_units)}``, e.g. a layer's outputs or the
            activation's derivative at its pre-activations.
    """
    import matplotlib.pyplot as plt

    from dcgan_keras.course.activations import dead_unit_fraction

    n = len(outputs_by_name)
    if n == 0:
        raise ValueError("outputs_by_name is empty; pass {name: outputs}")
    fig, axes = plt.subplots(1, n, figsize=(3.2 * n, 2.8), sharey=True, squeeze=False)
    for ax, (name, outputs) in zip(axes[0], outputs_by_name.items(), strict=True):
        outputs = np.asarray(outputs, dtype=float)
        if outputs.ndim != 2:
            raise ValueError(f"{name!r}: outputs must be (n_inputs, n_units), got shape {outputs.shape}")
        active = np.sort(np.mean(outputs != 0, axis=0))[::-1]
        units = np.arange(len(active))
        ax.bar(units, active, width=1.0, color="tab:blue", label="alive")
        dead = active == 0
        if dead.any():
            ax.plot(units[dead], np.zeros(dead.sum()), "x", color="tab:red", markersize=5, label="dead")
            ax.legend(fontsize=9, loc="upper right")
        ax.set_yscale("symlog", linthresh=1.0 / len(outputs))  # one input in n still shows; 0 is 0
        ax.set_title(f"{name}\ndead units: {dead_unit_fraction(outputs):.0%}", fontsize=10)
        ax.set_xlabel("unit (sorted)")
        ax.set_ylim(0, 1.5)
    axes[0, 0].set_ylabel("share of inputs\nwith output != 0")
    fig.tight_layout()
    return fig


def plot_gradient_norms(norms_by_name, ax=None, title="Gradient norm per layer"):
    """Gradient norm per layer (log scale), one line per activation.

    Args:
        norms_by_name: ``{name: array of norms, index 0 next to the input}``.
    """
    fig, ax = _axis(ax, (5.0, 3.0))
    for name, norms in norms_by_name.items():
        norms = np.asarray(norms, dtype=float)
        ax.semilogy(np.arange(1, len(norms) + 1), norms, "o-", label=name)
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel("||dL/dW||")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


def plot_value_range(image):
    """A scaled image, the histogram of its pixel values, and below it the output range of each activation.

    The ranges are drawn as separate bars on their own axis (sharing the histogram's value axis), so
    none of them hides another or the histogram.

    Args:
        image: ``(h, w)`` or ``(h, w, 1)`` float image, e.g. from :func:`dcgan_keras.data.scale_images`.
    """
    import matplotlib.pyplot as plt

    image = np.asarray(image, dtype=float)
    image = image[..., 0] if image.ndim == 3 else image
    fig = plt.figure(figsize=(7.0, 3.0), layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=[1, 2], height_ratios=[2.2, 1])
    left = fig.add_subplot(grid[:, 0])
    top = fig.add_subplot(grid[0, 1])
    bottom = fig.add_subplot(grid[1, 1], sharex=top)
    left.imshow(image, cmap="gray", vmin=-1, vmax=1)
    left.set_title(f"pixels in [{image.min():.0f}, {image.max():.0f}]", fontsize=9)
    left.axis("off")
    top.hist(image.ravel(), bins=np.linspace(-1.2, 1.2, 49), color="0.3")
    top.set_yscale("log")
    top.set_ylabel("pixels")
    top.tick_params(labelbottom=False)
    ranges = [("tanh (-1, 1)", -1.0, 1.0, "C1"), ("sigmoid (0, 1)", 0.0, 1.0, "C2"), ("ReLU [0, inf)", 0.0, 1.35, "C0")]
    for row, (_name, low, high, colour) in enumerate(ranges):
        bottom.barh(row, high - low, left=low, height=0.6, color=colour)
    bottom.set_yticks(range(len(ranges)), [name for name, *_ in ranges])
    bottom.set_ylim(len(ranges) - 0.4, -0.6)
    bottom.set_xlim(-1.3, 1.35)
    bottom.set_xlabel("pixel value / output range of each activation")
    bottom.grid(False)
    return fig


def plot_curves(curves, xlabel="step", ylabel="loss", logy=False, ax=None, title=None, first_x=0, marker=None):
    """One line per named curve, e.g. the loss at every training step of several models.

    Args:
        curves: ``{name: sequence of values}``.
        logy: use a logarithmic vertical axis.
        first_x: the x value of each curve's first point (e.g. 1 to number layers from 1).
        marker: a matplotlib marker for every point, e.g. ``"o"``.
    """
    fig, ax = _axis(ax, (5.0, 2.8))
    for name, values in curves.items():
        ax.plot(first_x + np.arange(len(values)), np.asarray(values, dtype=float), label=name, marker=marker)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- 02 batch normalisation


def plot_loss_surface(x, y, ax=None, title=None, steps=25, start=None):
    """Contours of the mean squared error of ``y ~ x @ w`` over two weights, with a gradient-descent path.

    The path uses one learning rate, set by the steepest direction (40% of the largest
    stable step), so on a stretched surface gradient descent crawls along the long axis.

    Args:
        x: ``(n, 2)`` inputs.
        y: ``(n,)`` targets.
        steps: gradient-descent steps drawn.
        start: starting weights; by default a point away from the minimum on both axes.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 2 or x.shape[1] != 2 or len(y) != len(x):
        raise ValueError(f"x must be (n, 2) and y (n,), got {x.shape} and {y.shape}")
    hessian = x.T @ x / len(x)
    best = np.linalg.solve(hessian, x.T @ y / len(x))
    radii = 1.0 / np.sqrt(np.diag(hessian))
    extent = 1.5 * radii.max()
    w1 = np.linspace(best[0] - extent, best[0] + extent, 121)
    w2 = np.linspace(best[1] - extent, best[1] + extent, 121)
    grid_1, grid_2 = np.meshgrid(w1, w2)
    diffs = np.stack([grid_1 - best[0], grid_2 - best[1]], axis=-1)
    loss = np.einsum("...i,ij,...j->...", diffs, hessian, diffs)
    fig, ax = _axis(ax, (3.2, 3.2))
    ax.contour(grid_1, grid_2, loss, levels=np.quantile(loss, np.linspace(0.01, 0.6, 8)), cmap="viridis")
    w = best + (np.array(start, float) - best if start is not None else 0.9 * extent * np.array([-1.0, 0.9]))
    learning_rate = 0.8 / (2 * np.linalg.eigvalsh(hessian).max())  # 80% of the largest stable step's half
    path = [w.copy()]
    for _ in range(steps):
        w = w - learning_rate * 2 * hessian @ (w - best)  # the gradient of the mean squared error
        path.append(w.copy())
    path = np.array(path)
    ax.plot(path[:, 0], path[:, 1], "o-", color="C3", ms=2.5, lw=1, label=f"{steps} steps of gradient descent")
    ax.plot(*best, "k*", ms=10)
    ax.set_xlabel("w1")
    ax.set_ylabel("w2")
    ax.set_aspect("equal")
    ax.legend(fontsize=9, loc="lower right")
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def plot_activation_drift(snapshots_by_name, steps, bins=40):
    """Histograms of a hidden layer's values at several training steps, one panel per model.

    Args:
        snapshots_by_name: ``{title: [array of values at each snapshot]}``.
        steps: the training step of each snapshot (for the colour bar).

    Each panel's horizontal axis spans the 0.5% to 99.5% quantiles of all its values (its axis label says
    so), so that a few extreme values do not squeeze the histograms into one bin.
    """
    import matplotlib.pyplot as plt

    n = len(snapshots_by_name)
    if n == 0:
        raise ValueError("snapshots_by_name is empty; pass {name: [values per snapshot]}")
    fig, axes = plt.subplots(1, n, figsize=(3.4 * n, 2.8), squeeze=False, layout="constrained")
    colours = plt.cm.viridis(np.linspace(0, 1, len(steps)))
    for ax, (name, snapshots) in zip(axes[0], snapshots_by_name.items(), strict=True):
        if len(snapshots) != len(steps):
            raise ValueError(f"{name!r} has {len(snapshots)} snapshots but steps has {len(steps)} entries")
        values = np.concatenate([np.ravel(s) for s in snapshots])
        edges = np.linspace(np.quantile(values, 0.005), np.quantile(values, 0.995), bins + 1)
        for colour, snapshot in zip(colours, snapshots, strict=True):
            ax.hist(np.ravel(snapshot), bins=edges, histtype="step", color=colour, density=True)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("value (middle 99% shown)")
    axes[0, 0].set_ylabel("density")
    mappable = plt.cm.ScalarMappable(cmap="viridis", norm=plt.Normalize(min(steps), max(steps)))
    fig.colorbar(mappable, ax=axes[0].tolist(), fraction=0.04, label="training step")
    return fig


def plot_running_estimates(estimates, true_mean=None, true_variance=None):
    """Batch statistics (dots) and moving statistics (line) over training steps.

    Args:
        estimates: the dict from :func:`dcgan_keras.course.normalization.simulate_running_estimates`.
        true_mean, true_variance: dashed reference lines.
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(7.0, 2.8))
    for ax, key, truth in ((axes[0], "mean", true_mean), (axes[1], "variance", true_variance)):
        batch, moving = np.asarray(estimates[f"batch_{key}"]), np.asarray(estimates[f"moving_{key}"])
        t = np.arange(1, len(batch) + 1)
        ax.plot(t, batch, ".", ms=2, color="0.6", label=f"batch {key}")
        ax.plot(t, moving, color="C0", lw=2, label=f"moving {key}")
        if truth is not None:
            ax.axhline(truth, color="C3", ls="--", lw=1, label=f"true {key}")
        ax.set_xlabel("training step")
        ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


def plot_loss_comparison(histories, keys=("loss", "val_loss")):
    """Training curves of several models side by side, sharing the vertical axis.

    Args:
        histories: ``{title: keras History or {key: values per epoch}}``.
        keys: which curves to draw in each panel.
    """
    import matplotlib.pyplot as plt

    n = len(histories)
    if n == 0:
        raise ValueError("histories is empty; pass {name: history}")
    fig, axes = plt.subplots(1, n, figsize=(3.4 * n, 2.8), sharey=True, squeeze=False)
    for ax, (name, history) in zip(axes[0], histories.items(), strict=True):
        history = getattr(history, "history", history)
        for key in keys:
            if key in history:
                values = history[key]
                ax.plot(np.arange(1, len(values) + 1), values, "o-", ms=3, label=key)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("epoch")
        ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- 03 convolution


def plot_matrix(values, ax=None, title=None, cmap="gray", fmt="{:g}", highlight=None, vmin=None, vmax=None):
    """An annotated heatmap of a small matrix: every cell shows its value.

    Args:
        values: 2-D array.
        highlight: optional ``(row, col, height, width)`` rectangle to outline in red.
        fmt: format for the numbers.
    """
    import matplotlib.patches as patches

    values = np.asarray(values, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"plot_matrix draws a 2-D array, got shape {values.shape}")
    h, w = values.shape
    fig, ax = _axis(ax, (0.45 * w + 0.6, 0.45 * h + 0.6))
    vmin = values.min() if vmin is None else vmin
    vmax = values.max() if vmax is None else vmax
    shown = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax if vmax > vmin else vmin + 1)
    size = 9  # numbers only where they fit at a readable size; larger matrices show colour alone
    if max(h, w) <= 8:
        for i in range(h):
            for j in range(w):
                ax.text(j, i, fmt.format(values[i, j]), ha="center", va="center", fontsize=size,
                        color=text_colour_on(shown, values[i, j]))
    if highlight is not None:
        row, col, height, width = highlight
        ax.add_patch(patches.Rectangle((col - 0.5, row - 0.5), width, height, fill=False, edgecolor="red", lw=2.5))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def plot_convolution_step(image, kernel, row, col, stride=1):
    """One step of a convolution: the window on the image, the kernel, and the output so far.

    Args:
        image: 2-D array (no padding is drawn).
        kernel: 2-D array.
        row, col: the output position computed in this step.
        stride: int or ``(rows, cols)``.
    """
    import matplotlib.pyplot as plt

    from dcgan_keras.course.conv_arithmetic import conv2d_naive

    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    kh, kw = kernel.shape
    full = conv2d_naive(image, kernel, stride=(sh, sw))
    if not (0 <= row < full.shape[0] and 0 <= col < full.shape[1]):
        raise ValueError(f"output position ({row}, {col}) is outside the {full.shape} output")
    window = image[row * sh:row * sh + kh, col * sw:col * sw + kw]
    shown = np.full(full.shape, np.nan)
    flat_index = row * full.shape[1] + col
    shown.flat[:flat_index + 1] = full.flat[:flat_index + 1]
    fig, axes = plt.subplots(1, 4, figsize=(9.0, 2.6), gridspec_kw={"width_ratios": [image.shape[1], kw, kw,
                                                                                          full.shape[1]]})
    plot_matrix(image, ax=axes[0], title="image", highlight=(row * sh, col * sw, kh, kw), vmin=0, vmax=255)
    plot_matrix(kernel, ax=axes[1], title="kernel", cmap="RdBu_r", vmin=-1.5, vmax=1.5)
    plot_matrix(window * kernel, ax=axes[2], title=f"products, sum = {np.sum(window * kernel):g}", cmap="RdBu_r",
                vmin=-255, vmax=255)
    finite = np.nan_to_num(shown, nan=0.0)
    plot_matrix(finite, ax=axes[3], title=f"output[{row}, {col}]", cmap="RdBu_r", vmin=-800, vmax=800,
                highlight=(row, col, 1, 1))
    if len(axes[3].texts) == full.size:  # numbers are drawn (small outputs): mark the ones still to come
        for index, text in enumerate(axes[3].texts):
            if np.isnan(shown.flat[index]):
                text.set_text("?")
    fig.tight_layout()
    return fig


def show_maps(maps, titles=None, cmap="gray", size=1.8, symmetric=False, ncols=None):
    """Draw 2-D float arrays side by side, each on its own colour scale.

    Args:
        maps: sequence of 2-D arrays (images, feature maps, kernels).
        titles: optional caption per map.
        symmetric: centre each colour scale on zero (red positive, blue negative), good for kernels
            and filter responses; a list gives one choice per map. Such maps get a colour bar.
        ncols: maps per row (default: all in one row, at most 8).
    """
    import matplotlib.pyplot as plt

    maps = [np.asarray(m, dtype=float) for m in maps]
    if not maps or any(m.ndim != 2 for m in maps):
        raise ValueError("maps must be a non-empty sequence of 2-D arrays")
    ncols = ncols or min(len(maps), 8)
    nrows = int(np.ceil(len(maps) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.3 if titles else 0)),
                             squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    symmetric = list(symmetric) if isinstance(symmetric, (list, tuple)) else [symmetric] * len(maps)
    if len(symmetric) != len(maps):
        raise ValueError(f"symmetric has {len(symmetric)} entries for {len(maps)} maps")
    for i, values in enumerate(maps):
        ax = axes.flat[i]
        if symmetric[i]:
            limit = max(float(np.abs(values).max()), 1e-12)
            shown = ax.imshow(values, cmap="RdBu_r" if cmap == "gray" else cmap, vmin=-limit, vmax=limit)
            fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.04).ax.tick_params(labelsize=9)
        else:
            ax.imshow(values, cmap=cmap)
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=10)
    fig.tight_layout(pad=0.3)
    return fig


def plot_visit_counts(counts, ax=None, title=None):
    """Heatmap of how many kernel windows cover each input pixel (a 0 is a pixel never seen)."""
    counts = np.asarray(counts)
    fig, ax = _axis(ax, (0.4 * counts.shape[1] + 1.0, 0.4 * counts.shape[0] + 0.8))
    plot_matrix(counts, ax=ax, title=title, cmap="viridis", fmt="{:.0f}", vmin=0, vmax=max(counts.max(), 1))
    return fig


def plot_stride_tradeoff(input_size=28, kernel_size=3, strides=(1, 2, 3, 4), padding="valid"):
    """Cost (multiply-adds) against coverage (share of pixels never seen) as the stride grows."""
    import matplotlib.pyplot as plt

    from dcgan_keras.course.conv_arithmetic import conv_multiply_adds, visit_counts

    costs = [conv_multiply_adds(input_size, kernel_size, s, padding) for s in strides]
    missed = [float(np.mean(visit_counts(input_size, kernel_size, s, padding) == 0)) for s in strides]
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.4, 2.6))
    labels = [str(s) for s in strides]
    left.bar(labels, costs, color="C0")
    left.set_title("multiply-adds", fontsize=10)
    left.set_xlabel("stride")
    right.bar(labels, missed, color="C3")
    right.set_ylim(0, 1)
    right.set_title("pixels never visited", fontsize=10)
    right.set_xlabel("stride")
    fig.suptitle(f"{input_size}x{input_size} input, {kernel_size}x{kernel_size} kernel, padding {padding!r}",
                 fontsize=10)
    fig.tight_layout()
    return fig
