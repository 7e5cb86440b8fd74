"""The package's training recipe in one place: its settings, the DCGAN it builds and the callbacks its run uses.

``python -m dcgan_keras train`` and notebook 06 both build their run from these three functions, so
the two cannot drift apart::

    config = training_config()                      # TRAINING_DEFAULTS, with any overrides checked
    gan = make_gan(config)                          # built and compiled
    gan.fit(dataset, epochs=epochs_for(config, steps_per_epoch),
            callbacks=make_callbacks(config, steps_per_epoch))

The module imports no TensorFlow at its top (the command line reads the defaults before it decides
whether to); the functions import it when called. ``import dcgan_keras`` itself imports TensorFlow
to register the Keras classes, except under the package's own command line. ``docs/recipe.md`` records the
measurements behind each setting.
"""

from dcgan_keras.internal.validation import check_number, check_positive_int

__all__ = ["TRAINING_DEFAULTS", "PAPER_SETTINGS", "PAPER_TO_PACKAGE", "recipe_step", "training_config", "epochs_for", "make_gan", "make_callbacks",
           "find_callback"]

#: The package's recipe on MNIST. Networks: a noise vector of 32 numbers (not the paper's 100: on MNIST
#: it learned a little more per step, and each step is cheaper), a generator of width 32 with one
#: stride-1 block on its 7x7 starting maps, a discriminator of width 16. Training: batches of 64 for
#: 12,000 steps or ``minutes`` of training, whichever ends first; Adam at 2e-3 with beta_1 0 and
#: beta_2 0.99 for both networks; the R1 penalty (weight 1) that keeps D from memorising a small data
#: set; a moving average of G's weights (decay 0.995) that draws the samples; over the last 40% of
#: the run both learning rates fall in a straight line to a tenth. Quality (FID) is measured about
#: every ``quality_every`` steps; once the rates start falling, the run also ends when ``patience``
#: measurements in a row have not improved the best FID by ``min_delta``. ``xla`` None compiles the
#: step with XLA on one device; ``steps_per_execution`` runs that many steps per call of it.
TRAINING_DEFAULTS = {
    "latent_dim": 32,
    "upsampling": "transpose",
    "g_filters": 32,
    "g_refine_blocks": 1,
    "d_filters": 16,
    "batch_size": 64,
    "steps": 12000,
    "minutes": 5.0,
    "learning_rate": 2e-3,
    "d_learning_rate": None,
    "beta_1": 0.0,
    "beta_2": 0.99,
    "label_smoothing": 0.0,
    "r1_weight": 1.0,
    "ema_decay": 0.995,
    "cooldown": 0.4,
    "cooldown_final": 0.1,
    "quality_every": 780,
    "patience": 3,
    "min_delta": 0.05,
    "precision": "auto",
    "xla": None,
    "steps_per_execution": 6,
}

#: The DCGAN paper's recipe (Radford et al., 2015) in the same terms: noise of 100, networks of width
#: 64 without the refine block, batches of 128, Adam at 2e-4 with beta_1 0.5, and none of the
#: package's additions (no R1, no moving average, no cooldown). ``training_config(**PAPER_SETTINGS)``.
PAPER_SETTINGS = {
    "latent_dim": 100,
    "g_filters": 64,
    "g_refine_blocks": 0,
    "d_filters": 64,
    "batch_size": 128,
    "learning_rate": 2e-4,
    "beta_1": 0.5,
    "beta_2": 0.999,
    "r1_weight": 0.0,
    "ema_decay": 0.0,
    "cooldown": 0.0,
}

#: The path from the paper's recipe to the package's, one change at a time: each step's name and
#: the settings it moves from ``PAPER_SETTINGS`` to ``TRAINING_DEFAULTS``. Notebook 06 and
#: ``scripts/recipe_ablation.py`` walk it; ``docs/recipe.md`` holds the measurements behind each.
PAPER_TO_PACKAGE = (
    ("+ smaller networks", ("latent_dim", "g_filters", "g_refine_blocks", "d_filters", "batch_size")),
    ("+ Adam 2e-3, beta_1 0", ("learning_rate", "beta_1", "beta_2")),
    ("+ R1 penalty", ("r1_weight",)),
    ("+ moving average", ("ema_decay",)),
    ("+ cooldown", ("cooldown",)),
)


