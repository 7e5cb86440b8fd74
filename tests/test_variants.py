"""Tests of dcgan_keras.course.variants: the Keras-tutorial generator and discriminator."""

import keras
import numpy as np
import pytest

from dcgan_keras.course.variants import build_tutorial_discriminator, build_tutorial_generator


def _layer_shapes(model):
    return [(layer.__class__.__name__, tuple(layer.output.shape)) for layer in model.layers[1:]]


@pytest.mark.parametrize("latent_dim", [1, 16, 100])
def test_generator_shapes_and_parameter_count(latent_dim):
    g = build_tutorial_generator(latent_dim)
    assert g.input_shape == (None, latent_dim) and g.output_shape == (None, 28, 28, 1)
    expected = ((latent_dim + 1) * 6272            # Dense with bias
                + (9 * 128 + 1) * 128 + 4 * 128    # conv 1 + BatchNorm
                + (9 * 128 + 1) * 64 + 4 * 64      # conv 2 + BatchNorm
                + (9 * 64 + 1) * 1)                # to the image
    assert g.count_params() == expected
    assert _layer_shapes(g) == [
        ("Dense", (None, 6272)), ("Reshape", (None, 7, 7, 128)),
        ("UpSampling2D", (None, 14, 14, 128)), ("Conv2D", (None, 14, 14, 128)),
        ("BatchNormalization", (None, 14, 14, 128)), ("Activation", (None, 14, 14, 128)),
        ("UpSampling2D", (None, 28, 28, 128)), ("Conv2D", (None, 28, 28, 64)),
        ("BatchNormalization", (None, 28, 28, 64)), ("Activation", (None, 28, 28, 64)),
        ("Conv2D", (None, 28, 28, 1)), ("Activation", (None, 28, 28, 1)),
    ]


def test_generator_has_the_tutorials_well_known_size():
    assert build_tutorial_generator(100).count_params() == 856_193
    assert build_tutorial_discriminator().count_params() == 393_729


@pytest.mark.parametrize("channels", [1, 3])
def test_discriminator_shapes(channels):
    d = build_tutorial_discriminator((28, 28, channels))
    assert d.output_shape == (None, 1)
    assert _layer_shapes(d) == [
        ("Conv2D", (None, 14, 14, 32)), ("LeakyReLU", (None, 14, 14, 32)), ("Dropout", (None, 14, 14, 32)),
        ("Conv2D", (None, 7, 7, 64)), ("ZeroPadding2D", (None, 8, 8, 64)), ("BatchNormalization", (None, 8, 8, 64)),
        ("LeakyReLU", (None, 8, 8, 64)), ("Dropout", (None, 8, 8, 64)),
        ("Conv2D", (None, 4, 4, 128)), ("BatchNormalization", (None, 4, 4, 128)),
        ("LeakyReLU", (None, 4, 4, 128)), ("Dropout", (None, 4, 4, 128)),
        ("Conv2D", (None, 4, 4, 256)), ("BatchNormalization", (None, 4, 4, 256)),
        ("LeakyReLU", (None, 4, 4, 256)), ("Dropout", (None, 4, 4, 256)),
        ("Flatten", (None, 4096)), ("Dense", (None, 1)),
    ]
    if channels == 3:
        assert build_tutorial_generator(10, (28, 28, 3)).output_shape == (None, 28, 28, 3)


def test_discriminator_layers_match_the_tutorial_settings():
    d = build_tutorial_discriminator()
    leaky = [layer for layer in d.layers if isinstance(layer, keras.layers.LeakyReLU)]
    assert len(leaky) == 4 and all(layer.negative_slope == pytest.approx(0.2) for layer in leaky)
    assert all(layer.rate == 0.25 for layer in d.layers if isinstance(layer, keras.layers.Dropout))
    norms = [layer for layer in d.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert len(norms) == 3 and all(layer.momentum == pytest.approx(0.8) for layer in norms)
    convs = [layer for layer in d.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [c.strides for c in convs] == [(2, 2), (2, 2), (2, 2), (1, 1)]
    assert all(c.kernel_size == (3, 3) for c in convs)


@pytest.mark.parametrize("builder", [build_tutorial_generator, build_tutorial_discriminator])
def test_no_lambda_layers_and_safe_round_trip(builder, tmp_path):
    model = builder()
    assert not any(isinstance(layer, keras.layers.Lambda) for layer in model.layers)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True, compile=False)
    x = np.random.default_rng(0).standard_normal((3, *model.input_shape[1:])).astype("float32")
    np.testing.assert_allclose(loaded(x, training=False), model(x, training=False), atol=1e-5)


def test_outputs_are_an_image_in_range_and_unbounded_logits():
    g, d = build_tutorial_generator(8), build_tutorial_discriminator()
    images = np.asarray(g(np.random.default_rng(1).standard_normal((4, 8)).astype("float32") * 50))
    assert images.min() >= -1 and images.max() <= 1
    d.get_layer("logit").set_weights([np.full((4096, 1), 0.05, "float32"), np.array([3.0], "float32")])
    logits = np.asarray(d(np.ones((2, 28, 28, 1), "float32")))
    assert np.all(logits > 1.0)  # a sigmoid output could not exceed 1


def test_dropout_is_active_only_in_training():
    d = build_tutorial_discriminator()
    x = np.random.default_rng(2).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(d(x, training=False), d(x, training=False))
    assert not np.allclose(d(x, training=True), d(x, training=True))


def test_mixed_precision_keeps_outputs_in_float32():
    keras.config.set_dtype_policy("mixed_bfloat16")
    g, d = build_tutorial_generator(8), build_tutorial_discriminator()
    assert g.output.dtype == "float32" and d.output.dtype == "float32"
    assert g.get_layer("conv_1").compute_dtype == "bfloat16"


def test_the_tutorial_networks_train_in_a_dcgan(digits):
    from dcgan_keras.data import make_dataset
    from dcgan_keras.gan import DCGAN

    images, _ = digits
    gan = DCGAN(build_tutorial_generator(16), build_tutorial_discriminator(), seed=0)
    gan.compile()
    before = [w.copy() for w in gan.generator.get_weights()]
    history = gan.fit(make_dataset(images[:32], 16, seed=0), epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][0]) and np.isfinite(history.history["g_loss"][0])
    assert any(not np.allclose(a, b) for a, b in zip(before, gan.generator.get_weights(), strict=True))


