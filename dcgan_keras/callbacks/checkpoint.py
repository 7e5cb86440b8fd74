"""Resumable checkpoints: a killed run continues where its last good save left off.

Keras's ``BackupAndRestore`` writes its file in place (a kill during the write loses the backup) and
would save an epoch whose losses became NaN over the last good one; this callback does neither.
"""

import json
import math
import pathlib
import time

import keras
import numpy as np

from dcgan_keras.internal.files import atomic_path, write_json
from dcgan_keras.internal.validation import check_number

__all__ = ["CheckpointError", "ResumableCheckpoint"]


class CheckpointError(RuntimeError):
    """A checkpoint exists but cannot be read."""


class ResumableCheckpoint(keras.callbacks.Callback):
    """Save everything needed to resume at the end of an epoch; restore it when training starts again.

    Saved: both networks (BatchNorm statistics included), both optimizers, the model's
    noise seed generator (``DCGAN.save_own_variables`` puts it in the weights file) and the
    number of completed epochs. The weights go to
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
        every_seconds = check_number(every_seconds, "every_seconds", 0.0, hint="(0: after every epoch)")
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
        if "seed_state" in state:  # checkpoints written before the weights file held it
            gan.seed_generator.state.assign(np.asarray(state["seed_state"], dtype=gan.seed_generator.state.dtype))
        self.restored_epoch = int(state["epoch"])
        # Keras has no public way for a callback to set the epoch fit starts from; its own
        # BackupAndRestore sets this same attribute (tested under the oldest supported Keras).
        gan._initial_epoch = self.restored_epoch

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
        write_json(self.state_path, {"epoch": epoch, "weights": name})  # the weights file holds the noise state
        # Only now remove the other weights: the previous checkpoint's, and any that a kill left
        # behind between writing its weights and switching state.json to them.
        for other in self.folder.glob("epoch_*.weights.h5"):
            if other.name != name:
                other.unlink(missing_ok=True)
        self._saved_at = time.perf_counter()
        self.saved_epoch, self._unsaved = epoch, None
