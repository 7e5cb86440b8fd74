"""A progress bar for ``fit`` (tqdm), which becomes a plain line now and then in a log file."""

import sys
import time

import keras

__all__ = ["ProgressBar"]


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
        self.bar, self.opened = None, False

    def on_train_begin(self, logs=None):
        self.seen, self.epoch, self.latest, self.bar, self.opened = 0, 0, {}, None, False

    def _open(self, start):
        """Open the bar at the first epoch ``fit`` runs (later than 0 when a run resumes)."""
        stream = self.file if self.file is not None else sys.stderr
        self.opened = True
        if _redraws_in_place(stream):
            from tqdm.auto import tqdm

            self.bar = tqdm(total=self.epochs * self.steps_per_epoch, initial=start * self.steps_per_epoch,
                            unit="step", dynamic_ncols=True, file=stream)
        else:
            self.stream, self.started, self.last_line, self.last_epoch_shown = stream, time.perf_counter(), None, None

    def on_epoch_begin(self, epoch, logs=None):
        if not self.opened:
            self._open(epoch)
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
        elif self.opened and self.last_epoch_shown is not None and self.last_epoch_shown != self.epoch:
            self._plain_line(self.epoch, time.perf_counter())  # the epoch the run ended on
