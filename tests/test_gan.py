import keras
import numpy as np
import pytest
import tensorflow as tf

from dcgan_keras.data import make_dataset
from dcgan_keras.gan import (
    DCGAN,
    default_optimizer,
    discriminator_loss,
    generator_loss,
    r1_penalty,
)
from dcgan_keras.models import build_discriminator, build_generator
from dcgan_keras.recipe import TRAINING_DEFAULTS


def small_gan(latent_dim=8, seed=0, **kwargs):
    return DCGAN(build_generator(latent_dim, (28, 28, 1), base_filters=4),
                 build_discriminator((28, 28, 1), base_filters=4), seed=seed, **kwargs)


def test_default_optimizers_follow_the_paper():
    gan = small_gan()
    gan.compile()
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert float(optimizer.learning_rate) == pytest.approx(2e-4)
        assert optimizer.beta_1 == pytest.approx(0.5)
    assert gan.d_optimizer is not gan.g_optimizer


def test_default_optimizer_takes_the_recipe():
    optimizer = default_optimizer(TRAINING_DEFAULTS["learning_rate"], TRAINING_DEFAULTS["beta_1"],
                                  TRAINING_DEFAULTS["beta_2"])
    assert float(optimizer.learning_rate) == pytest.approx(TRAINING_DEFAULTS["learning_rate"])
    assert (optimizer.beta_1, optimizer.beta_2) == (TRAINING_DEFAULTS["beta_1"], TRAINING_DEFAULTS["beta_2"])


def test_one_optimizer_for_both_networks_is_refused():
    gan = small_gan()
    shared = default_optimizer()
    with pytest.raises(ValueError, match="one optimizer per network"):
        gan.compile(d_optimizer=shared, g_optimizer=shared)


def test_train_step_updates_both_networks_and_batch_norm_statistics(digits):
    gan = small_gan()
    gan.compile()
    real = tf.constant(make_dataset(digits[0][:16], 16, shuffle=False).get_single_element())
    g_before = [w.numpy().copy() for w in gan.generator.trainable_weights]
    d_before = [w.numpy().copy() for w in gan.discriminator.trainable_weights]
    bn_before = {w.path: w.numpy().copy() for w in gan.generator.non_trainable_weights + gan.discriminator.non_trainable_weights
                 if "moving" in w.path}
    logs = gan.train_step(real)
    assert set(logs) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(np.isfinite(float(v)) for v in logs.values())
    assert all(not np.allclose(b, w.numpy()) for b, w in zip(g_before, gan.generator.trainable_weights, strict=True))
    assert all(not np.allclose(b, w.numpy()) for b, w in zip(d_before, gan.discriminator.trainable_weights, strict=True))
    moved = {w.path: not np.allclose(bn_before[w.path], w.numpy())
             for w in gan.generator.non_trainable_weights + gan.discriminator.non_trainable_weights if w.path in bn_before}
    assert moved and all(moved.values()), moved


def test_noise_batch_follows_the_data_batch(digits):
    gan = small_gan()
    gan.compile()
    sizes = []
    original = gan.sample_noise

    def spy(batch_size):
        sizes.append(int(batch_size))
        return original(batch_size)

    gan.sample_noise = spy
    gan.train_step(tf.zeros((5, 28, 28, 1)))
    assert sizes == [5]


def test_noise_is_fresh_every_call():
    gan = small_gan()
    a, b = gan.sample_noise(4), gan.sample_noise(4)
    assert a.shape == (4, 8) and not np.allclose(a, b)


def test_fit_with_ragged_last_batch_traces_once(digits):
    traces = []

    class Counting(DCGAN):
        def train_step(self, data):
            traces.append(1)  # Python side effect: runs only while tracing
            return super().train_step(data)

    gan = Counting(build_generator(8, base_filters=4), build_discriminator(base_filters=4), seed=0)
    gan.compile()
    history = gan.fit(make_dataset(digits[0][:70], 32), epochs=2, verbose=0)  # batches of 32, 32, 6
    assert len(traces) == 1
    assert int(gan.d_optimizer.iterations) == 6 and int(gan.g_optimizer.iterations) == 6
    assert set(history.history) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(np.isfinite(v).all() for v in history.history.values())


