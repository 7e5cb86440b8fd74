"""Train the small MNIST classifier behind ``dcgan_keras.metrics`` and its FID reference statistics.

It needs full MNIST in Keras's cache: run ``python scripts/prepare_mnist.py`` first. Then, from
the repository root (several minutes on two CPU cores)::

    python scripts/train_mnist_classifier.py

The network trains on MNIST's 60,000 training digits, with small random shifts, rotations and
zooms, for a fixed number of epochs with fixed settings. MNIST's 10,000 test digits are used
twice, after training and never to choose anything: for the test accuracy (it must reach 99%, or
nothing is saved) and for the FID reference statistics. Images are scaled to [-1, 1] with
``dcgan_keras.data.scale_images``, exactly as the GAN's are.

It writes, each file atomically (a temporary file renamed into place):

* ``dcgan_keras/assets/mnist_classifier.weights.npz``: the classifier's weights, for
  ``dcgan_keras.internal.classifier.build_classifier`` (no optimizer state);
* ``dcgan_keras/assets/mnist_reference_stats.npz``: mean ``mu`` and covariance ``sigma`` of
  the 128 penultimate-layer features of the 10,000 test digits, the test accuracy, a sentence
  describing the reference, and ``embedded_mu``, the mean features of the 5,000 embedded digits
  (so a test without full MNIST can check that the two files belong together).
"""

import sys
import time

import keras
import numpy as np

import dcgan_keras  # noqa: F401  (sets the Keras backend before keras is imported)
from dcgan_keras.data import load_embedded_mnist, load_mnist, load_mnist_test, scale_images
from dcgan_keras.internal.classifier import (
    CLASSIFIER_PATH,
    FEATURES_LAYER,
    build_classifier,
    save_classifier_weights,
)
from dcgan_keras.internal.files import atomic_path
from dcgan_keras.metrics import ASSETS_DIR, REFERENCE_STATS_PATH

SEED = 0
EPOCHS = 3
BATCH_SIZE = 128
LEARNING_RATE = 2e-3
MIN_ACCURACY = 0.99


def build_augmentation():
    """Random shifts (up to 2 pixels), rotations (up to 10 degrees) and zooms, filling with background -1."""
    fill = {"fill_mode": "constant", "fill_value": -1.0}
    return keras.Sequential([
        keras.layers.RandomRotation(10 / 360, seed=SEED, **fill),
        keras.layers.RandomTranslation(2 / 28, 2 / 28, seed=SEED + 1, **fill),
        keras.layers.RandomZoom(0.1, seed=SEED + 2, **fill),
    ], name="augmentation")


def main():
    keras.utils.set_random_seed(SEED)
    train_images, train_labels = load_mnist("full")
    test_images, test_labels = load_mnist_test()
    x, x_test = scale_images(train_images), scale_images(test_images)
    steps = EPOCHS * int(np.ceil(len(x) / BATCH_SIZE))
    schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, steps, alpha=0.01)

    classifier = build_classifier()
    trainer = keras.Sequential([build_augmentation(), classifier])
    trainer.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"])
    start = time.time()
    history = trainer.fit(x, train_labels, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=2, shuffle=True)
    print(f"trained {EPOCHS} epochs on {len(x):,} digits in {time.time() - start:.0f} s; "
          f"final training accuracy {history.history['accuracy'][-1]:.4f}")

    probs = classifier.predict(x_test, batch_size=500, verbose=0)
    correct = int(np.sum(np.argmax(probs, axis=1) == test_labels))
    accuracy = correct / len(test_labels)
    print(f"test accuracy: {accuracy:.4f} ({correct}/{len(test_labels)} of MNIST's test digits)")
    if accuracy < MIN_ACCURACY:
        sys.exit(f"test accuracy {accuracy:.4f} is below {MIN_ACCURACY}; nothing saved")

    features_model = keras.Model(classifier.inputs, classifier.get_layer(FEATURES_LAYER).output)

    def features_of(images):
        return np.asarray(features_model.predict(images, batch_size=500, verbose=0), np.float64)

    features = features_of(x_test)
    mu, sigma = features.mean(axis=0), np.cov(features, rowvar=False)
    embedded_mu = features_of(scale_images(load_embedded_mnist()[0])).mean(axis=0)
    reference = (f"MNIST's {len(x_test):,} test digits (never used for training or tuning); "
                 f"the classifier trained on the {len(x):,} training digits")

    ASSETS_DIR.mkdir(exist_ok=True)
    with atomic_path(CLASSIFIER_PATH) as tmp, open(tmp, "wb") as f:
        save_classifier_weights(classifier, f)
    with atomic_path(REFERENCE_STATS_PATH) as tmp, open(tmp, "wb") as f:
        np.savez(f, mu=mu, sigma=sigma, test_accuracy=np.float64(accuracy), split=np.str_(reference),
                 n_reference=np.int64(len(x_test)), feature_dim=np.int64(features.shape[1]),
                 embedded_mu=embedded_mu)
    dead = int(np.sum(features.std(axis=0) == 0))
    print(f"wrote {CLASSIFIER_PATH.name} ({CLASSIFIER_PATH.stat().st_size / 1e6:.2f} MB, "
          f"{classifier.count_params():,} parameters) and {REFERENCE_STATS_PATH.name} "
          f"({features.shape[1]} features, {dead} never active on the test digits)")


if __name__ == "__main__":
    main()
