"""``train``: the recipe of :mod:`dcgan_keras.recipe`, run on the data and into the folder the flags name.

The command line only reads flags, checks the output folder and the data, and reports; what is built
and how it trains comes from ``recipe.training_config``, ``recipe.make_gan`` and
``recipe.make_callbacks``, the functions notebook 06 calls too.
"""

import json
import pathlib
import shutil
import sys
import time
import warnings

from dcgan_keras import __version__
from dcgan_keras.cli.arguments import UsageError
from dcgan_keras.recipe import TRAINING_DEFAULTS, training_config

__all__ = ["config_from_args", "prepare_out_dir", "load_images", "train", "RUN_FILES"]

#: What a run writes into its folder; ``--overwrite`` deletes these and nothing else.
RUN_FILES = ("samples_latest.png", "samples.gif", "samples", "losses.png", "metrics.json", "run.json",
             "generator.keras", "checkpoints", "tensorboard")
MODEL_SETTINGS = ("latent_dim", "image_shape", "upsampling", "g_filters", "g_refine_blocks", "d_filters", "ema_decay")
_RECIPE_FLAGS = {"precision": "--mixed-precision"}


def config_from_args(args):
    """The recipe's configuration the parsed ``train`` flags ask for (a ``UsageError`` names a bad flag).

    An explicit ``--steps`` or ``--epochs`` turns the time limit off unless ``--minutes`` is given too.
    """
    if args.deterministic and args.xla:
        raise UsageError("--deterministic and --xla do not go together: op determinism turns XLA off")
    explicit_length = args.steps is not None or args.epochs is not None
    minutes = args.minutes if args.minutes is not None else (0.0 if explicit_length else TRAINING_DEFAULTS["minutes"])
    settings = {name: getattr(args, name) for name in TRAINING_DEFAULTS if hasattr(args, name)}
    settings.update(steps=args.steps or TRAINING_DEFAULTS["steps"], minutes=minutes, precision=args.mixed_precision,
                    xla=False if args.deterministic else args.xla)
    if args.no_quality:
        settings["patience"] = 0
    try:
        return training_config(**settings)
    except ValueError as exc:
        name, _, rest = str(exc).partition(" ")
        raise UsageError(f"{_RECIPE_FLAGS.get(name, '--' + name.replace('_', '-'))} {rest}") from None


def prepare_out_dir(args):
    """Check ``--out`` can be written; with ``--overwrite`` clear an earlier run; say what ``--resume`` finds."""
    from dcgan_keras.internal.files import check_writable_dir, remove_temporaries

    out = pathlib.Path(args.out)
    try:
        check_writable_dir(out)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    remove_temporaries(out)  # half-written files of a run that was killed
    has_checkpoint = (out / "checkpoints" / "state.json").exists()
    if args.overwrite:
        for name in RUN_FILES:
            path = out / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    elif has_checkpoint and not args.resume:
        raise UsageError(f"{out} holds a checkpoint from an earlier run; pass --resume to continue it, --overwrite "
                         "to start again there, or choose another folder with --out")
    elif args.resume and not has_checkpoint:
        print(f"note: {out} holds no checkpoint to resume from; starting a new run there", file=sys.stderr)
        args.resume = False
    return out


def load_images(args):
    """The training images the flags name, as ``(images, source)``; a ``UsageError`` says what is wrong."""
    from dcgan_keras import data

    try:
        if isinstance(args.data, pathlib.Path):
            images = data.load_image_folder(args.data, tuple(args.image_size or (64, 64)), args.channels or 3)
            source = str(args.data)
        else:
            with warnings.catch_warnings(record=True) as caught:  # the fallback notice, as one plain line
                warnings.simplefilter("always", UserWarning)
                images, _ = data.load_mnist(args.data)
            for notice in caught:
                print(f"note: {notice.message}", file=sys.stderr, flush=True)
            source = "embedded" if len(images) == 5000 else "full"
    except (FileNotFoundError, ValueError, RuntimeError) as exc:
        raise UsageError(str(exc)) from exc
    if images.ndim == 3:
        images = images[..., None]
    if args.limit:  # a random subset: the embedded digits are stored sorted by class
        import numpy as np

        images = images[np.random.default_rng(args.seed).permutation(len(images))[: args.limit]]
    if args.batch_size > len(images):
        raise UsageError(f"--batch-size {args.batch_size} is larger than the data set ({len(images)} images); "
                         "use a smaller batch size")
    return images, source


def _check_resume(out, settings):
    run_file = out / "run.json"
    if run_file.exists():
        saved = json.loads(run_file.read_text())
        saved.setdefault("g_refine_blocks", 0)  # runs saved before the setting existed had none
        different = [k for k in MODEL_SETTINGS if saved.get(k) != settings[k]]
        if different:
            raise UsageError(f"--resume with settings that differ from the run in {out}: "
                             + ", ".join(f"{k} was {saved.get(k)} now {settings[k]}" for k in different))


