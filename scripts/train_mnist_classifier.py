"""Train the small MNIST classifier behind ``dcgan_keras.metrics`` and its FID reference statistics.

Run from the repository root (a few minutes on two CPU cores)::

    python scripts/train_mnist_classifier.py

It uses the 5,000 embedded digits: the fixed, stratified split of
``dcgan_keras.metrics.heldout_split`` (100 digits of each class, seed 0) holds out 1,000
digits, and the other 4,000 train the network, with random shifts, rotations and zooms.
Images are scaled to [-1, 1] with ``dcgan_keras.data.scale_images``, exactly as the GAN's are.

It writes, each file atomically (a temporary file renamed into place):

* ``dcgan_keras/assets/mnist_classifier.keras``: the classifier (no optimizer state);
* ``dcgan_keras/assets/mnist_reference_stats.npz``: mean ``mu`` and covariance ``sigma`` of
  the 128 penultimate-layer features of the held-out digits, the held-out accuracy, the
  held-out indices and a sentence describing the split.

and prints the held-out accuracy (it must reach 97%).
"""

import os
import sys
import tempfile
import time

import keras
import numpy as np

import dcgan_keras  # noqa: F401  (sets the Keras backend before keras is imported)
from dcgan_keras.data import load_mnist, scale_images
from dcgan_keras.metrics import (
    ASSETS_DIR,
    CLASSIFIER_PATH,
    FEATURES_LAYER,
    HELDOUT_PER_CLASS,
    REFERENCE_STATS_PATH,
    SPLIT_SEED,
    heldout_split,
)

SEED = 0
EPOCHS = 30
BATCH_SIZE = 64
LEARNING_RATE = 2e-3
FEATURE_DIM = 128
MIN_ACCURACY = 0.97


def build_classifier(feature_dim=FEATURE_DIM):
    """Three conv blocks (BatchNorm, ReLU, max-pooling) then a ``feature_dim``-wide ReLU layer and softmax."""
    inputs = keras.Input((28, 28, 1), name="image")
    x = inputs
    for block, filters in enumerate((32, 64, 64)):
        for conv in range(2 if block < 2 else 1):
            x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv{block}_{conv}")(x)
            x = keras.layers.BatchNormalization(name=f"bn{block}_{conv}")(x)
            x = keras.layers.ReLU(name=f"relu{block}_{conv}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"pool{block}")(x)  # 28 -> 14 -> 7 -> 3
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dropout(0.3, name="dropout_flat")(x)
    x = keras.layers.Dense(feature_dim, use_bias=False, name="dense_features")(x)
    x = keras.layers.BatchNormalization(name="bn_features")(x)
    x = keras.layers.ReLU(name=FEATURES_LAYER)(x)
    x = keras.layers.Dropout(0.3, name="dropout_features")(x)
    outputs = keras.layers.Dense(10, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="mnist_classifier")


def build_augmentation():
    """Random shifts (up to 2 pixels), rotations (up to 10 degrees) and zooms, filling with background -1."""
    fill = {"fill_mode": "constant", "fill_value": -1.0}
    return keras.Sequential([
        keras.layers.RandomRotation(10 / 360, seed=SEED, **fill),
        keras.layers.RandomTranslation(2 / 28, 2 / 28, seed=SEED + 1, **fill),
        keras.layers.RandomZoom(0.1, seed=SEED + 2, **fill),
    ], name="augmentation")


def atomic_write(path, write):
    """Call ``write(temporary_path)`` then rename the temporary file to ``path`` (readable by all)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes files private to the owner
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def main():
    keras.utils.set_random_seed(SEED)
    images, labels = load_mnist("embedded")
    x = scale_images(images)
    train, heldout = heldout_split(labels)
    steps = EPOCHS * int(np.ceil(len(train) / BATCH_SIZE))
    schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, steps, alpha=0.01)

    classifier = build_classifier()
    trainer = keras.Sequential([build_augmentation(), classifier])
    trainer.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"])
    start = time.time()
    history = trainer.fit(x[train], labels[train], epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0,
                          shuffle=True)
    print(f"trained {EPOCHS} epochs in {time.time() - start:.0f} s; "
          f"final training accuracy {history.history['accuracy'][-1]:.4f}")

    probs = classifier.predict(x[heldout], batch_size=500, verbose=0)
    accuracy = float(np.mean(np.argmax(probs, axis=1) == labels[heldout]))
    print(f"held-out accuracy: {accuracy:.4f} ({np.sum(np.argmax(probs, axis=1) == labels[heldout])}"
          f"/{len(heldout)})")
    if accuracy < MIN_ACCURACY:
        sys.exit(f"held-out accuracy {accuracy:.4f} is below {MIN_ACCURACY}; nothing saved")

    features_model = keras.Model(classifier.inputs, classifier.get_layer(FEATURES_LAYER).output)
    features = np.asarray(features_model.predict(x[heldout], batch_size=500, verbose=0), np.float64)
    mu, sigma = features.mean(axis=0), np.cov(features, rowvar=False)
    split = (f"embedded MNIST (5,000 digits): dcgan_keras.metrics.heldout_split(labels, "
             f"per_class={HELDOUT_PER_CLASS}, seed={SPLIT_SEED}) holds out {len(heldout)} digits "
             f"({HELDOUT_PER_CLASS} a class); the classifier trained on the other {len(train)}")

    ASSETS_DIR.mkdir(exist_ok=True)
    atomic_write(CLASSIFIER_PATH, lambda tmp: classifier.save(tmp))

    def write_stats(tmp):
        with open(tmp, "wb") as f:
            np.savez(f, mu=mu, sigma=sigma, heldout_accuracy=np.float64(accuracy), heldout_index=heldout,
                     split=np.str_(split), n_reference=np.int64(len(heldout)),
                     feature_dim=np.int64(features.shape[1]))

    atomic_write(REFERENCE_STATS_PATH, write_stats)
    dead = int(np.sum(features.std(axis=0) == 0))
    print(f"wrote {CLASSIFIER_PATH.name} ({CLASSIFIER_PATH.stat().st_size / 1e6:.2f} MB, "
          f"{classifier.count_params():,} parameters) and {REFERENCE_STATS_PATH.name} "
          f"({features.shape[1]} features, {dead} never active on the held-out digits)")


if __name__ == "__main__":
    main()
