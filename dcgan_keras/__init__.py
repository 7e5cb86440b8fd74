"""dcgan_keras: DCGAN building blocks, builders, a trainable ``keras.Model`` and its recipe, for Keras 3.

The library, what you import and may copy::

    import dcgan_keras
    from dcgan_keras import DCGAN, build_generator, build_discriminator, load_mnist, make_dataset

    gan = DCGAN(build_generator(), build_discriminator())
    gan.compile()
    gan.fit(make_dataset(load_mnist("embedded")[0]), epochs=5)

    generator = keras.saving.load_model("runs/dcgan/generator.keras")  # works after `import dcgan_keras`

Modules: ``layers`` (the blocks), ``models`` (generator and discriminator builders), ``gan`` (the
``DCGAN`` model and its losses), ``recipe`` (the settings, model and callbacks of the default run),
``data``, ``callbacks``, ``metrics`` (and the ``classifier`` behind it), ``latent`` (walks and
arithmetic in the noise space), ``images``, ``cli`` (``python -m dcgan_keras``). ``dcgan_keras.course``
holds what only the notebooks use.

Importing the package picks the TensorFlow backend for Keras (unless ``KERAS_BACKEND`` is set),
quietens TensorFlow's C++ start-up logs (unless ``TF_CPP_MIN_LOG_LEVEL`` is set) and registers the
package's Keras classes, so that ``keras.saving.load_model`` finds them; the public names load on
first use. Import it before ``keras``.
"""

import importlib
import os
import pathlib
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"

QUICK_ENV = "DCGAN_KERAS_QUICK"

#: Public name -> the module that defines it.
_PUBLIC = {
    "DCGAN": "gan", "generate_from_noise": "gan", "default_optimizer": "gan",
    "build_generator": "models", "build_discriminator": "models", "load_generator": "models",
    "UpBlock": "layers", "DownBlock": "layers", "ResizeConvBlock": "layers",
    "load_mnist": "data", "make_dataset": "data", "scale_images": "data", "unscale_images": "data",
    "TRAINING_DEFAULTS": "recipe", "PAPER_SETTINGS": "recipe", "training_config": "recipe",
    "make_gan": "recipe", "make_callbacks": "recipe",
    "fid_mnist": "metrics", "quality_report": "metrics",
}
_MODULES = ("layers", "models", "gan", "recipe", "data", "callbacks", "metrics", "latent", "images", "cli",
            "benchmark", "internal", "course")

__all__ = ["quick_mode", "__version__", *_PUBLIC]


def quick_mode():
    """True when the ``DCGAN_KERAS_QUICK`` environment variable asks for short runs (CI sets it)."""
    return os.environ.get(QUICK_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def __getattr__(name):
    if name in _PUBLIC:
        value = getattr(importlib.import_module(f"dcgan_keras.{_PUBLIC[name]}"), name)
        globals()[name] = value
        return value
    if name in _MODULES:
        return importlib.import_module(f"dcgan_keras.{name}")
    raise AttributeError(f"module 'dcgan_keras' has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_PUBLIC, *_MODULES})


def _for_the_command_line():
    """True while ``python -m dcgan_keras ...`` or the ``dcgan-keras`` script imports the package: their
    ``--help`` must not wait for TensorFlow, and the commands that load models import the classes."""
    argv = getattr(sys, "argv", None) or [""]
    return argv[0] == "-m" or pathlib.Path(argv[0]).name == "dcgan-keras"


if not _for_the_command_line():
    # Registering the classes for .keras loading means defining them: the layers and the GAN.
    from dcgan_keras import gan as _gan  # noqa: E402,F401
    from dcgan_keras import layers as _layers  # noqa: E402,F401
