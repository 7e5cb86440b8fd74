"""The small MNIST classifier behind the quality measure: its architecture in code, its weights in a file.

The weights ship as plain NumPy arrays (``assets/mnist_classifier.weights.npz``) and the network is
built here, rather than shipped as a whole ``.keras`` file: a ``.keras`` file written by a newer Keras
records settings that an older one does not know (Keras 3.8 cannot read one written by 3.15), while
arrays load into the same layers under every Keras 3 release the package supports.
``scripts/train_mnist_classifier.py`` trains the network and writes the file.
"""

import functools
import itertools
import pathlib

import numpy as np

__all__ = ["CLASSIFIER_PATH", "FEATURES_LAYER", "build_classifier", "save_classifier_weights", "load_classifier"]

CLASSIFIER_PATH = pathlib.Path(__file__).resolve().parent.parent / "assets" / "mnist_classifier.weights.npz"
FEATURES_LAYER = "features"
FEATURE_DIM = 128


def build_classifier(feature_dim=FEATURE_DIM):
    """Three conv layers (BatchNorm, ReLU, max-pooling), a ``feature_dim``-wide ReLU layer, then softmax.

    Input: float32 ``(n, 28, 28, 1)`` in [-1, 1]; output: class probabilities ``(n, 10)``. The layer
    named ``"features"`` (after the ReLU) gives the FID features.
    """
    import keras

    inputs = keras.Input((28, 28, 1), name="image")
    x = inputs
    for block, filters in enumerate((32, 64, 64)):
        x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv{block}")(x)
        x = keras.layers.BatchNormalization(name=f"bn{block}")(x)
        x = keras.layers.ReLU(name=f"relu{block}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"pool{block}")(x)  # 28 -> 14 -> 7 -> 3
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dropout(0.3, name="dropout_flat")(x)
    x = keras.layers.Dense(feature_dim, use_bias=False, name="dense_features")(x)
    x = keras.layers.BatchNormalization(name="bn_features")(x)
    x = keras.layers.ReLU(name=FEATURES_LAYER)(x)
    x = keras.layers.Dropout(0.3, name="dropout_features")(x)
    outputs = keras.layers.Dense(10, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="mnist_classifier")


def _variable_names(model):
    # "conv0/kernel", "bn0/moving_mean", ...: layer name and variable name, the same in every Keras 3.
    return [f"{variable.path.split('/')[-2]}/{variable.name}" for variable in model.weights]


def save_classifier_weights(model, file):
    """Write every variable of ``model`` (moving statistics included) to ``file``, a path or binary file."""
    arrays = {f"w{i:03d}": np.asarray(variable) for i, variable in enumerate(model.weights)}
    np.savez_compressed(file, names=np.array(_variable_names(model)), **arrays)


@functools.lru_cache(maxsize=1)
def load_classifier():
    """The classifier with its trained weights, built once and cached."""
    if not CLASSIFIER_PATH.exists():
        raise FileNotFoundError(f"classifier weights {CLASSIFIER_PATH} are missing; reinstall the package or "
                                "retrain them with `python scripts/train_mnist_classifier.py`")
    model = build_classifier()
    with np.load(CLASSIFIER_PATH, allow_pickle=False) as archive:
        names = [str(name) for name in archive["names"]]
        arrays = [archive[f"w{i:03d}"] for i in range(len(names))]
    expected = [(name, tuple(v.shape)) for name, v in zip(_variable_names(model), model.weights, strict=True)]
    found = [(name, array.shape) for name, array in zip(names, arrays, strict=True)]
    for held, wanted in itertools.zip_longest(found, expected):
        if held != wanted:
            raise ValueError(f"{CLASSIFIER_PATH.name} does not fit build_classifier(): it holds {held} where the "
                             f"network has {wanted}; retrain it with `python scripts/train_mnist_classifier.py`")
    model.set_weights(arrays)
    return model