def train(args):
    """Run ``train``: exit status 0, or 1 when a loss stopped being finite."""
    if not isinstance(args.data, pathlib.Path) and (
            args.image_size and tuple(args.image_size) != (28, 28) or args.channels == 3):
        raise UsageError("MNIST digits are 28x28 greyscale; --image-size and --channels apply to folders")
    config = config_from_args(args)
    if args.tensorboard:
        import importlib.util

        if importlib.util.find_spec("tensorboard") is None:
            raise UsageError("--tensorboard needs TensorBoard: pip install tensorboard (or dcgan-keras[tensorboard])")
    out = prepare_out_dir(args)

    import dcgan_keras

    dcgan_keras.register_keras_classes()  # imports TensorFlow without its start-up lines
    import keras

    from dcgan_keras import callbacks, recipe
    from dcgan_keras.data import make_dataset
    from dcgan_keras.internal.determinism import set_deterministic
    from dcgan_keras.models import upsampling_plan

    if args.deterministic:
        set_deterministic(args.seed)
    else:
        keras.utils.set_random_seed(args.seed)
    images, source = load_images(args)
    image_shape = tuple(int(v) for v in images.shape[1:])
    try:
        upsampling_plan(image_shape)
    except ValueError as exc:
        raise UsageError(f"{exc} (use --image-size)") from exc
    # Whole batches only: a short last batch would be a noisy step for both networks' BatchNorm
    # and, under XLA, a second compilation of the step.
    steps_per_epoch = len(images) // config["batch_size"]
    epochs = args.epochs or recipe.epochs_for(config, steps_per_epoch)
    if args.resume:
        _check_resume(out, {**config, "image_shape": list(image_shape)})
    gan = recipe.make_gan(config, image_shape, seed=args.seed)
    run = {**config, "image_shape": list(image_shape), "data": source, "images": len(images), "epochs": epochs,
           "seed": args.seed, "precision": keras.config.dtype_policy().name, "xla": bool(gan.jit_compile),
           "d_learning_rate": config["d_learning_rate"] or config["learning_rate"],
           "deterministic": args.deterministic, "version": __version__}
    from dcgan_keras.internal.files import write_json

    write_json(out / "run.json", run)
    cbs = recipe.make_callbacks(config, steps_per_epoch, epochs, out_dir=out, image_shape=image_shape,
                                progress=not args.no_progress, quality=not args.no_quality, resume=args.resume,
                                checkpoint_every=args.checkpoint_every, run_info=run, tensorboard=args.tensorboard)
    dataset = make_dataset(images, config["batch_size"], seed=args.seed, drop_remainder=True)
    warnings.filterwarnings("ignore", message=".*shuffle=True. was passed")  # the dataset shuffles itself
    print(f"training on {len(images)} images ({source}) of shape {image_shape}: {_count(epochs, 'epoch')} of "
          f"{steps_per_epoch} steps, batch {config['batch_size']}, {run['precision']}{', XLA' if run['xla'] else ''}"
          + (f"; stops after {config['minutes']:g} minutes if not done by then" if config["minutes"] else ""),
          flush=True)
    started = time.perf_counter()
    try:
        gan.fit(dataset, epochs=epochs, verbose=0, callbacks=cbs)
    except callbacks.NonFiniteLossError as exc:
        print(f"{args.prog} train: error: {exc}", file=sys.stderr)
        return 1
    except callbacks.CheckpointError as exc:
        raise UsageError(str(exc)) from exc
    _finish(gan, cbs, out, config, epochs, steps_per_epoch, time.perf_counter() - started)
    return 0


def _count(n, noun):
    """``1 epoch``, ``2 epochs``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _finish(gan, cbs, out, config, epochs, steps_per_epoch, seconds):
    """Score the final generator, save it, write the summary and say what happened."""
    from dcgan_keras import callbacks
    from dcgan_keras.internal.files import atomic_path
    from dcgan_keras.recipe import find_callback

    logger, checkpoint = find_callback(cbs, callbacks.MetricsLogger), find_callback(cbs, callbacks.ResumableCheckpoint)
    quality, budget = find_callback(cbs, callbacks.QualityMonitor), find_callback(cbs, callbacks.TimeBudget)
    stalled = find_callback(cbs, callbacks.StopWhenQualityStalls)
    done = len(logger.epoch_seconds)
    if quality and quality.last_epoch != done:  # stopped early: score the final generator too
        quality.measure(done)
    with atomic_path(out / "generator.keras", suffix=".keras") as tmp:
        gan.sampler.save(tmp)  # the averaged generator, unless --ema-decay 0
    stopped_early = bool(stalled and stalled.stopped_epoch)
    summary = {"seconds": round(seconds, 1), "resumed_from_epoch": checkpoint.restored_epoch,
               "steps": done * steps_per_epoch, "stopped_by_time_limit": bool(budget and budget.stopped),
               "stopped_by_early_stopping": stopped_early}
    if quality and quality.last:
        summary["quality"] = quality.last
    logger.write(plot=False, summary=summary)  # on_train_end drew the final curves
    print(f"\ntrained {_count(done, 'epoch')} ({_count(done * steps_per_epoch, 'step')}) in {seconds / 60:.1f} min" + (
        f" (resumed after epoch {checkpoint.restored_epoch})" if checkpoint.restored_epoch else ""))
    if stopped_early and done < epochs:
        print(f"stopped after epoch {done} of {epochs}: the FID had not improved by {config['min_delta']:g} in "
              f"{_count(config['patience'], 'measurement')} (--patience 0 trains to the end)")
    elif budget and budget.stopped and done < epochs:
        print(f"stopped by the {config['minutes']:g}-minute limit before epoch {done + 1} of {epochs}: "
              "--resume continues the run, --minutes 0 trains without a limit")
    if quality and quality.last:
        q = quality.last
        print(f"quality: FID {q['fid']:.2f}, inception score {q['inception_score']:.2f}, "
              f"{q['classes_covered']}/10 digits with at least 5% of samples")
    print(f"wrote to {out}/:")
    for name, what in (("samples_latest.png", "the last grid of samples"), ("samples.gif", "the grids, animated"),
                       ("samples/", "one grid per epoch"), ("losses.png", "loss curves"),
                       ("metrics.json", "losses and quality per epoch"), ("generator.keras", "the generator"),
                       ("run.json", "the run's settings"), ("checkpoints/", "what --resume continues from")):
        print(f"  {name:<20} {what}")
    if (out / "tensorboard").exists():
        print(f"  {'tensorboard/':<20} TensorBoard logs: tensorboard --logdir {out / 'tensorboard'}")
