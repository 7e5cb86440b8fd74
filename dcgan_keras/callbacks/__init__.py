"""Keras callbacks for GAN training, one idea a module.

- :mod:`~dcgan_keras.callbacks.samples`: :class:`SampleGrid`, a grid of samples after every epoch, and a GIF.
- :mod:`~dcgan_keras.callbacks.logger`: :class:`MetricsLogger`, ``metrics.json`` and ``losses.png``.
- :mod:`~dcgan_keras.callbacks.checkpoint`: :class:`ResumableCheckpoint`, what ``--resume`` continues from.
- :mod:`~dcgan_keras.callbacks.safety`: :class:`StopOnNonFiniteLoss`.
- :mod:`~dcgan_keras.callbacks.quality`: :class:`QualityMonitor` (FID in the logs) and
  :class:`StopWhenQualityStalls` (Keras's ``EarlyStopping`` on it).
- :mod:`~dcgan_keras.callbacks.schedule`: :class:`TimeBudget` and :class:`LearningRateCooldown`.
- :mod:`~dcgan_keras.callbacks.progress`: :class:`ProgressBar` (tqdm).
- :mod:`~dcgan_keras.callbacks.tensorboard`: Keras's ``TensorBoard`` plus sample grids.

Every file is written atomically, and every callback picks up where a resumed run left off.
:func:`dcgan_keras.recipe.make_callbacks` puts them together in the order the default run uses.
"""

from dcgan_keras.callbacks.checkpoint import CheckpointError, ResumableCheckpoint
from dcgan_keras.callbacks.logger import MetricsLogger
from dcgan_keras.callbacks.progress import ProgressBar
from dcgan_keras.callbacks.quality import QualityMonitor, StopWhenQualityStalls
from dcgan_keras.callbacks.safety import NonFiniteLossError, StopOnNonFiniteLoss
from dcgan_keras.callbacks.samples import SampleGrid
from dcgan_keras.callbacks.schedule import LearningRateCooldown, TimeBudget
from dcgan_keras.callbacks.tensorboard import SampleImages, tensorboard_callbacks

__all__ = [
    "CheckpointError",
    "LearningRateCooldown",
    "MetricsLogger",
    "NonFiniteLossError",
    "ProgressBar",
    "QualityMonitor",
    "ResumableCheckpoint",
    "SampleGrid",
    "SampleImages",
    "StopOnNonFiniteLoss",
    "StopWhenQualityStalls",
    "TimeBudget",
    "tensorboard_callbacks",
]
