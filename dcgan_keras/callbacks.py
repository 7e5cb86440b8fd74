"""Keras callbacks for GAN training: sample grids, a GIF, curves, metrics, resumable checkpoints,
a time budget and a learning-rate cooldown.

Every file is written atomically, and every callback picks up where a resumed run
left off: grids keep their epoch numbers, the GIF covers all epochs, the metrics
file keeps its history.
"""

import json
import math
import pathlib
import sys
import time

import keras
import numpy as np

from dcgan_keras.files import atomic_path, write_json
from dcgan_keras.images import make_gif, save_png

__all__ = [
    "SampleGrid",
    "MetricsLogger",
    "ResumableCheckpoint",
    "NonFiniteLossError",
    "StopOnNonFiniteLoss",
    "QualityMonitor",
    "TimeBudget",
    "LearningRateCooldown",
    "ProgressBar",
    "CheckpointError",
]


class SampleGrid(keras.callbacks.Callback):
    """Save a grid of samples from fixed noise after every epoch, as ``samples/epoch_0001.png``.

    The same noise every epoch shows how each sample evolves. At the end of training a
    GIF of all the grids so far (``samples.gif``) is written. The samples come from the
    model's ``sampler`` (a :class:`~dcgan_keras.gan.DCGAN`'s averaged generator, when it keeps one).

    Args:
        out_dir: the run's folder.
        n: number of samples (a square number makes a square grid).
        seed: seed of the fixed noise.
        scale: each pixel becomes ``scale`` x ``scale`` pixels in the PNG.
    """

    def __init__(self, out_dir, n=64, seed=1234, scale=2):
        super().__init__()
        self.out_dir = pathlib.Path(out_dir)
        self.folder = self.out_dir / "samples"
        self.n, self.seed, self.scale = n, seed, scale
        self.noise = None

    def grid_for(self, generator):
        from dcgan_keras.gan import generate_from_noise
        from dcgan_keras.images import image_grid

        if self.noise is None:
            latent_dim = generator.input_shape[-1]
            self.noise = np.random.default_rng(self.seed).standard_normal((self.n, latent_dim)).astype(np.float32)
        grid = image_grid(generate_from_noise(generator, self.noise), ncols=int(math.ceil(math.sqrt(self.n))))
        return np.kron(grid, np.ones((self.scale, self.scale, 1), np.uint8)) if self.scale > 1 else grid

    def on_train_begin(self, logs=None):
        self.folder.mkdir(parents=True, exist_ok=True)

    def on_epoch_end(self, epoch, logs=None):
        grid = self.grid_for(getattr(self.model, "sampler", self.model.generator))  # the averaged G, if kept
        save_png(grid, self.folder / f"epoch_{epoch + 1:04d}.png")
        save_png(grid, self.out_dir / "samples_latest.png")

    def on_train_end(self, logs=None):
        frames = sorted(self.folder.glob("epoch_*.png"))
        if frames:
            make_gif(frames, self.out_dir / "samples.gif")


