"""What the command line's flags accept, and how its help and errors look.

Every type here turns a bad value into argparse's one-line error that names the flag.
"""

import argparse
import math
import pathlib
import sys

__all__ = ["Parser", "HelpFormatter", "UsageError", "shown_default", "positive_int", "whole_number", "positive_float",
           "minutes_limit", "seconds_interval", "data_source", "program_name"]


class UsageError(Exception):
    """Bad input found after parsing: reported as one line, exit status 2."""


def program_name(argv0=None):
    """``python -m dcgan_keras`` when run as a module, else the script's name (``dcgan-keras``)."""
    argv0 = pathlib.Path(argv0 if argv0 is not None else (sys.argv[0] if sys.argv else ""))
    if argv0.name in ("__main__.py", "") or argv0.name.startswith("-"):
        return "python -m dcgan_keras"
    return argv0.name if argv0.suffix != ".py" else "python -m dcgan_keras"


# Words typed in place of a command that belong to another program: the hint that points there.
ELSEWHERE = {"course": "the course tools are their own program: python -m dcgan_keras.course --help"}


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: what is wrong, and where help is."""

    def error(self, message):
        for word, hint in ELSEWHERE.items():
            if f"invalid choice: '{word}'" in message:
                self.exit(2, f"{self.prog}: error: {message}; {hint}\n")
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def shown_default(action):
    """The default that ``--help`` shows after a flag's help, as text; None when it shows none.

    Nothing is shown for a positional argument, a help text that places ``%(default)s`` itself, or
    a default of None or False (a switch that is off, or a value worked out later, which the help
    text explains); every other default is shown, 0 included.
    """
    default = action.default
    if (not action.option_strings or "%(default)" in (action.help or "") or default is None or default is False
            or default is argparse.SUPPRESS):
        return None
    if isinstance(default, float):
        return f"{default:g}"
    if isinstance(default, (list, tuple)):
        return " ".join(str(v) for v in default)
    return str(default)


class HelpFormatter(argparse.HelpFormatter):
    """Shows each flag's default after its help (see :func:`shown_default`)."""

    def _get_help_string(self, action):
        text = action.help or ""
        default = shown_default(action)
        if default is None:
            return text
        return f"{text} (default: {default})"


def whole_number(minimum):
    """An argparse type: a whole number of at least ``minimum``."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


positive_int = whole_number(1)


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
