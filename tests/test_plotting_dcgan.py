"""Tests of the figures of notebook 06 (dcgan_keras.course.plotting.dcgan)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from dcgan_keras.course.plotting import (  # noqa: E402
    plot_captioned_rows,
    plot_gan_history,
    plot_generator_losses,
    plot_grid_files,
    plot_neighbours,
    plot_noise_grids,
    plot_quality,
    quality_table,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _history(epochs=6, with_quality=True):
    rng = np.random.default_rng(0)
    history = {"d_loss": list(1.2 + 0.1 * rng.standard_normal(epochs)),
               "g_loss": list(0.9 + 0.1 * rng.standard_normal(epochs)),
               "d_real": list(rng.uniform(0.5, 0.8, epochs)), "d_fake": list(rng.uniform(0.2, 0.5, epochs))}
    if with_quality:
        history["fid"] = [300.0, None, 40.0, 12.0, None, 3.5][:epochs]
        history["classes_covered"] = [1, None, 6, 9, None, 10][:epochs]
    return history


def test_generator_losses_show_the_two_losses_and_their_gradients():
    fig = plot_generator_losses()
    left, right = fig.axes
    assert len(left.lines) == 2 and len(right.lines) == 2
    d, minimax_gradient = right.lines[0].get_data()
    np.testing.assert_allclose(minimax_gradient, d)  # |d log(1 - sigmoid(l)) / dl| = D
    np.testing.assert_allclose(right.lines[1].get_data()[1], 1 - d)
    np.testing.assert_allclose(left.lines[1].get_data()[1], -np.log(d))


def test_gan_history_draws_losses_and_d_outputs():
    fig = plot_gan_history(_history(), title="run")
    left, right = fig.axes
    assert [line.get_label() for line in left.lines[:2]] == ["D loss", "G loss"]
    np.testing.assert_allclose(right.lines[0].get_data()[1], _history()["d_real"])
    assert right.get_ylim() == (0.0, 1.0)


def test_gan_history_accepts_a_keras_history_and_refuses_other_logs():
    class FakeHistory:
        history = _history(3, with_quality=False)

    assert plot_gan_history(FakeHistory()) is not None
    with pytest.raises(ValueError, match="d_real"):
        plot_gan_history({"d_loss": [1.0], "g_loss": [1.0]})


def test_quality_skips_missing_epochs_and_draws_references():
    fig = plot_quality(_history(), references={"blur 0.75": 1.04, "blur 1.5": 66.3},
                       class_counts=[100, 90, 0, 110, 100, 100, 100, 100, 200, 100])
    fid_ax, covered_ax, bars_ax = fig.axes
    x, y = fid_ax.lines[0].get_data()
    assert list(x) == [1, 3, 4, 6] and list(y) == [300.0, 40.0, 12.0, 3.5]
    assert [line.get_ydata()[0] for line in fid_ax.lines[1:]] == [1.04, 66.3]
    assert fid_ax.get_yscale() == "log"
    assert list(covered_ax.lines[0].get_data()[1]) == [1, 6, 9, 10]
    assert len(bars_ax.patches) == 10


def test_quality_without_counts_has_two_panels_and_needs_fid():
    assert len(plot_quality(_history()).axes) == 2
    with pytest.raises(ValueError, match="QualityMonitor"):
        plot_quality(_history(with_quality=False))


def test_grid_files_show_and_crop(tmp_path):
    paths = []
    for k in range(3):
        path = tmp_path / f"epoch_{k}.png"
        Image.fromarray(np.full((40, 60), 50 * k, np.uint8)).save(path)
        paths.append(path)
    fig = plot_grid_files(paths, ["a", "b", "c"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c"]
    assert fig.axes[0].images[0].get_array().shape == (40, 60)
    cropped = plot_grid_files(paths[:1], crop=0.5)
    assert cropped.axes[0].images[0].get_array().shape == (20, 30)
    with pytest.raises(ValueError, match="no grid"):
        plot_grid_files([])
    with pytest.raises(ValueError, match="crop"):
        plot_grid_files(paths, crop=1.5)


def test_neighbours_pairs_samples_with_distances():
    rng = np.random.default_rng(0)
    samples, neighbours = rng.uniform(-1, 1, (2, 5, 28, 28, 1))
    fig = plot_neighbours(samples, neighbours, [1.0, 2.0, 3.0, 4.0, 5.5], reference=9.0)
    assert len(fig.axes) == 10
    assert fig.axes[9].get_xlabel() == "5.5"
    assert "9.0" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="one neighbour"):
        plot_neighbours(samples, neighbours[:3], [1.0] * 5)


def test_noise_grids_put_the_unchanged_code_in_the_middle():
    grids = [np.stack([np.full((28, 28), v / 10 - 0.4) for v in range(9)]) for _ in range(2)]
    fig = plot_noise_grids(grids, ["σ = 0.5", "σ = 1"])
    assert len(fig.axes) == 18
    middle = fig.axes[4].images[0].get_array()
    assert float(middle[0, 0]) == pytest.approx(-0.4)  # image 0
    assert fig.axes[1].get_title() == "σ = 0.5"
    with pytest.raises(ValueError, match="9 images"):
        plot_noise_grids([grids[0][:4]], ["x"])
    with pytest.raises(ValueError, match="one title"):
        plot_noise_grids(grids, ["x"])


def test_captioned_rows_handle_uneven_rows_and_uint8():
    rows = {"floats": np.zeros((3, 28, 28, 1)), "uint8": np.zeros((5, 28, 28), np.uint8)}
    fig = plot_captioned_rows(rows, {"uint8": list("abcde")})
    assert len(fig.axes) == 10
    assert fig.axes[5].get_title() == "a" and fig.axes[0].get_title() == ""
    assert not fig.axes[3].axison  # the short row's empty cells are hidden


def test_quality_table_aligns_numbers_and_blanks():
    text = quality_table([{"model": "a", "params": "1,234", "fid": 3.14159},
                          {"model": "longer name", "params": "56", "fid": 10.0},
                          {"model": "real"}])
    lines = text.splitlines()
    assert lines[0].split() == ["model", "params", "fid"]
    assert lines[1].endswith(" 3.14") and lines[2].endswith("10.00")
    assert lines[1].index("1,234") + 5 == lines[2].index("56") + 2  # right-aligned
    assert lines[3].strip() == "real"
    assert quality_table([{"a": 1, "b": "x"}], columns=["b"]) == "b\nx"
    with pytest.raises(ValueError, match="no rows"):
        quality_table([])


def test_quality_race_draws_one_line_per_run_and_the_references():
    from dcgan_keras.course.plotting import plot_quality_race

    runs = {"a": {"seconds": [5.0, 10.0, 15.0], "fid": [80.0, 20.0, 9.0]}, "b": {"seconds": [5.0, 10.0], "fid": [50.0, 5.0]}}
    fig = plot_quality_race(runs, {"blur 1 px": 3.6}, title="t")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines[:2]] == ["a", "b"]
    assert list(ax.lines[1].get_ydata()) == [50.0, 5.0] and ax.get_yscale() == "log"
    assert any("blur 1 px" in text.get_text() for text in ax.texts)
    with pytest.raises(ValueError, match="no runs"):
        plot_quality_race({})
    with pytest.raises(ValueError, match="2 times but 1 FIDs"):
        plot_quality_race({"bad": {"seconds": [1, 2], "fid": [3]}})


def test_digit_shares_mark_rare_digits_and_refuse_bad_counts():
    from dcgan_keras.course.plotting import plot_digit_shares

    fig = plot_digit_shares([100] * 9 + [20])
    bars = fig.axes[0].patches
    assert len(bars) == 10 and bars[9].get_height() == pytest.approx(20 / 920)
    assert bars[9].get_facecolor() != bars[0].get_facecolor()  # under 5%: drawn in another colour
    for bad in ([1, 2, 3], [0] * 10):
        with pytest.raises(ValueError, match="10 counts"):
            plot_digit_shares(bad)


def test_calibration_references_read_the_package_table():
    import json

    from dcgan_keras.course.plotting import calibration_references
    from dcgan_keras.metrics import CALIBRATION_PATH

    rows = {row["name"]: row["fid"] for row in json.loads(CALIBRATION_PATH.read_text())["rows"]}
    assert calibration_references(("0.75", "1")) == {"real digits blurred 0.75 px": rows["blur_0.75"],
                                                      "real digits blurred 1 px": rows["blur_1"]}
    with pytest.raises(ValueError, match="no blur row for sigma 9"):
        calibration_references(("9",))