class MetricsLogger(keras.callbacks.Callback):
    """Keep every epoch's logs in ``metrics.json`` and draw the curves in ``losses.png``.

    ``metrics.json`` is rewritten after every epoch; ``losses.png`` after the first epoch,
    then at most every ``plot_every`` seconds (drawing takes longer than a short epoch of
    training) and at the end of training. On a resumed run the history already in
    ``metrics.json`` is kept and extended.

    Args:
        out_dir: the run's folder.
        extra: a dict written beside the history (the run's settings, say).
        plot_every: least number of seconds between two drawings of ``losses.png`` (0: every epoch).
    """

    def __init__(self, out_dir, extra=None, plot_every=30.0):
        super().__init__()
        self.out_dir = pathlib.Path(out_dir)
        self.path = self.out_dir / "metrics.json"
        self.extra = dict(extra or {})
        self.plot_every = float(plot_every)
        self.history = {}
        self.epoch_seconds = []
        self._plotted = None
        self._first_epoch = True

    def on_train_begin(self, logs=None):
        self.history, self.epoch_seconds = {}, []
        self._first_epoch = True

    def on_epoch_begin(self, epoch, logs=None):
        if self._first_epoch:
            self._first_epoch = False
            self._extend_saved(epoch)
        self._started = time.perf_counter()

    def _extend_saved(self, start):
        """A resumed run starts at epoch ``start``: keep the saved history of the epochs before it.

        Reading it here, when the first epoch begins, rather than when training begins, works
        whatever the callbacks' order. A saved history longer than ``start`` (a kill landed after
        this logger wrote an epoch and before the checkpoint did) is cut back to ``start``.
        """
        if start and self.path.exists():
            saved = json.loads(self.path.read_text())
            self.history = {k: v[:start] for k, v in saved.get("history", {}).items()}
            self.epoch_seconds = saved.get("epoch_seconds", [])[:start]

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_seconds.append(round(time.perf_counter() - self._started, 3))
        length = len(self.epoch_seconds)
        for key, value in (logs or {}).items():
            values = self.history.setdefault(key, [])
            values.extend([None] * (length - 1 - len(values)))  # a metric logged only every N epochs
            values.append(float(value))
        due = self._plotted is None or time.perf_counter() - self._plotted >= self.plot_every
        self.write(plot=due)

    def on_train_end(self, logs=None):
        if self.epoch_seconds:
            self.plot()

    def write(self, plot=True, **more):
        """Rewrite ``metrics.json`` (adding ``more`` to the extra fields) and, if ``plot``, ``losses.png``."""
        self.extra.update(more)
        write_json(self.path, {**self.extra, "epochs_completed": len(self.epoch_seconds),
                               "epoch_seconds": self.epoch_seconds, "history": self.history})
        if plot:
            self.plot()

    def plot(self):
        """Draw ``losses.png`` from the history so far."""
        self._plotted = time.perf_counter()
        self._draw()

    def _draw(self):
        # A bare Figure, not pyplot: drawing here must not change a notebook's backend or show anything.
        from matplotlib.figure import Figure

        from dcgan_keras.files import atomic_path

        fig = Figure(figsize=(9, 3.2))
        left, right = fig.subplots(1, 2)
        for key, ax in (("d_loss", left), ("g_loss", left), ("d_real", right), ("d_fake", right)):
            if key in self.history:
                values = self.history[key]
                ax.plot(np.arange(1, len(values) + 1), values, label=key)
        left.set(title="losses", xlabel="epoch")
        right.set(title="D(x) and D(G(z))", xlabel="epoch", ylim=(0, 1))
        for ax in (left, right):
            ax.legend(fontsize=8)
            ax.grid(alpha=0.3)
        fig.tight_layout()
        with atomic_path(self.out_dir / "losses.png") as tmp:
            fig.savefig(tmp, format="png")


class CheckpointError(RuntimeError):
    """A checkpoint exists but cannot be read."""


