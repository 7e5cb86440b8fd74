"""The command line's flags: one function a command, the training flags in groups.

Defaults come from :data:`dcgan_keras.recipe.TRAINING_DEFAULTS`, read without importing TensorFlow, so
``--help`` stays fast.
"""

import argparse

from dcgan_keras import __version__
from dcgan_keras.cli.arguments import (
    HelpFormatter,
    Parser,
    data_source,
    minutes_limit,
    positive_float,
    positive_int,
    program_name,
    seconds_interval,
    whole_number,
)
from dcgan_keras.recipe import TRAINING_DEFAULTS as D

__all__ = ["COURSE_TOOLS", "build_parser"]

#: The end of the top-level help: the course's own program, which this one does not import.
COURSE_TOOLS = """\
course tools (for instructors, a program of their own):
  python -m dcgan_keras.course student OUT/
                        write the student editions of the notebooks: no solutions, no outputs
  python -m dcgan_keras.course student --nbgrader OUT/
                        the same as nbgrader source notebooks, graded by nbgrader's autograde
  see docs/instructors.md"""


def build_parser(prog=None):
    """The parser of ``python -m dcgan_keras`` (or ``dcgan-keras``): train, sample, evaluate, benchmark."""
    parser = Parser(prog=prog or program_name(), description="Train, sample, evaluate and benchmark DCGANs.",
                    formatter_class=argparse.RawDescriptionHelpFormatter, epilog=COURSE_TOOLS)
    parser.add_argument("--version", action="version", version=f"dcgan-keras {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    add_train_parser(commands)
    add_sample_parser(commands)
    add_evaluate_parser(commands)
    add_benchmark_parser(commands)
    return parser


def add_train_parser(commands):
    train = commands.add_parser(
        "train", help="train a DCGAN (default: MNIST, a few minutes on a CPU)", formatter_class=HelpFormatter,
        description="Train a DCGAN with the package's recipe (dcgan_keras.recipe) and write sample grids, a GIF, "
                    "loss curves, metrics and the generator to --out. The run ends after --steps training steps, "
                    "after --minutes of training, or, on MNIST, when the quality has stopped improving during the "
                    "learning-rate cooldown, whichever comes first.")
    _data_flags(train.add_argument_group("data"))
    _length_flags(train.add_argument_group("run length"))
    _network_flags(train.add_argument_group("networks"))
    _optimizer_flags(train.add_argument_group("optimisation (Adam, one per network)"))
    _quality_flags(train.add_argument_group("quality and early stopping (28x28 greyscale data)"))
    _speed_flags(train.add_argument_group("speed and reproducibility"))
    _output_flags(train.add_argument_group("output"))
    return train


def _data_flags(group):
    group.add_argument("--data", metavar="SOURCE", type=data_source, default="auto",
                       help="'auto': full MNIST (60,000 digits) when it is in Keras's cache or can be downloaded, "
                            "else the 5,000 digits shipped with the package; 'full': full MNIST or an error; "
                            "'embedded': the 5,000 shipped digits; or a folder of your own images")
    group.add_argument("--image-size", type=positive_int, nargs=2, metavar=("HEIGHT", "WIDTH"),
                       help="resize images from a folder to this size (default 28 28 for MNIST, 64 64 for folders)")
    group.add_argument("--channels", type=int, choices=(1, 3), default=None,
                       help="1 for greyscale, 3 for colour (folders only; default 1 for MNIST, 3 for folders)")
    group.add_argument("--limit", metavar="N", type=positive_int,
                       help="train on N images drawn at random (seeded by --seed), for quick trials")


def _length_flags(group):
    length = group.add_mutually_exclusive_group()
    length.add_argument("--steps", metavar="N", type=positive_int, default=None,
                        help=f"training steps (default: {D['steps']}); the run length is then the same whatever "
                             "the data set's size")
    length.add_argument("--epochs", metavar="N", type=positive_int, help="passes over the data, instead of --steps")
    group.add_argument("--minutes", metavar="MINUTES", type=minutes_limit, default=None,
                       help=f"also stop once this many minutes of training have passed, checked after every call "
                            f"of the compiled step (every --steps-per-execution steps); 0: no limit (default: "
                            f"{D['minutes']:g} when neither --steps nor --epochs is given, else 0)")
    group.add_argument("--batch-size", metavar="N", type=positive_int, default=D["batch_size"], help="images per step")


def _network_flags(group):
    group.add_argument("--latent-dim", metavar="N", type=positive_int, default=D["latent_dim"], help="length of the noise vector")
    group.add_argument("--upsampling", choices=("transpose", "resize"), default=D["upsampling"],
                       help="generator up-sampling: transposed convolutions (the paper) or resize-convolution")
    group.add_argument("--g-filters", metavar="N", type=positive_int, default=D["g_filters"],
                       help="generator width: channels of its last hidden block")
    group.add_argument("--g-refine-blocks", metavar="N", type=whole_number(0), default=D["g_refine_blocks"],
                       help="stride-1 generator blocks on its starting maps (the DCGAN paper has 0)")
    group.add_argument("--d-filters", metavar="N", type=positive_int, default=D["d_filters"],
                       help="discriminator width: channels of its first block")


def _optimizer_flags(group):
    group.add_argument("--learning-rate", metavar="RATE", type=positive_float, default=D["learning_rate"],
                       help="learning rate of both networks, or of the generator alone with --d-learning-rate")
    group.add_argument("--d-learning-rate", metavar="RATE", type=positive_float, default=None,
                       help="the discriminator's own learning rate (default: --learning-rate)")
    group.add_argument("--beta-1", metavar="BETA", type=float, default=D["beta_1"], help="Adam's beta_1, its momentum (the paper: 0.5)")
    group.add_argument("--beta-2", metavar="BETA", type=float, default=D["beta_2"], help="Adam's beta_2 (Keras's own default: 0.999)")
    group.add_argument("--label-smoothing", metavar="SHARE", type=float, default=D["label_smoothing"],
                       help="one-sided label smoothing for real images, in [0, 0.5)")
    group.add_argument("--r1-weight", metavar="WEIGHT", type=float, default=D["r1_weight"],
                       help="weight of the R1 gradient penalty on real images, which keeps the discriminator from "
                            "over-fitting small data sets (0 turns it off)")
    group.add_argument("--ema-decay", metavar="DECAY", type=float, default=D["ema_decay"],
                       help="decay of the moving average of the generator's weights that draws the samples and is "
                            "saved as generator.keras (0: the trained weights)")
    group.add_argument("--cooldown", type=float, default=D["cooldown"], metavar="SHARE",
                       help="lower both learning rates in a straight line over this last share of the run (of its "
                            "steps, or of --minutes if that comes first); 0: constant rates")
    group.add_argument("--cooldown-final", type=float, default=D["cooldown_final"], metavar="SHARE",
                       help="the learning rates at the end of the cooldown, as a share of --learning-rate")


def _quality_flags(group):
    group.add_argument("--quality-every", type=whole_number(0), default=D["quality_every"], metavar="STEPS",
                       help="measure FID about every this many steps (rounded to whole epochs) and at the end; "
                            "0: only at the end")
    group.add_argument("--patience", type=whole_number(0), default=D["patience"], metavar="N",
                       help="once the cooldown has begun, stop when N measurements in a row have not improved the "
                            "best FID by --min-delta; 0: never stop early")
    group.add_argument("--min-delta", metavar="FID", type=float, default=D["min_delta"], help="the least FID improvement that counts")
    group.add_argument("--no-quality", action="store_true", help="skip the FID measurements (and early stopping)")


def _speed_flags(group):
    group.add_argument("--xla", action=argparse.BooleanOptionalAction, default=None,
                       help="compile the train step with XLA (default: on, except with --deterministic or several "
                            "GPUs)")
    group.add_argument("--mixed-precision", choices=("auto", "float32", "bfloat16", "float16"),
                       default=D["precision"],
                       help="'auto': mixed_float16 when a GPU is found, float32 on every CPU (never bfloat16 "
                            "unless asked); 'bfloat16' and 'float16' are used only when asked")
    group.add_argument("--steps-per-execution", metavar="N", type=positive_int, default=D["steps_per_execution"],
                       help="training steps per call of the compiled step; callbacks see every Nth step")
    group.add_argument("--deterministic", action="store_true",
                       help="identical losses and grids for the same seed on the same machine (slower)")
    group.add_argument("--seed", metavar="N", type=int, default=0, help="random seed")


def _output_flags(group):
    group.add_argument("--out", metavar="FOLDER", default="runs/dcgan", help="output folder")
    again = group.add_mutually_exclusive_group()
    again.add_argument("--resume", action="store_true", help="continue the run in --out from its last checkpoint")
    again.add_argument("--overwrite", action="store_true",
                       help="start a new run in --out, deleting the files an earlier run wrote there")
    group.add_argument("--checkpoint-every", type=seconds_interval, default=30.0, metavar="SECONDS",
                       help="save the checkpoint that --resume continues from at the end of an epoch that ends at "
                            "least this long after the last save, and at the end of the run; 0: every epoch")
    group.add_argument("--tensorboard", action="store_true",
                       help="also log losses, FID and sample grids for TensorBoard in OUT/tensorboard")
    group.add_argument("--no-progress", action="store_true",
                       help="no progress bar (nor, in a log file, its line every 30 seconds)")


def add_sample_parser(commands):
    sample = commands.add_parser("sample", help="write a grid of samples from a saved generator",
                                 formatter_class=HelpFormatter)
    sample.add_argument("generator", help="a generator saved as .keras (for example runs/dcgan/generator.keras)")
    sample.add_argument("--n", type=int, default=64, help="number of images")
    sample.add_argument("--seed", type=int, default=0, help="noise seed")
    sample.add_argument("--out", default="samples.png", help="PNG file to write")
    sample.add_argument("--latent-dim", type=positive_int, help="check that the generator takes this noise length")


def add_evaluate_parser(commands):
    evaluate = commands.add_parser("evaluate", help="print the quality figures of a saved MNIST generator",
                                   formatter_class=HelpFormatter)
    evaluate.add_argument("generator", help="a generator saved as .keras, making 28x28x1 images")
    evaluate.add_argument("--n", type=positive_int, default=1000, help="samples to score")
    evaluate.add_argument("--seed", type=int, default=0, help="noise seed")
    evaluate.add_argument("--draws", type=positive_int, default=1,
                          help="score this many independent sets of --n samples and print the mean FID and its "
                               "spread; one set's FID moves by a tenth or two from draw to draw")
    evaluate.add_argument("--train-data", choices=("auto", "embedded", "full", "none"), default="auto",
                          help="the digits the generator trained on, for the memorisation check (how far samples "
                               "lie from their nearest training digit, against unseen test digits); 'auto': what "
                               "run.json beside the generator says; 'none': skip the check")


def add_benchmark_parser(commands):
    bench = commands.add_parser("benchmark", help="measure training throughput, or quality against time",
                                formatter_class=HelpFormatter)
    bench.add_argument("--batch-sizes", type=positive_int, nargs="+", default=[64, 128, 256], help="batch sizes")
    bench.add_argument("--modes", nargs="+", default=None,
                       help="modes to time (default: all, float16 only with a GPU): reference, function, xla, "
                            "bfloat16, bfloat16+spe4, bfloat16+xla, bfloat16+r1, float16")
    bench.add_argument("--windows", type=positive_int, default=5, help="timed windows per mode")
    bench.add_argument("--window-steps", type=positive_int, default=20, help="steps per timed window")
    bench.add_argument("--quality", action="store_true",
                       help="instead: train with the defaults and report the quality reached at time budgets")
    bench.add_argument("--budgets", type=positive_float, nargs="+", default=[1, 2, 5, 10],
                       help="minutes at which --quality measures")
    bench.add_argument("--reference", action="store_true",
                       help="with --quality: also train the TensorFlow tutorial's setup for twice the longest budget")
    bench.add_argument("--out", default="runs/benchmark.json", help="JSON file for the results")
