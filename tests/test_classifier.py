"""The quality measure's classifier: built in code, its weights a small file of plain arrays."""

import numpy as np
import pytest

import dcgan_keras  # noqa: F401  (sets the Keras backend)
from dcgan_keras.internal import classifier


@pytest.fixture
def weights_at(monkeypatch):
    """Point the loader at another weights file for one test, and forget the cached model around it."""

    def point(path):
        monkeypatch.setattr(classifier, "CLASSIFIER_PATH", path)
        classifier.load_classifier.cache_clear()

    yield point
    classifier.load_classifier.cache_clear()


def test_weights_file_is_small_and_holds_only_arrays():
    assert classifier.CLASSIFIER_PATH.stat().st_size < 1_000_000
    with np.load(classifier.CLASSIFIER_PATH, allow_pickle=False) as archive:  # no pickled objects
        names = list(archive["names"])
    assert names[:2] == ["conv0/kernel", "bn0/gamma"] and len(names) == len(classifier.build_classifier().weights)


def test_loaded_classifier_has_the_documented_shapes():
    model = classifier.load_classifier()
    assert model is classifier.load_classifier()  # cached
    assert model.input_shape == (None, 28, 28, 1) and model.output_shape == (None, 10)
    assert model.get_layer(classifier.FEATURES_LAYER).output.shape == (None, 128)
    probabilities = np.asarray(model(np.zeros((2, 28, 28, 1), np.float32)))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_weights_round_trip(tmp_path, weights_at):
    model = classifier.build_classifier()
    path = tmp_path / "weights.npz"
    classifier.save_classifier_weights(model, path)
    weights_at(path)
    loaded = classifier.load_classifier()
    x = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype(np.float32)
    np.testing.assert_array_equal(np.asarray(loaded(x)), np.asarray(model(x)))
    for saved, restored in zip(model.weights, loaded.weights, strict=True):  # moving statistics included
        np.testing.assert_array_equal(np.asarray(saved), np.asarray(restored))


def test_weights_for_another_network_are_refused(tmp_path, weights_at):
    path = tmp_path / "other.npz"
    classifier.save_classifier_weights(classifier.build_classifier(feature_dim=64), path)
    weights_at(path)
    with pytest.raises(ValueError, match="does not fit build_classifier"):
        classifier.load_classifier()


def test_missing_weights_say_how_to_get_them(tmp_path, weights_at):
    weights_at(tmp_path / "missing.npz")
    with pytest.raises(FileNotFoundError, match="train_mnist_classifier.py"):
        classifier.load_classifier()