class ResumableCheckpoint(keras.callbacks.Callback):
    """Save everything needed to resume at the end of an epoch; restore it when training starts again.

    Saved: both networks (BatchNorm statistics included), both optimizers, the model's
    noise seed generator and the number of completed epochs. The weights go to
    ``checkpoints/epoch_0007.weights.h5`` (written to a temporary file, then renamed),
    then ``checkpoints/state.json`` is switched to point at it (atomically), and only
    then are the older weights files deleted: a kill at any moment leaves the last good
    checkpoint intact. Restoring sets the epoch ``fit`` starts from, as Keras's
    ``BackupAndRestore`` does, and ``fit`` then runs only the remaining epochs.

    A save takes a few tenths of a second, as much as a few training steps of a small network, so
    with ``every_seconds`` it happens only at the end of an epoch that finishes at least that long
    after the previous save (or the start), and at the end of training: a kill then loses at most
    that much training plus the epoch under way.

    Args:
        out_dir: the run's folder.
        resume: restore from an existing checkpoint at the start of training.
        every_seconds: the least time between two saves (0: after every epoch).
    """

    def __init__(self, out_dir, resume=True, every_seconds=0.0):
        super().__init__()
        if (isinstance(every_seconds, bool) or not isinstance(every_seconds, (int, float))
                or not every_seconds >= 0):
            raise ValueError(f"every_seconds must be a number of seconds >= 0, got {every_seconds!r}")
        self.folder = pathlib.Path(out_dir) / "checkpoints"
        self.state_path = self.folder / "state.json"
        self.resume = resume
        self.every_seconds = float(every_seconds)
        self.restored_epoch = 0
        self.saved_epoch = None  # the last epoch saved during this fit (counted from 1)
        self._unsaved = None  # the last epoch finished with finite losses and not saved yet

    def read_state(self):
        """The saved state dict, or None when there is no checkpoint."""
        if not self.state_path.exists():
            return None
        try:
            state = json.loads(self.state_path.read_text())
            weights = self.folder / state["weights"]
            int(state["epoch"])
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointError(f"checkpoint {self.state_path} is corrupt ({exc}); delete the folder "
                                  f"{self.folder} to start afresh") from exc
        if not weights.exists():
            raise CheckpointError(f"checkpoint {self.state_path} names {weights.name}, which is missing; delete "
                                  f"the folder {self.folder} to start afresh")
        return state

    def on_train_begin(self, logs=None):
        self.folder.mkdir(parents=True, exist_ok=True)
        self._saved_at = time.perf_counter()
        self.saved_epoch = self._unsaved = None
        state = self.read_state() if self.resume else None
        if state is None:
            return
        gan = self.model
        gan.build()
        gan.d_optimizer.build(gan.discriminator.trainable_weights)
        gan.g_optimizer.build(gan.generator.trainable_weights)
        weights = self.folder / state["weights"]
        try:
            gan.load_weights(weights)
        except Exception as exc:
            raise CheckpointError(f"checkpoint {weights} cannot be loaded ({type(exc).__name__}: {exc}); it is "
                                  f"truncated, corrupt or from a different model. Delete {self.folder} to start "
                                  "afresh, or resume with the same settings as the run that wrote it") from exc
        gan.seed_generator.state.assign(np.asarray(state["seed_state"], dtype=gan.seed_generator.state.dtype))
        self.restored_epoch = int(state["epoch"])
        gan._initial_epoch = self.restored_epoch  # fit starts from here, as with BackupAndRestore

    def on_epoch_end(self, epoch, logs=None):
        if any(not math.isfinite(float(v)) for v in (logs or {}).values() if v is not None):
            self._unsaved = None
            return  # never replace a good checkpoint with a broken one
        if time.perf_counter() - self._saved_at >= self.every_seconds:
            self.save(epoch + 1)
        else:
            self._unsaved = epoch + 1

    def on_train_end(self, logs=None):
        if self._unsaved is not None:  # the last epochs came sooner than every_seconds
            self.save(self._unsaved)

    def save(self, epoch):
        """Write the checkpoint of the state after epoch ``epoch`` (counted from 1)."""
        gan = self.model
        name = f"epoch_{epoch:04d}.weights.h5"
        with atomic_path(self.folder / name, suffix=".weights.h5") as tmp:
            gan.save_weights(tmp)
        write_json(self.state_path, {"epoch": epoch, "weights": name,
                                     "seed_state": np.asarray(gan.seed_generator.state).tolist()})
        # Only now remove the other weights: the previous checkpoint's, and any that a kill left
        # behind between writing its weights and switching state.json to them.
        for other in self.folder.glob("epoch_*.weights.h5"):
            if other.name != name:
                other.unlink(missing_ok=True)
        self._saved_at = time.perf_counter()
        self.saved_epoch, self._unsaved = epoch, None


class NonFiniteLossError(RuntimeError):
    """A loss became NaN or infinite during training."""


class StopOnNonFiniteLoss(keras.callbacks.Callback):
    """Stop training with a clear error the moment a loss stops being a finite number.

    Unlike ``keras.callbacks.TerminateOnNaN``, the error names the network and the step.
    The last good checkpoint is kept (:class:`ResumableCheckpoint` skips a broken epoch).
    """

    networks = {"d_loss": "discriminator", "g_loss": "generator"}

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch, self.checked = epoch, 0  # steps of this epoch already seen finite

    def on_train_batch_end(self, batch, logs=None):
        # With steps_per_execution > 1, fit reports once per call: name the call's steps.
        steps = f"step {batch + 1}" if batch <= self.checked else f"one of steps {self.checked + 1}-{batch + 1}"
        self.checked = batch + 1
        for key, network in self.networks.items():
            value = (logs or {}).get(key)
            if value is not None and not math.isfinite(float(value)):
                raise NonFiniteLossError(
                    f"the {network} loss ({key}) became {float(value)} at epoch {self.epoch + 1}, {steps}; "
                    "training stopped and the last good checkpoint was kept. Try a lower learning rate, or resume "
                    "with --resume to retry from that checkpoint")


class QualityMonitor(keras.callbacks.Callback):
    """Every ``every`` epochs (and after the last), add the generator's quality figures to the logs.

    Adds ``fid`` (Fréchet distance on MNIST classifier features; lower is better),
    ``inception_score`` and ``classes_covered`` (digits with at least 5% of samples),
    computed on ``n`` samples (notebook 06 explains them). Place it before
    :class:`MetricsLogger` so they are saved.
    """

    def __init__(self, every=10, n=1000, seed=777, total_epochs=None):
        super().__init__()
        self.every, self.n, self.seed, self.total_epochs = every, n, seed, total_epochs
        self.last = None
        self.last_epoch = None

    def measure(self, epoch):
        """Score the generator now, as after epoch ``epoch`` (counted from 1); return the report."""
        from dcgan_keras.metrics import quality_report

        self.last = quality_report(self.model.generate(self.n, seed=self.seed))
        self.last_epoch = epoch
        return self.last

    def on_epoch_end(self, epoch, logs=None):
        last_epoch = self.total_epochs is not None and epoch + 1 == self.total_epochs
        if logs is None or not ((epoch + 1) % self.every == 0 or last_epoch):
            return
        report = self.measure(epoch + 1)
        logs["fid"] = report["fid"]
        logs["inception_score"] = report["inception_score"]
        logs["classes_covered"] = report["classes_covered"]


