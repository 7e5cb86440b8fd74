"""Shared reporting for exercise checks, and the grading mode.

Every check ends in one of three one-line messages, which the student edition of a notebook relies
on: "not answered yet" while the exercise's placeholder is untouched, a hint that points the way
(never the answer) when the answer is wrong, and "correct." when it is right. A check never raises:
:func:`never_raises` turns an error in the reader's code into a hint.

Grading is the one exception. In grading mode (:func:`set_grading`, or the environment variable
``DCGAN_KERAS_GRADING=1``) a check whose answer is missing or wrong raises :class:`CheckFailed` with
its message, so the notebook cell that called it fails, and a grader that scores a cell by whether
it raises (nbgrader's ``autograde``, or nbval) scores the exercise. Every public ``check_*`` goes
through :func:`graded`: the package ``dcgan_keras.course.checks`` exports each check wrapped in it.
"""

import contextlib
import functools
import io
import os
import warnings

__all__ = ["NOT_ANSWERED", "GRADING_VARIABLE", "CheckFailed", "CheckResult", "graded", "grading", "set_grading",
           "is_placeholder", "never_raises", "not_answered", "report", "as_number"]

NOT_ANSWERED = "not answered yet"
#: The environment variable that turns grading mode on for a whole process (and the kernels it starts).
GRADING_VARIABLE = "DCGAN_KERAS_GRADING"

_grading = None  # None: follow GRADING_VARIABLE; True or False: set by set_grading


class CheckResult:
    """The outcome of an exercise check, shown as one line of text.

    Attributes:
        passed: True when the answer is right. The result is truthy exactly then, so
            ``assert check_...(answer)`` and ``bool(check_...(answer))`` say the same.
        answered: False while the exercise still holds its placeholder (then ``passed`` is False too).
        message: the line the notebook shows: "... correct.", "... not yet. Hint: ..." or
            "... not answered yet ...".
    """

    def __init__(self, passed, message, answered=True):
        self.passed = bool(passed)
        self.answered = bool(answered)
        self.message = message

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return self.message


class CheckFailed(AssertionError):
    """Raised in grading mode by a check that did not pass; ``result`` is its :class:`CheckResult`."""

    def __init__(self, result):
        super().__init__(result.message)
        self.result = result


def grading():
    """True in grading mode: set by :func:`set_grading`, else by ``DCGAN_KERAS_GRADING=1`` in the environment."""
    if _grading is not None:
        return _grading
    return os.environ.get(GRADING_VARIABLE, "").strip().lower() in ("1", "true", "yes")


def set_grading(enabled=True):
    """Turn grading mode on (or off) for this process; ``None`` goes back to the environment variable.

    The graded student editions (``python -m dcgan_keras.course student --nbgrader``) call it in a
    hidden test at the top of each check cell, which nbgrader removes from what students receive and
    puts back when it grades.

    Example:
        >>> set_grading(True)
        >>> grading()
        True
        >>> set_grading(None)
    """
    global _grading
    _grading = None if enabled is None else bool(enabled)


def graded(check):
    """Wrap a ``check_*`` function for grading mode; outside it the wrapped check returns its result unchanged.

    In grading mode the check raises :class:`CheckFailed` when its result did not pass; when it
    passed, it prints its line and returns None. A grader reads a cell's errors, and nbgrader also
    reads a cell's shown value (a number there is a partial score) and its stderr (any there scores
    0), so in grading mode the check's own warnings and stderr are held back and its line goes to
    stdout.

    Example:
        >>> check_four = graded(lambda answer: report(answer == 4, "Exercise 1", "two and two"))
        >>> check_four(5)
        Exercise 1: not yet. Hint: two and two
        >>> set_grading(True)
        >>> check_four(4)
        Exercise 1: correct.
        >>> check_four(5)
        Traceback (most recent call last):
        ...
        dcgan_keras.course.checks.core.CheckFailed: Exercise 1: not yet. Hint: two and two
        >>> set_grading(None)
    """
    if getattr(check, "__graded__", False):
        return check

    @functools.wraps(check)
    def run(*args, **kwargs):
        if not grading():
            return check(*args, **kwargs)
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            result = check(*args, **kwargs)
        if not isinstance(result, CheckResult):
            result = CheckResult(bool(result), f"{check.__name__}: {'correct.' if result else 'not yet.'}")
        if not result:
            raise CheckFailed(result)
        print(result.message)
        return None

    run.__graded__ = True
    return run


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
