"""The explorers' render functions of notebooks 01-03 return a Figure for a range of control values."""

import itertools

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from dcgan_keras.course.widgets import render_conv_arithmetic, render_leaky_relu, render_running_estimates


def figure(fig):
    assert isinstance(fig, Figure)
    plt.close(fig)


def test_render_leaky_relu():
    for slope, z_max in itertools.product([0.0, 0.2, 0.3, 1.0], [1.0, 5.0, 20.0]):
        figure(render_leaky_relu(negative_slope=slope, z_max=z_max))


def test_render_running_estimates():
    for momentum, batch_size in itertools.product([0.0, 0.9, 0.999], [1, 32, 256]):
        figure(render_running_estimates(momentum=momentum, batch_size=batch_size, steps=100))


def test_render_conv_arithmetic():
    cases = itertools.product([3, 8], [1, 3, 5], [1, 2, 4], ["valid", "same", 1])
    for size, kernel, stride, padding in cases:
        figure(render_conv_arithmetic(image_size=size, kernel_size=kernel, stride=stride, padding=padding))
    # a kernel larger than the image says so in the figure instead of raising
    fig = render_conv_arithmetic(image_size=3, kernel_size=5, stride=1, padding="valid")
    assert "larger" in fig.axes[0].texts[0].get_text()
    plt.close(fig)
