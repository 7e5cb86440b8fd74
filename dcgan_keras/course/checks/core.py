"""Shared reporting for exercise checks.

Every check ends in one of three one-line messages, which the student edition of a notebook relies
on: "not answered yet" while the exercise's placeholder is untouched, a hint that points the way
(never the answer) when the answer is wrong, and "correct." when it is right. A check never raises:
:func:`never_raises` turns an error in the reader's code into a hint.
"""

import functools

__all__ = ["NOT_ANSWERED", "CheckResult", "is_placeholder", "never_raises", "not_answered", "report", "as_number"]

NOT_ANSWERED = "not answered yet"


class CheckResult:
    """The outcome of an exercise check: true when it passed, shown as one line of text."""

    def __init__(self, passed, message, answered=True):
        self.passed = bool(passed)
        self.answered = bool(answered)
        self.message = message

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return self.message


def report(passed, name, hint=""):
    """Say whether exercise ``name`` passed; on failure, give the hint.

    Example:
        >>> report(True, "Exercise 1")
        Exercise 1: correct.
        >>> report(False, "Exercise 2", "compare the shapes")
        Exercise 2: not yet. Hint: compare the shapes
    """
    message = f"{name}: correct." if passed else f"{name}: not yet. Hint: {hint}"
    return CheckResult(passed, message)


def not_answered(name, what=""):
    """The result of a check whose exercise still holds its placeholder.

    Example:
        >>> not_answered("Exercise 1", "answer is still None")
        Exercise 1: not answered yet (answer is still None).
    """
    return CheckResult(False, f"{name}: {NOT_ANSWERED}" + (f" ({what})." if what else "."), answered=False)


def is_placeholder(answer):
    """True for the placeholders an exercise stub leaves: None and ``...``."""
    return answer is None or answer is Ellipsis


def never_raises(name):
    """Decorate a check so that it returns a result instead of raising.

    The reader's code may fail in any way: a ``NotImplementedError`` (a stub whose body is still
    ``raise NotImplementedError``) counts as not answered yet, any other error becomes a hint that
    names it.

    Example:
        >>> @never_raises("Exercise 3")
        ... def check_three(answer):
        ...     return report(answer() == 3, "Exercise 3", "return three")
        >>> def stub():
        ...     raise NotImplementedError
        >>> check_three(stub)
        Exercise 3: not answered yet (your function still raises NotImplementedError).
        >>> check_three(lambda: 1 / 0)
        Exercise 3: not yet. Hint: your code raised ZeroDivisionError (division by zero); fix it and run the check again
    """

    def decorate(check):
        @functools.wraps(check)
        def guarded(*args, **kwargs):
            try:
                return check(*args, **kwargs)
            except NotImplementedError:
                return not_answered(name, "your function still raises NotImplementedError")
            except Exception as error:  # the reader's code, or an answer of an unexpected type
                return report(False, name, f"your code raised {type(error).__name__} ({error}); "
                                           "fix it and run the check again")

        return guarded

    return decorate


def as_number(answer):
    """A reader's answer as one finite float, or None when it is not one number.

    The one rule every check uses: ``True``/``False``, text (even ``"13"`` or ``["13"]``), ``None``, NaN, infinity
    and arrays of more than one value are not a number; NumPy scalars and one-element arrays are.
    """
    import numpy as np

    if answer is None or isinstance(answer, (bool, np.bool_, str, bytes)):
        return None
    try:
        value = np.asarray(answer)
    except (TypeError, ValueError):
        return None
    if value.dtype.kind not in "iuf":  # text, booleans, objects and complex numbers inside a list too
        return None
    value = value.astype(np.float64)
    if value.size != 1 or not np.isfinite(value).all():
        return None
    return float(value.reshape(()))