class TimeBudget(keras.callbacks.Callback):
    """Stop training at the end of the first epoch that finishes after ``minutes`` minutes.

    ``stopped`` tells afterwards whether the budget, rather than the epoch count, ended the run.
    """

    def __init__(self, minutes):
        super().__init__()
        self.minutes = minutes
        self.seconds = 60.0 * minutes
        self.stopped = False

    def on_train_begin(self, logs=None):
        self.started = time.perf_counter()
        self.stopped = False

    def fraction(self):
        """The share of the budget spent since training began (above 1 in the epoch that overruns it)."""
        return (time.perf_counter() - self.started) / self.seconds

    def on_epoch_end(self, epoch, logs=None):
        if self.fraction() >= 1.0:
            self.model.stop_training = True
            self.stopped = True


class LearningRateCooldown(keras.callbacks.Callback):
    """Lower the learning rates of a DCGAN's two optimizers in a straight line over a run's last part.

    The rate stays as compiled until ``start`` of the run is done, then falls to ``final`` times
    that rate at the end. A lower rate at the end lets the two networks settle instead of
    circling each other, so the run's last generator is less a matter of luck.

    Args:
        start: the share of the run after which the rates begin to fall, in [0, 1).
        final: the rates at the end, as a share of the compiled ones, in [0, 1].
        budget: a :class:`TimeBudget`; the run's progress is then the larger of the share of its
            steps done and the share of its time spent, so that a run cut short by the time
            limit also ends cooled down.

    Each epoch's logs gain ``learning_rate_factor``, the share of the compiled rates its last
    step ran with (put this callback before a logger that should record it). The rates it starts
    from are the ones the optimizers hold when ``fit`` begins, and they go back to them when
    ``fit`` returns. A resumed run starts its progress from its first epoch's number, and its time
    budget afresh.
    """

    def __init__(self, start=0.6, final=0.1, budget=None):
        super().__init__()
        if isinstance(start, bool) or not isinstance(start, (int, float)) or not 0.0 <= start < 1.0:
            raise ValueError(f"start must be a share of the run in [0, 1), got {start!r}")
        if isinstance(final, bool) or not isinstance(final, (int, float)) or not 0.0 <= final <= 1.0:
            raise ValueError(f"final must be a share of the learning rate in [0, 1], got {final!r}")
        if budget is not None and not isinstance(budget, TimeBudget):
            raise TypeError(f"budget must be a TimeBudget (or None), got {type(budget).__name__}")
        self.start, self.final, self.budget = float(start), float(final), budget
        self.factor = 1.0

    def _optimizers(self):
        return [self.model.d_optimizer, self.model.g_optimizer]

    def set_model(self, model):
        # fit hands over the model before any callback's on_train_begin, so the rates are read
        # before a checkpoint restores the cooled rates it was saved with.
        super().set_model(model)
        optimizers = getattr(model, "d_optimizer", None), getattr(model, "g_optimizer", None)
        if None in optimizers:
            raise TypeError("LearningRateCooldown needs a compiled DCGAN (a model with d_optimizer and g_optimizer)")
        for optimizer in optimizers:
            rate = getattr(getattr(optimizer, "inner_optimizer", optimizer), "_learning_rate", None)
            if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule):
                raise ValueError("LearningRateCooldown sets the learning rate itself: compile the optimizers with "
                                 "a number as learning_rate, not a LearningRateSchedule")
        self.base = [float(optimizer.learning_rate) for optimizer in optimizers]

    def on_train_begin(self, logs=None):
        self.epochs, self.steps = self.params.get("epochs") or 1, self.params.get("steps")
        self.epoch = 0
        self.factor = None  # the first step sets the rates, even to the compiled ones (a checkpoint may differ)

    def factor_at(self, progress):
        """The learning rate's multiplier after ``progress`` (a share) of the run."""
        if progress <= self.start:
            return 1.0
        return 1.0 - (1.0 - self.final) * min(1.0, (progress - self.start) / (1.0 - self.start))

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        steps = self.steps or 1
        progress = (self.epoch * steps + (batch if self.steps else 0)) / (self.epochs * steps)
        if self.budget is not None:
            progress = max(progress, self.budget.fraction())
        factor = self.factor_at(progress)
        if factor != self.factor:
            self.factor = factor
            for optimizer, base in zip(self._optimizers(), self.base, strict=True):
                optimizer.learning_rate = base * factor

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None and self.factor is not None:
            logs["learning_rate_factor"] = self.factor

    def on_train_end(self, logs=None):
        for optimizer, base in zip(self._optimizers(), self.base, strict=True):
            optimizer.learning_rate = base
        self.factor = 1.0


