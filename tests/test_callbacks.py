import io
import json

import keras
import numpy as np
import pytest
from PIL import Image

from dcgan_keras import callbacks, images
from dcgan_keras.data import make_dataset
from dcgan_keras.gan import DCGAN
from dcgan_keras.internal.files import atomic_path, write_json
from dcgan_keras.models import build_discriminator, build_generator


def small_gan(seed=0):
    gan = DCGAN(build_generator(8, base_filters=4), build_discriminator(base_filters=4), seed=seed)
    gan.compile()
    return gan


def test_sample_grid_and_gif(tmp_path, digits):
    gan = small_gan()
    grid = callbacks.SampleGrid(tmp_path, n=16, scale=1)
    gan.fit(make_dataset(digits[0][:64], 32), epochs=3, verbose=0, callbacks=[grid])
    frames = sorted((tmp_path / "samples").glob("*.png"))
    assert [f.name for f in frames] == ["epoch_0001.png", "epoch_0002.png", "epoch_0003.png"]
    assert Image.open(frames[0]).size == (4 * 30 + 2, 4 * 30 + 2)
    assert Image.open(tmp_path / "samples.gif").n_frames == 3
    # fixed noise: the same generator gives the same grid
    np.testing.assert_array_equal(grid.grid_for(gan.generator), grid.grid_for(gan.generator))


def test_gif_keeps_at_most_max_frames(tmp_path):
    paths = []
    for i in range(10):
        paths.append(tmp_path / f"{i}.png")
        Image.fromarray(np.full((4, 4), i * 20, np.uint8)).save(paths[-1])
    images.make_gif(paths, tmp_path / "a.gif", max_frames=4)
    assert Image.open(tmp_path / "a.gif").n_frames == 4


