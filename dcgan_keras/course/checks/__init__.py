"""Exercise checks: each ``check_*`` function prints a clear pass, or a hint, for one exercise.

``core`` holds the shared reporting; ``foundations`` the checks of notebooks 01-03,
``resampling`` of 04-05 and ``dcgan`` of 06.
"""

from dcgan_keras.course.checks.core import *  # noqa: F401,F403
from dcgan_keras.course.checks.dcgan import *  # noqa: F401,F403
from dcgan_keras.course.checks.foundations import *  # noqa: F401,F403
from dcgan_keras.course.checks.resampling import *  # noqa: F401,F403
