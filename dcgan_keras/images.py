"""Image grids, PNG files and GIFs: how the package turns generated images into files.

Everything is written atomically (a temporary file, then a rename), so a run killed
mid-write leaves the previous file in place.
"""

import numpy as np

from dcgan_keras.internal.files import atomic_path

__all__ = ["to_uint8", "image_grid", "save_png", "make_gif"]


def to_uint8(images):
    """Images in [-1, 1] (float) or [0, 255] (uint8) as uint8, with a channel axis."""
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise ValueError(f"expected images of shape (n, height, width[, channels]), got {images.shape}")
    if images.dtype != np.uint8:
        images = np.clip(np.round((images.astype(np.float32) + 1.0) * 127.5), 0, 255).astype(np.uint8)
    return images


def image_grid(images, ncols=None, padding=2):
    """Tile images into one uint8 array, ``ncols`` across, ``padding`` pixels apart.

    Args:
        images: ``(n, h, w)`` or ``(n, h, w, c)``; uint8 in [0, 255] or float in [-1, 1].
        ncols: images per row; the default makes the grid roughly square.
        padding: black pixels between tiles.

    Returns:
        ``(rows*(h+padding)+padding, ncols*(w+padding)+padding, c)`` uint8 array.

    Example:
        >>> image_grid(np.zeros((6, 28, 28), np.uint8), ncols=3).shape
        (62, 92, 1)
    """
    images = to_uint8(images)
    n, h, w, c = images.shape
    ncols = ncols or int(np.ceil(np.sqrt(n)))
    nrows = int(np.ceil(n / ncols))
    grid = np.zeros((nrows * (h + padding) + padding, ncols * (w + padding) + padding, c), np.uint8)
    for i, image in enumerate(images):
        r, col = divmod(i, ncols)
        top, left = padding + r * (h + padding), padding + col * (w + padding)
        grid[top:top + h, left:left + w] = image
    return grid


def save_png(array, path):
    """Write a uint8 array ``(h, w)``, ``(h, w, 1)`` or ``(h, w, 3)`` as a PNG, atomically."""
    from PIL import Image

    array = np.asarray(array)
    image = Image.fromarray(array[..., 0] if array.shape[-1] == 1 else array)
    with atomic_path(path) as tmp:
        image.save(tmp, format="PNG")


def make_gif(frames, path, seconds=6.0, max_frames=60):
    """Write an animated GIF of PNG ``frames`` (paths), at most ``max_frames`` evenly spaced, atomically."""
    from PIL import Image

    frames = list(frames)
    if len(frames) > max_frames:
        keep = np.unique(np.linspace(0, len(frames) - 1, max_frames).round().astype(int))
        frames = [frames[i] for i in keep]
    images = [Image.open(f).convert("P") for f in frames]
    duration = max(int(1000 * seconds / len(images)), 50)
    with atomic_path(path) as tmp:
        images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:], duration=duration, loop=0)
    return path
