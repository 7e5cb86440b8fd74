"""MNIST and image-folder loading, scaling to [-1, 1], and ``tf.data`` pipelines.

The embedded default is 5,000 real MNIST training digits (500 a class) shipped in
``data/mnist_5k.npz``; full MNIST (60,000 training digits, and the 10,000 test digits)
is used when it is in Keras's cache or can be downloaded. ``scripts/prepare_mnist.py``
fills that cache without a download from Keras.
"""

import concurrent.futures
import importlib.resources
import os
import pathlib
import warnings

import numpy as np

from dcgan_keras.internal.validation import check_positive_int

__all__ = [
    "EMBEDDED_PATH",
    "load_mnist",
    "load_embedded_mnist",
    "load_full_mnist",
    "load_cached_mnist",
    "load_mnist_test",
    "load_image_folder",
    "scale_images",
    "unscale_images",
    "make_dataset",
]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")


def _embedded_path():
    checkout = pathlib.Path(__file__).resolve().parents[1] / "data" / "mnist_5k.npz"
    if checkout.exists():
        return checkout
    try:
        return pathlib.Path(str(importlib.resources.files("dcgan_keras.embedded") / "mnist_5k.npz"))
    except ModuleNotFoundError:
        return checkout


EMBEDDED_PATH = _embedded_path()


def _load_npz(path, keys):
    """Load ``keys`` from an ``.npz`` without pickles, with an error that names the file."""
    path = pathlib.Path(path)
    if not path.exists():
        raise FileNotFoundError(f"data file {path} does not exist; reinstall the package or regenerate it "
                                "with `python scripts/make_embedded_mnist.py`")
    try:
        with np.load(path, allow_pickle=False) as archive:
            return tuple(np.asarray(archive[key]) for key in keys)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError
        raise ValueError(f"data file {path} is corrupt or incomplete ({type(exc).__name__}: {exc}); "
                         "restore it with `git checkout -- data/` or regenerate it with "
                         "`python scripts/make_embedded_mnist.py`") from exc


def load_embedded_mnist(path=None):
    """The 5,000 embedded MNIST digits: ``(images uint8 (5000, 28, 28), labels uint8 (5000,))``.

    Never touches the network.
    """
    path = EMBEDDED_PATH if path is None else path
    images, labels = _load_npz(path, ("images", "labels"))
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28) or len(labels) != len(images):
        raise ValueError(f"data file {path} does not hold uint8 28x28 digits with one label each "
                         f"(found images {images.dtype} {images.shape}, labels {labels.shape}); regenerate it with "
                         "`python scripts/make_embedded_mnist.py`")
    return images, labels.astype(np.uint8)


def _cached_mnist_path():
    cache = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return pathlib.Path(cache) / "datasets" / "mnist.npz"


def _check_mnist_split(path, images, labels, split):
    fix = ("delete it, or rewrite it with `python scripts/prepare_mnist.py` "
           "(or `keras.datasets.mnist.load_data()` where MNIST can be downloaded)")
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"MNIST cache {path}: x_{split} must be uint8 of shape (n, 28, 28), "
                         f"got {images.dtype} {images.shape}; {fix}")
    if labels.ndim != 1 or len(labels) != len(images) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"MNIST cache {path}: y_{split} must be {len(images)} integer labels, one an image, "
                         f"got {labels.dtype} {labels.shape}; {fix}")
    if len(labels) and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"MNIST cache {path}: y_{split} holds labels outside 0-9; {fix}")
    return images, labels.astype(np.uint8)