def recipe_step(index, **overrides):
    """The settings after the first ``index`` steps of :data:`PAPER_TO_PACKAGE` (0: the paper's recipe,
    ``len(PAPER_TO_PACKAGE)``: the package's), with ``overrides`` on top; a checked config.

    Example:
        >>> recipe_step(0)["learning_rate"], recipe_step(len(PAPER_TO_PACKAGE))["learning_rate"]
        (0.0002, 0.002)
    """
    if not 0 <= index <= len(PAPER_TO_PACKAGE):
        raise ValueError(f"index must be between 0 and {len(PAPER_TO_PACKAGE)}, got {index!r}")
    settings = dict(PAPER_SETTINGS)
    for _, keys in PAPER_TO_PACKAGE[:index]:
        for key in keys:
            settings.pop(key)  # back to the package's setting
    return training_config(**{**settings, **overrides})


_WHOLE = {"latent_dim": 1, "g_filters": 1, "g_refine_blocks": 0, "d_filters": 1, "batch_size": 1, "steps": 1,
          "quality_every": 0, "patience": 0, "steps_per_execution": 1}
_SHARES = {"beta_1": (0.0, 1.0, False), "beta_2": (0.0, 1.0, False), "label_smoothing": (0.0, 0.5, False),
           "ema_decay": (0.0, 1.0, False), "cooldown": (0.0, 1.0, True), "cooldown_final": (0.0, 1.0, True)}
_CHOICES = {"upsampling": ("transpose", "resize"), "precision": ("auto", "float32", "bfloat16", "float16"),
            "xla": (None, True, False)}


def training_config(**overrides):
    """``TRAINING_DEFAULTS`` with ``overrides`` applied, each value checked; a new dict.

    An unknown name or a bad value is a ``ValueError`` that names it. ``minutes`` 0 or None means no
    time limit, ``d_learning_rate`` None the generator's rate, ``patience`` 0 no early stopping and
    ``quality_every`` 0 a quality measurement only at the end.

    Example:
        >>> training_config(steps=500)["steps"]
        500
        >>> training_config(**PAPER_SETTINGS)["learning_rate"]
        0.0002
    """
    unknown = sorted(set(overrides) - set(TRAINING_DEFAULTS))
    if unknown:
        raise ValueError(f"unknown recipe setting(s) {', '.join(unknown)}; the settings are "
                         f"{', '.join(TRAINING_DEFAULTS)}")
    config = {**TRAINING_DEFAULTS, **overrides}
    for name, minimum in _WHOLE.items():
        config[name] = check_positive_int(config[name], name, minimum=minimum)
    for name, (low, high, include_high) in _SHARES.items():
        config[name] = check_number(config[name], name, low, high, include_maximum=include_high)
    for name, choices in _CHOICES.items():
        if config[name] not in choices:
            raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {config[name]!r}")
    config["learning_rate"] = check_number(config["learning_rate"], "learning_rate", 0.0, include_minimum=False)
    if config["d_learning_rate"] is not None:
        config["d_learning_rate"] = check_number(config["d_learning_rate"], "d_learning_rate", 0.0,
                                                 include_minimum=False)
    config["r1_weight"] = check_number(config["r1_weight"], "r1_weight", 0.0, hint="(0 turns the penalty off)")
    config["min_delta"] = check_number(config["min_delta"], "min_delta", 0.0)
    config["minutes"] = check_number(config["minutes"] or 0.0, "minutes", 0.0, hint="(0: no time limit)")
    return config


def epochs_for(config, steps_per_epoch):
    """How many epochs of ``steps_per_epoch`` steps make ``config["steps"]`` (at least one)."""
    steps_per_epoch = check_positive_int(steps_per_epoch, "steps_per_epoch")
    return max(1, round(config["steps"] / steps_per_epoch))


