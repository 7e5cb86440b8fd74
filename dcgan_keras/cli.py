"""The command line: ``python -m dcgan_keras {train,sample,evaluate,benchmark} ...``.

Every problem with the input (a bad flag, a missing file, an unwritable folder) ends
in one line on stderr and exit status 2; a failure during training (a NaN loss) in one
line and exit status 1.
"""

import argparse
import json
import math
import os
import pathlib
import sys
import time
import warnings

from dcgan_keras import __version__

# The same numbers as dcgan_keras.gan.TRAINING_DEFAULTS (a test checks), kept here so that parsing
# the command line does not have to import TensorFlow.
DEFAULT_STEPS = 12000
DEFAULT_BATCH = 64
DEFAULT_LATENT = 32
DEFAULT_LEARNING_RATE = 2e-3
DEFAULT_G_FILTERS = 32
DEFAULT_G_REFINE_BLOCKS = 1
DEFAULT_D_FILTERS = 16
DEFAULT_BETA_1 = 0.0
DEFAULT_BETA_2 = 0.99
DEFAULT_R1_WEIGHT = 1.0
DEFAULT_EMA_DECAY = 0.995
DEFAULT_COOLDOWN = 0.4
DEFAULT_COOLDOWN_FINAL = 0.1
DEFAULT_MINUTES = 9.0
DEFAULT_STEPS_PER_EXECUTION = 6  # divides the 78 steps of an epoch of the embedded digits
DEFAULT_CHECKPOINT_SECONDS = 30.0


class UsageError(Exception):
    """Bad input found after parsing: reported as one line, exit status 2."""


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def _zero_or_positive(unit, zero_means):
    """An argparse type: 0 (which means ``zero_means``) or a positive, finite number of ``unit``."""

    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number of {unit}, got {text!r}") from None
        if not value >= 0 or not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be 0 ({zero_means}) or a positive number of {unit}, got {text}")
        return value

    return parse


minutes_limit = _zero_or_positive("minutes", "no time limit")
seconds_interval = _zero_or_positive("seconds", "after every epoch")