def load_cached_mnist(split="train", path=None):
    """MNIST's training or test digits from Keras's cache file, checked; never touches the network.

    The cache is ``$KERAS_HOME/datasets/mnist.npz`` (``~/.keras/datasets/mnist.npz`` by default),
    the file ``keras.datasets.mnist.load_data()`` downloads, or ``scripts/prepare_mnist.py`` writes,
    with arrays ``x_train``, ``y_train``, ``x_test`` and ``y_test``.

    Args:
        split: ``"train"`` (60,000 digits in full MNIST) or ``"test"`` (10,000).
        path: a cache file to read instead of Keras's.

    Returns:
        ``(images uint8 (n, 28, 28), labels uint8 (n,))``.

    Raises:
        FileNotFoundError: there is no cache file.
        ValueError: the file is corrupt, or its arrays have the wrong shape, dtype or labels.
    """
    if split not in ("train", "test"):
        raise ValueError(f"unknown MNIST split {split!r}; use 'train' or 'test'")
    path = _cached_mnist_path() if path is None else pathlib.Path(path)
    if not path.exists():
        raise FileNotFoundError(f"MNIST is not in Keras's cache ({path}); write it with "
                                "`python scripts/prepare_mnist.py`, or call keras.datasets.mnist.load_data() "
                                "where MNIST can be downloaded")
    try:
        with np.load(path, allow_pickle=False) as archive:
            images, labels = np.asarray(archive[f"x_{split}"]), np.asarray(archive[f"y_{split}"])
    except Exception as exc:  # zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError
        raise ValueError(f"MNIST cache {path} is corrupt or incomplete ({type(exc).__name__}: {exc}); delete it, "
                         "or rewrite it with `python scripts/prepare_mnist.py`") from exc
    return _check_mnist_split(path, images, labels, split)


def _download_mnist(timeout):
    def download():
        import keras

        return keras.datasets.mnist.load_data()

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    future = pool.submit(download)
    try:
        return future.result(timeout=timeout)
    except concurrent.futures.TimeoutError as exc:
        raise RuntimeError(f"full MNIST could not be downloaded within {timeout:.0f} s") from exc
    except Exception as exc:
        raise RuntimeError(f"full MNIST could not be downloaded ({type(exc).__name__}: {exc})") from exc
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _load_full_split(split, timeout):
    path = _cached_mnist_path()
    if path.exists():
        return load_cached_mnist(split, path)
    train, test = _download_mnist(timeout)
    images, labels = train if split == "train" else test
    return _check_mnist_split(path, np.asarray(images), np.asarray(labels), split)


def load_full_mnist(timeout=20.0):
    """The 60,000 MNIST training digits from Keras's cache, downloading them if needed.

    A cache file that exists is read and checked (:func:`load_cached_mnist`), never replaced.

    Args:
        timeout: seconds to wait for a download before giving up.

    Raises:
        RuntimeError: the data is not cached and could not be downloaded in time.
        ValueError: the cache file is corrupt or holds arrays of the wrong shape or dtype.
    """
    return _load_full_split("train", timeout)


def load_mnist_test(timeout=20.0):
    """MNIST's 10,000 test digits, from Keras's cache or downloaded, like :func:`load_full_mnist`.

    ``dcgan_keras.metrics`` takes its FID reference statistics from these digits; nothing in
    the package trains on them.
    """
    return _load_full_split("test", timeout)


def load_mnist(source="auto", timeout=20.0):
    """MNIST digits as ``(images uint8 (n, 28, 28), labels uint8 (n,))``.

    Args:
        source: ``"embedded"`` (the 5,000 shipped digits, no network), ``"full"``
            (the 60,000 training digits, cached or downloaded; raises if neither
            works) or ``"auto"`` (full when it can be had, else embedded with one
            warning saying so; a broken cache file also falls back, with its error
            in the warning).
        timeout: seconds a download may take before it counts as failed.

    Example:
        >>> images, labels = load_mnist("embedded")
        >>> images.shape, images.dtype
        ((5000, 28, 28), dtype('uint8'))
    """
    if source == "embedded":
        return load_embedded_mnist()
    if source == "full":
        return load_full_mnist(timeout=timeout)
    if source == "auto":
        try:
            return load_full_mnist(timeout=timeout)
        except (RuntimeError, ValueError) as exc:
            warnings.warn(f"{exc}; using the 5,000 embedded MNIST digits instead", stacklevel=2)
            return load_embedded_mnist()
    raise ValueError(f"unknown MNIST source {source!r}; use 'auto', 'full' or 'embedded'")


