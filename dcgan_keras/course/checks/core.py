"""Shared reporting for exercise checks."""

__all__ = ["CheckResult", "report"]


class CheckResult:
    """The outcome of an exercise check: true when it passed, shown as one line of text."""

    def __init__(self, passed, message):
        self.passed = bool(passed)
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