def data_source(text):
    if text in ("auto", "full", "embedded"):
        return text
    path = pathlib.Path(text)
    if path.is_dir():
        return path
    raise argparse.ArgumentTypeError(f"{text!r} is neither 'auto', 'full', 'embedded' nor an existing folder of images")


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: what is wrong, and where help is."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser():
    parser = Parser(prog="python -m dcgan_keras",
                                     description="Train, sample, evaluate and benchmark DCGANs.")
    parser.add_argument("--version", action="version", version=f"dcgan-keras {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)

    train = commands.add_parser("train", help="train a DCGAN (default: MNIST, a few minutes on a CPU)",
                                description="Train a DCGAN and write sample grids, a GIF, loss curves, metrics "
                                            "and the generator to --out.")
    length = train.add_mutually_exclusive_group()
    length.add_argument("--epochs", type=positive_int,
                        help="passes over the data (default: enough for --steps training steps)")
    length.add_argument("--steps", type=positive_int, default=DEFAULT_STEPS,
                        help=f"training steps when --epochs is not given (default {DEFAULT_STEPS}); the run length "
                             "is then the same whatever the data set's size")
    train.add_argument("--minutes", type=minutes_limit, default=DEFAULT_MINUTES,
                       help=f"also stop after the first epoch that ends past this many minutes of training "
                            f"(default {DEFAULT_MINUTES:g}, so that the default run ends within about ten minutes "
                            "on a slow CPU too; 0: no time limit)")
    train.add_argument("--batch-size", type=positive_int, default=DEFAULT_BATCH,
                       help=f"images per step (default {DEFAULT_BATCH})")
    train.add_argument("--latent-dim", type=positive_int, default=DEFAULT_LATENT,
                       help=f"length of the noise vector (default {DEFAULT_LATENT})")
    train.add_argument("--data", type=data_source, default="auto",
                       help="'embedded' (5,000 digits shipped with the package), 'full' (60,000 MNIST digits, "
                            "cached or downloaded), 'auto' (full if it can be had, else embedded; the default), "
                            "or a folder of your own images")
    train.add_argument("--image-size", type=positive_int, nargs=2, metavar=("HEIGHT", "WIDTH"),
                       help="resize images from a folder to this size (default 28 28 for MNIST, 64 64 for folders)")
    train.add_argument("--channels", type=int, choices=(1, 3), default=None,
                       help="1 for greyscale, 3 for colour (folders only; default 1 for MNIST, 3 for folders)")
    train.add_argument("--limit", type=positive_int, help="train on N images drawn at random (seeded by --seed), for quick trials")
    train.add_argument("--out", default="runs/dcgan", help="output folder (default runs/dcgan)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument("--upsampling", choices=("transpose", "resize"), default="transpose",
                       help="generator up-sampling: transposed convolutions (the paper) or resize-convolution")
    train.add_argument("--g-filters", type=positive_int, default=DEFAULT_G_FILTERS,
                       help=f"generator width: channels of its last hidden block (default {DEFAULT_G_FILTERS})")
    train.add_argument("--g-refine-blocks", type=int, default=DEFAULT_G_REFINE_BLOCKS,
                       help="stride-1 generator blocks on its 7x7 starting maps, before the first up-sampling "
                            f"(default {DEFAULT_G_REFINE_BLOCKS}; the DCGAN paper has 0)")
    train.add_argument("--d-filters", type=positive_int, default=DEFAULT_D_FILTERS,
                       help=f"discriminator width: channels of its first block (default {DEFAULT_D_FILTERS})")
    train.add_argument("--learning-rate", type=positive_float, default=DEFAULT_LEARNING_RATE,
                       help=f"Adam learning rate of both networks, or of the generator alone when --d-learning-rate "
                            f"is given (default {DEFAULT_LEARNING_RATE:g})")
    train.add_argument("--d-learning-rate", type=positive_float, default=None,
                       help="the discriminator's own learning rate, when it should differ from the generator's "
                            "(default: --learning-rate for both)")
    train.add_argument("--beta-1", type=float, default=DEFAULT_BETA_1,
                       help=f"Adam beta_1, its momentum (default {DEFAULT_BETA_1:g}; the DCGAN paper used 0.5)")
    train.add_argument("--beta-2", type=float, default=DEFAULT_BETA_2,
                       help=f"Adam beta_2 (default {DEFAULT_BETA_2:g}; Keras's own default is 0.999)")
    train.add_argument("--label-smoothing", type=float, default=0.0,
                       help="one-sided label smoothing for real images (default 0)")
    train.add_argument("--r1-weight", type=float, default=DEFAULT_R1_WEIGHT,
                       help=f"weight of the R1 gradient penalty on real images, which keeps the discriminator "
                            f"from over-fitting small data sets (default {DEFAULT_R1_WEIGHT:g}; 0 turns it off)")
    train.add_argument("--ema-decay", type=float, default=DEFAULT_EMA_DECAY,
                       help=f"decay of the moving average of the generator's weights that draws the samples and is "
                            f"saved as generator.keras (default {DEFAULT_EMA_DECAY:g}; 0: use the trained weights)")
    train.add_argument("--cooldown", type=float, default=DEFAULT_COOLDOWN, metavar="SHARE",
                       help="lower both learning rates in a straight line over this last share of the run (of its "
                            f"steps, or of --minutes if that comes first), to --cooldown-final at the end (default "
                            f"{DEFAULT_COOLDOWN:g}; 0: constant rates)")
    train.add_argument("--cooldown-final", type=float, default=DEFAULT_COOLDOWN_FINAL, metavar="SHARE",
                       help="the learning rates at the end of the cooldown, as a share of --learning-rate "
                            f"(default {DEFAULT_COOLDOWN_FINAL:g})")
    train.add_argument("--xla", action=argparse.BooleanOptionalAction, default=None,
                       help="compile the train step with XLA (default: on, except with --deterministic or "
                            "several GPUs; --no-xla turns it off)")
    train.add_argument("--mixed-precision", choices=("auto", "float32", "bfloat16", "float16"), default="auto",
                       help="'auto' (default): float16 on a GPU; on a CPU, bfloat16 with --no-xla if it has "
                            "bfloat16 instructions, else float32")
    train.add_argument("--steps-per-execution", type=positive_int, default=DEFAULT_STEPS_PER_EXECUTION,
                       help="training steps per call of the compiled step, which saves Python's overhead between "
                            f"steps; callbacks see every Nth step (default {DEFAULT_STEPS_PER_EXECUTION})")
    train.add_argument("--checkpoint-every", type=seconds_interval, default=DEFAULT_CHECKPOINT_SECONDS,
                       metavar="SECONDS",
                       help="save the checkpoint that --resume continues from at the end of an epoch that ends at "
                            "least this long after the last save, and at the end of the run (default "
                            f"{DEFAULT_CHECKPOINT_SECONDS:g}; 0: after every epoch)")
    train.add_argument("--quality-every", type=int, default=10,
                       help="measure FID every N epochs and at the end, for 28x28 greyscale data (0: only at the end)")
    train.add_argument("--no-quality", action="store_true", help="skip the FID measurements")
    train.add_argument("--resume", action="store_true",
                       help="continue the run in --out from its last checkpoint")
    train.add_argument("--deterministic", action="store_true",
                       help="identical losses and grids for the same seed on the same machine (slower)")
    train.add_argument("--no-progress", action="store_true",
                       help="no progress bar (nor, in a log file, its line every 30 seconds)")

    sample = commands.add_parser("sample", help="write a grid of samples from a saved generator")
    sample.add_argument("generator", help="a generator saved as .keras (for example runs/dcgan/generator.keras)")
    sample.add_argument("--n", type=int, default=64, help="number of images (default 64)")
    sample.add_argument("--seed", type=int, default=0, help="noise seed (default 0)")
    sample.add_argument("--out", default="samples.png", help="PNG file to write (default samples.png)")
    sample.add_argument("--latent-dim", type=positive_int, help="check that the generator takes this noise length")

    evaluate = commands.add_parser("evaluate", help="print the quality figures of a saved MNIST generator")
    evaluate.add_argument("generator", help="a generator saved as .keras, making 28x28x1 images")
    evaluate.add_argument("--n", type=positive_int, default=1000, help="samples to score (default 1000)")
    evaluate.add_argument("--seed", type=int, default=0, help="noise seed (default 0)")
    evaluate.add_argument("--draws", type=positive_int, default=1,
                          help="score this many independent sets of --n samples and print the mean FID and its "
                               "spread (default 1); one set's FID moves by a tenth or two from draw to draw")

    bench = commands.add_parser("benchmark", help="measure training throughput, or quality against time")
    bench.add_argument("--batch-sizes", type=positive_int, nargs="+", default=[64, 128, 256])
    bench.add_argument("--modes", nargs="+", default=None,
                       help="modes to time (default: all): reference, function, xla, bfloat16, float16, spe4, ...")
    bench.add_argument("--windows", type=positive_int, default=5, help="timed windows per mode (default 5)")
    bench.add_argument("--window-steps", type=positive_int, default=20, help="steps per timed window (default 20)")
    bench.add_argument("--quality", action="store_true",
                       help="instead: train with the defaults and report the quality reached at time budgets")
    bench.add_argument("--budgets", type=positive_float, nargs="+", default=[1, 2, 5, 10],
                       help="minutes at which --quality measures (default 1 2 5 10)")
    bench.add_argument("--reference", action="store_true",
                       help="with --quality: also train the TensorFlow tutorial's setup for twice the longest budget")
    bench.add_argument("--out", default="runs/benchmark.json", help="JSON file for the results")
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "train":
            return train(args)
        if args.command == "sample":
            return sample(args)
        if args.command == "evaluate":
            return evaluate(args)
        if args.command == "benchmark":
            from dcgan_keras.benchmark import run_benchmark

            try:
                return run_benchmark(args)
            except ValueError as exc:
                raise UsageError(str(exc)) from exc
    except UsageError as exc:
        parser.exit(2, f"{parser.prog} {args.command}: error: {exc}\n")
    except KeyboardInterrupt:
        parser.exit(130, "interrupted; resume with --resume\n")
    return 0


def _count(n, noun):
    """``1 epoch``, ``2 epochs``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _load_images(args):
    from dcgan_keras import data

    try:
        if isinstance(args.data, pathlib.Path):
            size = tuple(args.image_size or (64, 64))
            images = data.load_image_folder(args.data, size, args.channels or 3)
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


MODEL_SETTINGS = ("latent_dim", "image_shape", "upsampling", "g_filters", "g_refine_blocks", "d_filters", "ema_decay")


def optimizers(args):
    """The discriminator's and the generator's Adam, from the parsed ``train`` flags."""
    from dcgan_keras.gan import default_optimizer

    d_rate = args.d_learning_rate or args.learning_rate
    return (default_optimizer(d_rate, args.beta_1, args.beta_2),
            default_optimizer(args.learning_rate, args.beta_1, args.beta_2))


def train(args):
    from dcgan_keras.files import check_writable_dir, remove_temporaries, write_json

    out = pathlib.Path(args.out)
    try:
        check_writable_dir(out)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if not 0 <= args.label_smoothing < 0.5:
        raise UsageError(f"--label-smoothing must be in [0, 0.5), got {args.label_smoothing}")
    if not (math.isfinite(args.r1_weight) and args.r1_weight >= 0):
        raise UsageError(f"--r1-weight must be 0 or more (0 turns the penalty off), got {args.r1_weight}")
    if not 0 <= args.ema_decay < 1:
        raise UsageError(f"--ema-decay must be in [0, 1) (0 turns the average off), got {args.ema_decay}")
    if not 0 <= args.beta_1 < 1:
        raise UsageError(f"--beta-1 must be in [0, 1), got {args.beta_1}")
    if not 0 <= args.beta_2 < 1:
        raise UsageError(f"--beta-2 must be in [0, 1), got {args.beta_2}")
    if not 0 <= args.cooldown <= 1:
        raise UsageError(f"--cooldown must be a share of the run in [0, 1] (0: constant learning rates), "
                         f"got {args.cooldown}")
    if not 0 <= args.cooldown_final <= 1:
        raise UsageError(f"--cooldown-final must be a share of the learning rate in [0, 1], got {args.cooldown_final}")
    if args.g_refine_blocks < 0:
        raise UsageError(f"--g-refine-blocks must be 0 or more, got {args.g_refine_blocks}")
    if args.quality_every < 0:
        raise UsageError(f"--quality-every must be 0 or more, got {args.quality_every}")
    if not isinstance(args.data, pathlib.Path) and (
            args.image_size and tuple(args.image_size) != (28, 28) or args.channels == 3):
        raise UsageError("MNIST digits are 28x28 greyscale; --image-size and --channels apply to folders")
    remove_temporaries(out)  # half-written files of a run that was killed
    has_checkpoint = (out / "checkpoints" / "state.json").exists()
    if has_checkpoint and not args.resume:
        raise UsageError(f"{out} holds a checkpoint from an earlier run; pass --resume to continue it, or choose "
                         "another folder with --out")

    import keras

    from dcgan_keras import acceleration, callbacks
    from dcgan_keras.data import make_dataset
    from dcgan_keras.determinism import set_deterministic
    from dcgan_keras.gan import DCGAN
    from dcgan_keras.models import build_discriminator, build_generator, upsampling_plan

    if args.deterministic:
        if args.xla:
            raise UsageError("--deterministic and --xla do not go together: op determinism turns XLA off")
        set_deterministic(args.seed)
        args.xla = False
    else:
        keras.utils.set_random_seed(args.seed)

    strategy = acceleration.get_strategy()
    if args.xla is None:  # XLA by default: about 1.16 times the steps per second on a 2-core CPU
        args.xla = strategy.num_replicas_in_sync == 1
    images, source = _load_images(args)
    image_shape = tuple(int(v) for v in images.shape[1:])
    try:
        upsampling_plan(image_shape)
    except ValueError as exc:
        raise UsageError(f"{exc} (use --image-size)") from exc
    policy = acceleration.set_precision(args.mixed_precision, xla=args.xla)
    # Whole batches only: a short last batch would be a noisy step for both networks' BatchNorm
    # and, under XLA, a second compilation of the step.
    steps_per_epoch = len(images) // args.batch_size
    epochs = args.epochs or max(1, round(args.steps / steps_per_epoch))

    settings = {"latent_dim": args.latent_dim, "image_shape": list(image_shape), "upsampling": args.upsampling,
                "g_filters": args.g_filters, "g_refine_blocks": args.g_refine_blocks, "d_filters": args.d_filters,
                "ema_decay": args.ema_decay}
    run_file = out / "run.json"
    if args.resume and run_file.exists():
        saved = json.loads(run_file.read_text())
        saved.setdefault("g_refine_blocks", 0)  # runs saved before the setting existed had none
        different = [k for k in MODEL_SETTINGS if saved.get(k) != settings[k]]
        if different:
            raise UsageError(f"--resume with settings that differ from the run in {out}: "
                             + ", ".join(f"{k} was {saved.get(k)} now {settings[k]}" for k in different))
    run = {**settings, "data": source, "images": len(images), "batch_size": args.batch_size, "epochs": epochs,
           "seed": args.seed, "precision": policy, "xla": args.xla, "learning_rate": args.learning_rate,
           "d_learning_rate": args.d_learning_rate or args.learning_rate,
           "beta_1": args.beta_1, "beta_2": args.beta_2, "label_smoothing": args.label_smoothing,
           "r1_weight": args.r1_weight, "cooldown": args.cooldown, "cooldown_final": args.cooldown_final,
           "deterministic": args.deterministic,
           "steps_per_execution": args.steps_per_execution, "version": __version__}
    write_json(run_file, run)

    with strategy.scope():
        gan = DCGAN(build_generator(args.latent_dim, image_shape, args.g_filters, args.upsampling,
                                    refine_blocks=args.g_refine_blocks),
                    build_discriminator(image_shape, args.d_filters),
                    label_smoothing=args.label_smoothing, r1_weight=args.r1_weight, ema_decay=args.ema_decay,
                    seed=args.seed)
        d_optimizer, g_optimizer = optimizers(args)
        gan.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer,
                    jit_compile=bool(args.xla), steps_per_execution=args.steps_per_execution)
    dataset = make_dataset(images, args.batch_size, seed=args.seed, drop_remainder=True)
    warnings.filterwarnings("ignore", message=".*shuffle=True. was passed")  # the dataset shuffles itself

    mnist_like = image_shape == (28, 28, 1)
    checkpoint = callbacks.ResumableCheckpoint(out, resume=args.resume, every_seconds=args.checkpoint_every)
    quality = (callbacks.QualityMonitor(every=args.quality_every or 10 ** 9, total_epochs=epochs)
               if mnist_like and not args.no_quality else None)
    logger = callbacks.MetricsLogger(out, extra={"run": run})
    # The checkpoint comes after the logger: metrics.json is then never behind the checkpoint, only
    # ahead of it (after a kill, by the epochs since the last save), and --resume cuts it back.
    budget = callbacks.TimeBudget(args.minutes) if args.minutes else None
    cbs = [callbacks.StopOnNonFiniteLoss()]
    cbs += [quality] if quality else []
    if args.cooldown:  # before the logger, which then records each epoch's learning_rate_factor
        cbs.append(callbacks.LearningRateCooldown(start=1.0 - args.cooldown, final=args.cooldown_final, budget=budget))
    cbs += [callbacks.SampleGrid(out), logger, checkpoint]
    cbs += [budget] if budget else []
    if not args.no_progress:
        cbs.append(callbacks.ProgressBar(epochs, steps_per_epoch))

    print(f"training on {len(images)} images ({source}) of shape {image_shape}: {_count(epochs, 'epoch')} of "
          f"{steps_per_epoch} steps, batch {args.batch_size}, {policy}{', XLA' if args.xla else ''}"
          + (f"; stops after {args.minutes:g} minutes if not done by then" if budget else ""), flush=True)
    started = time.perf_counter()
    try:
        gan.fit(dataset, epochs=epochs, verbose=0, callbacks=cbs)
    except callbacks.NonFiniteLossError as exc:
        print(f"python -m dcgan_keras train: error: {exc}", file=sys.stderr)
        return 1
    except callbacks.CheckpointError as exc:
        raise UsageError(str(exc)) from exc
    seconds = time.perf_counter() - started
    done = len(logger.epoch_seconds)
    if quality and quality.last_epoch != done:  # stopped early (--minutes): score the final generator too
        quality.measure(done)

    from dcgan_keras.files import atomic_path

    generator_path = out / "generator.keras"
    with atomic_path(generator_path, suffix=".keras") as tmp:
        gan.sampler.save(tmp)  # the averaged generator, unless --ema-decay 0
    summary = {"seconds": round(seconds, 1), "resumed_from_epoch": checkpoint.restored_epoch,
               "steps": done * steps_per_epoch, "stopped_by_time_limit": bool(budget and budget.stopped)}
    if quality and quality.last:
        summary["quality"] = quality.last
    logger.write(plot=False, summary=summary)  # on_train_end drew the final curves

    print(f"\ntrained {_count(done, 'epoch')} ({_count(done * steps_per_epoch, 'step')}) in {seconds / 60:.1f} min" + (
        f" (resumed after epoch {checkpoint.restored_epoch})" if checkpoint.restored_epoch else ""))
    if budget and budget.stopped and done < epochs:
        print(f"stopped by the {args.minutes:g}-minute limit before epoch {done + 1} of {epochs}: "
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
    return 0


def _load_generator(path, latent_dim=None):
    """Load a generator saved as .keras with safe mode, or raise UsageError saying what is wrong."""
    path = pathlib.Path(path)
    if not path.exists():
        raise UsageError(f"generator file {path} does not exist (training writes it as OUT/generator.keras)")
    if path.suffix != ".keras":
        raise UsageError(f"{path} is not a Keras model file: expected a .keras file such as runs/dcgan/generator.keras")
    from dcgan_keras.models import load_generator

    try:
        model = load_generator(path)
    except Exception as exc:
        raise UsageError(f"{path} could not be loaded as a Keras model ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else ''}); is it a generator saved by this package?")\
            from exc
    if len(model.inputs) != 1 or len(model.input_shape) != 2 or len(model.output_shape) != 4:
        raise UsageError(f"{path} is not a generator: it maps {model.input_shape} to {model.output_shape}, "
                         "not noise (batch, latent_dim) to images (batch, height, width, channels)")
    if latent_dim is not None and model.input_shape[-1] != latent_dim:
        raise UsageError(f"{path} was built for latent size {model.input_shape[-1]}, not {latent_dim}")
    return model


def sample(args):
    if args.n < 1:
        raise UsageError(f"--n must be at least 1 image, got {args.n}")
    out = pathlib.Path(args.out)
    if out.suffix.lower() != ".png":
        raise UsageError(f"--out must name a .png file, got {out}")
    try:
        from dcgan_keras.files import check_writable_dir

        check_writable_dir(out.parent if str(out.parent) else ".")
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    generator = _load_generator(args.generator, args.latent_dim)

    import numpy as np

    from dcgan_keras.gan import generate_from_noise
    from dcgan_keras.images import image_grid, save_png

    z = np.random.default_rng(args.seed).standard_normal((args.n, generator.input_shape[-1])).astype(np.float32)
    grid = image_grid(generate_from_noise(generator, z))
    save_png(np.kron(grid, np.ones((2, 2, 1), np.uint8)), out)
    print(f"wrote {args.n} samples to {out}")
    return 0


def evaluate(args):
    generator = _load_generator(args.generator)
    if tuple(generator.output_shape[1:]) != (28, 28, 1):
        raise UsageError(f"{args.generator} makes images of shape {generator.output_shape[1:]}; the MNIST quality "
                         "measure needs 28x28x1 digits")
    import numpy as np

    from dcgan_keras.gan import generate_from_noise
    from dcgan_keras.metrics import quality_report

    rng = np.random.default_rng(args.seed)  # the first draw is the one a single draw scores
    reports = [quality_report(generate_from_noise(
        generator, rng.standard_normal((args.n, generator.input_shape[-1])).astype(np.float32)))
        for _ in range(args.draws)]
    if args.draws == 1:
        print(json.dumps(reports[0], indent=2))
        return 0
    fids = np.array([r["fid"] for r in reports])
    counts = np.sum([r["class_counts"] for r in reports], axis=0)
    total = args.draws * args.n
    print(json.dumps({
        "draws": args.draws, "n": args.n, "fid": float(fids.mean()), "fid_sd": float(fids.std(ddof=1)),
        "fid_per_draw": [float(f) for f in fids],
        "inception_score": float(np.mean([r["inception_score"] for r in reports])),
        "class_counts": [int(c) for c in counts], "min_class_fraction": float(counts.min() / total),
        "classes_covered": int(np.sum(counts >= 0.05 * total)),
        "classes_covered_fewest": min(r["classes_covered"] for r in reports)}, indent=2))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    raise SystemExit(main())