def make_gan(config=None, image_shape=(28, 28, 1), seed=None, strategy=None):
    """The recipe's :class:`~dcgan_keras.gan.DCGAN`, built and compiled (with two Adam optimizers).

    It sets Keras's dtype policy from ``config["precision"]`` first (``"auto"``: mixed float16 on a
    GPU, float32 on every CPU; see :mod:`dcgan_keras.internal.acceleration`) and builds inside
    ``strategy``'s scope (default: all GPUs when there are several).

    Args:
        config: from :func:`training_config` (default: the defaults).
        image_shape: ``(height, width, channels)`` of the training images.
        seed: seed of the model's noise generator (its weights follow ``keras.utils.set_random_seed``).
        strategy: a ``tf.distribute`` strategy.
    """
    from dcgan_keras.gan import DCGAN, default_optimizer
    from dcgan_keras.internal import acceleration
    from dcgan_keras.internal.determinism import is_deterministic
    from dcgan_keras.models import build_discriminator, build_generator

    config = training_config(**(config or {}))
    strategy = strategy or acceleration.get_strategy()
    xla = config["xla"]
    if xla is None:
        xla = strategy.num_replicas_in_sync == 1 and not is_deterministic()
    acceleration.set_precision(config["precision"])
    image_shape = tuple(int(v) for v in image_shape)
    with strategy.scope():
        gan = DCGAN(build_generator(config["latent_dim"], image_shape, config["g_filters"], config["upsampling"],
                                    refine_blocks=config["g_refine_blocks"]),
                    build_discriminator(image_shape, config["d_filters"]),
                    label_smoothing=config["label_smoothing"], r1_weight=config["r1_weight"],
                    ema_decay=config["ema_decay"], seed=seed)
        rates = config["d_learning_rate"] or config["learning_rate"], config["learning_rate"]
        gan.compile(d_optimizer=default_optimizer(rates[0], config["beta_1"], config["beta_2"]),
                    g_optimizer=default_optimizer(rates[1], config["beta_1"], config["beta_2"]),
                    jit_compile=bool(xla), steps_per_execution=config["steps_per_execution"])
    return gan


def make_callbacks(config, steps_per_epoch, epochs=None, out_dir=None, image_shape=(28, 28, 1), progress=True,
                   quality=True, resume=False, checkpoint_every=30.0, run_info=None, tensorboard=False):
    """The callbacks of the recipe's run, in the order they must run.

    Always: stop on a non-finite loss; the quality monitor (``fid`` in the logs about every
    ``config["quality_every"]`` steps and after the last epoch, for 28x28 greyscale images only) and
    early stopping on it, unless ``quality`` is False; the learning-rate cooldown; the time limit (``config["minutes"]``); a
    progress bar (``progress``). With ``out_dir``: sample grids and a GIF, ``metrics.json`` and loss
    curves, resumable checkpoints (``resume`` continues from them; saved at most every
    ``checkpoint_every`` seconds) and, with ``tensorboard``, TensorBoard logs in ``out_dir/tensorboard``.

    Args:
        config: from :func:`training_config`.
        steps_per_epoch: batches in one epoch.
        epochs: the run's length (default: :func:`epochs_for`).
        run_info: a dict saved in ``metrics.json`` beside the logs.
    """
    from dcgan_keras import callbacks

    config = training_config(**config)
    epochs = epochs or epochs_for(config, steps_per_epoch)
    budget = callbacks.TimeBudget(config["minutes"]) if config["minutes"] else None
    cbs = [callbacks.StopOnNonFiniteLoss()]
    if config["cooldown"]:  # first: the early stopping and the logger read each epoch's learning_rate_factor
        cbs.append(callbacks.LearningRateCooldown(start=1.0 - config["cooldown"], final=config["cooldown_final"],
                                                  budget=budget))
    if quality and tuple(image_shape) == (28, 28, 1):
        every = max(1, round(config["quality_every"] / steps_per_epoch)) if config["quality_every"] else 10 ** 9
        cbs.append(callbacks.QualityMonitor(every=every, total_epochs=epochs, budget=budget))
        if config["patience"]:
            cooling_from = round((1.0 - config["cooldown"]) * epochs) if config["cooldown"] else 0
            cbs.append(callbacks.StopWhenQualityStalls(patience=config["patience"], min_delta=config["min_delta"],
                                                       start_from_epoch=cooling_from))
    if out_dir is not None:
        # The checkpoint comes after the logger: metrics.json is then never behind the checkpoint, only
        # ahead of it (after a kill, by the epochs since the last save), and resuming cuts it back.
        cbs += [callbacks.SampleGrid(out_dir), callbacks.MetricsLogger(out_dir, extra={"run": run_info or {}}),
                callbacks.ResumableCheckpoint(out_dir, resume=resume, every_seconds=checkpoint_every)]
        if tensorboard:
            cbs += callbacks.tensorboard_callbacks(out_dir)
    cbs += [budget] if budget else []
    if progress:
        cbs.append(callbacks.ProgressBar(epochs, steps_per_epoch))
    return cbs


def find_callback(callbacks, kind):
    """The first callback in ``callbacks`` that is an instance of ``kind``, or None."""
    return next((c for c in callbacks if isinstance(c, kind)), None)