def _redraws_in_place(stream):
    """True where a progress bar can redraw itself: a terminal, or a Jupyter kernel's output."""
    try:
        if stream.isatty():
            return True
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False
    return type(stream).__module__.startswith("ipykernel")


class ProgressBar(keras.callbacks.Callback):
    """One tqdm bar for the whole run, showing the latest losses and D outputs.

    In a terminal or a notebook the bar redraws itself in place. Written to a log file or a
    pipe, a redrawn bar would leave a carriage return and a copy of itself for every few steps,
    so there it prints a plain line instead, at the end of the first epoch and then at the end
    of an epoch at most every ``log_seconds`` (as ``fit(verbose=2)`` does for every epoch).

    Args:
        epochs: epochs in the whole run.
        steps_per_epoch: steps in one epoch.
        file: where to write (default ``sys.stderr``, where tqdm writes).
        log_seconds: least time between two plain lines.
    """

    def __init__(self, epochs, steps_per_epoch, file=None, log_seconds=30.0):
        super().__init__()
        self.epochs, self.steps_per_epoch = epochs, steps_per_epoch
        self.file, self.log_seconds = file, float(log_seconds)
        self.bar = None

    def on_train_begin(self, logs=None):
        stream = self.file if self.file is not None else sys.stderr
        start = getattr(self.model, "_initial_epoch", None) or 0
        self.seen, self.epoch, self.latest = 0, start, {}
        if _redraws_in_place(stream):
            from tqdm.auto import tqdm

            self.bar = tqdm(total=self.epochs * self.steps_per_epoch, initial=start * self.steps_per_epoch,
                            unit="step", dynamic_ncols=True, file=stream)
        else:
            self.stream, self.started, self.last_line, self.last_epoch_shown = stream, time.perf_counter(), None, None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch, self.seen = epoch, 0

    def on_train_batch_end(self, batch, logs=None):
        # With steps_per_execution > 1, fit reports only each call's last step: batch jumps.
        tens_before = -1 if self.seen == 0 else (self.seen - 1) // 10
        if self.bar is not None:
            self.bar.update(batch + 1 - self.seen)
        self.seen = batch + 1
        if logs and batch // 10 != tens_before:  # the postfix at most once every ten steps
            self.latest = {k: f"{float(logs[k]):.3f}" for k in ("d_loss", "g_loss", "d_real", "d_fake") if k in logs}
            if self.bar is not None:
                self.bar.set_postfix(epoch=self.epoch + 1, **self.latest, refresh=False)

    def _line(self, text):
        if self.bar is not None:
            self.bar.write(text)
        else:
            print(text, file=self.stream, flush=True)

    def on_epoch_end(self, epoch, logs=None):
        if self.bar is None:
            now = time.perf_counter()
            if self.last_line is None or now - self.last_line >= self.log_seconds:
                self.last_line = now
                self._plain_line(epoch, now)
        if logs and "fid" in logs:
            self._line(f"epoch {epoch + 1}: FID {logs['fid']:.2f}, {int(logs['classes_covered'])}/10 digits")

    def _plain_line(self, epoch, now):
        self.last_epoch_shown = epoch
        minutes, seconds = divmod(int(now - self.started), 60)
        step, total = (epoch + 1) * self.steps_per_epoch, self.epochs * self.steps_per_epoch
        shown = "".join(f", {k} {v}" for k, v in self.latest.items())
        self._line(f"epoch {epoch + 1}/{self.epochs}, step {step}/{total} ({100 * step / total:.0f}%), "
                   f"{minutes}:{seconds:02d} elapsed{shown}")

    def on_train_end(self, logs=None):
        if self.bar is not None:
            self.bar.close()
        elif self.last_epoch_shown is not None and self.last_epoch_shown != self.epoch:
            self._plain_line(self.epoch, time.perf_counter())  # the epoch the run ended on
