"""dcgan_keras: DCGAN building blocks, builders, a trainable ``keras.Model`` and its recipe, for Keras 3.

The library, what you import and may copy::

    import dcgan_keras
    from dcgan_keras import DCGAN, build_generator, build_discriminator, load_mnist, make_dataset

    gan = DCGAN(build_generator(), build_discriminator())
    gan.compile()
    gan.fit(make_dataset(load_mnist("embedded")[0]), epochs=5)

    generator = keras.saving.load_model("runs/dcgan/generator.keras")  # works after `import dcgan_keras`

Modules: ``layers`` (the blocks), ``models`` (generator and discriminator builders), ``losses``, ``gan``
(the ``DCGAN`` model), ``recipe`` (the settings, model and callbacks of the default run),
``data``, ``callbacks``, ``metrics`` (and the ``classifier`` behind it), ``latent`` (walks and
arithmetic in the noise space), ``images``, ``cli`` (``python -m dcgan_keras``). ``dcgan_keras.course``
holds what only the notebooks use.

Importing the package picks the TensorFlow backend for Keras (unless ``KERAS_BACKEND`` is set),
imports TensorFlow with its native start-up lines kept off the terminal (unless
``TF_CPP_MIN_LOG_LEVEL`` is 0 or 1) and registers the package's Keras classes, so that
``keras.saving.load_model`` finds them in a script, a notebook, a test runner or any ``python -m``
program; the public names load on first use. Import it before ``keras``. The one exception is the
package's own command line (``python -m dcgan_keras ...``, ``python -m dcgan_keras.course ...`` or
the ``dcgan-keras`` script): the interpreter's own command line (``sys.orig_argv``) says so, and
there ``--help`` answers without waiting for TensorFlow, while the commands that need the classes
call :func:`register_keras_classes`.
"""

import contextlib
import importlib
import os
import pathlib
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# TensorFlow's start-up lines are held back unless the user asked for its info or warning lines.
_QUIET = os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2").strip() not in ("0", "1")
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
_MODULES = ("layers", "models", "losses", "gan", "recipe", "data", "callbacks", "metrics", "latent", "images", "cli",
            "benchmark", "internal", "course")

__all__ = ["quick_mode", "register_keras_classes", "__version__", *_PUBLIC]


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


def _started_as_our_command_line(argv=None):
    """True when the interpreter was started to run this package's command line: ``python [options] -m
    dcgan_keras[.something] ...`` or the ``dcgan-keras`` script. ``argv`` defaults to ``sys.orig_argv``,
    the interpreter's own command line, which no program run by ``-m`` rewrites."""
    argv = list(sys.orig_argv if argv is None else argv)
    args = iter(argv[1:])
    for arg in args:
        if arg in ("-X", "-W", "--check-hash-based-pycs"):  # options that take a value
            next(args, None)
        elif arg[:2] in ("-X", "-W"):  # the value attached: -Wignore, -Ximporttime
            continue
        elif arg == "-c" or not arg.startswith("-") or arg == "-":
            return pathlib.Path(arg).name in ("dcgan-keras", "dcgan-keras.exe")  # a script, code or stdin
        elif not arg.startswith("--") and "m" in arg[1:]:  # -m NAME, -mNAME, or -Im NAME
            rest = arg[arg.index("m", 1) + 1:]
            module = rest or next(args, "")
            return module == "dcgan_keras" or module.startswith("dcgan_keras.")
    return False


_NATIVE_NOISE = ("WARNING: All log messages before absl::InitializeLog()", "cudart_stub.cc", "cuInit",
                 "cpu_feature_guard.cc", "To enable the following instructions", "oneDNN custom operations",
                 "Attempting to register factory for plugin")  # the last: TensorFlow 2.18's CUDA plugins


@contextlib.contextmanager
def _native_stderr_filtered():
    """Hold back what native code writes to file descriptor 2 meanwhile, then pass on all of it but
    TensorFlow's start-up lines (absl's pre-initialisation notice, the CUDA probe on a machine without
    a GPU, the CPU-instruction notice): Python's ``sys.stderr`` never sees those, so only the
    descriptor can catch them."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no descriptor 2 (some embedded interpreters)
        yield
        return
    with tempfile.TemporaryFile(mode="w+b") as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            kept = [line for line in held.read().decode(errors="replace").splitlines(keepends=True)
                    if not any(noise in line for noise in _NATIVE_NOISE)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


def register_keras_classes():
    """Register the package's Keras classes (define the layers and the GAN) for ``keras.saving.load_model``.

    ``import dcgan_keras`` calls it, except when the package's own command line runs (see the module's
    docstring); calling it again does nothing. It imports TensorFlow, quietly unless
    ``TF_CPP_MIN_LOG_LEVEL`` was 0 or 1 when the package was imported.
    """
    if "dcgan_keras.gan" in sys.modules and "dcgan_keras.layers" in sys.modules:
        return
    if _QUIET and "tensorflow" not in sys.modules:
        with _native_stderr_filtered():
            import tensorflow as tf

            tf.config.list_physical_devices("GPU")  # the CUDA probe, whose notice comes now, not later
    importlib.import_module("dcgan_keras.layers")
    importlib.import_module("dcgan_keras.gan")


if not _started_as_our_command_line():
    register_keras_classes()
