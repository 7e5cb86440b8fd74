"""Figures of notebooks 06 and 07 (a DCGAN on MNIST, its evaluation and its latent space; long because two notebooks' figures live here)."""

import numpy as np

__all__ = [
    "plot_ablation_record",
    "plot_paper_record",
    "plot_generator_losses",
    "plot_gan_history",
    "plot_quality",
    "plot_grid_files",
    "plot_neighbours",
    "plot_noise_grids",
    "plot_captioned_rows",
    "quality_table",
    "plot_quality_race",
    "plot_digit_shares",
    "calibration_references",
]


def _grey(ax, image):
    image = np.asarray(image)
    if image.ndim == 3:
        image = image[..., 0]
    if image.dtype == np.uint8:
        ax.imshow(image, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
    else:
        ax.imshow(image, cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def plot_generator_losses(points=200):
    """The generator's two possible losses against D(G(z)), and how hard each pushes.

    Left: the original minimax loss ``log(1 - D(G(z)))`` and the non-saturating
    ``-log D(G(z))`` that DCGANs train with. Right: the size of each loss's gradient with
    respect to D's logit, ``D`` and ``1 - D``: early in training, when D rejects every fake
    (D(G(z)) near 0), the minimax loss gives almost no gradient, the non-saturating one
    nearly its largest.

    Returns:
        the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt

    d = np.linspace(0.005, 0.995, points)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3))
    left.plot(d, np.log(1 - d), label="minimax: log(1 - D)")
    left.plot(d, -np.log(d), label="non-saturating: -log D")
    left.set(xlabel="D(G(z))", ylabel="generator loss", title="the generator minimises")
    right.plot(d, d, label="minimax: D")
    right.plot(d, 1 - d, label="non-saturating: 1 - D")
    right.set(xlabel="D(G(z))", ylabel="|d loss / d logit|", title="gradient it receives", ylim=(0, 1.05))
    for ax in (left, right):
        ax.axvspan(0, 0.1, color="grey", alpha=0.15)
        ax.legend(fontsize=9)
    right.text(0.02, 0.5, "early\ntraining", fontsize=9, color="dimgrey")
    fig.tight_layout()
    return fig


def plot_gan_history(history, title=None):
    """Loss curves (``d_loss``, ``g_loss``) and D's mean outputs (``d_real``, ``d_fake``) per epoch.

    Args:
        history: ``{name: [value per epoch]}`` (a ``MetricsLogger``'s ``history``) or a
            Keras ``History``.
        title: optional figure title.

    Returns:
        the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    history = getattr(history, "history", history)
    missing = [k for k in ("d_loss", "g_loss", "d_real", "d_fake") if k not in history]
    if missing:
        raise ValueError(f"history lacks {', '.join(missing)}; pass the logs of a DCGAN's fit")
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.5, 3))
    epochs = np.arange(1, len(history["d_loss"]) + 1)
    style = dict(marker="o", ms=3) if len(epochs) <= 60 else {}  # a dot for every epoch, while they are few
    left.plot(epochs, history["d_loss"], label="D loss", **style)
    left.plot(epochs, history["g_loss"], label="G loss", **style)
    left.axhline(2 * np.log(2), color="grey", ls=":", lw=1)
    left.axhline(np.log(2), color="grey", ls=":", lw=1)
    left.set(xlabel="epoch")
    left.set_title("losses (dotted: 2 log 2 and log 2,\nD's loss and G's at D = 1/2)", fontsize=9)
    right.plot(epochs, history["d_real"], label="D(x), real", **style)
    right.plot(epochs, history["d_fake"], label="D(G(z)), fake", **style)
    right.axhline(0.5, color="grey", ls=":", lw=1)
    right.set(xlabel="epoch", ylim=(0, 1))
    right.set_title("D's mean output", fontsize=9)
    for ax in (left, right):
        ax.legend(fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_quality(history, references=None, class_counts=None, title=None):
    """FID per epoch (log scale) against reference lines, and the digits covered.

    Args:
        history: ``{name: [value per epoch]}`` with ``fid`` and ``classes_covered`` (epochs
            without a measurement may hold None or be missing at the end).
        references: ``{label: fid}`` drawn as horizontal lines, e.g. the calibration's
            blurred real digits.
        class_counts: optional 10 counts of the final samples per digit, drawn as bars.
        title: optional figure title.

    Returns:
        the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    history = getattr(history, "history", history)
    if "fid" not in history:
        raise ValueError("history has no 'fid': train with a QualityMonitor placed before the MetricsLogger")
    fid = np.array([np.nan if v is None else v for v in history["fid"]], dtype=float)
    covered = np.array([np.nan if v is None else v for v in history.get("classes_covered", [])], dtype=float)
    epochs = np.arange(1, len(fid) + 1)
    panels = 3 if class_counts is not None else 2
    fig, axes = plt.subplots(1, panels, figsize=(3.3 * panels, 3),
                             gridspec_kw={"width_ratios": [1.6, 1, 1][:panels]})
    ax = axes[0]
    measured = ~np.isnan(fid)
    ax.plot(epochs[measured], fid[measured], "o-", ms=3, color="black", label="this generator")
    styles = ["--", "-.", ":", (0, (5, 1))]
    for k, (label, value) in enumerate((references or {}).items()):
        ax.axhline(value, ls=styles[k % len(styles)], color=f"C{k}", lw=1.2, label=f"{label}: {value:g}")
    ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel="FID (log scale)", title="quality over training (lower is better)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=9)
    ax = axes[1]
    if len(covered):
        measured = ~np.isnan(covered)
        ax.plot(epochs[: len(covered)][measured], covered[measured], "o-", ms=3, color="C3")
    ax.set(xlabel="epoch", ylim=(0, 10.5), yticks=range(0, 11, 2), title="digits with >= 5% of samples")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if class_counts is not None:
        counts = np.asarray(class_counts)
        ax = axes[2]
        share = counts / max(counts.sum(), 1)
        ax.bar(range(10), share, color=["C0" if s >= 0.05 else "C3" for s in share])
        ax.axhline(0.05, color="C3", ls=":", lw=1)
        ax.axhline(0.1, color="grey", ls=":", lw=1)
        ax.set(xticks=range(10), xlabel="digit (classifier)", title="final samples per digit")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_grid_files(paths, titles=None, size=2.2, crop=None):
    """Show saved PNG sample grids side by side (for instance a few epochs of a ``SampleGrid``).

    Args:
        paths: PNG files.
        titles: a caption per file.
        size: inches per grid.
        crop: optional fraction in (0, 1] of the height and width kept, from the top-left
            corner (0.5 shows the top-left quarter of each grid, larger).

    Returns:
        the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt
    from PIL import Image

    paths = list(paths)
    if not paths:
        raise ValueError("no grid files to show; did training run and save its sample grids?")
    titles = titles or [str(p) for p in paths]
    if crop is not None and not 0.0 < crop <= 1.0:
        raise ValueError(f"crop must be a fraction in (0, 1], got {crop!r}")
    fig, axes = plt.subplots(1, len(paths), figsize=(size * len(paths), size + 0.3), squeeze=False)
    for ax, path, title in zip(axes[0], paths, titles, strict=True):
        grid = np.asarray(Image.open(path).convert("L"))
        if crop is not None:
            grid = grid[: max(1, round(grid.shape[0] * crop)), : max(1, round(grid.shape[1] * crop))]
        _grey(ax, grid)
        ax.set_title(title, fontsize=9)
    fig.tight_layout(pad=0.3)
    return fig


def plot_neighbours(samples, neighbours, distances, reference=None, size=0.9):
    """Samples (top row) over their nearest training images (bottom row), with the distances.

    Args:
        samples: ``(n, h, w[, 1])`` generated images.
        neighbours: ``(n, h, w[, 1])`` the nearest training image of each.
        distances: ``(n,)`` their pixel distances.
        reference: optional typical distance between a real digit and its nearest other
            training digit, shown in the title.
        size: inches per image.

    Returns:
        the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt

    n = len(samples)
    if len(neighbours) != n or len(distances) != n:
        raise ValueError(f"need one neighbour and one distance per sample ({n}), got {len(neighbours)} "
                         f"and {len(distances)}")
    fig, axes = plt.subplots(2, n, figsize=(size * n + 1.2, size * 2 + 0.5), squeeze=False)
    for i in range(n):
        _grey(axes[0, i], samples[i])
        _grey(axes[1, i], neighbours[i])
        axes[1, i].set_xlabel(f"{float(distances[i]):.1f}", fontsize=9)
    axes[0, 0].set_ylabel("sample", rotation=0, ha="right", va="center", fontsize=9)
    axes[1, 0].set_ylabel("nearest\ntraining", rotation=0, ha="right", va="center", fontsize=9)
    text = "pixel distance to the nearest training digit"
    if reference is not None:
        text += f" (real digit to its nearest other: median {reference:.1f})"
    fig.suptitle(text, fontsize=9)
    fig.tight_layout(pad=0.2)
    return fig


def plot_noise_grids(grids, titles, size=0.75):
    """Several 3x3 grids of images side by side; the centre of each is the unchanged code.

    Args:
        grids: a list of ``(9, h, w[, 1])`` image sets (the first image goes in the centre).
        titles: a caption per grid.
        size: inches per image.

    Returns:
        the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt

    if len(grids) != len(titles):
        raise ValueError(f"need one title per grid, got {len(grids)} grids and {len(titles)} titles")
    order = [1, 2, 3, 4, 0, 5, 6, 7, 8]  # image 0 (the unchanged code) in the middle
    fig = plt.figure(figsize=(size * 3.4 * len(grids), size * 3 + 0.5))
    outer = fig.add_gridspec(1, len(grids), wspace=0.15)
    for g, (images, title) in enumerate(zip(grids, titles, strict=True)):
        if len(images) != 9:
            raise ValueError(f"each grid needs 9 images, grid {g} has {len(images)}")
        inner = outer[g].subgridspec(3, 3, wspace=0.04, hspace=0.04)
        for cell, k in enumerate(order):
            ax = fig.add_subplot(inner[cell // 3, cell % 3])
            _grey(ax, images[k])
            if k == 0:
                for spine in ax.spines.values():
                    spine.set_edgecolor("C1")
                    spine.set_linewidth(2)
            if cell == 1:
                ax.set_title(title, fontsize=9)
    return fig


def plot_captioned_rows(rows, captions=None, size=0.85):
    """Rows of images, each row labelled and each image captioned.

    Args:
        rows: ``{label: images}`` with images ``(n, h, w[, 1])``; rows may differ in length.
        captions: optional ``{label: [text per image]}``.
        size: inches per image.

    Returns:
        the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt

    captions = captions or {}
    ncols = max(len(images) for images in rows.values())
    fig, axes = plt.subplots(len(rows), ncols, figsize=(size * ncols + 1.6, (size + 0.15) * len(rows)),
                             squeeze=False)
    for r, (label, images) in enumerate(rows.items()):
        texts = captions.get(label)
        for c in range(ncols):
            ax = axes[r, c]
            if c < len(images):
                _grey(ax, images[c])
                if texts is not None:
                    ax.set_title(texts[c], fontsize=9, pad=2)
            else:
                ax.axis("off")
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    fig.tight_layout(pad=0.2, w_pad=0.1, h_pad=0.3)
    return fig


def quality_table(rows, columns=None):
    """Format a list of dicts as a plain-text table (numbers to 2 decimals), one dict a row.

    Example:
        >>> print(quality_table([{"model": "a", "fid": 1.234}]))
        model   fid
        a      1.23
    """
    rows = list(rows)
    if not rows:
        raise ValueError("no rows to tabulate")
    columns = columns or list(rows[0])

    def text(value):
        if isinstance(value, (float, np.floating)):
            return f"{value:.2f}"
        return str(value)

    cells = [[text(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]

    def is_number(value):
        return value.replace(",", "").replace(".", "", 1).replace("-", "", 1).isdigit()

    numeric = [all(is_number(r[i]) for r in cells if r[i]) and any(r[i] for r in cells)
               for i in range(len(columns))]

    def line(values):
        return "  ".join(v.rjust(w) if num else v.ljust(w)
                         for v, w, num in zip(values, widths, numeric, strict=True)).rstrip()

    return "\n".join([line(columns)] + [line(r) for r in cells])


def plot_quality_race(runs, references=None, title=None):
    """FID against seconds of training for several runs, in one figure (log scale).

    Args:
        runs: ``{label: history}``, each history a dict with lists ``seconds`` and ``fid`` (a
            :class:`~dcgan_keras.course.variants.QualityClock`'s ``history``).
        references: ``{label: fid}`` drawn as horizontal lines, e.g. blurred real digits.
        title: optional figure title.

    Returns:
        the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt

    if not runs:
        raise ValueError("no runs to plot")
    fig, ax = plt.subplots(figsize=(8, 4))
    for k, (label, history) in enumerate(runs.items()):
        seconds, fid = np.asarray(history["seconds"], float), np.asarray(history["fid"], float)
        if len(seconds) != len(fid):
            raise ValueError(f"run {label!r}: {len(seconds)} times but {len(fid)} FIDs")
        ax.plot(seconds, fid, "o-", ms=3, color=f"C{k}", label=label)
    for k, (label, value) in enumerate((references or {}).items()):
        ax.axhline(value, ls=(0, (4, 2 + 2 * k)), color="grey", lw=1)
        ax.annotate(f"{label}: {value:g}", (1.0, value), xycoords=("axes fraction", "data"), xytext=(-4, 3),
                    textcoords="offset points", ha="right", fontsize=9, color="dimgrey")
    ax.set_yscale("log")
    ax.set(xlabel="seconds of training", ylabel="FID (log scale, lower is better)")
    ax.legend(fontsize=9, loc="upper right", bbox_to_anchor=(1.0, 0.93))
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_digit_shares(counts, title=None):
    """The share of samples the classifier reads as each digit, rare digits (under 5%) in red.

    Args:
        counts: 10 counts, one per digit.
        title: optional title.

    Returns:
        the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt

    counts = np.asarray(counts, dtype=float)
    if counts.shape != (10,) or counts.sum() <= 0:
        raise ValueError(f"counts must be 10 counts (one per digit) with a positive sum, got {counts!r}")
    share = counts / counts.sum()
    fig, ax = plt.subplots(figsize=(5, 2.6))
    ax.bar(range(10), share, color=["C0" if s >= 0.05 else "C3" for s in share])
    ax.axhline(0.1, color="grey", ls=":", lw=1)
    ax.axhline(0.05, color="C3", ls=":", lw=1)
    ax.set(xticks=range(10), xlabel="digit (as the classifier reads it)", ylabel="share of samples")
    ax.set_title(title or "dotted: an even share (10%) and the 5% line", fontsize=9)
    fig.tight_layout()
    return fig


def calibration_references(sigmas=("0.75", "1")):
    """``{"real digits blurred <sigma> px": fid}`` from the package's calibration table, read now.

    The table (``dcgan_keras/assets/fid_calibration.json``, made by ``scripts/calibrate_fid.py``) gives
    the FID of real digits blurred by each ``sigma``; notebook 07 shows all of it.
    """
    import json

    from dcgan_keras.metrics import CALIBRATION_PATH

    rows = {row["name"]: row for row in json.loads(CALIBRATION_PATH.read_text())["rows"]}
    missing = [s for s in sigmas if f"blur_{s}" not in rows]
    if missing:
        raise ValueError(f"the calibration table has no blur row for sigma {', '.join(missing)}; it has "
                         f"{', '.join(sorted(rows))}")
    return {f"real digits blurred {s} px": float(rows[f"blur_{s}"]["fid"]) for s in sigmas}


def plot_ablation_record(record, references=None):
    """The FID of every step of a recipe-ablation record, one panel per comparison (equal steps, equal time).

    Each seed is a dot, the mean over seeds a bar; ``references`` (``{label: fid}``) are drawn as
    horizontal lines. The figure's title says that it shows a record, not a run made here.
    """
    import textwrap

    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, NullFormatter, ScalarFormatter

    from dcgan_keras.course.records import COMPARISONS, ablation_summary

    summary = ablation_summary(record)
    steps = ["the paper"] + [step["name"] for step in record["recipe_steps"]]
    settings = record["settings"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
    for ax, comparison in zip(axes, COMPARISONS, strict=True):
        rows = {row["step"]: row for row in summary if row["comparison"] == comparison}
        for x, step in enumerate(steps):
            runs = [r for r in record["runs"] if r["comparison"] == comparison and r["step"] == step]
            ax.scatter([x] * len(runs), [r["fid"] for r in runs], s=14, color="C0", zorder=3)
            if step in rows:
                ax.hlines(rows[step]["mean FID"], x - 0.3, x + 0.3, color="C3", lw=2, zorder=4)
        for k, (label, value) in enumerate((references or {}).items()):
            ax.axhline(value, ls=(0, (4, 2 + 2 * k)), color="grey", lw=1)
            ax.annotate(f"{label}: {value:g}", (0.0, value), xycoords=("axes fraction", "data"), xytext=(4, 3),
                        textcoords="offset points", fontsize=9, color="dimgrey")
        ax.set_yscale("log")
        ax.set_xticks(range(len(steps)), [textwrap.fill(s, 11) for s in steps], fontsize=9)
        ax.yaxis.set_major_locator(FixedLocator([1, 2, 5, 10, 20, 50, 100, 200, 500]))
        ax.yaxis.set_major_formatter(ScalarFormatter())
        ax.yaxis.set_minor_formatter(NullFormatter())
        length = (f"{settings['steps']:,} steps each" if comparison == "equal steps"
                  else f"{settings['seconds']:g} s of this machine's steps each")
        ax.set_title(f"{comparison}: {length}", fontsize=10)
    axes[0].set_ylabel("FID (log scale; dots: seeds, bars: means)")
    fig.suptitle(f"Record, not run here: {len(settings['seeds'])} seeds per step, made {record['date']}",
                 fontsize=10)
    fig.tight_layout()
    return fig


def plot_paper_record(record, references=None, live=None):
    """The paper's recipe's long runs from a record: FID (left) and digits drawn (right) against steps.

    Each seed of ``record`` (see :func:`dcgan_keras.course.records.load_paper_record`) is a thin line;
    ``live``, a :class:`~dcgan_keras.course.variants.QualityClock` history with ``steps``, is drawn over
    them in black; ``references`` (``{label: fid}``) are horizontal lines. The title says that the
    seeds are a record, not runs made here.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, NullFormatter, ScalarFormatter

    settings = record["settings"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    curves = [(f"record, seed {run['seed']}", run, dict(lw=1, ms=2, alpha=0.8)) for run in record["runs"]]
    if live is not None:
        curves.append(("your run", live, dict(lw=2, ms=3, color="black")))
    for label, run, style in curves:
        left.plot(run["steps"], run["fid"], "o-", label=label, **style)
        right.plot(run["steps"], run["classes_covered"], "o-", label=label, **style)
    for k, (label, value) in enumerate((references or {}).items()):
        left.axhline(value, ls=(0, (4, 2 + 2 * k)), color="grey", lw=1)
        left.annotate(f"{label}: {value:g}", (1.0, value), xycoords=("axes fraction", "data"), xytext=(-4, 3),
                      textcoords="offset points", ha="right", fontsize=9, color="dimgrey")
    left.set_yscale("log")
    left.yaxis.set_major_locator(FixedLocator([1, 2, 5, 10, 20, 50, 100, 200, 500]))
    left.yaxis.set_major_formatter(ScalarFormatter())
    left.yaxis.set_minor_formatter(NullFormatter())
    left.set(xlabel="training steps", ylabel="FID (log scale, lower is better)")
    right.axhline(10, color="grey", ls=":", lw=1)
    right.set(xlabel="training steps", ylabel="digits with at least 5% of samples", ylim=(0, 10.5),
              yticks=range(0, 11, 2))
    right.legend(fontsize=9, loc="lower right")
    fig.suptitle(f"Record, not run here: the paper's recipe at width {settings['g_filters']}, "
                 f"{len(record['runs'])} seeds, made {record['date']}", fontsize=10)
    fig.tight_layout()
    return fig