def test_checkpoint_restores_networks_optimizers_seed_and_epoch(tmp_path, digits):
    dataset = make_dataset(digits[0][:64], 32, seed=0)
    gan = small_gan()
    gan.fit(dataset, epochs=2, verbose=0, callbacks=[callbacks.ResumableCheckpoint(tmp_path)])
    state = json.loads((tmp_path / "checkpoints" / "state.json").read_text())
    assert state["epoch"] == 2 and state["weights"] == "epoch_0002.weights.h5"
    assert sorted(p.name for p in (tmp_path / "checkpoints").iterdir()) == ["epoch_0002.weights.h5", "state.json"]

    keras.utils.set_random_seed(123)  # a different start, to be overwritten by the restore
    fresh = small_gan(seed=5)
    checkpoint = callbacks.ResumableCheckpoint(tmp_path)
    checkpoint.set_model(fresh)
    checkpoint.on_train_begin()
    assert checkpoint.restored_epoch == 2
    for a, b in zip(gan.weights, fresh.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert int(fresh.d_optimizer.iterations) == int(gan.d_optimizer.iterations) == 4
    for a, b in zip(gan.d_optimizer.variables + gan.g_optimizer.variables,
                    fresh.d_optimizer.variables + fresh.g_optimizer.variables, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    np.testing.assert_array_equal(gan.seed_generator.state.numpy(), fresh.seed_generator.state.numpy())


def test_fit_after_restore_runs_only_the_remaining_epochs(tmp_path, digits):
    dataset = make_dataset(digits[0][:64], 32, seed=0)
    small_gan().fit(dataset, epochs=2, verbose=0, callbacks=[callbacks.ResumableCheckpoint(tmp_path)])
    resumed = small_gan()
    logger = callbacks.MetricsLogger(tmp_path)
    # the first run had no logger: give the resumed one a history to extend
    write_json(tmp_path / "metrics.json", {"history": {"d_loss": [1.0, 0.9], "g_loss": [0.7, 0.8]},
                                           "epoch_seconds": [1.0, 1.0]})
    history = resumed.fit(dataset, epochs=5, verbose=0, callbacks=[callbacks.ResumableCheckpoint(tmp_path), logger])
    assert len(history.history["d_loss"]) == 3
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["epochs_completed"] == 5 and saved["history"]["d_loss"][:2] == [1.0, 0.9]
    assert len(saved["history"]["d_loss"]) == 5
    assert int(resumed.d_optimizer.iterations) == 10


def test_resumed_history_matches_the_checkpoint_whatever_the_callback_order(tmp_path, digits):
    dataset = make_dataset(digits[0][:64], 32, seed=0)
    small_gan().fit(dataset, epochs=2, verbose=0, callbacks=[callbacks.ResumableCheckpoint(tmp_path)])
    # metrics.json one epoch ahead of the checkpoint, as when a kill lands between the two writes
    write_json(tmp_path / "metrics.json", {"history": {"d_loss": [1.0, 0.9, 0.8], "g_loss": [0.7, 0.8, 0.9]},
                                           "epoch_seconds": [1.0, 1.0, 1.0]})
    logger = callbacks.MetricsLogger(tmp_path)
    small_gan().fit(dataset, epochs=5, verbose=0, callbacks=[logger, callbacks.ResumableCheckpoint(tmp_path)])
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["epochs_completed"] == 5 and len(saved["epoch_seconds"]) == 5
    assert saved["history"]["d_loss"][:2] == [1.0, 0.9] and saved["history"]["d_loss"][2] != 0.8
    assert len(saved["history"]["d_loss"]) == 5


def test_truncated_checkpoint_gives_a_clear_error(tmp_path, digits):
    small_gan().fit(make_dataset(digits[0][:32], 32), epochs=1, verbose=0,
                    callbacks=[callbacks.ResumableCheckpoint(tmp_path)])
    weights = tmp_path / "checkpoints" / "epoch_0001.weights.h5"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    checkpoint = callbacks.ResumableCheckpoint(tmp_path)
    checkpoint.set_model(small_gan())
    with pytest.raises(callbacks.CheckpointError, match="epoch_0001.weights.h5 cannot be loaded.*truncated"):
        checkpoint.on_train_begin()
    (tmp_path / "checkpoints" / "state.json").write_text("{not json")
    with pytest.raises(callbacks.CheckpointError, match="state.json is corrupt"):
        checkpoint.on_train_begin()


def test_broken_epoch_does_not_replace_the_good_checkpoint(tmp_path, digits):
    gan = small_gan()
    checkpoint = callbacks.ResumableCheckpoint(tmp_path)
    gan.fit(make_dataset(digits[0][:32], 32), epochs=1, verbose=0, callbacks=[checkpoint])
    checkpoint.on_epoch_end(1, {"d_loss": float("nan"), "g_loss": 1.0})
    assert json.loads((tmp_path / "checkpoints" / "state.json").read_text())["epoch"] == 1


class _StateAfterEachEpoch(keras.callbacks.Callback):
    """Records, after every epoch, which epoch the checkpoint on disk holds (None: none yet)."""

    def __init__(self, folder):
        super().__init__()
        self.path, self.seen = folder / "checkpoints" / "state.json", []

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append(json.loads(self.path.read_text())["epoch"] if self.path.exists() else None)


def test_checkpoint_every_seconds_waits_between_saves_and_saves_the_last_epoch(tmp_path, digits):
    checkpoint = callbacks.ResumableCheckpoint(tmp_path, every_seconds=3600)
    spy = _StateAfterEachEpoch(tmp_path)  # after the checkpoint, so it sees each epoch's save
    small_gan().fit(make_dataset(digits[0][:64], 32), epochs=4, verbose=0, callbacks=[checkpoint, spy])
    assert spy.seen == [None, None, None, None]  # an hour never passed between two epochs
    state = json.loads((tmp_path / "checkpoints" / "state.json").read_text())
    assert state["epoch"] == 4 and checkpoint.saved_epoch == 4  # saved when training ended
    assert sorted(p.name for p in (tmp_path / "checkpoints").iterdir()) == ["epoch_0004.weights.h5", "state.json"]


def test_checkpoint_every_zero_seconds_saves_after_every_epoch(tmp_path, digits):
    spy = _StateAfterEachEpoch(tmp_path)
    small_gan().fit(make_dataset(digits[0][:64], 32), epochs=3, verbose=0,
                    callbacks=[callbacks.ResumableCheckpoint(tmp_path, every_seconds=0), spy])
    assert spy.seen == [1, 2, 3]


def test_checkpoint_at_the_end_of_training_skips_a_broken_last_epoch(tmp_path, digits):
    gan = small_gan()
    checkpoint = callbacks.ResumableCheckpoint(tmp_path, every_seconds=3600)
    gan.fit(make_dataset(digits[0][:32], 32), epochs=1, verbose=0, callbacks=[checkpoint])
    checkpoint.on_epoch_end(1, {"d_loss": 1.0, "g_loss": 1.0})  # a good epoch 2, not yet saved
    checkpoint.on_epoch_end(2, {"d_loss": float("nan"), "g_loss": 1.0})  # then a broken epoch 3
    checkpoint.on_train_end()
    assert json.loads((tmp_path / "checkpoints" / "state.json").read_text())["epoch"] == 1


def test_next_save_removes_weights_that_a_kill_left_without_a_state(tmp_path, digits):
    gan = small_gan()
    checkpoint = callbacks.ResumableCheckpoint(tmp_path)
    gan.fit(make_dataset(digits[0][:32], 32), epochs=1, verbose=0, callbacks=[checkpoint])
    # a kill after epoch 2's weights were renamed into place but before state.json named them
    (tmp_path / "checkpoints" / "epoch_0002.weights.h5").write_bytes(b"complete, but never named")
    checkpoint.save(3)
    assert sorted(p.name for p in (tmp_path / "checkpoints").iterdir()) == ["epoch_0003.weights.h5", "state.json"]


@pytest.mark.parametrize("every", [-1, float("nan"), "30", True])
def test_bad_checkpoint_interval_is_refused(tmp_path, every):
    with pytest.raises(ValueError, match="every_seconds must be a number >= 0"):
        callbacks.ResumableCheckpoint(tmp_path, every_seconds=every)


def test_nan_loss_with_several_steps_per_call_names_the_call_s_steps():
    guard = callbacks.StopOnNonFiniteLoss()
    guard.on_epoch_begin(0)
    guard.on_train_batch_end(5, {"d_loss": 0.5, "g_loss": 1.0})  # steps 1-6 in one call
    with pytest.raises(callbacks.NonFiniteLossError, match=r"became nan at epoch 1, one of steps 7-12;"):
        guard.on_train_batch_end(11, {"d_loss": float("nan"), "g_loss": 1.0})


class _FakeBar:
    def __init__(self):
        self.n, self.postfixes = 0, []

    def update(self, k):
        self.n += k

    def set_postfix(self, refresh=False, **shown):
        self.postfixes.append(shown)


@pytest.mark.parametrize("per_call, shown", [(1, 8), (6, 8), (78, 1)])
def test_progress_bar_counts_every_step_and_shows_losses_every_ten_with_any_steps_per_call(per_call, shown):
    bar = callbacks.ProgressBar(epochs=1, steps_per_epoch=78)
    bar.on_epoch_begin(0)
    bar.bar = _FakeBar()
    for end in range(per_call - 1, 78, per_call):
        bar.on_train_batch_end(end, {"d_loss": 1.0, "g_loss": 0.5})
    assert bar.bar.n == 78
    assert len(bar.bar.postfixes) == shown  # steps 1, 11, ..., 71 (or the call that holds them)


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_writes_plain_lines_to_a_log(digits):
    log = io.StringIO()  # not a terminal: a redrawn bar would leave a carriage return per update
    bar = callbacks.ProgressBar(epochs=3, steps_per_epoch=2, file=log, log_seconds=0)
    small_gan().fit(make_dataset(digits[0][:64], 32), epochs=3, verbose=0, callbacks=[bar])
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert [line.split(",")[:2] for line in lines] == [["epoch 1/3", " step 2/6 (33%)"],
                                                      ["epoch 2/3", " step 4/6 (67%)"],
                                                      ["epoch 3/3", " step 6/6 (100%)"]]
    assert all(" elapsed, d_loss " in line and ", d_fake " in line for line in lines)


def test_progress_bar_in_a_log_skips_epochs_within_log_seconds_but_shows_the_last(digits):
    log = io.StringIO()
    bar = callbacks.ProgressBar(epochs=4, steps_per_epoch=2, file=log, log_seconds=3600)
    small_gan().fit(make_dataset(digits[0][:64], 32), epochs=4, verbose=0, callbacks=[bar])
    assert [line.split(",")[0] for line in log.getvalue().splitlines()] == ["epoch 1/4", "epoch 4/4"]


def test_progress_bar_of_a_resumed_run_starts_at_its_first_epoch(digits):
    terminal = _Terminal()
    bar = callbacks.ProgressBar(epochs=3, steps_per_epoch=2, file=terminal)
    small_gan().fit(make_dataset(digits[0][:64], 32), epochs=3, initial_epoch=1, verbose=0, callbacks=[bar])
    assert bar.bar.n == 6 and bar.bar.total == 6 and "2/6" in terminal.getvalue()


def test_progress_bar_redraws_in_a_terminal(digits):
    terminal = _Terminal()
    bar = callbacks.ProgressBar(epochs=2, steps_per_epoch=2, file=terminal)
    small_gan().fit(make_dataset(digits[0][:64], 32), epochs=2, verbose=0, callbacks=[bar])
    assert bar.bar is not None and bar.bar.n == 4
    assert "\r" in terminal.getvalue() and "4/4" in terminal.getvalue()


def test_nan_loss_stops_with_network_and_step(digits):
    guard = callbacks.StopOnNonFiniteLoss()
    guard.on_epoch_begin(2)
    guard.on_train_batch_end(4, {"d_loss": 0.5, "g_loss": 1.0})
    with pytest.raises(callbacks.NonFiniteLossError, match=r"generator loss \(g_loss\) became inf at epoch 3, step 6"):
        guard.on_train_batch_end(5, {"d_loss": 0.5, "g_loss": float("inf")})
    with pytest.raises(callbacks.NonFiniteLossError, match="discriminator loss"):
        guard.on_train_batch_end(5, {"d_loss": float("nan"), "g_loss": 1.0})


def test_atomic_path_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "metrics.json"
    target.write_text("good")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            with open(tmp, "w") as f:
                f.write("half")
            raise RuntimeError("killed mid-write")
    assert target.read_text() == "good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.json"]


def test_metrics_logger_draws_curves(tmp_path):
    logger = callbacks.MetricsLogger(tmp_path, extra={"run": {"seed": 1}})
    logger.set_model(small_gan())
    logger.on_train_begin()
    for epoch in range(3):
        logger.on_epoch_begin(epoch)
        logs = {"d_loss": 1.0 - epoch / 10, "g_loss": 0.7, "d_real": 0.6, "d_fake": 0.4}
        if epoch == 2:
            logs["fid"] = 12.5
        logger.on_epoch_end(epoch, logs)
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["run"] == {"seed": 1} and saved["history"]["fid"] == [None, None, 12.5]
    assert Image.open(tmp_path / "losses.png").size[0] > 300


def test_time_budget_stops_training(digits):
    gan = small_gan()
    history = gan.fit(make_dataset(digits[0][:32], 32), epochs=50, verbose=0,
                      callbacks=[callbacks.TimeBudget(minutes=1e-6)])
    assert len(history.history["d_loss"]) == 1


def test_time_budget_stops_within_a_long_epoch(digits):
    gan = small_gan()
    steps = []
    count = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: steps.append(batch))
    budget = callbacks.TimeBudget(minutes=1e-6)
    history = gan.fit(make_dataset(digits[0][:320], 32), epochs=3, verbose=0, callbacks=[count, budget])
    assert len(history.history["d_loss"]) == 1 and budget.stopped
    assert len(steps) == 1, "the first batch of ten already overran the limit: the epoch must end there"