def test_losses_against_formulas():
    real, fake = tf.constant([[2.0], [-1.0]]), tf.constant([[0.5], [-3.0]])
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    expected = -np.log(sig(np.array([2.0, -1.0]))) - np.log(1 - sig(np.array([0.5, -3.0])))
    np.testing.assert_allclose(np.ravel(discriminator_loss(real, fake)), expected, rtol=1e-5)
    smooth = 0.1
    expected_smooth = (-(1 - smooth) * np.log(sig(np.array([2.0, -1.0]))) - smooth * np.log(1 - sig(np.array([2.0, -1.0])))
                       - np.log(1 - sig(np.array([0.5, -3.0]))))
    np.testing.assert_allclose(np.ravel(discriminator_loss(real, fake, smooth)), expected_smooth, rtol=1e-5)
    np.testing.assert_allclose(np.ravel(generator_loss(fake)), -np.log(sig(np.array([0.5, -3.0]))), rtol=1e-5)


def test_generate_is_seeded_and_in_range():
    gan = small_gan()
    a, b, c = gan.generate(5, seed=1), gan.generate(5, seed=1), gan.generate(5, seed=2)
    assert a.shape == (5, 28, 28, 1) and a.dtype == np.float32
    assert a.min() >= -1 and a.max() <= 1
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize("bad", [0, -2, 1.5, "3"])
def test_generate_rejects_bad_counts(bad):
    with pytest.raises(ValueError, match="n must be a whole number >= 1"):
        small_gan().generate(bad)


def test_mismatched_networks_are_refused():
    with pytest.raises(ValueError, match="build both for one image_shape"):
        DCGAN(build_generator(8, (28, 28, 1), 4), build_discriminator((32, 32, 1), 4))
    with pytest.raises(TypeError):
        DCGAN("generator", build_discriminator())


def test_config_round_trip():
    gan = small_gan(label_smoothing=0.1, r1_weight=2.5, ema_decay=0.9, seed=3)
    clone = DCGAN.from_config(gan.get_config())
    assert clone.latent_dim == 8 and clone.label_smoothing == pytest.approx(0.1) and clone.seed == 3
    assert clone.r1_weight == pytest.approx(2.5) and clone.ema_decay == pytest.approx(0.9)
    assert clone.generator_ema is not None and clone.generator_ema is not clone.generator
    assert clone.generator.output_shape == gan.generator.output_shape


def test_mirrored_strategy_on_two_cpu_devices(digits, two_cpu_strategy):
    strategy = two_cpu_strategy
    with strategy.scope():
        gan = small_gan()
        gan.compile()
    history = gan.fit(make_dataset(digits[0][:128], 32), epochs=1, verbose=0)
    assert gan.d_optimizer.iterations.numpy() == 4
    # Losses are reported for the global batch, not halved per replica: near ln(4) and ln(2) at the start.
    assert 1.0 < history.history["d_loss"][0] < 1.8
    assert 0.4 < history.history["g_loss"][0] < 1.0

    @tf.function
    def noise_per_replica():
        return strategy.run(lambda: gan.sample_noise(3))

    first, second = strategy.experimental_local_results(noise_per_replica())
    assert not np.allclose(first, second), "every replica must draw its own noise"


def test_mixed_bfloat16_trains_and_keeps_float32_outputs(digits):
    keras.config.set_dtype_policy("mixed_bfloat16")
    gan = small_gan(ema_decay=0.9)
    gan.compile()
    assert gan.generator.layers[3].compute_dtype == "bfloat16"
    history = gan.fit(make_dataset(digits[0][:64], 32), epochs=1, verbose=0)
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert gan.generate(2).dtype == np.float32
    assert gan.discriminator(np.zeros((1, 28, 28, 1), "float32")).dtype == "float32"


def test_mixed_float16_wraps_optimizers_in_loss_scaling(digits):
    keras.config.set_dtype_policy("mixed_float16")
    gan = small_gan()
    gan.compile()
    assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer)
    history = gan.fit(make_dataset(digits[0][:32], 16), epochs=1, verbose=0)
    assert all(np.isfinite(v).all() for v in history.history.values())


def test_xla_compiled_step_trains(digits):
    gan = small_gan(r1_weight=1.0, ema_decay=0.9)  # R1's gradient of a gradient and the average compile too
    gan.compile(jit_compile=True)
    history = gan.fit(make_dataset(digits[0][:64], 32), epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 2
    assert all(np.isfinite(v).all() for v in history.history.values())


def test_r1_penalty_sums_squared_gradients_per_image():
    gradients = np.zeros((2, 28, 28, 1), np.float32)
    gradients[0, 3, 4, 0], gradients[0, 5, 6, 0], gradients[1, 0, 0, 0] = 3.0, 4.0, -2.0
    np.testing.assert_allclose(r1_penalty(tf.constant(gradients)), [25.0, 4.0])


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf"), True, "1"])
def test_bad_r1_weight_is_refused(bad):
    with pytest.raises(ValueError, match="r1_weight"):
        small_gan(r1_weight=bad)


def _linear_discriminator(kernel):
    """D(x) = w . x: its gradient with respect to every image is w, so R1 is ||w||^2 exactly."""
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(1, use_bias=False)])
    model.layers[-1].kernel.assign(kernel)
    return model


