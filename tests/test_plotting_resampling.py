"""Smoke tests for dcgan_keras.course.plotting.resampling: every plot function returns a Figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from dcgan_keras.course.plotting import resampling  # noqa: E402
from dcgan_keras.course.transposed import conv_matrix, overlap_counts  # noqa: E402

RNG = np.random.default_rng(0)
PHOTO = RNG.integers(0, 256, size=(16, 16, 3)).astype(np.uint8)

CALLS = {
    "plot_matrices": lambda: resampling.plot_matrices([np.arange(16).reshape(4, 4), np.eye(2)], ["a", "b"],
                                                      windows=[(2, 2), None]),
    "plot_bilinear_positions": lambda: resampling.plot_bilinear_positions(2, 2),
    "plot_colour_histograms": lambda: resampling.plot_colour_histograms([PHOTO, PHOTO[::2, ::2]], ["a", "b"]),
    "plot_photos": lambda: resampling.plot_photos([PHOTO, PHOTO[::2, ::2] * 1.0], ["a", "b"]),
    "plot_stamps": lambda: resampling.plot_stamps(np.array([[1, 2], [3, 4]]), np.array([[0, 1], [2, 3]]), 1),
    "plot_conv_matrix": lambda: resampling.plot_conv_matrix(conv_matrix((3, 3), np.ones((2, 2)))),
    "plot_overlap_counts": lambda: resampling.plot_overlap_counts([overlap_counts(3, 3, 2), overlap_counts(3, 4, 2)],
                                                                  ["k3", "k4"]),
    "plot_responses": lambda: resampling.plot_responses([RNG.normal(size=(8, 8))] * 2, ["a", "b"]),
    "plot_scores": lambda: resampling.plot_scores({"a": 0.4, "b": 0.01}, errors={"a": 0.1, "b": 0.0}),
    "plot_image_rows": lambda: resampling.plot_image_rows({"x": RNG.uniform(-1, 1, (3, 28, 28, 1)),
                                                           "y": RNG.uniform(-1, 1, (3, 28, 28))}, ncols=4),
    "plot_score_history": lambda: resampling.plot_score_history({"a": [0.4, 0.1, 0.05], "b": [0.01, 0.0, 0.0]}),
}


def test_every_public_plot_is_covered():
    assert set(CALLS) == set(resampling.__all__)


def test_each_plot_returns_a_figure():
    for name, call in CALLS.items():
        fig = call()
        assert isinstance(fig, Figure), name
        plt.close(fig)


def test_plot_matrices_rejects_non_matrices():
    with pytest.raises(ValueError, match="2-D"):
        resampling.plot_matrices([np.ones(3)])
    with pytest.raises(ValueError, match="one title per image"):
        resampling.plot_colour_histograms([PHOTO], ["a", "b"])


def test_signed_matrices_get_a_colour_bar_and_figures_fit_the_page():
    fig = resampling.plot_matrices([np.ones((2, 2)), np.array([[1.0, -1.0], [0.5, -0.5]])], ["a", "b"])
    assert len(fig.axes) == 3  # two panels, one colour bar for the signed one
    plt.close(fig)
    fig = resampling.plot_matrices([np.ones((2, 2)), -np.ones((2, 2))], ["a", "b"], shared_scale=True)
    assert len(fig.axes) == 3  # one shared colour bar
    plt.close(fig)
    fig = resampling.plot_responses([RNG.normal(size=(8, 8))] * 3, ["a", "b", "c"], shared_scale=True)
    assert len(fig.axes) == 6  # a colour bar for every panel
    assert fig.get_size_inches()[0] <= resampling.MAX_WIDTH
    plt.close(fig)
    fig = resampling.plot_stamps(np.arange(9).reshape(3, 3), np.ones((3, 3)))
    assert fig.get_size_inches()[0] <= resampling.MAX_WIDTH + 1e-9
    plt.close(fig)


def test_zero_is_written_without_a_minus_sign():
    fig = resampling.plot_matrices([np.array([[1.0, -1e-9], [0.0, 0.5]])], ["a"], fmt=".2f")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "-0.00" not in texts and texts.count("0.00") == 2
    plt.close(fig)


def test_cumulative_histograms_mark_each_mean():
    fig = resampling.plot_colour_histograms([PHOTO, PHOTO[::2, ::2]], ["a", "b"], cumulative=True)
    first = fig.axes[0]
    assert len(first.lines) == 4  # two curves and two mean lines
    assert first.lines[0].get_ydata()[-1] == 1.0
    plt.close(fig)


def test_numbers_on_a_diverging_matrix_are_white_on_dark_cells():
    fig = resampling.plot_matrices([np.array([[1.0, -1.0], [0.0, 0.0]])], ["m"])
    colours = [text.get_color() for text in fig.axes[0].texts]
    assert colours == ["white", "white", "black", "black"]
    plt.close(fig)
