"""The package's own helpers, which the public modules build on and users rarely import.

- ``validation``: argument checks with one clear message each.
- ``files``: atomic writes and writable-folder checks.
- ``acceleration``: precision policies, GPUs and ``tf.distribute`` strategies.
- ``determinism``: op determinism and seeding.
- ``classifier``: the small MNIST classifier behind the FID and digit coverage.
"""
