"""Stop at the first non-finite loss, with an error that names the network and the step."""

import math

import keras

__all__ = ["NonFiniteLossError", "StopOnNonFiniteLoss"]


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
