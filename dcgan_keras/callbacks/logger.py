"""``metrics.json`` and ``losses.png``: every epoch's logs kept on disk, and their curves.

Keras's ``CSVLogger`` cannot serve: it cannot cut its history back to a checkpoint's epoch when a
killed run resumes, nor keep a metric logged only every few epochs beside its epoch.
"""

import json
import pathlib
import time

import keras
import numpy as np

from dcgan_keras.internal.files import write_json

__all__ = ["MetricsLogger"]


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

        from dcgan_keras.internal.files import atomic_path

        fig = Figure(figsize=(9, 3.2))
        left, right = fig.subplots(1, 2)
        for key, ax in (("d_loss", left), ("g_loss", left), ("d_real", right), ("d_fake", right)):
            if key in self.history:
                values = self.history[key]
                ax.plot(np.arange(1, len(values) + 1), values, label=key)
        left.set(title="losses", xlabel="epoch")
        right.set(title="D(x) and D(G(z))", xlabel="epoch", ylim=(0, 1))
        for ax in (left, right):
            ax.legend(fontsize=9)
            ax.grid(alpha=0.3)
        fig.tight_layout()
        with atomic_path(self.out_dir / "losses.png") as tmp:
            fig.savefig(tmp, format="png")
