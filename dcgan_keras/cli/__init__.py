"""The command line: ``python -m dcgan_keras {train,sample,evaluate,benchmark} ...`` (or ``dcgan-keras ...``).

Every problem with the input (a bad flag, a missing file, an unwritable folder) ends in one line on
stderr and exit status 2; a failure during training (a NaN loss) in one line and exit status 1.
``parser`` holds the flags, ``train`` runs the recipe, ``generator`` samples and evaluates.
"""

from dcgan_keras.cli.arguments import UsageError
from dcgan_keras.cli.parser import build_parser

__all__ = ["main", "build_parser", "UsageError"]


def main(argv=None, prog=None):
    """Run the command line on ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    args.prog = parser.prog
    try:
        if args.command == "train":
            from dcgan_keras.cli.train import train

            return train(args)
        if args.command in ("sample", "evaluate"):
            from dcgan_keras.cli import generator

            return getattr(generator, args.command)(args)
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