def _rates_per_step(gan, images, cooldown, before=(), **fit_kwargs):
    """Fit 64 images in 2 steps an epoch (``before`` are callbacks ahead of ``cooldown``); return the
    (D, G) learning rates each step ran with."""
    rates = []
    record = keras.callbacks.LambdaCallback(on_train_batch_begin=lambda batch, logs: rates.append(
        (float(gan.d_optimizer.learning_rate), float(gan.g_optimizer.learning_rate))))
    gan.fit(make_dataset(images[:64], 32), verbose=0, callbacks=[*before, cooldown, record], **fit_kwargs)
    return np.array(rates)


@pytest.fixture
def cooldown_gan():
    gan = DCGAN(build_generator(8, base_filters=4), build_discriminator(base_filters=4), seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(0.01), g_optimizer=keras.optimizers.Adam(0.02))
    return gan


def test_cooldown_lowers_both_rates_in_a_straight_line_then_restores_them(cooldown_gan, digits):
    rates = _rates_per_step(cooldown_gan, digits[0], callbacks.LearningRateCooldown(start=0.5, final=0.1), epochs=4)
    # 8 steps: progress 0/8 ... 7/8; the rate falls from step 5 (progress 4/8 = start), by 0.9 * (1/8) / 0.5
    factors = [1.0, 1.0, 1.0, 1.0, 1.0, 0.775, 0.55, 0.325]
    np.testing.assert_allclose(rates[:, 0], 0.01 * np.array(factors), rtol=1e-5)
    np.testing.assert_allclose(rates[:, 1], 0.02 * np.array(factors), rtol=1e-5)
    assert float(cooldown_gan.d_optimizer.learning_rate) == pytest.approx(0.01)
    assert float(cooldown_gan.g_optimizer.learning_rate) == pytest.approx(0.02)