def load_image_folder(path, image_size=(28, 28), channels=1):
    """Load every image in a folder (and its subfolders), resized, as uint8.

    Args:
        path: a folder of image files (PNG, JPEG, ...).
        image_size: ``(height, width)`` each image is resized to.
        channels: 1 for greyscale, 3 for RGB.

    Returns:
        uint8 array of shape ``(n, height, width, channels)``.

    Raises:
        FileNotFoundError: the folder does not exist.
        ValueError: the folder holds no readable images, holds files that are not
            images, or mixes colour and greyscale images while ``channels`` asks for one kind.
    """
    from PIL import Image, UnidentifiedImageError

    folder = pathlib.Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"image folder {folder} does not exist or is not a folder")
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 (greyscale) or 3 (RGB), got {channels!r}")
    height, width = _check_size(image_size)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    if not files:
        raise ValueError(f"image folder {folder} is empty; put PNG or JPEG images in it")
    images, bad, modes = [], [], set()
    for file in files:
        try:
            with Image.open(file) as image:
                image.load()
                modes.add("grey" if image.mode in ("1", "L", "LA", "I", "I;16", "F") else "colour")
                mode = "L" if channels == 1 else "RGB"
                image = image.convert(mode).resize((width, height), Image.Resampling.BILINEAR)
                images.append(np.asarray(image, np.uint8).reshape(height, width, channels))
        except (UnidentifiedImageError, OSError, SyntaxError):
            bad.append(file.name)
    if bad:
        shown = ", ".join(bad[:5]) + (" ..." if len(bad) > 5 else "")
        raise ValueError(f"image folder {folder} holds {len(bad)} file(s) that are not readable images "
                         f"({shown}); remove them or point at a folder of images only")
    if len(modes) > 1:
        raise ValueError(f"image folder {folder} mixes colour and greyscale images; convert them to one kind "
                         "(for example all greyscale with channels=1) first")
    return np.stack(images)


def _check_size(image_size):
    try:
        height, width = (int(v) for v in image_size)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"image_size must be (height, width), got {image_size!r}") from exc
    if height < 1 or width < 1:
        raise ValueError(f"image_size must be positive, got {image_size!r}")
    return height, width


def scale_images(images):
    """uint8 images in [0, 255] to float32 in [-1, 1]: ``(x - 127.5) / 127.5``.

    A channel axis is added to ``(n, h, w)`` input.

    Example:
        >>> scale_images(np.array([[[0, 255]]], np.uint8)).ravel().tolist()
        [-1.0, 1.0]
    """
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise TypeError(f"scale_images expects uint8 images in [0, 255], got dtype {images.dtype}; "
                        "images already in [-1, 1] need no scaling")
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise ValueError(f"expected images of shape (n, height, width[, channels]), got {images.shape}")
    return (images.astype(np.float32) - 127.5) / 127.5


def unscale_images(images):
    """The inverse of :func:`scale_images`: float in [-1, 1] to uint8 in [0, 255] (clipped, rounded)."""
    images = np.asarray(images, np.float32)
    return np.clip(np.round(images * 127.5 + 127.5), 0, 255).astype(np.uint8)


def make_dataset(images, batch_size=64, shuffle=True, seed=None, drop_remainder=False):
    """A shuffled, batched, cached, prefetched ``tf.data.Dataset`` of images scaled to [-1, 1].

    Args:
        images: uint8 ``(n, h, w[, c])`` images (scaled here) or float32 images already in [-1, 1].
        batch_size: images per batch; must not exceed the number of images.
        shuffle: reshuffle every epoch.
        seed: shuffle seed, for reproducible order.
        drop_remainder: drop a last batch smaller than ``batch_size``.
    """
    import tensorflow as tf

    images = np.asarray(images)
    if images.dtype == np.uint8:
        images = scale_images(images)
    elif images.dtype in (np.float32, np.float64):
        images = images.astype(np.float32)
        if images.ndim == 3:
            images = images[..., None]
        if images.size and (images.min() < -1.0001 or images.max() > 1.0001):
            raise ValueError(f"float images must lie in [-1, 1], found [{images.min():.3g}, {images.max():.3g}]; "
                             "pass uint8 images to have them scaled")
    else:
        raise TypeError(f"images must be uint8 in [0, 255] or float32 in [-1, 1], got dtype {images.dtype}")
    if images.ndim != 4:
        raise ValueError(f"expected images of shape (n, height, width[, channels]), got {images.shape}")
    batch_size = check_positive_int(batch_size, "batch_size")
    if batch_size > len(images):
        raise ValueError(f"batch_size {batch_size} is larger than the data set ({len(images)} images); "
                         "use a smaller batch size")
    dataset = tf.data.Dataset.from_tensor_slices(images).cache()
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
    options = tf.data.Options()
    options.autotune.enabled = False  # avoids multi-second pauses at epoch ends on small CPUs
    return dataset.with_options(options)
