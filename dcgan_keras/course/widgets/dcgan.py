"""Render function of notebook 06's explorer: slide a few latent coordinates, watch the digit change."""

import numpy as np

__all__ = ["latent_render"]


def latent_render(generate, z, dims, classify=None):
    """A render function for :func:`~dcgan_keras.course.widgets.core.explore` that redraws one generated digit.

    The returned function takes one keyword argument per dimension in ``dims``, named
    ``z<dim>`` (``z7=1.5`` sets coordinate 7 of the code to 1.5), and draws the digit the
    generator makes from ``z`` with those coordinates replaced, next to the classifier's
    probabilities for it.

    Args:
        generate: a function from float32 codes ``(n, d)`` to images ``(n, 28, 28[, 1])``
            in [-1, 1] (for example ``lambda c: generate_from_noise(generator, c)``).
        z: the starting code ``(d,)``.
        dims: the coordinates the sliders control.
        classify: a function from images to class probabilities ``(n, 10)``; default
            :func:`dcgan_keras.metrics.classifier_probabilities`; ``False`` for none.

    Returns:
        ``render(**{"z<dim>": value})`` returning a matplotlib ``Figure``.

    Example:
        >>> render = latent_render(lambda c: generate_from_noise(g, c), z, dims=[3, 7])  # doctest: +SKIP
        >>> explore(render, z3=FloatSlider(z[3], -3, 3), z7=FloatSlider(z[7], -3, 3))   # doctest: +SKIP
    """
    base = np.asarray(z, dtype=np.float32)
    if base.ndim != 1:
        raise ValueError(f"z must be one latent vector (d,), got shape {base.shape}")
    dims = [int(d) for d in dims]
    if not dims or any(not 0 <= d < base.size for d in dims):
        raise ValueError(f"dims must be coordinates between 0 and {base.size - 1}, got {dims}")
    if classify is None:
        from dcgan_keras.metrics import classifier_probabilities as classify

    def render(**values):
        import matplotlib.pyplot as plt

        unknown = set(values) - {f"z{d}" for d in dims}
        if unknown:
            raise TypeError(f"unexpected controls {sorted(unknown)}; name them z<dim> for dims {dims}")
        code = base.copy()
        for d in dims:
            code[d] = values.get(f"z{d}", base[d])
        image = np.asarray(generate(code[None]), dtype=np.float32)[0]
        panels = 3 if classify else 2
        fig, axes = plt.subplots(1, panels, figsize=(2.4 * panels, 2.3),
                                 gridspec_kw={"width_ratios": [1, 1.1, 1.3][:panels]})
        axes[0].imshow(np.squeeze(image), cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
        axes[0].set_xticks([])
        axes[0].set_yticks([])
        axes[0].grid(False)
        axes[1].barh([f"z[{d}]" for d in dims], [code[d] for d in dims], color="C0")
        axes[1].barh([f"z[{d}]" for d in dims], [base[d] for d in dims], color="none", edgecolor="grey")
        axes[1].set(xlim=(-3.5, 3.5), title="controlled coordinates")
        axes[1].title.set_fontsize(9)
        axes[1].tick_params(labelsize=9)
        if classify:
            probs = np.asarray(classify(np.clip(image, -1, 1)[None]), dtype=np.float64)[0]
            digit = int(np.argmax(probs))
            axes[2].bar(range(10), probs, color=["C1" if k == digit else "C0" for k in range(10)])
            axes[2].set(xticks=range(10), ylim=(0, 1), title=f"reads as {digit} ({probs[digit]:.2f})")
            axes[2].title.set_fontsize(9)
            axes[2].tick_params(labelsize=9)
            axes[0].set_title(f"a {digit}", fontsize=9)
        fig.tight_layout(pad=0.3)
        return fig

    return render
