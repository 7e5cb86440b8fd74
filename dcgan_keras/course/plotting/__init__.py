"""Figures for the course: the plotting code that notebooks would otherwise repeat.

``core`` holds image grids and training curves; ``foundations`` the figures of
notebooks 01-03; ``resampling`` those of notebooks 04-05; ``dcgan`` those of notebook 06.
"""

from dcgan_keras.course.plotting.core import *  # noqa: F401,F403
from dcgan_keras.course.plotting.dcgan import *  # noqa: F401,F403
from dcgan_keras.course.plotting.foundations import *  # noqa: F401,F403
from dcgan_keras.course.plotting.resampling import *  # noqa: F401,F403
