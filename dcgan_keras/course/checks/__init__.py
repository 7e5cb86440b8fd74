"""Exercise checks: each ``check_*`` function prints a clear pass, or a hint, for one exercise.

``core`` holds the shared reporting and the grading mode; ``foundations`` the checks of notebooks
01-03, ``resampling`` of 04-05 and ``dcgan`` of 06-07. Every ``check_*`` exported here goes through
:func:`~dcgan_keras.course.checks.core.graded`, so that in grading mode a check that does not pass
raises :class:`~dcgan_keras.course.checks.core.CheckFailed` (notebooks import their checks from
here).
"""

from dcgan_keras.course.checks import core as _core
from dcgan_keras.course.checks import dcgan as _dcgan
from dcgan_keras.course.checks import foundations as _foundations
from dcgan_keras.course.checks import resampling as _resampling
from dcgan_keras.course.checks.core import *  # noqa: F401,F403

__all__ = list(_core.__all__)
for _module in (_foundations, _resampling, _dcgan):
    for _name in _module.__all__:
        _value = getattr(_module, _name)
        globals()[_name] = _core.graded(_value) if _name.startswith("check_") and callable(_value) else _value
        __all__.append(_name)
del _module, _name, _value
