"""What only the course's notebooks use: the hand-built NumPy lessons, figures, explorers and exercise checks.

The library (``dcgan_keras`` itself: layers, models, the GAN, data, callbacks, metrics, the
command line) never imports anything from here; everything here may import the library.

- ``activations``, ``normalization``, ``conv_arithmetic``, ``pooling``, ``transposed``: the
  NumPy versions that notebooks 01-05 build step by step and check against Keras.
- ``variants``: architectures that notebook 07 compares with the DCGAN.
- ``notebook``: the call every notebook's setup cell makes.
- ``plotting``, ``widgets``, ``checks``: figures, slider explorers and exercise checks.
"""
