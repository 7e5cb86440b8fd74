"""Each figure of notebooks 01-03 draws and returns a matplotlib Figure."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from dcgan_keras.course.activations import relu, sigmoid, sigmoid_derivative
from dcgan_keras.course.normalization import simulate_running_estimates
from dcgan_keras.course.plotting import foundations as plots

rng = np.random.default_rng(0)
X = rng.normal(size=(64, 2)) * [1.0, 10.0]

FIGURES = [
    lambda: plots.plot_function_and_derivative(sigmoid, sigmoid_derivative, title="sigmoid"),
    lambda: plots.plot_activation_grid(),
    lambda: plots.plot_unit_outputs({"relu": relu(rng.normal(size=(20, 8)) - 1), "dead": np.zeros((20, 8))}),
    lambda: plots.plot_unit_activity({"relu": relu(rng.normal(size=(20, 8)) - 1), "dead": np.zeros((20, 8))}),
    lambda: plots.plot_gradient_norms({"sigmoid": [1e-6, 1e-3, 1.0], "relu": [0.5, 0.6, 0.7]}),
    lambda: plots.plot_gradient_norms({"tanh": [1.0, 2.0]}, title="tanh"),
    lambda: plots.plot_curves({"relu": [4.0, 4.0, 4.0], "leaky": [4.0, 1.0, 0.1]}, logy=True, title="t"),
    lambda: plots.plot_curves({"slope": [0.5, 0.6]}, xlabel="layer", first_x=1, marker="o"),
    lambda: plots.plot_value_range(rng.uniform(-1, 1, (28, 28, 1))),
    lambda: plots.plot_loss_surface(X, X @ [2.0, -1.0], title="raw"),
    lambda: plots.plot_activation_drift({"a": [rng.normal(size=50), rng.normal(1, size=50)],
                                         "b": [rng.normal(size=50)] * 2}, steps=[0, 10]),
    lambda: plots.plot_running_estimates(simulate_running_estimates(steps=20), 3.0, 4.0),
    lambda: plots.plot_loss_comparison({"plain": {"loss": [2, 1], "val_loss": [2.1, 1.2]},
                                        "bn": {"loss": [1.5, 0.5]}}),
    lambda: plots.plot_matrix(np.arange(9).reshape(3, 3), highlight=(0, 0, 2, 2), title="m"),
    lambda: plots.plot_convolution_step(rng.integers(0, 256, (5, 5)), np.array([[1, 0, -1]] * 3), 1, 2),
    lambda: plots.plot_convolution_step(rng.integers(0, 256, (5, 5)), np.ones((3, 3)), 1, 1, stride=2),
    lambda: plots.show_maps([rng.normal(size=(3, 3))] * 3, titles=list("abc"), symmetric=True),
    lambda: plots.show_maps([rng.normal(size=(28, 28))] * 10, ncols=5),
    lambda: plots.show_maps([rng.normal(size=(5, 5))] * 2, symmetric=[False, True], titles=["image", "edges"]),
    lambda: plots.plot_visit_counts(np.ones((5, 5), int), title="counts"),
    lambda: plots.plot_stride_tradeoff(),
]


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_every_plot_returns_a_figure():
    for make in FIGURES:
        fig = make()
        assert isinstance(fig, Figure)
        plt.close(fig)


def test_plots_reject_bad_input():
    for call in (lambda: plots.plot_matrix(np.zeros(3)),
                 lambda: plots.plot_loss_surface(np.zeros((4, 3)), np.zeros(4)),
                 lambda: plots.plot_activation_grid(["swish"]),
                 lambda: plots.plot_convolution_step(np.zeros((5, 5)), np.ones((3, 3)), 3, 0),
                 lambda: plots.plot_activation_drift({"a": [np.zeros(3)]}, steps=[0, 1]),
                 lambda: plots.plot_unit_activity({}),
                 lambda: plots.plot_unit_activity({"a": np.zeros(3)})):
        with pytest.raises(ValueError):
            call()
    plt.close("all")


def text_sizes(fig):
    """The font size of every non-empty text in ``fig`` (titles, labels, tick labels, legends, annotations)."""
    return [text.get_fontsize() for text in fig.findobj(match=lambda artist: hasattr(artist, "get_fontsize"))
            if getattr(text, "get_text", lambda: "")()]


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_text_is_at_least_9_points():
    for make in FIGURES:
        fig = make()
        assert min(text_sizes(fig), default=9) >= 9, make
        plt.close(fig)


def test_activation_panels_have_their_own_y_axis():
    fig = plots.plot_activation_grid()
    limits = {ax.get_ylim() for ax in fig.axes}
    assert len(limits) == len(fig.axes)  # sigmoid and tanh are not squashed to ReLU's range
    plt.close(fig)


def test_signed_maps_get_a_colour_bar():
    fig = plots.show_maps([rng.normal(size=(3, 3))] * 2, symmetric=[False, True])
    assert len(fig.axes) == 2 + 1  # two panels, and a colour bar for the signed one only
    assert sum(ax.get_label() == "<colorbar>" for ax in fig.axes) == 1
    plt.close(fig)


def test_unit_activity_marks_dead_units():
    outputs = np.zeros((10, 4))
    outputs[:5, 0] = 1.0
    fig = plots.plot_unit_activity({"layer": outputs})
    ax = fig.axes[0]
    assert "dead units: 75%" in ax.get_title()
    assert [round(p.get_height(), 2) for p in ax.patches] == [0.5, 0.0, 0.0, 0.0]
    assert len(ax.lines[0].get_xdata()) == 3  # one red cross per dead unit
    plt.close(fig)


def test_curves_can_start_at_any_x():
    fig = plots.plot_curves({"a": [3.0, 4.0, 5.0]}, first_x=1)
    assert list(fig.axes[0].lines[0].get_xdata()) == [1, 2, 3]
    plt.close(fig)


def test_numbers_on_heatmaps_read_on_dark_and_pale_cells():
    from dcgan_keras.course.plotting.core import text_colour_on

    fig = plots.plot_matrix(np.array([[-1.5, 0.0, 1.5]]), cmap="RdBu_r", vmin=-1.5, vmax=1.5)
    colours = [text.get_color() for text in fig.axes[0].texts]
    assert colours == ["white", "black", "white"]  # dark blue, near white, dark red
    shown = fig.axes[0].images[0]
    assert text_colour_on(shown, 0.1) == "black"
    plt.close(fig)