def _d_update_with_r1(real, gamma, kernel, strategy=None, learning_rate=0.1):
    """One plain-SGD step of a DCGAN with a linear D; returns (logs, D's new kernel)."""
    strategy = strategy or tf.distribute.get_strategy()
    keras.utils.set_random_seed(0)
    with strategy.scope():
        gan = DCGAN(build_generator(8, (28, 28, 1), base_filters=4), _linear_discriminator(kernel), seed=0,
                    r1_weight=gamma)
        gan.compile(d_optimizer=keras.optimizers.SGD(learning_rate), g_optimizer=keras.optimizers.SGD(learning_rate))
    history = gan.fit(tf.data.Dataset.from_tensors(real), epochs=1, verbose=0)
    logs = {name: values[0] for name, values in history.history.items()}
    return logs, gan.discriminator.layers[-1].kernel.numpy()


@pytest.mark.parametrize("replicas", [1, 2])
def test_r1_penalty_and_its_gradient_on_a_linear_discriminator(digits, two_cpu_strategy, replicas):
    # With D(x) = w . x the penalty is ||w||^2 for every image, and its gradient, gamma / 2 * 2w,
    # is the whole difference between D's SGD steps with and without it (same noise, same fakes).
    strategy = two_cpu_strategy if replicas == 2 else None
    kernel = np.random.default_rng(0).normal(0.0, 0.01, (28 * 28, 1)).astype(np.float32)
    real = make_dataset(digits[0][:16], 16, shuffle=False).get_single_element()
    plain_logs, plain = _d_update_with_r1(real, 0.0, kernel, strategy)
    logs, penalised = _d_update_with_r1(real, 10.0, kernel, strategy)
    assert "r1" not in plain_logs
    assert logs["r1"] == pytest.approx(float(np.sum(kernel ** 2)), rel=1e-4)
    assert logs["d_loss"] == pytest.approx(plain_logs["d_loss"], rel=1e-5), "d_loss reports the BCE without R1"
    np.testing.assert_allclose(penalised - plain, -0.1 * 10.0 * kernel, rtol=1e-3, atol=1e-7)


def test_r1_trains_the_dcgan_under_mixed_bfloat16(digits):
    keras.config.set_dtype_policy("mixed_bfloat16")
    gan = small_gan(r1_weight=1.0)
    gan.compile()
    history = gan.fit(make_dataset(digits[0][:64], 32), epochs=1, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "d_real", "d_fake", "r1"}
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert history.history["r1"][0] > 0


def test_r1_under_mixed_float16_with_loss_scaling(digits):
    # float16 is the GPU policy: the penalty must survive half precision and the loss-scaled update.
    keras.config.set_dtype_policy("mixed_float16")
    kernel = np.random.default_rng(0).normal(0.0, 0.01, (28 * 28, 1)).astype(np.float32)
    real = make_dataset(digits[0][:16], 16, shuffle=False).get_single_element()
    logs, _ = _d_update_with_r1(real, 10.0, kernel)
    assert logs["r1"] == pytest.approx(float(np.sum(kernel ** 2)), rel=1e-2)


def _ema_step(real, decay, strategy=None):
    """One step with a moving average of G; returns (G before, G after, its average after, the gan)."""
    strategy = strategy or tf.distribute.get_strategy()
    keras.utils.set_random_seed(0)
    with strategy.scope():
        gan = small_gan(ema_decay=decay)
        gan.compile()
    before = [w.numpy().copy() for w in gan.generator.trainable_weights]
    gan.fit(tf.data.Dataset.from_tensors(real), epochs=1, verbose=0)
    after = [w.numpy() for w in gan.generator.trainable_weights]
    pairs = zip(gan.generator_ema.weights, gan.generator.weights, strict=True)
    return before, after, [e.numpy() for e, g in pairs if g.trainable], gan


@pytest.mark.parametrize("replicas", [1, 2])
def test_moving_average_of_the_generator_follows_its_formula(digits, two_cpu_strategy, replicas):
    real = make_dataset(digits[0][:16], 16, shuffle=False).get_single_element()
    before, after, averaged, gan = _ema_step(real, 0.9, two_cpu_strategy if replicas == 2 else None)
    for b, a, e in zip(before, after, averaged, strict=True):
        np.testing.assert_allclose(e, 0.9 * b + 0.1 * a, rtol=1e-5, atol=1e-7)
    assert any(not np.allclose(b, a) for b, a in zip(before, after, strict=True))
    # BatchNorm statistics are copied, not averaged: they belong to the current weights.
    for e, g in zip(gan.generator_ema.weights, gan.generator.weights, strict=True):
        if not g.trainable:
            np.testing.assert_array_equal(e.numpy(), g.numpy())
    assert gan.sampler is gan.generator_ema


