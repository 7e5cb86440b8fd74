"""The explorer of dcgan_keras.course.widgets.core: what a notebook saves when it displays one."""

import pytest

from dcgan_keras.course.widgets import WIDGET_VIEW_MIME, controls_caption, explore

widgets = pytest.importorskip("ipywidgets")


def render(k=3, mode="max"):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_title(f"{k} {mode}")
    return fig


def controls():
    return {"k": widgets.IntSlider(value=3, min=1, max=7, description="kernel"),
            "mode": widgets.Dropdown(options=[("largest", "max"), ("mean", "average")], value="max")}


def test_caption_names_every_starting_value():
    caption = controls_caption(controls())
    assert caption.startswith("Controls at kernel = 3, mode = largest:")
    assert "run the notebook" in caption
    assert controls_caption({"s": widgets.FloatSlider(value=0.2)}).startswith("Controls at s = 0.2:")


def test_saved_text_is_the_caption_not_the_widget_repr(monkeypatch):
    import IPython.display
    from IPython.core.formatters import DisplayFormatter

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *args, **kwargs: shown.append(args))
    box = explore(render, **controls())
    assert len(shown) == 1  # the still figure, before the controls
    bundle = box._repr_mimebundle_()
    assert bundle["text/plain"] == controls_caption(controls())
    assert bundle[WIDGET_VIEW_MIME]["model_id"] == box.model_id
    assert "VBox(" not in bundle["text/plain"]
    # IPython's formatter (what a kernel sends for the cell's last line) takes the same bundle
    data, _ = DisplayFormatter().format(box)
    assert not data or "VBox(" not in data.get("text/plain", "")