def test_cooldown_of_a_resumed_run_counts_from_its_first_epoch(cooldown_gan, digits):
    rates = _rates_per_step(cooldown_gan, digits[0], callbacks.LearningRateCooldown(start=0.5, final=0.0), epochs=4,
                            initial_epoch=2)
    np.testing.assert_allclose(rates[:, 0], 0.01 * np.array([1.0, 0.75, 0.5, 0.25]), rtol=1e-5)


def test_cooldown_starts_from_the_compiled_rates_when_a_checkpoint_restores_cooled_ones(cooldown_gan, digits):
    # ResumableCheckpoint restores the optimizers (their learning rates too) in on_train_begin,
    # whatever its place in the list; the cooldown must not take a restored, cooled rate as its start
    restore = keras.callbacks.LambdaCallback(
        on_train_begin=lambda logs: cooldown_gan.d_optimizer.learning_rate.assign(0.001))
    rates = _rates_per_step(cooldown_gan, digits[0], callbacks.LearningRateCooldown(start=0.5, final=0.5),
                            before=[restore], epochs=2)
    np.testing.assert_allclose(rates[:, 0], [0.01, 0.01, 0.01, 0.0075], rtol=1e-5)


def test_cooldown_needs_a_dcgan():
    plain = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    plain.compile(optimizer="adam", loss="mse")
    with pytest.raises(TypeError, match="compiled DCGAN"):
        callbacks.LearningRateCooldown().set_model(plain)


