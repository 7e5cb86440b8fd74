"""Interactive explorers that still show a figure where widgets cannot run.

``core`` holds :func:`explore`; the per-notebook explorers live in ``foundations``
(01-03), ``resampling`` (04-05) and ``dcgan`` (06).
"""

from dcgan_keras.widgets.core import *  # noqa: F401,F403
from dcgan_keras.widgets.dcgan import *  # noqa: F401,F403
from dcgan_keras.widgets.foundations import *  # noqa: F401,F403
from dcgan_keras.widgets.resampling import *  # noqa: F401,F403
