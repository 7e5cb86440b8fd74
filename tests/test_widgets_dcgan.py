"""Tests of notebook 06's explorer render function (dcgan_keras.course.widgets.dcgan)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dcgan_keras.course.widgets import explore, latent_render  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


class Recorder:
    """A fake generator: remembers the codes it was given and draws a digit-sized image from them."""

    def __init__(self):
        self.codes = []

    def __call__(self, codes):
        self.codes.append(np.array(codes))
        return np.tanh(np.full((len(codes), 28, 28, 1), codes.sum(axis=1)[:, None, None, None] / 10))


def test_render_replaces_only_the_controlled_coordinates():
    generate, z = Recorder(), np.arange(6, dtype=np.float32)
    render = latent_render(generate, z, dims=[1, 4], classify=False)
    fig = render(z1=-2.0, z4=3.0)
    np.testing.assert_array_equal(generate.codes[-1], [[0, -2, 2, 3, 3, 5]])
    assert len(fig.axes) == 2
    render()  # no values: the starting code
    np.testing.assert_array_equal(generate.codes[-1], [z])
    np.testing.assert_array_equal(z, np.arange(6))  # the caller's code is not modified


def test_render_shows_the_classifier_reading():
    def classify(images):
        probs = np.full((len(images), 10), 0.01)
        probs[:, 7] = 0.91
        return probs

    fig = latent_render(Recorder(), np.zeros(4), dims=[0], classify=classify)(z0=1.0)
    assert len(fig.axes) == 3
    assert fig.axes[2].get_title() == "reads as 7 (0.91)"
    assert fig.axes[0].get_title() == "a 7"


def test_render_with_the_real_classifier_and_a_keras_generator():
    from dcgan_keras.gan import generate_from_noise
    from dcgan_keras.models import build_generator

    generator = build_generator(latent_dim=8, base_filters=4)
    render = latent_render(lambda c: generate_from_noise(generator, c), np.zeros(8), dims=[2, 5])
    fig = render(z2=1.5, z5=-1.0)
    assert fig.axes[2].get_title().startswith("reads as ")
    assert len(fig.axes[2].patches) == 10


def test_render_refuses_unknown_controls_and_bad_dims():
    render = latent_render(Recorder(), np.zeros(4), dims=[0, 1], classify=False)
    with pytest.raises(TypeError, match="z<dim>"):
        render(z3=1.0)
    with pytest.raises(ValueError, match="dims"):
        latent_render(Recorder(), np.zeros(4), dims=[4])
    with pytest.raises(ValueError, match="dims"):
        latent_render(Recorder(), np.zeros(4), dims=[])
    with pytest.raises(ValueError, match="one latent vector"):
        latent_render(Recorder(), np.zeros((2, 4)), dims=[0])


def test_explore_redraws_when_a_slider_moves(monkeypatch):
    widgets = pytest.importorskip("ipywidgets")
    import IPython.display

    class Handle:
        updates = 0

        def update(self, _image):
            Handle.updates += 1

    monkeypatch.setattr(IPython.display, "display", lambda *args, **kwargs: Handle())  # no kernel here
    generate = Recorder()
    render = latent_render(generate, np.zeros(4), dims=[3], classify=False)
    slider = widgets.FloatSlider(value=0.0, min=-3, max=3)
    box = explore(render, z3=slider)
    assert box is not None and len(generate.codes) == 1
    slider.value = 2.5
    assert len(generate.codes) == 2 and Handle.updates == 1
    np.testing.assert_array_equal(generate.codes[-1], [[0, 0, 0, 2.5]])
