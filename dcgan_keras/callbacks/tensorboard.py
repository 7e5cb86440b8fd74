"""TensorBoard logs of a run: Keras's own ``TensorBoard`` callback for the losses, plus sample grids.

Keras's callback writes every scalar in the logs (the losses, D's outputs and, when measured, the
FID) but no images; :class:`SampleImages` adds the epoch's grid of samples from fixed noise.
"""

import pathlib

import keras

__all__ = ["SampleImages", "tensorboard_callbacks"]


class SampleImages(keras.callbacks.Callback):
    """Write a grid of samples from fixed noise to TensorBoard after every epoch (tab "Images").

    Args:
        log_dir: the TensorBoard folder.
        n: samples in the grid.
        seed: seed of the fixed noise.
    """

    def __init__(self, log_dir, n=36, seed=1234):
        super().__init__()
        self.log_dir, self.n, self.seed = pathlib.Path(log_dir), n, seed
        self.writer = None
        self.noise = None

    def on_epoch_end(self, epoch, logs=None):
        import numpy as np
        import tensorflow as tf

        from dcgan_keras.gan import generate_from_noise
        from dcgan_keras.images import image_grid

        generator = getattr(self.model, "sampler", None) or self.model.generator
        if self.noise is None:
            rng = np.random.default_rng(self.seed)
            self.noise = rng.standard_normal((self.n, generator.input_shape[-1])).astype(np.float32)
        if self.writer is None:
            self.writer = tf.summary.create_file_writer(str(self.log_dir / "samples"))
        grid = image_grid(generate_from_noise(generator, self.noise))
        with self.writer.as_default():
            tf.summary.image("samples", grid[None], step=epoch + 1)
        self.writer.flush()

    def on_train_end(self, logs=None):
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def tensorboard_callbacks(out_dir):
    """``[keras.callbacks.TensorBoard, SampleImages]`` logging to ``out_dir/tensorboard``.

    Place them after the :class:`~dcgan_keras.callbacks.QualityMonitor`, so that the FID is in the
    logs they write. View with ``tensorboard --logdir OUT/tensorboard``.
    """
    log_dir = pathlib.Path(out_dir) / "tensorboard"
    return [keras.callbacks.TensorBoard(log_dir=str(log_dir), write_graph=False, update_freq="epoch"),
            SampleImages(log_dir)]
