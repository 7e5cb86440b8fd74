"""The quality figures in the logs every few epochs, and early stopping on them."""

import time
import warnings

import keras

__all__ = ["QualityMonitor", "StopWhenQualityStalls"]


class QualityMonitor(keras.callbacks.Callback):
    """Every ``every`` epochs (and after the last), add the generator's quality figures to the logs.

    Adds ``fid`` (Fréchet distance on MNIST classifier features; lower is better),
    ``inception_score`` and ``classes_covered`` (digits with at least 5% of samples),
    computed on ``n`` samples (notebook 07 explains them). Place it before
    :class:`MetricsLogger` so they are saved. ``measurements`` keeps one dict a measurement, with
    the epoch and the seconds since training began (measuring excluded), for quality-against-time
    figures. With ``budget`` (a :class:`~dcgan_keras.callbacks.TimeBudget`), the epoch the time limit
    ends also gets scored.
    """

    def __init__(self, every=10, n=1000, seed=777, total_epochs=None, budget=None):
        super().__init__()
        self.budget = budget  # a TimeBudget: its last epoch is scored too
        self.every, self.n, self.seed, self.total_epochs = every, n, seed, total_epochs
        self.last = None
        self.last_epoch = None
        self.measurements = []
        self._started, self._spent = None, 0.0

    def on_train_begin(self, logs=None):
        self._started, self._spent = time.perf_counter(), 0.0

    def measure(self, epoch):
        """Score the generator now, as after epoch ``epoch`` (counted from 1); return the report."""
        from dcgan_keras.metrics import quality_report

        began = time.perf_counter()
        self.last = quality_report(self.model.generate(self.n, seed=self.seed))
        self.last_epoch = epoch
        if self._started is not None:
            seconds = began - self._started - self._spent
            self.measurements.append({"epoch": epoch, "seconds": round(seconds, 2), **self.last})
        self._spent += time.perf_counter() - began
        return self.last

    def on_epoch_end(self, epoch, logs=None):
        last_epoch = self.total_epochs is not None and epoch + 1 == self.total_epochs
        last_epoch = last_epoch or (self.budget is not None and self.budget.ends_after(epoch))
        if logs is None or not ((epoch + 1) % self.every == 0 or last_epoch):
            return
        report = self.measure(epoch + 1)
        logs["fid"] = report["fid"]
        logs["inception_score"] = report["inception_score"]
        logs["classes_covered"] = report["classes_covered"]


class StopWhenQualityStalls(keras.callbacks.EarlyStopping):
    """Keras's ``EarlyStopping`` on the ``fid`` that :class:`QualityMonitor` logs (lower is better).

    ``patience`` counts measurements, not epochs: an epoch without a measurement is skipped
    quietly (plain ``EarlyStopping`` warns on every such epoch), and ``start_from_epoch`` leaves the
    first epochs alone. The generator is not rolled back to its best measurement: the figure that
    chose it would then flatter it. Place it after the :class:`QualityMonitor`.

    Args:
        patience: measurements in a row that may fail to beat the best FID by ``min_delta``.
        min_delta: the least improvement that counts.
        start_from_epoch: epochs before which nothing stops the run (the recipe passes the epoch at
            which its learning-rate cooldown begins: before it, FID wanders on a plateau).

    A run whose time limit starts the cooldown early (see :class:`LearningRateCooldown`'s
    ``budget``) starts the count early too: the first measurement whose logs hold a
    ``learning_rate_factor`` under 1 counts, whatever its epoch. Place the cooldown before this
    callback for that.
    """

    def __init__(self, patience=3, min_delta=0.01, start_from_epoch=0):
        super().__init__(monitor="fid", mode="min", patience=patience, min_delta=min_delta,
                         start_from_epoch=start_from_epoch, restore_best_weights=False)
        self.first_epoch = self.start_from_epoch

    def on_train_begin(self, logs=None):
        self.start_from_epoch = self.first_epoch
        super().on_train_begin(logs)

    def on_epoch_end(self, epoch, logs=None):
        if logs is None or "fid" not in logs:
            return
        if epoch < self.start_from_epoch and logs.get("learning_rate_factor", 1.0) < 1.0:
            self.start_from_epoch = epoch  # the cooldown began before its epoch: the time limit is near
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            super().on_epoch_end(epoch, logs)
