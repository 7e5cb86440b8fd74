"""When a run stops and how fast it learns towards the end: a time limit and a learning-rate cooldown.

Keras has neither a time limit nor a schedule for two optimizers: ``LearningRateScheduler`` sets
``model.optimizer`` once an epoch, while a DCGAN has two optimizers and the cooldown moves every step.
"""

import time

import keras

from dcgan_keras.internal.validation import check_number

__all__ = ["TimeBudget", "LearningRateCooldown"]


class TimeBudget(keras.callbacks.Callback):
    """Stop training once ``minutes`` minutes have passed, within the epoch that overruns them.

    The check runs after every batch (every ``steps_per_execution`` steps), so a data set with long
    epochs does not overrun the limit by most of an epoch; that epoch ends early and still gets its
    ``on_epoch_end`` (its checkpoint, its quality measurement).

    ``stopped`` tells afterwards whether the budget, rather than the epoch count, ended the run.
    """

    def __init__(self, minutes):
        super().__init__()
        self.minutes = check_number(minutes, "minutes", 0.0, include_minimum=False)
        self.seconds = 60.0 * minutes
        self.stopped = False

    def on_train_begin(self, logs=None):
        self.started = time.perf_counter()
        self.stopped = False
        self._decided = {}

    def ends_after(self, epoch):
        """Whether the run ends after epoch ``epoch`` (from 0) on time; decided once, at the first call in
        that epoch, so that a callback that asks before this one (the quality monitor, to score the last
        epoch) gets the answer this one acts on."""
        decided = getattr(self, "_decided", {})
        if epoch not in decided:
            decided[epoch] = self.fraction() >= 1.0
            self._decided = decided
        return decided[epoch]

    def fraction(self):
        """The share of the budget spent since training began (above 1 in the epoch that overruns it)."""
        return (time.perf_counter() - self.started) / self.seconds

    def on_train_batch_end(self, batch, logs=None):
        if self.fraction() >= 1.0:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        if self.ends_after(epoch):
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
        start = check_number(start, "start", 0.0, 1.0, include_maximum=False, hint="(a share of the run)")
        final = check_number(final, "final", 0.0, 1.0, hint="(a share of the learning rate)")
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
            # An optimizer's config holds its learning rate as a number, or as a schedule's config (a dict).
            rate = getattr(optimizer, "inner_optimizer", optimizer).get_config().get("learning_rate")
            if isinstance(rate, dict):
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