def test_generate_draws_from_the_averaged_generator():
    gan = small_gan(ema_decay=0.99)
    for w, g in zip(gan.generator_ema.weights, gan.generator.weights, strict=True):
        if g.trainable:  # the kernels and BatchNorm scales, not its statistics
            w.assign(np.zeros(w.shape, "float32"))  # an average that draws one flat image
    images = gan.generate(3, seed=0)
    np.testing.assert_allclose(images, np.broadcast_to(images[:1], images.shape), atol=1e-6)
    plain = small_gan().generate(3, seed=0)  # random weights, no average: three different images
    assert not np.allclose(plain[0], plain[1])


def test_no_moving_average_by_default():
    gan = small_gan()
    assert gan.generator_ema is None and gan.sampler is gan.generator and gan.ema_decay == 0.0


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, float("nan"), True, "0.9"])
def test_bad_ema_decay_is_refused(bad):
    with pytest.raises(ValueError, match="ema_decay"):
        small_gan(ema_decay=bad)


def test_moving_average_survives_a_weights_file(tmp_path, digits):
    gan = small_gan(ema_decay=0.9)
    gan.compile()
    gan.fit(make_dataset(digits[0][:64], 32), epochs=1, verbose=0)
    gan.save_weights(tmp_path / "gan.weights.h5")
    restored = small_gan(ema_decay=0.9, seed=1)
    restored.compile()
    restored.load_weights(tmp_path / "gan.weights.h5")
    for a, b in zip(gan.generator_ema.weights, restored.generator_ema.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_the_averaged_generator_is_not_trained_by_any_optimizer():
    gan = small_gan(ema_decay=0.9)
    expected = len(gan.generator.trainable_weights) + len(gan.discriminator.trainable_weights)
    assert len(gan.trainable_weights) == expected
    ema_ids = {id(w) for w in gan.generator_ema.weights}
    assert not ema_ids & {id(w) for w in gan.trainable_weights}
    assert ema_ids <= {id(w) for w in gan.non_trainable_weights}


def test_the_average_follows_the_generator(digits):
    gan = small_gan(ema_decay=0.5)
    gan.compile()
    gan.fit(make_dataset(digits[0][:64], 32), epochs=1, verbose=0)
    for averaged, current in zip(gan.generator_ema.weights, gan.generator.weights, strict=True):
        if not current.trainable:  # BatchNorm statistics are copied, not averaged
            np.testing.assert_array_equal(averaged.numpy(), current.numpy())
    moved = [not np.allclose(a.numpy(), c.numpy())
             for a, c in zip(gan.generator_ema.weights, gan.generator.weights, strict=True) if c.trainable]
    assert any(moved)  # the average lags behind the trained weights


def test_compile_leaves_no_stray_optimizer():
    gan = small_gan()
    gan.compile()
    assert gan.optimizer is None
    with pytest.raises(ValueError, match="d_optimizer= and g_optimizer="):
        gan.compile(optimizer="adam")


def test_a_whole_dcgan_saved_as_keras_loads_with_its_optimizers_and_trains_on(digits, tmp_path):
    gan = small_gan(r1_weight=0.5, ema_decay=0.9, seed=4)
    gan.compile(d_optimizer=keras.optimizers.Adam(3e-4, beta_1=0.1, beta_2=0.9),
                g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.2, beta_2=0.95), steps_per_execution=2)
    dataset = make_dataset(digits[0][:64], 32, seed=0)
    gan.fit(dataset, epochs=1, verbose=0)
    path = tmp_path / "gan.keras"
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, DCGAN) and loaded.r1_weight == 0.5 and loaded.ema_decay == pytest.approx(0.9)
    for name in ("d_optimizer", "g_optimizer"):
        old, new = getattr(gan, name), getattr(loaded, name)
        assert float(new.learning_rate) == pytest.approx(float(old.learning_rate))
        assert (new.beta_1, new.beta_2) == (old.beta_1, old.beta_2)
        assert int(new.iterations) == int(old.iterations) == 2
    assert loaded.steps_per_execution == 2
    z = np.random.default_rng(0).standard_normal((4, gan.latent_dim)).astype("float32")
    np.testing.assert_allclose(loaded.sampler(z, training=False), gan.sampler(z, training=False), atol=1e-6)
    loaded.fit(dataset, epochs=1, verbose=0)  # one more epoch
    assert int(loaded.g_optimizer.iterations) == 4 and int(loaded.d_optimizer.iterations) == 4


