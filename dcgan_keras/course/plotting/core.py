"""Image grids and training curves."""

import numpy as np

from dcgan_keras.images import image_grid
from dcgan_keras.images import to_uint8 as _to_uint8

__all__ = ["image_grid", "show_images", "plot_history", "save_figure", "text_colour_on"]


def text_colour_on(mappable, value):
    """``"white"`` or ``"black"``, whichever reads better on the colour that ``mappable`` gives ``value``.

    Uses the cell's relative luminance (ITU-R BT.709 weights), so numbers written on a heatmap stay
    readable on every colour map: white on dark blue or dark red, black on pale colours.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> shown = plt.imshow([[0.0, 1.0]], cmap="gray")
        >>> text_colour_on(shown, 0.0), text_colour_on(shown, 1.0)
        ('white', 'black')
    """
    red, green, blue, _ = mappable.to_rgba(value)
    return "white" if 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.45 else "black"


def show_images(images, ncols=None, titles=None, size=1.0, cmap="gray"):
    """Draw images side by side in one figure and return the figure.

    Args:
        images: as for :func:`image_grid`.
        ncols: images per row.
        titles: optional caption per image.
        size: inches per image.
    """
    import matplotlib.pyplot as plt

    images = _to_uint8(images)
    n = len(images)
    ncols = ncols or min(n, 10)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.3 if titles else 0)),
                             squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i, image in enumerate(images):
        ax = axes.flat[i]
        ax.imshow(image[..., 0] if image.shape[-1] == 1 else image, cmap=cmap, vmin=0, vmax=255)
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=9)
    fig.tight_layout(pad=0.2)
    return fig


def plot_history(history, keys=None, ax=None, title=None):
    """Plot training curves from a ``{name: [values per epoch]}`` dict or a Keras ``History``."""
    import matplotlib.pyplot as plt

    history = getattr(history, "history", history)
    keys = keys or list(history)
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 3.2))
    else:
        fig = ax.figure
    for key in keys:
        values = history[key]
        ax.plot(np.arange(1, len(values) + 1), values, label=key)
    ax.set_xlabel("epoch")
    ax.legend(fontsize=9)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def save_figure(fig, path):
    """Save a figure as PNG atomically (temporary file, then rename) and close it."""
    import matplotlib.pyplot as plt

    from dcgan_keras.internal.files import atomic_path

    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format="png", bbox_inches="tight")
    finally:
        plt.close(fig)
    return path
