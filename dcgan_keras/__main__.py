"""``python -m dcgan_keras``: see :mod:`dcgan_keras.cli`."""

from dcgan_keras.cli import main

raise SystemExit(main())
