"""The two argument checks the whole package uses: a real number in a range, and a positive whole number.

Each raises ``ValueError`` with a message that names the argument, what it must be and what it got,
so that a bad value fails where it is passed, not deep inside TensorFlow. ``True`` and ``False`` are
refused (Python counts them as 0 and 1); NumPy scalars are accepted; NaN is refused everywhere;
a string such as ``"13"`` is refused (convert it first: the command line does).

The layers in :mod:`dcgan_keras.layers` carry their own one-line check instead, so that each class
can be copied on its own.
"""

import math
import numbers

__all__ = ["check_number", "check_positive_int"]


def check_number(value, name, minimum=None, maximum=None, include_minimum=True, include_maximum=True,
                 allow_inf=False, hint=""):
    """``value`` as a float, or a ``ValueError`` naming ``name`` when it is not a number in the range.

    Args:
        value: what was passed.
        name: the argument's name, for the message.
        minimum, maximum: bounds (``None`` for none).
        include_minimum, include_maximum: whether the bounds themselves are allowed.
        allow_inf: whether infinity is allowed (NaN never is).
        hint: a few words appended to the message, e.g. ``"(0 turns the penalty off)"``.

    Example:
        >>> check_number(0.5, "decay", 0, 1, include_maximum=False)
        0.5
        >>> check_number(float("nan"), "decay")
        Traceback (most recent call last):
        ...
        ValueError: decay must be a number, got nan
    """
    if minimum is not None and maximum is not None:
        wanted = f"a number in {'[' if include_minimum else '('}{minimum:g}, {maximum:g}{']' if include_maximum else ')'}"
    elif minimum is not None:
        wanted = f"a number {'>=' if include_minimum else '>'} {minimum:g}"
    elif maximum is not None:
        wanted = f"a number {'<=' if include_maximum else '<'} {maximum:g}"
    else:
        wanted = "a number"
    message = f"{name} must be {wanted}{' ' + hint if hint else ''}, got {value!r}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(message)
    number = float(value)
    if math.isnan(number) or (math.isinf(number) and not allow_inf):
        raise ValueError(message)
    if minimum is not None and (number < minimum or (number == minimum and not include_minimum)):
        raise ValueError(message)
    if maximum is not None and (number > maximum or (number == maximum and not include_maximum)):
        raise ValueError(message)
    return number


def check_positive_int(value, name, minimum=1, hint=""):
    """``value`` as an ``int``, or a ``ValueError`` naming ``name`` when it is not a whole number >= ``minimum``.

    ``minimum=0`` admits zero (for counts where 0 means "none").

    Example:
        >>> check_positive_int(3, "filters")
        3
        >>> check_positive_int(2.0, "filters")
        Traceback (most recent call last):
        ...
        ValueError: filters must be a whole number >= 1, got 2.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}{' ' + hint if hint else ''}, got {value!r}")
    return int(value)