class _HalfSpent(callbacks.TimeBudget):
    def fraction(self):
        return 0.8


def test_cooldown_follows_the_time_budget_when_it_runs_ahead_of_the_steps(cooldown_gan, digits):
    budget = _HalfSpent(minutes=60)
    rates = _rates_per_step(cooldown_gan, digits[0], callbacks.LearningRateCooldown(start=0.6, final=0.2, budget=budget),
                            epochs=4)
    # time says 80% done from the first step (1 - 0.8 * 0.5 = 0.6); the steps overtake it at 7/8
    np.testing.assert_allclose(rates[:, 0], 0.01 * np.array([0.6] * 7 + [1 - 0.8 * (7 / 8 - 0.6) / 0.4]),
                               rtol=1e-5)


def test_cooldown_factor_ends_at_final_and_stays_there():
    cooldown = callbacks.LearningRateCooldown(start=0.6, final=0.1)
    assert cooldown.factor_at(0.0) == cooldown.factor_at(0.6) == 1.0
    assert cooldown.factor_at(0.8) == pytest.approx(0.55)
    assert cooldown.factor_at(1.0) == cooldown.factor_at(1.3) == pytest.approx(0.1)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"start": 1.0}, ValueError, "start"), ({"start": -0.1}, ValueError, "start"),
    ({"final": 1.5}, ValueError, "final"), ({"final": "0.1"}, ValueError, "final"),
    ({"budget": 9.0}, TypeError, "TimeBudget"),
])
def test_bad_cooldown_settings_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        callbacks.LearningRateCooldown(**kwargs)


def test_cooldown_refuses_optimizers_with_a_schedule(digits):
    gan = DCGAN(build_generator(8, base_filters=4), build_discriminator(base_filters=4), seed=0)
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=10, decay_rate=0.5)
    gan.compile(d_optimizer=keras.optimizers.Adam(schedule), g_optimizer=keras.optimizers.Adam(0.01))
    with pytest.raises(ValueError, match="LearningRateSchedule"):
        gan.fit(make_dataset(digits[0][:32], 32), epochs=1, verbose=0,
                callbacks=[callbacks.LearningRateCooldown()])


def test_cooldown_sets_the_rate_of_a_loss_scale_optimizer():
    gan = DCGAN(build_generator(8, base_filters=4), build_discriminator(base_filters=4), seed=0)
    gan.compile(d_optimizer=keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(0.01)),
                g_optimizer=keras.optimizers.Adam(0.01))
    cooldown = callbacks.LearningRateCooldown(start=0.0, final=0.5)
    cooldown.set_model(gan)
    cooldown.set_params({"epochs": 1, "steps": 2})
    cooldown.on_train_begin()
    cooldown.on_epoch_begin(0)
    cooldown.on_train_batch_begin(1)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(0.0075)
    cooldown.on_train_end()
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(0.01)


def test_atomic_files_get_ordinary_permissions(tmp_path):
    import os
    import stat

    write_json(tmp_path / "a.json", {"x": 1})
    mode = stat.S_IMODE(os.stat(tmp_path / "a.json").st_mode)
    mask = os.umask(0)
    os.umask(mask)
    assert mode == 0o666 & ~mask
