"""Interactive explorers that still show a figure where widgets cannot run.

``core`` holds :func:`explore`; the per-notebook explorers live in ``foundations``
(01-03), ``resampling`` (04-05) and ``dcgan`` (06).
"""

from dcgan_keras.course.widgets.core import *  # noqa: F401,F403
from dcgan_keras.course.widgets.dcgan import *  # noqa: F401,F403
from dcgan_keras.course.widgets.foundations import *  # noqa: F401,F403
from dcgan_keras.course.widgets.resampling import *  # noqa: F401,F403
