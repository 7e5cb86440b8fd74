"""A slider explorer that degrades to a still figure where widgets cannot run.

It uses only the controls of the ipywidgets package itself, and works with ipywidgets 7.7 (which
Colab has long shipped) as well as 8.
"""

import io
import sys

import matplotlib.pyplot as plt

__all__ = ["explore", "figure_to_png", "widgets_major_version"]

_colab_manager_enabled = False


def widgets_major_version():
    """The installed ipywidgets' major version (7 or 8), or None when ipywidgets is missing."""
    try:
        import ipywidgets
    except ImportError:
        return None
    return int(ipywidgets.__version__.split(".")[0])


def _prepare_colab():
    """In Colab with ipywidgets 8, turn on Colab's widget manager for that version (once).

    Colab's own front end renders the ipywidgets 7 controls; ipywidgets 8 controls need the
    manager that ``google.colab.output.enable_custom_widget_manager`` loads. Elsewhere, and with
    ipywidgets 7, nothing is done.
    """
    global _colab_manager_enabled
    if _colab_manager_enabled or "google.colab" not in sys.modules or (widgets_major_version() or 0) < 8:
        return
    try:
        from google.colab import output

        output.enable_custom_widget_manager()
    except (ImportError, AttributeError):
        return  # an older or newer Colab without it: the still figure stays
    _colab_manager_enabled = True


def figure_to_png(fig):
    """Render a matplotlib figure to PNG bytes and close it (so it is not shown twice)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def explore(render, **controls):
    """Show ``render(**values)`` and redraw it as the controls move.

    The figure for the controls' starting values is displayed first as an ordinary
    PNG, so a static notebook (GitHub, nbval, a PDF) still shows something useful.
    Where ipywidgets can run, the sliders below it redraw that same figure in place.

    Args:
        render: a function taking the controls' values as keyword arguments and
            returning a matplotlib ``Figure``.
        **controls: ipywidgets controls (``IntSlider``, ``Dropdown``, ...), one per
            keyword argument of ``render``.

    Returns:
        The ipywidgets ``VBox`` of controls (the last line of a cell displays it),
        or None when ipywidgets is missing.

    Works with ipywidgets 7.7 and 8: only ``value`` observers and a ``VBox`` are used.

    Example:
        >>> import ipywidgets as w
        >>> explore(lambda k: plot_something(k), k=w.IntSlider(3, 1, 7))  # doctest: +SKIP
    """
    from IPython.display import Image, display

    values = {name: control.value for name, control in controls.items()}
    handle = display(Image(figure_to_png(render(**values))), display_id=True)
    try:
        import ipywidgets
    except ImportError:
        return None
    _prepare_colab()

    def redraw(_change=None):
        current = {name: control.value for name, control in controls.items()}
        image = Image(figure_to_png(render(**current)))
        if handle is None:  # outside a notebook front end display() gives no handle to update
            display(image)
        else:
            handle.update(image)

    for control in controls.values():
        control.observe(redraw, names="value")
    return ipywidgets.VBox(list(controls.values()))
