"""The sample grid saved after every epoch, and its GIF (Keras has no callback that draws samples).

For TensorBoard's image tab, see :mod:`dcgan_keras.callbacks.tensorboard`.
"""

import math
import pathlib

import keras
import numpy as np

from dcgan_keras.images import make_gif, save_png

__all__ = ["SampleGrid"]


class SampleGrid(keras.callbacks.Callback):
    """Save a grid of samples from fixed noise after every epoch, as ``samples/epoch_0001.png``.

    The same noise every epoch shows how each sample evolves. At the end of training a
    GIF of all the grids so far (``samples.gif``) is written. The samples come from the
    model's ``sampler`` (a :class:`~dcgan_keras.gan.DCGAN`'s averaged generator, when it keeps one).

    Args:
        out_dir: the run's folder.
        n: number of samples (a square number makes a square grid).
        seed: seed of the fixed noise.
        scale: each pixel becomes ``scale`` x ``scale`` pixels in the PNG.
    """

    def __init__(self, out_dir, n=64, seed=1234, scale=2):
        super().__init__()
        self.out_dir = pathlib.Path(out_dir)
        self.folder = self.out_dir / "samples"
        self.n, self.seed, self.scale = n, seed, scale
        self.noise = None

    def grid_for(self, generator):
        from dcgan_keras.gan import generate_from_noise
        from dcgan_keras.images import image_grid

        if self.noise is None:
            latent_dim = generator.input_shape[-1]
            self.noise = np.random.default_rng(self.seed).standard_normal((self.n, latent_dim)).astype(np.float32)
        grid = image_grid(generate_from_noise(generator, self.noise), ncols=int(math.ceil(math.sqrt(self.n))))
        return np.kron(grid, np.ones((self.scale, self.scale, 1), np.uint8)) if self.scale > 1 else grid

    def on_train_begin(self, logs=None):
        self.folder.mkdir(parents=True, exist_ok=True)

    def on_epoch_end(self, epoch, logs=None):
        grid = self.grid_for(getattr(self.model, "sampler", self.model.generator))  # the averaged G, if kept
        save_png(grid, self.folder / f"epoch_{epoch + 1:04d}.png")
        save_png(grid, self.out_dir / "samples_latest.png")

    def on_train_end(self, logs=None):
        frames = sorted(self.folder.glob("epoch_*.png"))
        if frames:
            make_gif(frames, self.out_dir / "samples.gif")
