"""Render functions for the explorers of notebooks 01-03.

Each takes the explorer's control values as keyword arguments and returns a
matplotlib ``Figure``; :func:`dcgan_keras.course.widgets.explore` wires it to sliders::

    explore(render_leaky_relu, negative_slope=w.FloatSlider(0.2, min=0, max=1), z_max=w.FloatSlider(5, ...))
"""

import numpy as np

__all__ = ["render_leaky_relu", "render_running_estimates", "render_conv_arithmetic"]


def render_leaky_relu(negative_slope=0.2, z_max=5.0):
    """LeakyReLU with ``negative_slope`` and its derivative over ``[-z_max, z_max]``, ReLU in grey.

    Used by the explorer of notebook 01.
    """
    import matplotlib.pyplot as plt

    from dcgan_keras.course.activations import leaky_relu, leaky_relu_derivative, relu

    if not z_max > 0:
        raise ValueError(f"z_max must be positive, got {z_max!r}")
    z = np.linspace(-z_max, z_max, 401)
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.4, 2.6))
    left.plot(z, relu(z), color="0.7", lw=3, label="ReLU")
    left.plot(z, leaky_relu(z, negative_slope), color="C0", lw=1.8, label=f"LeakyReLU({negative_slope:g})")
    left.set_title("activation", fontsize=10)
    left.legend(fontsize=9)
    right.plot(z, leaky_relu_derivative(z, negative_slope), color="C1", lw=1.8)
    right.set_ylim(-0.1, 1.1)
    right.set_title(f"derivative: {negative_slope:g} for z < 0, 1 for z > 0", fontsize=10)
    for ax in (left, right):
        ax.axhline(0, color="k", lw=0.5)
        ax.axvline(0, color="k", lw=0.5)
        ax.set_xlabel("z")
    fig.tight_layout()
    return fig


def render_running_estimates(momentum=0.99, batch_size=32, steps=300):
    """Batch and moving mean/variance of a feature (true mean 3, variance 4) over training steps.

    Used by the explorer of notebook 02: a higher momentum smooths more but adapts
    more slowly; a smaller batch makes each batch's statistics noisier.
    """
    from dcgan_keras.course.normalization import simulate_running_estimates
    from dcgan_keras.course.plotting.foundations import plot_running_estimates

    estimates = simulate_running_estimates(momentum=momentum, batch_size=int(batch_size), steps=int(steps),
                                           true_mean=3.0, true_std=2.0, seed=0)
    fig = plot_running_estimates(estimates, true_mean=3.0, true_variance=4.0)
    fig.suptitle(f"momentum {momentum:g}, batch size {int(batch_size)}: moving mean ends at "
                 f"{estimates['moving_mean'][-1]:.2f}, moving variance at {estimates['moving_variance'][-1]:.2f}",
                 fontsize=9)
    fig.tight_layout()
    return fig


def render_conv_arithmetic(image_size=7, kernel_size=3, stride=1, padding="valid"):
    """Output size and visit-count heatmap of a convolution on a square image.

    Used by the explorer of notebook 03. A kernel that does not fit gives a figure
    that says so instead of an error.
    """
    import matplotlib.pyplot as plt

    from dcgan_keras.course.conv_arithmetic import conv_multiply_adds, conv_output_size, visit_counts
    from dcgan_keras.course.plotting.foundations import plot_visit_counts

    try:
        size = conv_output_size(image_size, kernel_size, stride, padding)
        counts = visit_counts(image_size, kernel_size, stride, padding)
    except ValueError as exc:
        fig, ax = plt.subplots(figsize=(4.0, 1.2))
        ax.axis("off")
        ax.text(0.5, 0.5, str(exc), ha="center", va="center", wrap=True, fontsize=9)
        return fig
    fig, ax = plt.subplots(figsize=(0.35 * image_size + 1.6, 0.35 * image_size + 1.0))
    plot_visit_counts(counts, ax=ax)
    cost = conv_multiply_adds(image_size, kernel_size, stride, padding)
    unseen = int(np.sum(counts == 0))
    ax.set_title(f"{image_size}x{image_size} input, {kernel_size}x{kernel_size} kernel, stride {stride}, "
                 f"padding {padding!r}\noutput {size}x{size}, {cost} multiply-adds, {unseen} pixels never visited",
                 fontsize=9)
    fig.tight_layout()
    return fig