def _weights(gan):
    return [w.numpy() for w in gan.generator.weights + gan.discriminator.weights + gan.sampler.weights]


@pytest.mark.parametrize("file_name", ["gan.keras", "gan.weights.h5"])
def test_saved_reloaded_and_trained_on_matches_an_uninterrupted_run_exactly(digits, tmp_path, file_name):
    def fresh():
        gan = small_gan(r1_weight=0.5, ema_decay=0.9, seed=4)
        gan.compile(d_optimizer=keras.optimizers.Adam(3e-4, beta_1=0.1), g_optimizer=keras.optimizers.Adam(1e-3))
        return gan

    dataset = make_dataset(digits[0][:64], 32, shuffle=False)
    keras.utils.set_random_seed(0)
    uninterrupted = fresh()
    uninterrupted.fit(dataset, epochs=2, verbose=0)

    keras.utils.set_random_seed(0)
    first = fresh()
    first.fit(dataset, epochs=1, verbose=0)
    path = tmp_path / file_name
    if file_name.endswith(".keras"):
        first.save(path)
        resumed = keras.saving.load_model(path)
    else:
        first.save_weights(path)
        keras.utils.set_random_seed(123)  # other initial weights: everything must come from the file
        resumed = fresh()
        resumed.d_optimizer.build(resumed.discriminator.trainable_weights)
        resumed.load_weights(path)
    np.testing.assert_array_equal(resumed.seed_generator.state.numpy(), first.seed_generator.state.numpy())
    assert not np.array_equal(resumed.seed_generator.state.numpy(), fresh().seed_generator.state.numpy())
    resumed.fit(dataset, epochs=1, verbose=0)

    for got, want in zip(_weights(resumed), _weights(uninterrupted), strict=True):
        np.testing.assert_array_equal(got, want)
    assert int(resumed.g_optimizer.iterations) == int(uninterrupted.g_optimizer.iterations) == 4


def test_gradients_are_taken_before_either_network_is_updated(digits):
    # G's gradient must be the one against D as the forward pass saw it: compare one step with
    # gradients computed by hand from the same noise, before any update.
    gan = small_gan(seed=3)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.5), g_optimizer=keras.optimizers.SGD(0.0))
    real = tf.constant(make_dataset(digits[0][:8], 8, shuffle=False).get_single_element())
    state = gan.seed_generator.state.numpy().copy()
    z = gan.sample_noise(8)
    gan.seed_generator.state.assign(state)
    with tf.GradientTape() as tape:
        g_loss = tf.reduce_mean(generator_loss(gan.discriminator(gan.generator(z, training=True), training=True)))
    expected = tape.gradient(g_loss, gan.generator.trainable_weights)
    seen = {}
    original = gan.g_optimizer.apply

    def spy(gradients, variables):
        seen["gradients"] = [g.numpy() for g in gradients]
        return original(gradients, variables)

    gan.g_optimizer.apply = spy
    gan.train_step(real)
    for got, want in zip(seen["gradients"], expected, strict=True):
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-4, atol=1e-7)


def test_r1_inner_gradient_is_loss_scaled_under_mixed_float16(digits):
    # D(x) = (x A) b with tiny A and b: D's gradient on each pixel, A b ~ 4e-8, is below float16's
    # smallest step (6e-8), so computed unscaled it rounds to 0 or 6e-8. Scaled like the loss it survives.
    keras.config.set_dtype_policy("mixed_float16")
    rng = np.random.default_rng(0)
    a = np.full((28 * 28, 16), 5e-5, np.float32) * rng.choice([1.0, 1.2], (28 * 28, 16)).astype(np.float32)
    b = np.full((16, 1), 5e-5, np.float32)
    discriminator = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                                      keras.layers.Dense(16, use_bias=False), keras.layers.Dense(1, use_bias=False)])
    discriminator.layers[-2].kernel.assign(a)
    discriminator.layers[-1].kernel.assign(b)
    gan = DCGAN(build_generator(8, (28, 28, 1), base_filters=4), discriminator, seed=0, r1_weight=1.0)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.0))
    real = make_dataset(digits[0][:16], 16, shuffle=False).get_single_element()
    logs = gan.train_step(tf.constant(real))
    a16, b16 = a.astype(np.float16).astype(np.float64), b.astype(np.float16).astype(np.float64)
    expected = float(np.sum((a16 @ b16) ** 2))
    assert float(logs["r1"]) == pytest.approx(expected, rel=2e-2)