@pytest.mark.parametrize("shape", [(32, 32, 1), (28, 28), (28, 28, 0), "28x28"])
def test_other_image_shapes_are_refused(shape):
    with pytest.raises(ValueError, match="28x28|image_shape"):
        build_tutorial_generator(10, shape)
    with pytest.raises(ValueError, match="28x28|image_shape"):
        build_tutorial_discriminator(shape)


@pytest.mark.parametrize("latent_dim", [0, -3, 2.5, True, "100"])
def test_bad_latent_dim_is_refused(latent_dim):
    with pytest.raises(ValueError, match="latent_dim"):
        build_tutorial_generator(latent_dim)


@pytest.mark.parametrize("dropout", [-0.1, 1.0])
def test_bad_dropout_is_refused(dropout):
    with pytest.raises(ValueError, match="dropout"):
        build_tutorial_discriminator(dropout=dropout)


def test_quality_clock_stops_on_time_measures_and_does_not_count_measuring(digits, monkeypatch):
    import time

    from dcgan_keras.course import variants
    from dcgan_keras.data import make_dataset, scale_images
    from dcgan_keras.gan import DCGAN
    from dcgan_keras.models import build_discriminator, build_generator

    def slow_report(images):  # measuring takes a second that the clock must not count
        time.sleep(1.0)
        return {"fid": float(np.abs(images).mean()), "classes_covered": 3}

    monkeypatch.setattr("dcgan_keras.metrics.quality_report", slow_report)
    gan = DCGAN(build_generator(8, base_filters=4), build_discriminator(base_filters=4), seed=0)
    gan.compile()
    dataset = make_dataset(scale_images(digits[0][:64]), 16, seed=0)
    gan.fit(dataset, epochs=1, verbose=0)  # traced before the clock starts
    clock = variants.QualityClock(seconds=4.0, every=1.0, n=16)
    started = time.perf_counter()
    gan.fit(dataset, epochs=10_000, verbose=0, callbacks=[clock])
    wall = time.perf_counter() - started
    history = clock.history
    assert clock.stopped and len(history["fid"]) >= 2  # every second of training, and once at the end
    assert history["seconds"] == sorted(history["seconds"]) and history["seconds"][-1] >= 4.0
    assert history["steps"] == sorted(history["steps"])
    assert history["steps"][-1] == int(gan.d_optimizer.iterations) - 4  # the warm-up's 4 steps not counted
    assert history["classes_covered"] == [3] * len(history["fid"])
    assert clock.paused >= len(history["fid"]) - 1  # every measurement's second but the last, set aside
    assert wall >= history["seconds"][-1]
    assert clock.fraction() >= 1.0


@pytest.mark.parametrize("seconds, every", [(0, 1), (1, 0), (-1, 1), (float("nan"), 1)])
def test_quality_clock_refuses_bad_times(seconds, every):
    from dcgan_keras.course.variants import QualityClock

    with pytest.raises(ValueError, match="positive numbers"):
        QualityClock(seconds, every)


def test_tutorial_settings_are_a_valid_recipe():
    from dcgan_keras.course.variants import TUTORIAL_SETTINGS
    from dcgan_keras.recipe import training_config

    config = training_config(**TUTORIAL_SETTINGS)
    assert (config["latent_dim"], config["batch_size"], config["learning_rate"], config["beta_1"]) == (100, 32, 2e-4, 0.5)
    assert config["r1_weight"] == config["ema_decay"] == config["cooldown"] == 0
